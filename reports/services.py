"""The half-year evaluation: rollup, review (appeals), publication.

Definitions (a period P = [start, end], local dates, Asia/Shanghai):

- **as of**: the end of P (midnight after ``end``), or ``now`` for an early rollup (``force``);
  every figure is what was true at that moment, so a late rollup counts like a punctual one.
- **Counted assignment**: active, of an active task of a document of P's jurisdiction, created
  before *as of*, and not already done before P started (a task finished last year does not
  count again). Lead and support assignments both count; each is one "task assigned".
- **Done**: task closed (``closed_at``) before *as of*, or a 100 % report accepted
  (``reviewed_at``) before *as of* — frozen at the period end, later closures do not count.
- **Overdue**: not done and its evaluation due date (``evaluation_due_date``, else
  ``due_date``) is before the cutoff day (the day after ``end``, or today for an early
  rollup), i.e. the deadline passed without the work being done.
- **Reports due**: the reporting periods of a counted assignment (``tracker.periods``, holiday
  calendar included) whose report is due within [start, cutoff day), and not after the day the
  assignment was done. These depend on the holiday calendar, which SQL cannot compute, so they
  are stored per assignment as ``ReportingPeriod`` rows, kept current by the workflow
  services (``states.refresh_assignments``), and counted in SQL against ProgressReport.
- **On time**: the report of that reporting period was first submitted (``first_submitted_at``,
  local date) on or before its due day; **late**: first submitted after it but before *as of*;
  **missing**: not submitted before *as of*. A report returned for rework still counts by its
  first submission.
- **Target attainment**: for each counted assignment and each target of its clause, the value
  reported in the latest submitted report carrying that target; attainment per target is
  min(actual ÷ target, 1) for "at least", min(target ÷ actual, 1) for "at most" (1 when the
  actual is at or below the target) and min ÷ max of the two for "equal to"; the figure is
  the mean over those pairs, NULL without any actual.
- **Rates and score**: see ``reports.scoring``.

Every figure is aggregated in SQL (``Count(filter=…)``, a ``Sum`` of a ``Case``, an
anti-join), grouped by (unit, document); a unit's overall row sums its document rows. The
rows are computed on plain objects, not model instances, and written in bulk: by COPY on
PostgreSQL (``_write_snapshots``), by Django's bulk writes in batches of ``BATCH`` elsewhere;
a row whose figures did not change is not written. The query count is constant whatever the
data size (on SQLite, apart from those batches). ``benchmarks/floor.py`` is the same
computation as one hand-written query, the benchmark's yardstick for this code.
"""

import operator
from contextlib import nullcontext
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FloatField,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, Least, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Jurisdiction
from clauses.choices import Comparator
from tracker import audit
from tracker.attachments import check_attachment
from tracker.errors import Conflict, DomainError, NotAllowed
from tracker.models import Assignment, ReportingPeriod, TargetActual
from tracker.services.access import is_member, require_supervisor
from tracker.services.common import today_of
from tracker.workdays import add_working_days

from . import scoring
from .choices import CORRECTABLE_FIELDS, AppealStatus, PeriodStatus
from .models import (
    Appeal,
    EvaluationPeriod,
    EvaluationSnapshot,
    ScoreWeights,
    parse_period_code,
)

BATCH = 500
COUNT_FIELDS = (
    "tasks_assigned",
    "tasks_done",
    "tasks_overdue",
    "reports_due",
    "reports_on_time",
    "reports_late",
    "reports_missing",
)
FIGURE_FIELDS = (
    *COUNT_FIELDS,
    "on_time_rate",
    "completion_rate",
    "target_attainment",
    "score",
    "rank",
    "corrected",
    "correction_note",
)


def _midnight(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def get_period(*, jurisdiction: Jurisdiction, code: str, create: bool = False):
    """The jurisdiction's period for ``code`` (created as an empty draft when ``create``)."""
    start, end = parse_period_code(code)
    code = code.strip().upper()
    if create:
        period, _created = EvaluationPeriod.objects.get_or_create(
            jurisdiction=jurisdiction, code=code, defaults={"start": start, "end": end}
        )
        return period
    return EvaluationPeriod.objects.filter(jurisdiction=jurisdiction, code=code).first()


def default_weights() -> ScoreWeights:
    """The weights rollups use (the data migration creates them; recreated if deleted)."""
    weights = ScoreWeights.objects.filter(is_default=True).first()
    if weights is None:
        weights, _created = ScoreWeights.objects.get_or_create(
            name="default", defaults={"is_default": True}
        )
    return weights


# --- the rollup -----------------------------------------------------------------------------


class _Row:
    """A snapshot row being computed: the figures of an EvaluationSnapshot on a plain object
    (a model instance per row costs more than computing the row). ``_finish_row``,
    ``_apply_correction`` and ``_rank`` take it as they take a snapshot."""

    __slots__ = ("pk", "unit_id", "document_id", *FIGURE_FIELDS)

    def __init__(self, unit_id, document_id, tasks_assigned, tasks_done, tasks_overdue):
        self.pk, self.unit_id, self.document_id = None, unit_id, document_id
        self.tasks_assigned, self.tasks_done, self.tasks_overdue = (
            tasks_assigned,
            tasks_done,
            tasks_overdue,
        )
        self.reports_due = self.reports_on_time = self.reports_late = self.reports_missing = 0
        self.target_attainment = None
        self.corrected, self.correction_note = False, ""


_FIGURES = operator.attrgetter(*FIGURE_FIELDS)  # a row's values of FIGURE_FIELDS, in order


def _counted_assignments(period: EvaluationPeriod, *, start_at, as_of):
    return (
        Assignment.objects.filter(
            task__document__jurisdiction_id=period.jurisdiction_id,
            is_active=True,
            task__is_active=True,
            created_at__lt=as_of,
        )
        .annotate(eval_due=Coalesce("evaluation_due_date", "due_date"))
        # Explicit NULL tests: NOT (NULL < x) is NULL in SQL, which would drop the row.
        .filter(Q(task__closed_at__isnull=True) | Q(task__closed_at__gte=start_at))
        .filter(Q(accepted_at__isnull=True) | Q(accepted_at__gte=start_at))
    )


def _due_periods(period, *, start_at, cutoff_day, as_of):
    """The reporting periods of the counted assignments whose report fell due in the period
    and not after the day the assignment was done (see the module docstring): stored
    ``ReportingPeriod`` rows joined to their assignment, filtered in SQL."""
    closed_at, accepted_at = "assignment__task__closed_at", "assignment__accepted_at"
    return (
        ReportingPeriod.objects.filter(
            assignment__task__document__jurisdiction_id=period.jurisdiction_id,
            assignment__is_active=True,
            assignment__task__is_active=True,
            assignment__created_at__lt=as_of,
            due_on__gte=period.start,
            due_on__lt=cutoff_day,
        )
        .annotate(closed_day=TruncDate(closed_at), accepted_day=TruncDate(accepted_at))
        .filter(Q(**{f"{closed_at}__isnull": True}) | Q(**{f"{closed_at}__gte": start_at}))
        .filter(Q(**{f"{accepted_at}__isnull": True}) | Q(**{f"{accepted_at}__gte": start_at}))
        .filter(
            Q(**{f"{closed_at}__isnull": True})
            | Q(**{f"{closed_at}__gte": as_of})
            | Q(closed_day__gte=F("due_on"))
        )
        .filter(
            Q(**{f"{accepted_at}__isnull": True})
            | Q(**{f"{accepted_at}__gte": as_of})
            | Q(accepted_day__gte=F("due_on"))
        )
    )


def _attainment_expression():
    value, target = F("value"), F("target__value")
    one, zero = Value(1.0), Value(0.0)
    return Case(
        When(target__comparator=Comparator.GTE, value__gte=target, then=one),
        When(target__comparator=Comparator.GTE, target__value__gt=0, then=value * one / target),
        When(target__comparator=Comparator.LTE, value__lte=target, then=one),
        When(target__comparator=Comparator.LTE, value__gt=0, then=target * one / value),
        When(value=target, then=one),
        When(
            target__comparator=Comparator.EQ,
            value__gt=0,
            target__value__gt=0,
            then=Least(value, target) * one / Greatest(value, target),
        ),
        default=zero,
        output_field=FloatField(),
    )


def _aggregate(period, *, start_at, as_of, cutoff_day):
    """Run the grouped SQL aggregates; returns the rows (``_Row``, without pk or rates),
    each unit's overall row (document None) followed by its document rows."""
    assignments = _counted_assignments(period, start_at=start_at, as_of=as_of)

    done = Q(task__closed_at__lt=as_of) | Q(accepted_at__lt=as_of)
    # Not ``~done``: NOT (NULL < x) is NULL in SQL, so the NULL tests must be explicit.
    not_done = (Q(task__closed_at__isnull=True) | Q(task__closed_at__gte=as_of)) & (
        Q(accepted_at__isnull=True) | Q(accepted_at__gte=as_of)
    )
    overdue = not_done & Q(eval_due__lt=cutoff_day)
    task_figures = {
        "tasks_assigned": Count("id"),
        "tasks_done": Count("id", filter=done),
        "tasks_overdue": Count("id", filter=overdue),
    }
    # A report counts as sent if first submitted before *as of*: on or before its last day.
    last_day = timezone.localdate(as_of - timedelta(microseconds=1))
    dues = _due_periods(period, start_at=start_at, cutoff_day=cutoff_day, as_of=as_of).annotate(
        unit_id=F("assignment__unit_id"),
        document_id=F("assignment__task__document_id"),
    )
    sent = Q(sent_on__lte=last_day)
    report_figures = {
        "reports_due": Count("id"),
        "reports_on_time": Count("id", filter=sent & Q(sent_on__lte=F("due_on"))),
        "reports_late": Count("id", filter=sent & Q(sent_on__gt=F("due_on"))),
        "reports_missing": Count("id", filter=Q(sent_on__isnull=True) | Q(sent_on__gt=last_day)),
    }
    # The latest actual of each (assignment, target): no later submitted report carries that
    # target. An anti-join: the planner probes the few actuals by index, where comparing
    # each actual with a "latest report" subquery made it hash the whole report table.
    later_actual = TargetActual.objects.filter(
        report__assignment=OuterRef("report__assignment"),
        report__first_submitted_at__lt=as_of,
        report__period_start__gt=OuterRef("report__period_start"),
        target=OuterRef("target"),
    )
    actuals = (
        TargetActual.objects.filter(
            report__assignment__in=assignments.values("pk"),
            report__first_submitted_at__lt=as_of,
        )
        .filter(~Exists(later_actual))
        .annotate(attainment=_attainment_expression())
    )

    # One grouping per (unit, document); a unit's overall row sums its document rows (the
    # mean attainment from the sums and counts), so each aggregate runs once.
    rows: dict = {}
    for unit_id, document_id, assigned, done, overdue in (
        assignments.values("unit_id", "task__document_id")
        .annotate(**task_figures)
        .values_list("unit_id", "task__document_id", *task_figures)
        .order_by()
    ):
        rows[(unit_id, document_id)] = _Row(unit_id, document_id, assigned, done, overdue)
    for unit_id, document_id, due, on_time, late, missing in (
        dues.values("unit_id", "document_id")
        .annotate(**report_figures)
        .values_list("unit_id", "document_id", *report_figures)
        .order_by()
    ):
        if row := rows.get((unit_id, document_id)):
            row.reports_due, row.reports_on_time, row.reports_late = due, on_time, late
            row.reports_missing = missing
    attainment: dict = {}
    for unit_id, document_id, total, pairs in (
        actuals.values("report__assignment__unit_id", "report__assignment__task__document_id")
        .annotate(total=Sum("attainment"), pairs=Count("id"))
        .values_list(
            "report__assignment__unit_id",
            "report__assignment__task__document_id",
            "total",
            "pairs",
        )
        .order_by()
    ):
        if row := rows.get((unit_id, document_id)):
            row.target_attainment = scoring.as_rate(total / pairs)
            attainment[(unit_id, document_id)] = (total, pairs)
    # Each unit's overall row, then its document rows, by unit and document (the order of
    # the ids of new rows).
    ordered = []
    unit = None
    for key in sorted(rows):
        row = rows[key]
        if unit is None or unit.unit_id != row.unit_id:
            unit = _Row(row.unit_id, None, 0, 0, 0)
            unit_total, unit_pairs = 0.0, 0
            ordered.append(unit)
        unit.tasks_assigned += row.tasks_assigned
        unit.tasks_done += row.tasks_done
        unit.tasks_overdue += row.tasks_overdue
        unit.reports_due += row.reports_due
        unit.reports_on_time += row.reports_on_time
        unit.reports_late += row.reports_late
        unit.reports_missing += row.reports_missing
        if key in attainment:
            total, pairs = attainment[key]
            unit_total += total
            unit_pairs += pairs
            unit.target_attainment = scoring.as_rate(unit_total / unit_pairs)
        ordered.append(row)
    return ordered


def _finish_row(snapshot: EvaluationSnapshot, weights: dict) -> None:
    """Recompute the rates and the score of a row from its counts."""
    snapshot.on_time_rate = scoring.ratio(snapshot.reports_on_time, snapshot.reports_due)
    snapshot.completion_rate = scoring.ratio(snapshot.tasks_done, snapshot.tasks_assigned)
    snapshot.target_attainment = scoring.as_rate(snapshot.target_attainment)
    snapshot.score = scoring.score(
        weights=weights,
        tasks_assigned=snapshot.tasks_assigned,
        tasks_overdue=snapshot.tasks_overdue,
        reports_due=snapshot.reports_due,
        on_time_rate=snapshot.on_time_rate,
        completion_rate=snapshot.completion_rate,
        target_attainment=snapshot.target_attainment,
    )


def _rank(snapshots) -> None:
    """Rank overall rows among units, document rows within their document (ties share)."""
    groups: dict = {}
    for s in snapshots:
        groups.setdefault(s.document_id, []).append(s)
    for rows in groups.values():
        # By score descending, then unit: two stable sorts, cheaper than a composite key.
        rows.sort(key=operator.attrgetter("unit_id"))
        rows.sort(key=operator.attrgetter("score"), reverse=True)
        for s, rank in zip(rows, scoring.competition_ranks([s.score for s in rows]), strict=True):
            s.rank = rank


def _row_finisher(weights: dict):
    """``_finish_row`` for one rollup, memoized on the figures it reads: most rows share
    them (one task, a few reports), and the Decimal arithmetic is most of the per-row work."""
    done: dict = {}

    def finish(row) -> None:
        key = (
            row.tasks_assigned,
            row.tasks_done,
            row.tasks_overdue,
            row.reports_due,
            row.reports_on_time,
            row.target_attainment,
        )
        if key not in done:
            _finish_row(row, weights)
            done[key] = (row.on_time_rate, row.completion_rate, row.target_attainment, row.score)
        row.on_time_rate, row.completion_rate, row.target_attainment, row.score = done[key]

    return finish


def _write_snapshots(period: EvaluationPeriod, *, new: list, changed: list) -> None:
    """Insert the ``new`` rows and update the ``changed`` ones (rows with a pk) in place.

    On PostgreSQL through COPY: Django's bulk_create and bulk_update spend seconds per ten
    thousand rows on Python parameter handling (bulk_update also builds a CASE per row and
    field), which made writing slower than computing; the changed rows are copied into a
    temporary table and applied by one UPDATE. Elsewhere (SQLite: small installations and
    tests) Django's bulk operations.
    """
    if connection.vendor != "postgresql":
        EvaluationSnapshot.objects.bulk_update(
            [_snapshot(period, s) for s in changed], FIGURE_FIELDS, batch_size=BATCH
        )
        EvaluationSnapshot.objects.bulk_create(
            [_snapshot(period, s) for s in new], batch_size=BATCH
        )
        return
    meta, quote = EvaluationSnapshot._meta, connection.ops.quote_name
    table = quote(meta.db_table)
    columns = [quote(meta.get_field(name).column) for name in FIGURE_FIELDS]
    with connection.cursor() as cursor:
        if new:
            keys = [quote(meta.get_field(name).column) for name in ("period", "unit", "document")]
            period_id = period.pk
            rows = ((period_id, s.unit_id, s.document_id, *_FIGURES(s)) for s in new)
            _copy(cursor, table, [*keys, *columns], rows)
        if changed:
            changes = quote("evaluation_snapshot_changes")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {changes} AS SELECT id, {', '.join(columns)} "  # noqa: S608  # nosec B608
                f"FROM {table} WITH NO DATA"
            )
            _copy(cursor, changes, ["id", *columns], ((s.pk, *_FIGURES(s)) for s in changed))
            cursor.execute(
                f"UPDATE {table} AS s SET {', '.join(f'{c} = c.{c}' for c in columns)} "  # noqa: S608  # nosec B608
                f"FROM {changes} AS c WHERE s.id = c.id"
            )
            cursor.execute(f"DROP TABLE {changes}")


def _snapshot(period: EvaluationPeriod, row: _Row) -> EvaluationSnapshot:
    return EvaluationSnapshot(
        pk=row.pk,
        period=period,
        unit_id=row.unit_id,
        document_id=row.document_id,
        **dict(zip(FIGURE_FIELDS, _FIGURES(row), strict=True)),
    )


def _copy(cursor, table: str, columns: list, rows) -> None:
    """COPY ``rows`` into ``table`` (PostgreSQL), logged as one query where queries are."""
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    debug_sql = getattr(cursor, "debug_sql", None)  # Django's debug cursor (DEBUG, test capture)
    with (
        debug_sql(sql) if debug_sql else nullcontext(),
        cursor.db.wrap_database_errors,
        cursor.cursor.copy(sql) as copy,
    ):
        for row in rows:
            copy.write_row(row)


def rollup_period(
    *,
    period: EvaluationPeriod | None = None,
    jurisdiction: Jurisdiction | None = None,
    code: str | None = None,
    now,
    by=None,
    force: bool = False,
    ip_address=None,
    after_write=None,
) -> EvaluationPeriod:
    """Compute a period's snapshots in one transaction; returns the (draft) period.

    Give ``period``, or ``jurisdiction`` and ``code`` (the period is created on first use).
    A published period is refused (``period_published``): it needs an audited unpublish first.
    A period that has not ended is refused (``period_not_ended``) unless ``force``, which
    computes the figures as of ``now`` (a preview; the scheduled rollup recomputes it).

    Idempotent: snapshot rows are matched on (unit, document) and updated in place, so a
    re-run over the same data leaves every row, id included, identical (and writes none of
    them); rows of units no longer counted are deleted. Corrections decided on appeal are
    re-applied. A killed worker leaves the previous state: nothing is visible until the
    transaction commits. ``after_write`` is a hook called inside the transaction after the rows
    are written (fault-injection tests only).
    """
    if by is not None and not by.is_superuser:
        jurisdiction_id = period.jurisdiction_id if period else jurisdiction.pk
        require_supervisor(by, jurisdiction_id)
    with transaction.atomic():
        if period is None:
            period = get_period(jurisdiction=jurisdiction, code=code, create=True)
        period = EvaluationPeriod.objects.select_for_update().get(pk=period.pk)
        if period.is_published:
            raise Conflict(
                "period_published",
                _("{period} is published; an administrator must unpublish it first.").format(
                    period=period
                ),
            )
        start_at = _midnight(period.start)
        end_at = _midnight(period.end + timedelta(days=1))
        if now < end_at and not force:
            raise Conflict(
                "period_not_ended",
                _("{period} ends on {end}; it can be rolled up from the next day.").format(
                    period=period, end=period.end.isoformat()
                ),
            )
        if now <= start_at:
            raise DomainError(
                "period_not_started",
                _("{period} has not started yet.").format(period=period),
            )
        as_of = min(now, end_at)
        cutoff_day = period.end + timedelta(days=1) if now >= end_at else today_of(now)
        weights = default_weights().as_dict()

        snapshots = _aggregate(period, start_at=start_at, as_of=as_of, cutoff_day=cutoff_day)
        by_key = {(s.unit_id, s.document_id): s for s in snapshots}
        stored = {
            values[0]: values
            for values in period.snapshots.order_by().values_list(
                "pk", "unit_id", "document_id", *FIGURE_FIELDS
            )
        }
        stale = []
        for pk, unit_id, document_id, *_figures in stored.values():
            if s := by_key.get((unit_id, document_id)):
                s.pk = pk
            else:
                stale.append(pk)
        if stale and Appeal.objects.filter(snapshot_id__in=stale).exists():
            raise Conflict(
                "appealed_row_gone",
                _(
                    "A row that was appealed no longer has any task; restore the assignment or "
                    "ask an administrator to remove the appeal."
                ),
            )
        finish = _row_finisher(weights)
        for s in snapshots:
            finish(s)
        for appeal in Appeal.objects.filter(
            snapshot__period=period, status=AppealStatus.CORRECTED
        ).order_by("decided_at", "id"):
            _apply_correction(by_key, appeal.snapshot_id, appeal.corrections, appeal, weights)
        _rank(snapshots)

        EvaluationSnapshot.objects.filter(pk__in=stale).delete()
        _write_snapshots(
            period,
            new=[s for s in snapshots if s.pk is None],
            changed=[s for s in snapshots if s.pk and _FIGURES(s) != stored[s.pk][3:]],
        )

        period.computed_at, period.computed_by, period.as_of = now, by, as_of
        period.weights = weights
        period.appeal_deadline = add_working_days(
            today_of(now), settings.EVALUATION_APPEAL_WORKING_DAYS
        )
        period.save(
            update_fields=[
                "computed_at",
                "computed_by",
                "as_of",
                "weights",
                "appeal_deadline",
                "updated_at",
            ]
        )
        audit.record(
            action="period.rolled_up",
            obj=period,
            actor=by,
            after={
                "code": period.code,
                "as_of": as_of,
                "rows": len(snapshots),
                "units": sum(1 for s in snapshots if s.document_id is None),
                "weights": weights,
                "forced": now < end_at,
            },
            ip_address=ip_address,
        )
        if after_write is not None:
            after_write(period)
    return period


def _apply_correction(by_key, snapshot_id, corrections, appeal, weights) -> None:
    """Apply an appeal's corrections to its row, and count deltas to the unit's overall row."""
    by_id = {s.pk: s for s in by_key.values() if s.pk}
    target = by_id.get(snapshot_id)
    if target is None:
        return
    overall = by_key.get((target.unit_id, None)) if target.document_id else None
    for name, value in corrections.items():
        if name in COUNT_FIELDS and overall is not None:
            setattr(overall, name, getattr(overall, name) + int(value) - getattr(target, name))
        setattr(target, name, scoring.as_rate(value) if name == "target_attainment" else value)
    note = _("Corrected on appeal #{id}: {comment}").format(
        id=appeal.pk, comment=appeal.decision_comment
    )
    for row in (target, overall):
        if row is not None:
            row.corrected = True
            row.correction_note = "\n".join(filter(None, [row.correction_note, note]))
            _finish_row(row, weights)


# --- publication ----------------------------------------------------------------------------


def publish_period(
    *, period: EvaluationPeriod, by, now, before_deadline: bool = False, ip_address=None
) -> EvaluationPeriod:
    """Publish a computed period: its snapshots become immutable.

    Refused while an appeal is pending, and while the appeal window is open unless
    ``before_deadline`` (the supervisor waives the rest of the window; audited). ``by`` None
    is the server's operator (``manage.py rollup_period --publish``).
    """
    if by is not None:
        require_supervisor(by, period.jurisdiction_id)
    with transaction.atomic():
        period = EvaluationPeriod.objects.select_for_update().get(pk=period.pk)
        if period.is_published:
            raise Conflict(
                "period_published", _("{period} is already published.").format(period=period)
            )
        if period.computed_at is None:
            raise Conflict(
                "period_not_computed",
                _("{period} has not been rolled up yet.").format(period=period),
            )
        if period.as_of and period.as_of < _midnight(period.end + timedelta(days=1)):
            raise Conflict(
                "period_not_ended",
                _("{period} was computed before it ended; roll it up again first.").format(
                    period=period
                ),
            )
        if Appeal.objects.filter(snapshot__period=period, status=AppealStatus.PENDING).exists():
            raise Conflict("appeals_pending", _("Decide the pending appeals before publishing."))
        window_open = bool(period.appeal_deadline and today_of(now) <= period.appeal_deadline)
        if window_open and not before_deadline:
            raise Conflict(
                "appeal_window_open",
                _("Units may appeal until {date}; publish after that day.").format(
                    date=period.appeal_deadline.isoformat()
                ),
            )
        period.status, period.published_at, period.published_by = PeriodStatus.PUBLISHED, now, by
        period.save(update_fields=["status", "published_at", "published_by", "updated_at"])
        audit.record(
            action="period.published",
            obj=period,
            actor=by,
            after={"code": period.code, "before_appeal_deadline": window_open},
            ip_address=ip_address,
        )
    return period


def unpublish_period(
    *, period: EvaluationPeriod, by, reason: str, now, ip_address=None
) -> EvaluationPeriod:
    """Return a published period to draft so it can be recomputed (superuser only, audited)."""
    if not by.is_superuser:
        raise NotAllowed("not_superuser", _("Only an administrator can unpublish a period."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("reason_required", _("Give a reason for unpublishing."))
    with transaction.atomic():
        period = EvaluationPeriod.objects.select_for_update().get(pk=period.pk)
        if not period.is_published:
            raise Conflict(
                "period_not_published", _("{period} is not published.").format(period=period)
            )
        before = {
            "status": period.status,
            "published_at": period.published_at,
            "published_by": period.published_by_id,
        }
        period.status, period.published_at, period.published_by = PeriodStatus.DRAFT, None, None
        period.save(update_fields=["status", "published_at", "published_by", "updated_at"])
        audit.record(
            action="period.unpublished",
            obj=period,
            actor=by,
            before=before,
            after={"status": period.status, "reason": reason, "at": now},
            ip_address=ip_address,
        )
    return period


# --- appeals (复核/申诉) ----------------------------------------------------------------------


def file_appeal(
    *, snapshot: EvaluationSnapshot, by, reason: str, evidence=None, now, ip_address=None
) -> Appeal:
    """A unit objects to one of its rows, within the appeal window of a draft period.

    ``evidence`` is an optional uploaded file, checked by content like report attachments.
    """
    reason = (reason or "").strip()
    with transaction.atomic():
        snapshot = EvaluationSnapshot.objects.select_related("period", "unit").get(pk=snapshot.pk)
        period = snapshot.period
        if by.is_superuser or not is_member(by, snapshot.unit):
            raise NotAllowed(
                "not_your_unit",
                _("Only staff of {unit} can appeal its figures.").format(unit=snapshot.unit),
            )
        if period.is_published:
            raise Conflict("period_published", _("{period} is published.").format(period=period))
        if period.appeal_deadline is None or today_of(now) > period.appeal_deadline:
            raise Conflict(
                "appeal_window_closed",
                _("Appeals for {period} closed on {date}.").format(
                    period=period,
                    date=period.appeal_deadline.isoformat() if period.appeal_deadline else "—",
                ),
            )
        if not reason:
            raise DomainError("reason_required", _("Give a reason for the appeal."))
        checked = None
        if evidence is not None:
            checked = check_attachment(
                name=evidence.name, file=evidence, max_bytes=settings.ATTACHMENT_MAX_BYTES
            )
        if snapshot.appeals.filter(status=AppealStatus.PENDING).exists():
            raise Conflict("appeal_pending", _("An appeal on these figures is already pending."))
        try:
            with transaction.atomic():
                appeal = Appeal(snapshot=snapshot, filed_by=by, reason=reason)
                if checked is not None:
                    from django.core.files import File

                    appeal.evidence = File(evidence, name=checked.name)
                    appeal.evidence_name = checked.name
                appeal.save()
        except IntegrityError:
            raise Conflict(
                "appeal_pending", _("An appeal on these figures is already pending.")
            ) from None
        audit.record(
            action="appeal.filed",
            obj=appeal,
            actor=by,
            unit=snapshot.unit,
            after={"snapshot": snapshot.pk, "reason": reason, "evidence": appeal.evidence_name},
            ip_address=ip_address,
        )
    return appeal


def _clean_corrections(corrections, snapshot) -> dict:
    if not isinstance(corrections, dict) or not corrections:
        raise DomainError("corrections_required", _("Give the corrected figures."))
    clean = {}
    for name, value in corrections.items():
        if name not in CORRECTABLE_FIELDS:
            raise DomainError(
                "bad_correction", _("“{name}” cannot be corrected.").format(name=name), field=name
            )
        try:
            if name == "target_attainment":
                number = None if value in (None, "") else scoring.as_rate(value)
                if number is not None and not 0 <= number <= 1:
                    raise ValueError
                clean[name] = None if number is None else str(number)
            else:
                number = int(value)
                if number < 0 or str(number) != str(value).strip():
                    raise ValueError
                clean[name] = number
        except (TypeError, ValueError, ArithmeticError):
            raise DomainError(
                "bad_correction",
                _("“{value}” is not a valid value for {name}.").format(value=value, name=name),
                field=name,
            ) from None
    after = {name: getattr(snapshot, name) for name in COUNT_FIELDS} | clean
    if after["tasks_done"] > after["tasks_assigned"] or (
        after["tasks_overdue"] > after["tasks_assigned"]
    ):
        raise DomainError(
            "bad_correction", _("Tasks done or overdue cannot exceed the tasks assigned.")
        )
    if (
        after["reports_on_time"] + after["reports_late"] + after["reports_missing"]
        != (after["reports_due"])
    ):
        raise DomainError(
            "bad_correction", _("Reports on time, late and missing must add up to reports due.")
        )
    return clean


def decide_appeal(
    *,
    appeal: Appeal,
    by,
    uphold: bool,
    corrections: dict | None = None,
    comment: str = "",
    now,
    ip_address=None,
) -> Appeal:
    """The supervisor upholds the figures or corrects them (audited, noted on the row).

    A correction replaces the given figures of the appealed row and recomputes its rates and
    score; on a document row, count changes are carried to the unit's overall row too. Ranks
    of the period are recomputed. A later rollup re-applies the correction.
    """
    comment = (comment or "").strip()
    with transaction.atomic():
        appeal = (
            Appeal.objects.select_for_update()
            .select_related("snapshot__period", "snapshot__unit")
            .get(pk=appeal.pk)
        )
        period = appeal.snapshot.period
        require_supervisor(by, period.jurisdiction_id)
        if period.is_published:
            raise Conflict("period_published", _("{period} is published.").format(period=period))
        if appeal.status != AppealStatus.PENDING:
            raise Conflict("appeal_decided", _("This appeal has already been decided."))
        if uphold and corrections:
            raise DomainError("bad_correction", _("Upholding the figures takes no corrections."))
        snapshots = list(period.snapshots.select_for_update().order_by("pk"))
        by_key = {(s.unit_id, s.document_id): s for s in snapshots}
        target = next(s for s in snapshots if s.pk == appeal.snapshot_id)
        before = {
            name: getattr(target, name) for name in (*COUNT_FIELDS, "target_attainment", "score")
        }
        if uphold:
            appeal.status = AppealStatus.UPHELD
        else:
            if not comment:
                raise DomainError("comment_required", _("Explain the correction."))
            appeal.corrections = _clean_corrections(corrections, target)
            appeal.status = AppealStatus.CORRECTED
        appeal.decided_by, appeal.decided_at, appeal.decision_comment = by, now, comment
        appeal.save(
            update_fields=[
                "status",
                "corrections",
                "decided_by",
                "decided_at",
                "decision_comment",
                "updated_at",
            ]
        )
        if not uphold:
            _apply_correction(by_key, target.pk, appeal.corrections, appeal, period.weights)
            _rank(snapshots)
            EvaluationSnapshot.objects.bulk_update(snapshots, FIGURE_FIELDS, batch_size=BATCH)
        audit.record(
            action="appeal.decided",
            obj=appeal,
            actor=by,
            unit=target.unit,
            before=before,
            after={
                "status": appeal.status,
                "corrections": appeal.corrections,
                "comment": comment,
                "score": target.score,
            },
            ip_address=ip_address,
        )
    return appeal

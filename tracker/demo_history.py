"""A half-year of history for the demo: plans, progress reports and closures in 2026H1.

The seed documents are imported on the day ``load_demo`` runs, so without history the demo
has nothing to remind about, nothing to evaluate and empty dashboards. ``write_history``
backdates every assignment into the first half of 2026 and writes the reports its units would
have sent, at dates drawn from ``random.Random(seed)``: most on time, some late, some missing,
one assignment in ten finished by an accepted report at 100 %, one task in twenty closed in
May. The same seed on the same documents always writes the same rows.

These are bulk writes of demo data, not workflow: no audit event per row and no
notification. The stored status and light are recomputed through ``states`` at the end.
"""

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Case, CharField, DateField, IntegerField, Value, When
from django.utils import timezone

from accounts.choices import Role
from accounts.models import Membership, User
from clauses.models import Target
from tracker.choices import ReportStatus
from tracker.models import Assignment, ProgressReport, TargetActual, Task
from tracker.periods import periods

BATCH = 500
HISTORY_START = date(2026, 1, 1)
HISTORY_END = date(2026, 7, 1)  # reports are written for reporting periods due before this


@dataclass
class HistoryCounts:
    """What ``write_history`` wrote."""

    assignments: int = 0
    on_time: int = 0
    late: int = 0
    missing: int = 0
    accepted: int = 0
    reports: int = 0
    target_actuals: int = 0
    tasks_closed: int = 0
    skipped: bool = False


def aware(day: date, hour: int = 10) -> datetime:
    """``day`` at ``hour`` o'clock in the project's time zone."""
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def backdate(rng: random.Random, assignment_ids) -> None:
    """Give the assignments a 2026H1 plan: cycle, start, due date, created and received before."""
    cycles, dues, days = [], [], []
    for pk in assignment_ids:
        cycle = rng.choice(["monthly", "monthly", "quarterly", "once"])
        due = date(2026, 3, 1) + timedelta(days=rng.randrange(0, 300))
        cycles.append(When(pk=pk, then=Value(cycle)))
        dues.append(When(pk=pk, then=Value(due)))
        days.append(When(pk=pk, then=Value(rng.choice([5, 10, 15]))))
    for i in range(0, len(assignment_ids), BATCH):
        ids = assignment_ids[i : i + BATCH]
        Assignment.objects.filter(pk__in=ids).update(
            report_cycle=Case(*cycles[i : i + BATCH], output_field=CharField()),
            due_date=Case(*dues[i : i + BATCH], output_field=DateField()),
            original_due_date=Case(*dues[i : i + BATCH], output_field=DateField()),
            evaluation_due_date=Case(*dues[i : i + BATCH], output_field=DateField()),
            report_day=Case(*days[i : i + BATCH], output_field=IntegerField()),
            start_date=HISTORY_START,
            created_at=aware(date(2025, 12, 1)),
            received_at=aware(date(2025, 12, 3)),
            is_active=True,
        )


def _authors(assignment_ids) -> dict:
    """The staff member of each unit that has one, and a fallback author for the others."""
    units = Assignment.objects.filter(pk__in=assignment_ids).values("unit_id")
    by_unit = {
        m.unit_id: m.user_id
        for m in Membership.objects.filter(unit_id__in=units, role=Role.STAFF).order_by("-pk")
    }
    fallback = User.objects.order_by("pk").values_list("pk", flat=True).first()
    return {"by_unit": by_unit, "fallback": fallback}


def write_reports(rng: random.Random, assignment_ids, counts: HistoryCounts) -> None:
    """Reports of every reporting period due in 2026H1: 65 % on time, 20 % late, 15 % missing.

    The last report of one assignment in ten is accepted at 100 % (done); targets of the
    clause get an actual (50–120 % of the target) on the last report sent.
    """
    authors = _authors(assignment_ids)
    targets: dict = {}
    for t in Target.objects.only("id", "clause_id", "value"):
        targets.setdefault(t.clause_id, []).append(t)
    reports, actual_plan = [], []
    assignments = (
        Assignment.objects.filter(pk__in=assignment_ids)
        .select_related("task")
        .only(
            "id",
            "unit_id",
            "report_cycle",
            "report_day",
            "start_date",
            "due_date",
            "task__clause_id",
        )
        .order_by("pk")
    )
    for a in assignments.iterator(chunk_size=2000):
        owed = [
            p
            for p in periods(
                cycle=a.report_cycle, report_day=a.report_day, start=a.start_date, end=a.due_date
            )
            if p.due_on < HISTORY_END
        ]
        accept_last = rng.random() < 0.1
        author = authors["by_unit"].get(a.unit_id, authors["fallback"])
        last = None
        for i, p in enumerate(owed):
            roll = rng.random()
            if roll < 0.15:
                counts.missing += 1
                continue
            late = roll >= 0.80
            sent_day = p.due_on + timedelta(
                days=rng.randrange(1, 20) if late else -rng.randrange(0, 5)
            )
            done = accept_last and i == len(owed) - 1
            report = ProgressReport(
                assignment_id=a.pk,
                period_start=p.start,
                period_end=p.end,
                due_on=p.due_on,
                status=ReportStatus.ACCEPTED if done else ReportStatus.SUBMITTED,
                progress="按计划推进，本期完成阶段性工作。",
                percent=100 if done else rng.randrange(10, 90),
                author_id=author,
                submitted_at=aware(sent_day),
                first_submitted_at=aware(sent_day),
                reviewed_at=aware(sent_day + timedelta(days=2)) if done else None,
            )
            counts.late += late
            counts.on_time += not late
            counts.accepted += done
            reports.append(report)
            last = report
        if last is not None:
            for t in targets.get(a.task.clause_id, []):
                actual_plan.append((last, t, rng.uniform(0.5, 1.2)))
    ProgressReport.objects.bulk_create(reports, batch_size=BATCH)
    actuals = TargetActual.objects.bulk_create(
        [
            TargetActual(
                report=r,
                target=t,
                value=(t.value * Decimal(str(round(f, 2)))).quantize(Decimal("0.0001")),
            )
            for r, t, f in actual_plan
            if t.value is not None
        ],
        batch_size=BATCH,
    )
    counts.reports += len(reports)
    counts.target_actuals += len(actuals)


def close_some_tasks(rng: random.Random, task_ids, counts: HistoryCounts) -> None:
    """One task in twenty closed on 20 May 2026 (done within the period)."""
    closed = [pk for pk in task_ids if rng.random() < 0.05]
    Task.objects.filter(pk__in=closed).update(closed_at=aware(date(2026, 5, 20)))
    counts.tasks_closed += len(closed)


@transaction.atomic
def write_history(*, seed: int = 2026, today: date | None = None) -> HistoryCounts:
    """Backdate the demo into 2026H1 and write its reports; does nothing if any report exists.

    Returns what was written. ``today`` is the day the stored states are computed for
    (default: the local date), so the dashboards show the history as of now.
    """
    counts = HistoryCounts()
    if ProgressReport.objects.exists():
        counts.skipped = True
        return counts
    rng = random.Random(seed)  # noqa: S311 - demo data, reproducible on purpose  # nosec B311
    ids = list(
        Assignment.objects.filter(is_active=True, task__is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    counts.assignments = len(ids)
    backdate(rng, ids)
    write_reports(rng, ids, counts)
    task_ids = list(Task.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True))
    close_some_tasks(rng, task_ids, counts)
    from tracker.services.states import refresh_all_states

    refresh_all_states(today=today)
    return counts

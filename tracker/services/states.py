"""Status and light of assignments and tasks: the rules live here and only here.

Assignment status: done (task closed, or a fully complete report accepted), overdue (due date
passed), in progress (received or reported), else not started. Light: red when overdue or two
reporting cycles passed without a report; yellow when the last cycle's report is missing, a
report or the due date is within the warning window, or the unit is behind the expected
progress (序时进度) by more than the margin; green otherwise. A task is done when closed; its
status and light roll up its active assignments. The values are stored for fast lists and
refreshed by every workflow service and by the nightly scan.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone

from tracker.choices import Light, ReportStatus, Status
from tracker.models import Assignment, ProgressReport, ReportingPeriod, Task
from tracker.periods import period_owed, periods
from tracker.workdays import working_days_between

from .tallies import rebuild_tallies, refresh_tallies

REPORTED = (ReportStatus.SUBMITTED, ReportStatus.SIGNED_OFF, ReportStatus.ACCEPTED)
_LIGHT_RANK = {Light.GREEN: 0, Light.YELLOW: 1, Light.RED: 2}


class ReportRow(NamedTuple):
    """The fields of a progress report the state rules read (cheaper than a model row)."""

    pk: int
    assignment_id: int
    status: str
    percent: int | None
    period_start: date
    due_on: date
    first_submitted_at: datetime | None
    reviewed_at: datetime | None


def report_rows(assignment_ids) -> dict[int, list[ReportRow]]:
    """The reports of the given assignments, by assignment, in one query."""
    rows: dict[int, list[ReportRow]] = {pk: [] for pk in assignment_ids}
    for values in (
        ProgressReport.objects.filter(assignment_id__in=list(rows))
        .order_by()
        .values_list(*ReportRow._fields)
    ):
        rows[values[1]].append(ReportRow(*values))
    return rows


@dataclass(frozen=True)
class AssignmentState:
    status: str
    light: str
    percent: int | None
    last_report_id: int | None
    next_report_due: date | None
    missed_reports: int
    reports_sent: int = 0
    reports_on_time: int = 0
    accepted_at: object = None


def start_of(assignment: Assignment) -> date:
    """Where the assignment's periods and expected progress start."""
    return (
        assignment.start_date
        or assignment.task.start_date
        or timezone.localdate(assignment.created_at)
    )


def report_periods(assignment: Assignment, *, today: date):
    """The reporting periods of an assignment, up to its due date (or a year ahead)."""
    start = start_of(assignment)
    end = assignment.due_date or max(start, today) + timedelta(days=366)
    return periods(
        cycle=assignment.report_cycle,
        report_day=assignment.report_day,
        start=start,
        end=max(end, start),
    )


def expected_percent(*, start: date, due: date | None, today: date) -> int | None:
    """Linear expected progress (序时进度) from start to due date, 0–100; None without a due date."""
    if due is None:
        return None
    if today <= start:
        return 0
    if today >= due or due <= start:
        return 100
    return round(100 * (today - start).days / (due - start).days)


def assignment_state(
    assignment: Assignment, *, reports: list[ProgressReport], task_closed: bool, today: date
) -> AssignmentState:
    """Compute an assignment's status and light from its plan, its reports and the date."""
    sent = sorted(
        (r for r in reports if r.status in REPORTED), key=lambda r: r.period_start, reverse=True
    )
    latest = sent[0] if sent else None
    percent = latest.percent if latest else None
    done = task_closed or any(
        r.status == ReportStatus.ACCEPTED and r.percent == 100 for r in reports
    )
    reported_periods = {r.period_start for r in sent}
    all_periods = report_periods(assignment, today=today)
    missed = 0
    for period in reversed([p for p in all_periods if p.due_on < today]):
        if period.start in reported_periods:
            break
        missed += 1
    owed = period_owed(all_periods, today)
    next_due = owed.due_on if owed and owed.start not in reported_periods else None

    if done:
        status = Status.DONE
    elif assignment.due_date and today > assignment.due_date:
        status = Status.OVERDUE
    elif assignment.received_at or reports:
        status = Status.IN_PROGRESS
    else:
        status = Status.NOT_STARTED

    window = settings.WARNING_WORKING_DAYS
    if done:
        light = Light.GREEN
    elif status == Status.OVERDUE or missed >= 2:
        light = Light.RED
    elif (
        missed == 1
        or (assignment.due_date and working_days_between(today, assignment.due_date) <= window)
        or (next_due and working_days_between(today, next_due) <= window)
        or _behind(assignment, percent=percent, today=today)
    ):
        light = Light.YELLOW
    else:
        light = Light.GREEN
    sent_by_due = [r for r in reports if r.first_submitted_at is not None and r.due_on <= today]
    accepted = [
        r.reviewed_at
        for r in reports
        if r.status == ReportStatus.ACCEPTED and r.percent == 100 and r.reviewed_at
    ]
    return AssignmentState(
        accepted_at=min(accepted, default=None),
        reports_sent=len(sent_by_due),
        reports_on_time=sum(
            timezone.localdate(r.first_submitted_at) <= r.due_on for r in sent_by_due
        ),
        status=status,
        light=light,
        percent=percent,
        last_report_id=latest.pk if latest else None,
        next_report_due=None if done else next_due,
        missed_reports=0 if done else missed,
    )


def _behind(assignment: Assignment, *, percent: int | None, today: date) -> bool:
    expected = expected_percent(start=start_of(assignment), due=assignment.due_date, today=today)
    if expected is None:
        return False
    return expected - (percent or 0) > settings.PROGRESS_MARGIN_PERCENT


def task_state(task: Task, assignments: list[Assignment]) -> tuple[str, str]:
    """Roll a task's status and light up from its active assignments' stored values."""
    if task.closed_at:
        return Status.DONE, Light.GREEN
    active = [a for a in assignments if a.is_active]
    if not active:
        return Status.NOT_STARTED, Light.GREEN
    statuses = {a.status for a in active}
    if Status.OVERDUE in statuses:
        status = Status.OVERDUE
    elif statuses == {Status.NOT_STARTED}:
        status = Status.NOT_STARTED
    else:
        status = Status.IN_PROGRESS
    light = max((a.light for a in active), key=_LIGHT_RANK.__getitem__)
    return status, light


def refresh_assignments(assignments, *, today: date | None = None, tallies: bool = True) -> int:
    """Recompute and store the state of the given assignments (a queryset or ids) and their
    tasks, and (unless ``tallies`` is false) recount the dashboard tallies they belong to.

    A fixed number of queries whatever the count: assignments with their tasks and reports,
    then the tasks with their assignments. Returns the number of assignments whose state changed.
    """
    today = today or timezone.localdate()
    qs = (
        assignments
        if hasattr(assignments, "model")
        else Assignment.objects.filter(pk__in=list(assignments))
    )
    rows = list(qs.select_related("task"))
    reports = report_rows([a.pk for a in rows])
    changes: dict[tuple, list[int]] = {}
    for a in rows:
        state = assignment_state(
            a, reports=reports[a.pk], task_closed=bool(a.task.closed_at), today=today
        )
        values = (
            ("status", state.status),
            ("light", state.light),
            ("percent", state.percent),
            ("last_report_id", state.last_report_id),
            ("next_report_due", state.next_report_due),
            ("missed_reports", state.missed_reports),
            ("reports_sent", state.reports_sent),
            ("reports_on_time", state.reports_on_time),
            ("accepted_at", state.accepted_at),
        )
        if any(getattr(a, k) != v for k, v in values):
            changes.setdefault(values, []).append(a.pk)
    _update_grouped(Assignment, changes)
    sync_reporting_periods(rows, reports=reports, today=today)
    refresh_tasks({a.task_id for a in rows})
    if tallies:
        refresh_tallies(
            document_ids={a.task.document_id for a in rows}, unit_ids={a.unit_id for a in rows}
        )
    return sum(len(ids) for ids in changes.values())


def sync_reporting_periods(
    assignments: list[Assignment], *, reports: dict[int, list[ReportRow]], today: date
) -> None:
    """Store the reporting periods of the assignments' current plans (``ReportingPeriod``),
    each with the local date its report was first sent (``reports``: ``report_rows``).

    Writes only the difference: one query reads the stored periods, then one DELETE and one
    bulk INSERT at most, so an unchanged plan costs a read. Inactive assignments keep their
    periods (the evaluation skips them; reactivating needs no rebuild).
    """
    if not assignments:
        return
    sent = {
        (r.assignment_id, r.period_start): timezone.localdate(r.first_submitted_at)
        for rows in reports.values()
        for r in rows
        if r.first_submitted_at is not None
    }
    wanted = {
        (a.pk, p.start): (p.end, p.due_on, sent.get((a.pk, p.start)))
        for a in assignments
        for p in report_periods(a, today=today)
    }
    stored = {
        (pk, assignment_id, start): (end, due_on, sent_on)
        for pk, assignment_id, start, end, due_on, sent_on in ReportingPeriod.objects.filter(
            assignment__in=[a.pk for a in assignments]
        )
        .order_by()
        .values_list("pk", "assignment_id", "period_start", "period_end", "due_on", "sent_on")
    }
    keep, stale = set(), []
    for (pk, assignment_id, start), value in stored.items():
        if wanted.get((assignment_id, start)) == value:
            keep.add((assignment_id, start))
        else:
            stale.append(pk)
    for i in range(0, len(stale), 1000):
        ReportingPeriod.objects.filter(pk__in=stale[i : i + 1000]).delete()
    ReportingPeriod.objects.bulk_create(
        [
            ReportingPeriod(
                assignment_id=pk, period_start=start, period_end=end, due_on=due_on, sent_on=on
            )
            for (pk, start), (end, due_on, on) in wanted.items()
            if (pk, start) not in keep
        ],
        batch_size=1000,
    )


def _update_grouped(model, changes: dict[tuple, list[int]]) -> None:
    """One UPDATE per distinct set of values: most rows share a state, and Django's
    bulk_update builds a CASE per row and field, which costs far more in Python."""
    for values, ids in changes.items():
        for i in range(0, len(ids), 1000):
            model.objects.filter(pk__in=ids[i : i + 1000]).update(**dict(values))


def refresh_tasks(task_ids) -> None:
    """Recompute and store the rolled-up status and light of the given tasks."""
    tasks = list(
        Task.objects.filter(pk__in=list(task_ids)).prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.only("id", "task_id", "status", "light", "is_active"),
            )
        )
    )
    changes: dict[tuple, list[int]] = {}
    for task in tasks:
        status, light = task_state(task, list(task.assignments.all()))
        if (task.status, task.light) != (status, light):
            changes.setdefault((("status", status), ("light", light)), []).append(task.pk)
    _update_grouped(Task, changes)


def refresh_all_states(*, today: date | None = None, batch_size: int = 1000) -> int:
    """Recompute every active assignment in fixed batches, then every tally; returns how
    many assignments changed."""
    ids = list(
        Assignment.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True)
    )
    changed = sum(
        refresh_assignments(ids[i : i + batch_size], today=today, tallies=False)
        for i in range(0, len(ids), batch_size)
    )
    rebuild_tallies()
    return changed

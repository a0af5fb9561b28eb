"""Two years of work on the generated tasks: plans, receipts, reports, reviews, closures.

For each task: a start within three weeks of the document, a due date 12–36 months later, a
cycle (monthly mostly, some quarterly, half-yearly or once). For each of its assignments, one
report per reporting period due before "today" (``tracker.periods``, the holiday calendar
included) or before the task was closed: on time, late or missing at rates that depend on the
unit (most units diligent, a few not; about 70 % / 17 % / 13 % overall; a late report not sent
by "today" is missing). The report of a period that has ended but is not due yet is sent
early by the units that are on time. Reports are signed off where the task asks for it, most are
reviewed and accepted, a few returned and sent again. The last report of one assignment in ten
is accepted at 100 %; one task in twenty is closed. Stored states are computed with the rules
of ``tracker.services.states`` on the rows in memory, so the final refresh finds them right.
"""

import random
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.conf import settings

from tracker.choices import ReportCycle, ReportStatus
from tracker.models import Assignment, ProgressReport, ReportingPeriod, TargetActual, Task
from tracker.periods import periods
from tracker.services.states import AssignmentState, assignment_state, task_state

from . import words as w

# (share of units, on-time rate, late rate); the rest of their reports go missing.
UNIT_PROFILES = ((0.6, 0.82, 0.12), (0.3, 0.62, 0.22), (0.1, 0.42, 0.28))
CYCLES = (
    (ReportCycle.MONTHLY, 0.76),
    (ReportCycle.QUARTERLY, 0.14),
    (ReportCycle.HALF_YEARLY, 0.03),
    (ReportCycle.ONCE, 0.07),
)
DURATION_MONTHS = (12, 18, 24, 24, 30, 36, 36, 36)
RECEIVED_SHARE = 0.92
SIGN_OFF_SHARE = 0.2
DONE_SHARE = 0.10
CLOSED_SHARE = 0.05
REVIEWED_SHARE = 0.8
RETURNED_SHARE = 0.04


_DAYS = [timedelta(days=n) for n in range(32)]
_HOURS = [timedelta(hours=n) for n in range(64)]


def between(rng: random.Random, low: int, high: int) -> int:
    """rng.randint(low, high), several times faster (it runs a few times per report)."""
    return low + int((high - low + 1) * rng.random())


def unit_profile(rng: random.Random) -> tuple[float, float]:
    """(on-time rate, late rate) of one unit."""
    roll, acc = rng.random(), 0.0
    for share, on_time, late in UNIT_PROFILES:
        acc += share
        if roll < acc:
            return on_time, late
    return UNIT_PROFILES[-1][1:]


def report_length(rng: random.Random) -> int:
    """Characters of a progress text: log-normal around 180, clipped to 50–600 as real
    reports run (a line or two for a quiet month, a page for a busy one)."""
    return int(min(600, max(50, rng.lognormvariate(5.2, 0.5))))


@dataclass
class Context:
    """What every task of a run shares."""

    today: date
    supervisor_id: int
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo(settings.TIME_ZONE))
    unit_ids: list[int] = field(default_factory=list)  # by unit index
    leader_ids: list[int] = field(default_factory=list)  # by unit index
    staff_ids: list[list[int]] = field(default_factory=list)  # by unit index
    profiles: list[tuple[float, float]] = field(default_factory=list)  # by unit index

    def at(self, day: date, rng: random.Random) -> datetime:
        """A moment of office hours on ``day``."""
        minute = int(720 * rng.random())  # 08:00–19:59
        return datetime(day.year, day.month, day.day, 8 + minute // 60, minute % 60, tzinfo=self.tz)


@dataclass
class Rows:
    """Rows of one batch of documents, by table."""

    tasks: list[dict] = field(default_factory=list)
    assignments: list[dict] = field(default_factory=list)
    periods: list[dict] = field(default_factory=list)
    reports: list[dict] = field(default_factory=list)
    actuals: list[dict] = field(default_factory=list)
    on_time: int = 0
    late: int = 0
    missing: int = 0


def _month_end(day: date) -> date:
    nxt = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    return date(day.year + month // 12, month % 12 + 1, 1)


@cache
def _progress_bodies(count: int = 2048) -> list[str]:
    """Bodies of progress texts (after the opening that names the task, 11–45 characters),
    drawn once with the lengths of real reports: each report picks one instead of composing
    it, and opening plus body stay within 50–600 characters."""
    rng = random.Random("loadgen-progress")  # noqa: S311 - fixed phrases, not secrets  # nosec B311
    bodies = []
    for _ in range(count):
        closing = rng.choice(w.REPORT_CLOSINGS)
        length = max(40, report_length(rng) - 25) - len(closing) - 1
        parts, size = [], 0
        for action in rng.sample(w.REPORT_ACTIONS, len(w.REPORT_ACTIONS)):
            if size >= length:
                break
            part = action.format(x=rng.randint(2, 30), y=rng.randint(5, 300), p=rng.randint(20, 95))
            if size + len(part) > 555 - len(closing):
                break
            parts.append(part)
            size += len(part) + 1
        bodies.append("；".join(parts) + "。" + closing)
    return bodies


def _progress(rng: random.Random, title: str) -> str:
    bodies = _progress_bodies()
    opening = w.REPORT_OPENINGS[int(len(w.REPORT_OPENINGS) * rng.random())]
    return opening.format(title=title) + bodies[int(len(bodies) * rng.random())]


def _short(rng: random.Random, phrases, share: float) -> str:
    if rng.random() >= share:
        return ""
    if rng.random() < 0.5:
        return rng.choice(phrases) + "。"
    return rng.choice(phrases) + "；" + rng.choice(phrases) + "。"


def plan_task(rng: random.Random, *, issued_on: date, today: date) -> dict:
    """Start, due date, cycle, report day, sign-off and closure of one task."""
    start = issued_on + timedelta(days=rng.randrange(0, 21))
    due = _month_end(_add_months(start, rng.choice(DURATION_MONTHS)))
    cycle = rng.choices([c for c, _ in CYCLES], weights=[s for _, s in CYCLES])[0]
    closed = None
    if rng.random() < CLOSED_SHARE and (today - start).days > 120:
        closed = start + timedelta(days=rng.randrange(90, (today - start).days))
    return {
        "start_date": start,
        "due_date": due,
        "report_cycle": str(cycle),
        "report_day": rng.choice((5, 5, 10, 15)),
        "needs_sign_off": rng.random() < SIGN_OFF_SHARE,
        "closed_day": closed,
    }


def assignment_reports(
    rng: random.Random,
    ctx: Context,
    *,
    assignment: dict,
    unit_index: int,
    title: str,
    closed_day: date | None,
    ids,
    rows: Rows,
) -> list[dict]:
    """The reports of one assignment, appended to ``rows``; returns them."""
    stop = min(ctx.today, closed_day) if closed_day else ctx.today
    plan = periods(
        cycle=assignment["report_cycle"],
        report_day=assignment["report_day"],
        start=assignment["start_date"],
        end=assignment["due_date"],
    )
    owed = [p for p in plan if p.due_on < stop]
    # A period that has ended but whose report is not due yet: diligent units send it early.
    early = [p for p in plan[len(owed) : len(owed) + 1] if p.end < stop]
    on_time_rate, late_rate = ctx.profiles[unit_index]
    staff = ctx.staff_ids[unit_index]
    author = rng.choice(staff) if staff else ctx.leader_ids[unit_index]
    finish = rng.random() < DONE_SHARE
    span = max(1, (assignment["due_date"] - assignment["start_date"]).days)
    reports: list[dict] = []
    percent = 0
    for i, p in enumerate(owed + early):
        is_owed = i < len(owed)
        if not is_owed and finish:
            break  # finished with the last report owed: nothing more to send
        roll = rng.random()
        if roll < on_time_rate:
            sent = max(p.start, p.due_on - _DAYS[between(rng, 0, 5)])
        elif roll < on_time_rate + late_rate:
            sent = p.due_on + _DAYS[between(rng, 1, 29)]
        else:
            sent = None
        if sent is None or sent >= stop:
            # never sent, or late and not sent before today (or closure); counted only if due
            rows.missing += is_owed
            continue
        if is_owed:
            rows.late += sent > p.due_on
            rows.on_time += sent <= p.due_on
        done = finish and i == len(owed) - 1
        expected = 100 * (p.end - assignment["start_date"]).days / span
        percent = max(percent, min(95, max(5, round(expected + rng.gauss(-8, 12)))))
        reports.append(
            _report(
                rng,
                ctx,
                p,
                sent,
                100 if done else percent,
                done,
                title,
                author,
                unit_index,
                assignment,
            )
        )
    for report in reports:
        report["id"] = ids.take(ProgressReport)
    rows.reports += reports
    # The stored schedule the evaluation counts against, with the local day each period's
    # report was first sent (what states.sync_reporting_periods stores).
    sent_on = {r["period_start"]: r["first_submitted_at"].date() for r in reports}
    rows.periods += [
        {
            "id": ids.take(ReportingPeriod),
            "assignment_id": assignment["id"],
            "period_start": p.start,
            "period_end": p.end,
            "due_on": p.due_on,
            "sent_on": sent_on.get(p.start),
        }
        for p in plan
    ]
    return reports


def _report(rng, ctx, period, sent_day, percent, done, title, author, unit_index, assignment):
    first = ctx.at(sent_day, rng)
    row = {
        "assignment_id": assignment["id"],
        "period_start": period.start,
        "period_end": period.end,
        "due_on": period.due_on,
        "status": ReportStatus.SUBMITTED,
        "progress": _progress(rng, title),
        "percent": percent,
        "problems": _short(rng, w.PROBLEMS, 0.45),
        "next_steps": _short(rng, w.NEXT_STEPS, 0.75),
        "author_id": author,
        "submitted_at": first,
        "first_submitted_at": first,
        "created_at": first - _HOURS[between(rng, 1, 48)],
        "updated_at": first,
        "version": 1,
    }
    ready = first
    if assignment["needs_sign_off"]:
        signed = first + _HOURS[between(rng, 2, 60)]
        if signed.date() >= ctx.today:
            return row
        row.update(
            status=ReportStatus.SIGNED_OFF,
            signed_off_at=signed,
            signed_off_by_id=ctx.leader_ids[unit_index],
            updated_at=signed,
        )
        ready = signed
    reviewed = ready + _DAYS[between(rng, 1, 12)] + _HOURS[between(rng, 0, 5)]
    if reviewed.date() >= ctx.today or not (done or rng.random() < REVIEWED_SHARE):
        return row
    if not done and rng.random() < RETURNED_SHARE:
        row.update(
            status=ReportStatus.RETURNED,
            reviewed_at=reviewed,
            reviewed_by_id=ctx.supervisor_id,
            review_comment=rng.choice(w.RETURN_COMMENTS),
            updated_at=reviewed,
        )
        again = reviewed + _DAYS[between(rng, 2, 8)]
        if again.date() >= ctx.today:
            return row
        # Sent again: counted by its first submission, awaiting the second review.
        row.update(status=ReportStatus.SUBMITTED, submitted_at=again, version=2, updated_at=again)
        return row
    row.update(
        status=ReportStatus.ACCEPTED,
        reviewed_at=reviewed,
        reviewed_by_id=ctx.supervisor_id,
        review_comment=rng.choice(w.ACCEPT_COMMENTS),
        updated_at=reviewed,
    )
    return row


def target_actuals(
    rng: random.Random, report: dict, targets: list[tuple[int, Decimal]], ids
) -> list[dict]:
    """Actuals of the clause's targets on an assignment's last report: 50–120 % of each."""
    return [
        {
            "id": ids.take(TargetActual),
            "report_id": report["id"],
            "target_id": target_id,
            "value": (value * Decimal(str(round(rng.uniform(0.5, 1.2), 2)))).quantize(
                Decimal("0.0001")
            ),
            "note": "",
        }
        for target_id, value in targets
    ]


def _report_defaults() -> dict:
    return {f.attname: f.get_default() for f in ProgressReport._meta.concrete_fields}


def store_states(
    ctx: Context, task: dict, assignments: list[dict], reports: dict[int, list[dict]]
) -> None:
    """Write the status and light the rules give into the rows (before they are inserted).

    ``assignment_state`` reads plain attributes, so the rows are handed over as light objects
    with every field of the model (a million model instances would cost more than the rest).
    Every field of its result that is a column of Assignment is stored.
    """
    closed = task["closed_at"] is not None
    defaults = _REPORT_DEFAULTS
    computed = []
    for row in assignments:
        model = Assignment(**{k: v for k, v in row.items() if k in _ASSIGNMENT_FIELDS})
        sent = [
            SimpleNamespace(**{**defaults, **r, "pk": r["id"]}) for r in reports.get(row["id"], [])
        ]
        state = assignment_state(model, reports=sent, task_closed=closed, today=ctx.today)
        row.update((k, getattr(state, k)) for k in _STATE_FIELDS)
        computed.append(SimpleNamespace(is_active=True, status=state.status, light=state.light))
    status, light = task_state(Task(closed_at=task["closed_at"]), computed)
    task.update(status=status, light=light)


_REPORT_DEFAULTS = _report_defaults()
_ASSIGNMENT_FIELDS = {f.attname for f in Assignment._meta.concrete_fields}
# The state's fields that are columns of Assignment (status, light, percent, last_report_id …).
_STATE_FIELDS = [f.name for f in fields(AssignmentState) if f.name in _ASSIGNMENT_FIELDS]

"""Reminders (催办) and escalation (督办): the daily scan, the immediate urge, the digests.

Who hears what, counted in working days of the official calendar:

- before a progress report is due: the unit's staff, REMINDER_REPORT_STEPS days before
  (0 = the due day), for the period they owe and have not reported on;
- before the assignment's due date: the staff, REMINDER_DUE_STEPS days before;
- after it: the staff on every working day (step = working days overdue); the unit leaders
  too, daily, from ESCALATE_TO_LEADER_AFTER days; the jurisdiction's supervisors once, at
  ESCALATE_TO_SUPERVISOR_AFTER days (the escalation is then listed on their page).

Staff reminders also go to the unit's group robots. Every reminder is one ReminderLog row
whose unique key (assignment, kind, due date, step, channel, recipient) makes it go out at
most once, whoever runs the scan and however often. A recipient's new rows are bundled into
one digest per channel and day; when today's digest has already gone, they wait for
tomorrow's. Messages are sent after the commit (see ``delivery``).

The daily scan narrows the open assignments in SQL to those a reminder can fall on today
(``candidates``), judges each in Python (``reminders_due``, on the state rules of
``states``), reads their audience once, and writes the rows and digests set-based
(``reminder_scan``).
"""

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Exists, F, Min, OuterRef, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.models import Membership
from accounts.scoping import supervised_jurisdictions
from tracker.audit import record
from tracker.channels import get_channel
from tracker.choices import ChannelName, ReminderKind, Status
from tracker.errors import Conflict, DomainError
from tracker.models import (
    Assignment,
    OutboundMessage,
    ProgressReport,
    ReminderLog,
    ReportingPeriod,
    UnitChannel,
)
from tracker.workdays import add_working_days, working_days_between

from .access import require_supervisor
from .delivery import queue_delivery, queue_due_messages
from .notifications import assignment_url
from .reminder_scan import write_scan
from .states import ReportRow, assignment_state

STAFF_KINDS = (ReminderKind.REPORT_DUE, ReminderKind.TASK_DUE, ReminderKind.OVERDUE)
ESCALATIONS = (ReminderKind.ESCALATION_LEADER, ReminderKind.ESCALATION_SUPERVISOR)
BATCH = 500
MAX_DIGEST_DAYS = 7  # a digest already sent today waits for tomorrow's, and so on


@dataclass(frozen=True)
class Due:
    """One reminder an assignment needs today, before it is addressed to anyone."""

    assignment: Assignment
    kind: str
    due_date: date
    step: int


@dataclass
class ScanResult:
    run_id: uuid.UUID
    reminders: int = 0
    message_ids: list[int] = field(default_factory=list)


def open_assignments():
    """Assignments that can still be reminded: active, of an active open task, not done."""
    return Assignment.objects.filter(
        is_active=True, task__is_active=True, task__closed_at__isnull=True
    ).exclude(status=Status.DONE)


def step_dates(today: date, steps) -> set[date]:
    """The days ``d >= today`` that are a number of working days away in ``steps``
    (``working_days_between(today, d) in steps``): the due dates a reminder fires for."""
    steps = set(steps)
    found, day = set(), today
    while (away := working_days_between(today, day)) <= max(steps, default=-1):
        if away in steps:
            found.add(day)
        day += timedelta(days=1)
    return found


def candidates(today: date):
    """The open assignments that may need a reminder today, narrowed in SQL; a superset of
    those ``reminders_due`` finds anything for.

    Overdue or due within the task-due window (as before: near its own deadline an
    assignment is judged on its computed periods, whatever is stored), due on a day a
    task-due reminder fires for, or with a stored reporting period due on a day a
    report-due reminder fires for: the report due date ``reminders_due`` reads is one of the
    assignment's periods, which ``ReportingPeriod`` stores.
    """
    margin = timedelta(days=7)  # the window is in working days; any holiday fits
    due_horizon = add_working_days(today, max(settings.REMINDER_DUE_STEPS, default=0)) + margin
    return open_assignments().filter(
        Q(due_date__lte=due_horizon)
        | Q(due_date__in=sorted(step_dates(today, settings.REMINDER_DUE_STEPS)))
        | Exists(
            ReportingPeriod.objects.filter(
                assignment=OuterRef("pk"),
                due_on__in=sorted(step_dates(today, settings.REMINDER_REPORT_STEPS)),
            )
        )
    )


def reminders_due(assignment: Assignment, reports, *, today: date) -> list[Due]:
    """The reminders ``assignment`` needs on ``today`` (pure: no query, no recipients)."""
    state = assignment_state(assignment, reports=reports, task_closed=False, today=today)
    if state.status == Status.DONE:
        return []
    found = []
    next_due = state.next_report_due
    if next_due and next_due >= today:
        step = working_days_between(today, next_due)
        if step in settings.REMINDER_REPORT_STEPS:
            found.append(Due(assignment, ReminderKind.REPORT_DUE, next_due, step))
    due = assignment.due_date
    if due and today <= due:
        step = working_days_between(today, due)
        if step in settings.REMINDER_DUE_STEPS:
            found.append(Due(assignment, ReminderKind.TASK_DUE, due, step))
    elif due:
        late = working_days_between(due, today)
        if late >= 1:
            found.append(Due(assignment, ReminderKind.OVERDUE, due, late))
        if late >= settings.ESCALATE_TO_LEADER_AFTER:
            found.append(Due(assignment, ReminderKind.ESCALATION_LEADER, due, late))
        if late >= settings.ESCALATE_TO_SUPERVISOR_AFTER:
            step = settings.ESCALATE_TO_SUPERVISOR_AFTER  # once per due date
            found.append(Due(assignment, ReminderKind.ESCALATION_SUPERVISOR, due, step))
    return found


def _report_rows(assignment_ids) -> dict[int, list[ReportRow]]:
    """The reports of the assignments, by assignment, as ``states.report_rows`` reads them
    but without their two times (first submitted, reviewed): ``reminders_due`` uses the
    status and next report due of ``assignment_state``, which those do not enter (they count
    reports sent on time and date an acceptance), and parsing them was a third of the
    scan's Python time at province scale."""
    rows: dict[int, list[ReportRow]] = {pk: [] for pk in assignment_ids}
    for pk, assignment_id, *values in (
        ProgressReport.objects.filter(assignment_id__in=list(rows))
        .order_by()
        .values_list("pk", "assignment_id", "status", "percent", "period_start", "due_on")
    ):
        rows[assignment_id].append(ReportRow(pk, assignment_id, *values, None, None))
    return rows


class _Audience:
    """Who the reminders of the given channels reach, read for all the assignments of a scan
    at once (a few queries, whatever their number): the staff and leaders of their units,
    the supervisors of their jurisdictions, the units' robots. Each user is read once, whole
    (a channel's ``address_of`` may read any field), and each recipient list is worked out
    once per unit (or jurisdiction), kind of reminder and channel."""

    CHUNK = 2000  # ids per IN list (SQLite caps the parameters of a statement)

    def __init__(self, channels, places):
        """``places``: the (unit id, jurisdiction id) of the assignments to remind."""
        self.channels = {name: get_channel(name) for name in channels}
        self._members: dict[tuple[int, str], list[int]] = defaultdict(list)
        self._supervisors: dict[int, list[int]] = defaultdict(list)
        self._robots: dict[int, list[int]] = defaultdict(list)
        self._users: dict[int, object] = {}
        self._targets: dict[tuple, tuple] = {}
        units = sorted({unit for unit, _j in places})
        jurisdictions = sorted({j for _unit, j in places})
        memberships = Membership.objects.order_by("pk")
        active = memberships.filter(user__is_active=True)
        users = get_user_model().objects.order_by()
        for part in _chunks(units, self.CHUNK):
            roles = {"unit_id__in": part, "role__in": (Role.STAFF, Role.UNIT_LEADER)}
            for role, unit_id, user_id in active.filter(**roles).values_list(
                "role", "unit_id", "user_id"
            ):
                self._members[(unit_id, role)].append(user_id)
            # all of their users, active or not: one that changes in between is still found
            members = memberships.filter(**roles).values("user_id")
            self._users.update((u.pk, u) for u in users.filter(pk__in=members))
            for unit_id, robot_id in (
                UnitChannel.objects.filter(unit_id__in=part, is_active=True)
                .order_by("pk")
                .values_list("unit_id", "pk")
            ):
                self._robots[unit_id].append(robot_id)
        for part in _chunks(jurisdictions, self.CHUNK):
            roles = {"jurisdiction_id__in": part, "role": Role.SUPERVISOR}
            for jurisdiction_id, user_id in active.filter(**roles).values_list(
                "jurisdiction_id", "user_id"
            ):
                self._supervisors[jurisdiction_id].append(user_id)
            members = memberships.filter(**roles).values("user_id")
            self._users.update((u.pk, u) for u in users.filter(pk__in=members))

    def _people(self, unit_id: int, jurisdiction_id: int, kind: str) -> list:
        if kind == ReminderKind.ESCALATION_SUPERVISOR:
            ids = self._supervisors[jurisdiction_id]
        elif kind == ReminderKind.ESCALATION_LEADER:
            ids = self._members[(unit_id, Role.UNIT_LEADER)]
        elif kind == ReminderKind.URGE:
            ids = self._members[(unit_id, Role.STAFF)] + self._members[(unit_id, Role.UNIT_LEADER)]
        else:
            ids = self._members[(unit_id, Role.STAFF)]
        # a user deleted since the memberships were read is skipped
        return [self._users[pk] for pk in dict.fromkeys(ids) if pk in self._users]

    def targets(self, unit_id: int, jurisdiction_id: int, kind: str) -> tuple:
        """(channel, recipient_key, user id, robot id) of every recipient a reminder of
        ``kind`` of an assignment of that unit reaches, channel by channel."""
        place = jurisdiction_id if kind == ReminderKind.ESCALATION_SUPERVISOR else unit_id
        cached = self._targets.get((place, kind))
        if cached is not None:
            return cached
        found = []
        for name, channel in self.channels.items():
            if channel.for_people:
                for user in self._people(unit_id, jurisdiction_id, kind):
                    if channel.address_of(user):
                        found.append((name, f"u:{user.pk}", user.pk, None))
            elif kind in STAFF_KINDS:
                found += [(name, f"r:{pk}", None, pk) for pk in self._robots[unit_id]]
        self._targets[(place, kind)] = tuple(found)
        return self._targets[(place, kind)]


def _chunks(values: list, size: int):
    return (values[i : i + size] for i in range(0, len(values), size))


def _log_rows(items: list[Due], audience: _Audience) -> list[tuple]:
    """One ReminderLog row (a tuple of ``reminder_scan.ROW_COLUMNS``) per reminder, channel
    and recipient that channel can reach."""
    rows = []
    for item in items:
        a = item.assignment
        base = (a.pk, str(item.kind), item.due_date, item.step)
        rows += [(*base, *t) for t in audience.targets(a.unit_id, a.jurisdiction_id, item.kind)]
    return rows


# The columns _insert fills, in order; the others are NULL (message) or the id.
LOG_COLUMNS = (
    "run_id",
    "assignment_id",
    "kind",
    "due_date",
    "step",
    "channel",
    "recipient_key",
    "user_id",
    "unit_channel_id",
    "note",
)
_PG_TYPES = ("uuid", "bigint", "text", "date", "integer", "text", "text", "bigint", "bigint")


def _insert(rows: list[tuple], *, run_id, note: str, now: datetime) -> None:
    """Insert the rows (of ``_log_rows``) whose key is free, in one statement (an urge's few).

    ON CONFLICT DO NOTHING (PostgreSQL) / INSERT OR IGNORE (SQLite): a concurrent insert of
    the same key waits for it to commit and is then skipped, so each key is won by exactly
    one run; the run id tells which rows are ours.
    """
    if not rows:
        return
    rows = [(run_id, *row, note[:500]) for row in rows]
    ops = connection.ops
    table = ops.quote_name(ReminderLog._meta.db_table)
    columns = ", ".join(ops.quote_name(c) for c in ("created_at", *LOG_COLUMNS))
    created_at = ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            arrays = ", ".join(f"%s::{t}[]" for t in _PG_TYPES)
            sql = (
                f"INSERT INTO {table} ({columns}) "  # noqa: S608 - names from the model  # nosec B608
                f"SELECT %s, * FROM unnest({arrays}, %s::text[]) ON CONFLICT DO NOTHING"
            )
            cursor.execute(sql, [created_at, *map(list, zip(*rows, strict=True))])
        else:
            marks = ", ".join(["%s"] * (len(LOG_COLUMNS) + 1))
            sql = f"INSERT OR IGNORE INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
            cursor.executemany(
                sql,
                [
                    (created_at, r[0].hex, r[1], r[2], ops.adapt_datefield_value(r[3]), *r[4:])
                    for r in rows
                ],
            )


def _line(row: ReminderLog) -> str:
    a = row.assignment
    values = {
        "task": str(a.task),
        "unit": a.unit.short_name or a.unit.name,
        "date": row.due_date.isoformat(),
        "n": row.step,
    }
    if row.kind == ReminderKind.REPORT_DUE:
        if row.step == 0:
            return _("{task} ({unit}): the progress report is due today ({date}).").format(**values)
        return _(
            "{task} ({unit}): the progress report is due on {date}, in {n} working day(s)."
        ).format(**values)
    if row.kind == ReminderKind.TASK_DUE:
        return _("{task} ({unit}): the task is due on {date}, in {n} working day(s).").format(
            **values
        )
    if row.kind == ReminderKind.OVERDUE:
        return _("{task} ({unit}): overdue since {date}, {n} working day(s) late.").format(**values)
    if row.kind in ESCALATIONS:
        return _("Escalation (督办): {task} ({unit}) is overdue since {date}.").format(**values)
    text = _("Urged (催办): {task} ({unit}), due {date}.").format(
        **values | {"date": a.due_date.isoformat() if a.due_date else "—"}
    )
    return f"{text} {row.note}".strip()


def render_message(message: OutboundMessage) -> None:
    """Write the subject, body and link of a message from all of its reminder rows."""
    rows = list(
        message.reminders.select_related("assignment__task", "assignment__unit").order_by(
            "assignment__due_date", "assignment_id", "kind", "pk"
        )
    )
    escalation = any(r.kind in ESCALATIONS for r in rows)
    urge = any(r.kind == ReminderKind.URGE for r in rows)
    with translation.override(settings.LANGUAGE_CODE):
        if urge:
            subject = _("Urgent reminder (催办) from the supervisor")
        elif escalation:
            subject = _("Escalations and reminders of {day}").format(day=message.day.isoformat())
        else:
            subject = _("Reminders of {day}").format(day=message.day.isoformat())
        body = "\n".join(f"{i}. {_line(r)}" for i, r in enumerate(rows, 1))
    assignments = {r.assignment_id for r in rows}
    if len(assignments) == 1:
        url = assignment_url(rows[0].assignment)
    elif any(r.kind == ReminderKind.ESCALATION_SUPERVISOR for r in rows):
        url = reverse("tracker:escalations")
    else:
        url = reverse("tracker:my-tasks")
    message.subject, message.body, message.url = subject[:200], body, url
    message.escalation = escalation
    message.save(update_fields=["subject", "body", "url", "escalation", "updated_at"])


def scan_reminders(*, now: datetime, queue: bool = True, batch_size: int = BATCH) -> ScanResult:
    """Find today's reminders, log each once, bundle them into digests, queue the sending.

    Safe to run any number of times, by beat, a command or two workers at once: a reminder
    already logged is never logged or sent again. With ``queue`` the new digests (and any
    message whose retry is due) are delivered after the commit; without it the caller
    delivers (``deliver_due_messages``).
    """
    today = timezone.localdate(now)
    result = ScanResult(run_id=uuid.uuid4())
    channels = [c for c in settings.REMINDER_CHANNELS if c in ChannelName.values]
    ids = list(candidates(today).order_by("pk").values_list("pk", flat=True))
    # One transaction: a worker killed mid-scan leaves nothing, and the retry does it all.
    with transaction.atomic():
        items = []
        for start in range(0, len(ids), batch_size):
            assignments = list(
                Assignment.objects.filter(pk__in=ids[start : start + batch_size])
                .select_related("task")
                .annotate(jurisdiction_id=F("task__document__jurisdiction_id"))
            )
            reports = _report_rows([a.pk for a in assignments])
            items += [
                due for a in assignments for due in reminders_due(a, reports[a.pk], today=today)
            ]
        places = {(i.assignment.unit_id, i.assignment.jurisdiction_id) for i in items}
        rows = _log_rows(items, _Audience(channels, places))
        result.reminders, result.message_ids = write_scan(
            rows, run_id=result.run_id, today=today, now=now, max_days=MAX_DIGEST_DAYS
        )
    if queue:  # the new digests, and the messages whose retry is due
        with transaction.atomic():
            queue_due_messages(now=now)
    return result


def urge_assignment(
    *, assignment: Assignment, by, message: str = "", now: datetime | None = None, ip_address=None
) -> list[int]:
    """A supervisor's immediate 催办 of one assignment: sent at once (not digested) to the
    unit's staff and leaders in-app and by e-mail, at most once a day, and audited.

    Returns the ids of the messages queued.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    assignment = (
        Assignment.objects.select_related("task__document", "unit")
        .annotate(jurisdiction_id=F("task__document__jurisdiction_id"))
        .get(pk=assignment.pk)
    )
    require_supervisor(by, assignment.task.document.jurisdiction_id)
    if not assignment.is_active or assignment.task.closed_at or assignment.status == Status.DONE:
        raise Conflict("not_open", _("This assignment is finished; there is nothing to urge."))
    channels = [
        c for c in (ChannelName.IN_APP, ChannelName.EMAIL) if c in settings.REMINDER_CHANNELS
    ]
    run_id = uuid.uuid4()
    with transaction.atomic():
        audience = _Audience(channels, [(assignment.unit_id, assignment.jurisdiction_id)])
        rows = _log_rows([Due(assignment, ReminderKind.URGE, today, 0)], audience)
        if not rows:
            raise DomainError("nobody_to_urge", _("Nobody in this unit can be reached yet."))
        _insert(rows, run_id=run_id, note=message.strip(), now=now)
        new = list(ReminderLog.objects.filter(run_id=run_id).select_related("user").order_by("pk"))
        if not new:
            raise Conflict(
                "already_urged_today", _("This assignment has already been urged today.")
            )
        message_ids = []
        for row in new:
            outbound = OutboundMessage.objects.create(
                is_digest=False,
                channel=row.channel,
                recipient_key=row.recipient_key,
                user=row.user,
                day=today,
            )
            row.message = outbound
            row.save(update_fields=["message"])
            render_message(outbound)
            message_ids.append(outbound.pk)
        record(
            action="assignment.urged",
            obj=assignment,
            actor=by,
            after={"message": message.strip(), "recipients": len({r.user_id for r in new})},
            ip_address=ip_address,
        )
        queue_delivery(message_ids)
    return message_ids


def escalated_assignments(user):
    """Open assignments escalated to the user's supervised jurisdictions, oldest due first,
    each with ``escalated_at`` (when the supervisor was first told)."""
    return (
        open_assignments()
        .filter(
            task__document__jurisdiction__in=supervised_jurisdictions(user),
            reminders__kind=ReminderKind.ESCALATION_SUPERVISOR,
        )
        .annotate(
            escalated_at=Min(
                "reminders__created_at",
                filter=Q(reminders__kind=ReminderKind.ESCALATION_SUPERVISOR),
            )
        )
        .select_related("task__document", "unit")
        .order_by("due_date", "pk")
    )

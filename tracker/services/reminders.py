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
"""

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, Min, OuterRef, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.models import Membership
from accounts.scoping import supervised_jurisdictions
from tracker.audit import record
from tracker.channels import get_channel
from tracker.choices import ChannelName, MessageStatus, ReminderKind, Status
from tracker.errors import Conflict, DomainError
from tracker.models import (
    Assignment,
    OutboundMessage,
    ReminderLog,
    ReportingPeriod,
    UnitChannel,
)
from tracker.workdays import add_working_days, working_days_between

from .access import require_supervisor
from .delivery import queue_delivery, queue_due_messages
from .notifications import assignment_url
from .states import assignment_state, report_rows

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


def candidates(today: date):
    """The open assignments that may need a reminder today, narrowed in SQL: due within the
    task-due window or already overdue, or with a report falling due within the report
    window (stored reporting periods). A superset: ``reminders_due`` decides exactly."""
    margin = timedelta(days=7)  # the windows are in working days; any holiday fits
    due_horizon = add_working_days(today, max(settings.REMINDER_DUE_STEPS, default=0)) + margin
    report_horizon = (
        add_working_days(today, max(settings.REMINDER_REPORT_STEPS, default=0)) + margin
    )
    return open_assignments().filter(
        Q(due_date__lte=due_horizon)
        | Exists(
            ReportingPeriod.objects.filter(
                assignment=OuterRef("pk"), due_on__gte=today, due_on__lte=report_horizon
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


class _Audience:
    """Recipients of a batch of assignments, read in three queries."""

    def __init__(self, assignments):
        unit_ids = {a.unit_id for a in assignments}
        jurisdiction_ids = {a.task.document.jurisdiction_id for a in assignments}
        self.by_unit: dict[tuple[int, str], list] = defaultdict(list)
        self.supervisors: dict[int, list] = defaultdict(list)
        for m in Membership.objects.filter(
            Q(unit_id__in=unit_ids, role__in=(Role.STAFF, Role.UNIT_LEADER))
            | Q(jurisdiction_id__in=jurisdiction_ids, role=Role.SUPERVISOR),
            user__is_active=True,
        ).select_related("user"):
            if m.role == Role.SUPERVISOR:
                self.supervisors[m.jurisdiction_id].append(m.user)
            else:
                self.by_unit[(m.unit_id, m.role)].append(m.user)
        self.robots: dict[int, list[UnitChannel]] = defaultdict(list)
        for robot in UnitChannel.objects.filter(unit_id__in=unit_ids, is_active=True):
            self.robots[robot.unit_id].append(robot)

    def people(self, assignment, kind) -> list:
        if kind == ReminderKind.ESCALATION_SUPERVISOR:
            users = self.supervisors[assignment.task.document.jurisdiction_id]
        elif kind == ReminderKind.ESCALATION_LEADER:
            users = self.by_unit[(assignment.unit_id, Role.UNIT_LEADER)]
        elif kind == ReminderKind.URGE:
            users = (
                self.by_unit[(assignment.unit_id, Role.STAFF)]
                + self.by_unit[(assignment.unit_id, Role.UNIT_LEADER)]
            )
        else:
            users = self.by_unit[(assignment.unit_id, Role.STAFF)]
        return list({u.pk: u for u in users}.values())

    def unit_robots(self, assignment, kind) -> list[UnitChannel]:
        return self.robots[assignment.unit_id] if kind in STAFF_KINDS else []


# The columns _log_rows fills, in order; the others are NULL (message) or the id.
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


def _log_rows(items: list[Due], audience: _Audience, run_id, channels, note="") -> list[tuple]:
    """One ReminderLog row (a tuple of LOG_COLUMNS) per reminder, channel and recipient that
    channel can reach."""
    instances = {name: get_channel(name) for name in channels}
    note = note[:500]
    rows = []
    for item in items:
        base = (run_id, item.assignment.pk, item.kind, item.due_date, item.step)
        for name, channel in instances.items():
            if channel.for_people:
                for user in audience.people(item.assignment, item.kind):
                    if channel.address_of(user):
                        rows.append((*base, name, f"u:{user.pk}", user.pk, None, note))
            else:
                for robot in audience.unit_robots(item.assignment, item.kind):
                    rows.append((*base, name, f"r:{robot.pk}", None, robot.pk, note))
    return rows


def _insert(rows: list[tuple], *, now: datetime) -> None:
    """Insert the rows whose key is free, in set statements (no model instance per row).

    ON CONFLICT DO NOTHING (PostgreSQL) / INSERT OR IGNORE (SQLite): a concurrent scan's
    insert of the same key waits for it to commit and is then skipped, so each key is won
    by exactly one run; the run id tells which rows are ours.
    """
    if not rows:
        return
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
            for i in range(0, len(rows), 10_000):
                cursor.execute(
                    sql, [created_at, *map(list, zip(*rows[i : i + 10_000], strict=True))]
                )
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


def _bundle(run_id, *, today: date, now: datetime) -> list[int]:
    """Attach the run's new rows to their recipients' digests; returns the digests' ids.

    Set-based, a fixed number of queries per day tried whatever the number of recipients:
    create the missing digests of the day, lock the pending ones (a conditional UPDATE, so
    delivery cannot claim them under us), point the rows at them. Rows whose recipient's
    digest of the day has already gone wait for the next day's. The text is written when a
    digest is claimed for sending (``delivery``), from all of its rows.
    """
    waiting = ReminderLog.objects.filter(run_id=run_id, message__isnull=True)
    day = today
    for _attempt in range(MAX_DIGEST_DAYS):
        recipients = list(
            waiting.values_list("channel", "recipient_key", "user_id", "unit_channel_id")
            .order_by("channel", "recipient_key")
            .distinct()
        )
        if not recipients:
            break
        OutboundMessage.objects.bulk_create(
            [
                OutboundMessage(
                    is_digest=True,
                    channel=channel,
                    recipient_key=key,
                    day=day,
                    user_id=user_id,
                    unit_channel_id=robot_id,
                )
                for channel, key, user_id, robot_id in recipients
            ],
            ignore_conflicts=True,
            batch_size=BATCH,
        )
        _analyze()
        OutboundMessage.objects.filter(
            is_digest=True, day=day, status=MessageStatus.PENDING
        ).filter(
            Exists(
                waiting.filter(channel=OuterRef("channel"), recipient_key=OuterRef("recipient_key"))
            )
        ).update(updated_at=now)
        _attach(run_id, day=day)
        day += timedelta(days=1)
    return list(
        ReminderLog.objects.filter(run_id=run_id, message__isnull=False)
        .order_by("message_id")
        .values_list("message_id", flat=True)
        .distinct()
    )


def _analyze() -> None:
    """Give PostgreSQL's planner the statistics of the rows this scan has just written (its
    own transaction's): without them it plans the joins below for empty tables, and at
    province scale a nested loop over tens of thousands of rows took minutes."""
    if connection.vendor == "postgresql":
        tables = ", ".join(
            connection.ops.quote_name(m._meta.db_table) for m in (ReminderLog, OutboundMessage)
        )
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {tables}")


def _attach(run_id, *, day: date) -> None:
    """Point the run's waiting rows at their recipients' pending digests of ``day``: one
    UPDATE … FROM, a join (PostgreSQL, SQLite ≥ 3.33), not a subquery per row."""
    ops = connection.ops
    log, message = (ops.quote_name(m._meta.db_table) for m in (ReminderLog, OutboundMessage))
    sql = (
        f"UPDATE {log} SET message_id = m.id FROM {message} m "  # noqa: S608 - model tables  # nosec B608
        f"WHERE {log}.run_id = %s AND {log}.message_id IS NULL AND m.is_digest "
        f"AND m.day = %s AND m.status = %s AND m.channel = {log}.channel "
        f"AND m.recipient_key = {log}.recipient_key"
    )
    run = run_id if connection.vendor == "postgresql" else run_id.hex
    with connection.cursor() as cursor:
        cursor.execute(sql, [run, ops.adapt_datefield_value(day), MessageStatus.PENDING])


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
        for start in range(0, len(ids), batch_size):
            assignments = list(
                Assignment.objects.filter(pk__in=ids[start : start + batch_size]).select_related(
                    "task__document", "unit"
                )
            )
            reports = report_rows([a.pk for a in assignments])
            items = [
                due for a in assignments for due in reminders_due(a, reports[a.pk], today=today)
            ]
            if items:
                audience = _Audience({i.assignment for i in items})
                _insert(_log_rows(items, audience, result.run_id, channels), now=now)
        result.message_ids = _bundle(result.run_id, today=today, now=now)
        result.reminders = ReminderLog.objects.filter(run_id=result.run_id).count()
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
    assignment = Assignment.objects.select_related("task__document", "unit").get(pk=assignment.pk)
    require_supervisor(by, assignment.task.document.jurisdiction_id)
    if not assignment.is_active or assignment.task.closed_at or assignment.status == Status.DONE:
        raise Conflict("not_open", _("This assignment is finished; there is nothing to urge."))
    channels = [
        c for c in (ChannelName.IN_APP, ChannelName.EMAIL) if c in settings.REMINDER_CHANNELS
    ]
    run_id = uuid.uuid4()
    with transaction.atomic():
        item = Due(assignment, ReminderKind.URGE, today, 0)
        rows = _log_rows([item], _Audience([assignment]), run_id, channels, note=message.strip())
        if not rows:
            raise DomainError("nobody_to_urge", _("Nobody in this unit can be reached yet."))
        _insert(rows, now=now)
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

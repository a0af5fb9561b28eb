"""The reminder scan's set-based parts, against plain per-assignment passes.

The scan narrows its candidates in SQL, reads its audience once, and writes its rows and
digests in a few statements (``tracker.services.reminder_scan``). These tests check each
shortcut against the obvious slow way over many plans around 中秋 (Fri 25 Sep 2026) and
国庆 (1–7 Oct 2026, make-up working day Sat 10 Oct).
"""

import threading
import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from accounts.choices import Role
from accounts.models import Membership, User
from tracker import services
from tracker.channels import get_channel
from tracker.choices import ChannelName, MessageStatus, ReminderKind
from tracker.models import Assignment, OutboundMessage, ReminderLog, Task, UnitChannel
from tracker.services import reminder_scan
from tracker.services.reminders import (
    MAX_DIGEST_DAYS,
    STAFF_KINDS,
    _report_rows,
    candidates,
    open_assignments,
    reminders_due,
    step_dates,
)
from tracker.services.states import refresh_assignments, report_rows
from tracker.workdays import working_days_between

SHANGHAI = ZoneInfo("Asia/Shanghai")
KEY = ("assignment_id", "kind", "due_date", "step", "channel", "recipient_key")


def at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def days(first: date, last: date):
    while first <= last:
        yield first
        first += timedelta(days=1)


# (report cycle, report day, start, due date) of the plans: due dates on and around the
# holidays, far away and none; report days that fall on holidays.
DUES = [
    date(2026, 9, 25),  # 中秋, a Friday off
    date(2026, 9, 30),
    date(2026, 10, 3),  # inside 国庆
    date(2026, 10, 8),
    date(2026, 10, 10),  # the make-up Saturday
    date(2026, 10, 12),
    date(2026, 10, 20),
    date(2026, 12, 31),
    None,
]
CYCLES = [("monthly", 5), ("monthly", 28), ("quarterly", 10), ("half_yearly", 1), ("once", 1)]
PLANS = [
    (cycle, day, start, due)
    for cycle, day in CYCLES
    for due in DUES
    for start in (date(2026, 7, 1), date(2026, 9, 1))
]


@pytest.fixture
def plans(world):
    """The world plus one open assignment of the lead unit per plan, their reporting periods
    stored as the services keep them; reachable staff, leader and supervisor, a robot."""
    for user, email, phone in (
        (world.staff, "staff@example.gov.cn", "13800000000"),
        (world.leader, "", "13900000000"),  # no e-mail: the e-mail channel skips them
        (world.supervisor, "supervisor@example.gov.cn", ""),
    ):
        user.email, user.phone = email, phone
        user.save(update_fields=["email", "phone"])
    gone = User.objects.create(username="gone", email="gone@example.gov.cn", is_active=False)
    Membership.objects.create(
        user=gone, role=Role.STAFF, jurisdiction=world.shenzhen, unit=world.lead_unit
    )
    UnitChannel.objects.create(
        unit=world.lead_unit, platform="wecom", url="http://127.0.0.1:9/cgi-bin/webhook/send"
    )
    tasks = Task.objects.bulk_create(
        [
            Task(document=world.document, clause=world.task.clause, order=100 + i, title=f"T{i}")
            for i in range(len(PLANS))
        ]
    )
    Assignment.objects.bulk_create(
        [
            Assignment(
                task=task,
                unit=world.lead_unit,
                report_cycle=cycle,
                report_day=report_day,
                start_date=start,
                due_date=due,
            )
            for task, (cycle, report_day, start, due) in zip(tasks, PLANS, strict=True)
        ]
    )
    refresh_assignments(Assignment.objects.all(), today=date(2026, 9, 14))
    # the September report of a few plans is sent: their report-due reminders stop
    for assignment in Assignment.objects.filter(
        task__in=tasks[:6], report_cycle="monthly"
    ).order_by("pk"):
        services.create_report(
            assignment=assignment,
            by=world.staff,
            data=services.ReportInput(progress="已推进。", percent=40),
            submit=True,
            now=at(date(2026, 9, 22)),
        )
    return world


def test_step_dates_are_the_days_that_many_working_days_away():
    for today in days(date(2026, 9, 20), date(2026, 10, 12)):
        expected = {
            d
            for d in days(today, today + timedelta(days=40))
            if working_days_between(today, d) in (0, 1, 3, 7)
        }
        assert step_dates(today, [7, 3, 1, 0]) == expected
    # the last working day before 国庆: every holiday is 0 working days away, 8 Oct is 1
    assert step_dates(date(2026, 9, 30), [0]) == {date(2026, 9, 30)} | {
        date(2026, 10, d) for d in range(1, 8)
    }
    assert step_dates(date(2026, 9, 30), [1]) == {date(2026, 10, 8)}
    assert step_dates(date(2026, 9, 30), []) == set()


def test_the_prefilter_keeps_every_assignment_with_a_reminder_around_the_holidays(plans):
    """Every open assignment for which ``reminders_due`` finds anything, on every day from
    mid-September to the end of October, passes the SQL prefilter."""
    left_out = 0
    for today in days(date(2026, 9, 14), date(2026, 10, 31)):
        # every open assignment, judged one by one
        assignments = list(open_assignments().select_related("task__document"))
        reports = report_rows([a.pk for a in assignments])
        found = {a.pk: reminders_due(a, reports[a.pk], today=today) for a in assignments}
        reminded = {pk for pk, due in found.items() if due}
        kept = set(candidates(today).values_list("pk", flat=True))
        assert reminded <= kept, (today, reminded - kept)
        # the scan's reports without their times give the same reminders
        light = _report_rows(list(found))
        assert {a.pk: reminders_due(a, light[a.pk], today=today) for a in assignments} == found
        left_out += len(assignments) - len(kept)
    # and the prefilter does narrow: plans due in December, with quarterly reports, are
    # not read on a day none of their reminders falls on
    assert left_out > 1000
    far = Assignment.objects.get(
        due_date=date(2026, 12, 31), report_cycle="quarterly", start_date=date(2026, 9, 1)
    )
    assert far.pk not in set(candidates(date(2026, 9, 14)).values_list("pk", flat=True))


def _expected_keys(today: date) -> dict[tuple, int]:
    """The log keys of ``today``'s reminders of every open assignment, each with its user or
    robot, worked out one assignment at a time from the memberships."""
    channels = [get_channel(n) for n in ("in_app", "email", "webhook", "sms")]
    people = {}
    for m in Membership.objects.filter(user__is_active=True).select_related("user"):
        place = m.jurisdiction_id if m.role == Role.SUPERVISOR else m.unit_id
        people.setdefault((place, m.role), {})[m.user.pk] = m.user
    keys = {}
    assignments = list(open_assignments().select_related("task__document"))
    reports = report_rows([a.pk for a in assignments])
    for a in assignments:
        for due in reminders_due(a, reports[a.pk], today=today):
            if due.kind == ReminderKind.ESCALATION_SUPERVISOR:
                users = people.get((a.task.document.jurisdiction_id, Role.SUPERVISOR), {})
            elif due.kind == ReminderKind.ESCALATION_LEADER:
                users = people.get((a.unit_id, Role.UNIT_LEADER), {})
            else:
                users = people.get((a.unit_id, Role.STAFF), {})
            base = (a.pk, due.kind, due.due_date, due.step)
            for channel in channels:
                if channel.for_people:
                    for user in users.values():
                        if channel.address_of(user):
                            keys[(*base, channel.name, f"u:{user.pk}")] = user.pk
                elif due.kind in STAFF_KINDS:
                    for robot in UnitChannel.objects.filter(unit_id=a.unit_id, is_active=True):
                        keys[(*base, channel.name, f"r:{robot.pk}")] = robot.pk
    return keys


# Working days around the holidays on which the plans have reminders of every kind.
SCAN_DAYS = [date(2026, 9, d) for d in (21, 23, 24, 28, 29, 30)] + [
    date(2026, 10, d) for d in (8, 9, 10, 12, 13, 15, 21, 22)
]


def test_the_scan_logs_what_a_plain_pass_finds_in_one_digest_per_recipient_and_day(plans, settings):
    settings.REMINDER_CHANNELS = ["in_app", "email", "webhook", "sms"]
    for today in SCAN_DAYS:
        logged = set(ReminderLog.objects.values_list(*KEY))
        expected = {k: v for k, v in _expected_keys(today).items() if k not in logged}

        result = services.scan_reminders(now=at(today), queue=False)

        # then exactly the new keys are logged, by this run, each with its recipient
        rows = list(ReminderLog.objects.filter(run_id=result.run_id).select_related("message"))
        assert {tuple(getattr(r, c) for c in KEY) for r in rows} == set(expected)
        assert result.reminders == len(rows) == len(expected)
        for r in rows:
            recipient = r.user_id if r.recipient_key.startswith("u:") else r.unit_channel_id
            assert recipient == expected[tuple(getattr(r, c) for c in KEY)]
            assert r.note == ""
        # one digest of today per channel and recipient, none empty, the ids returned
        digests = {r.message for r in rows}
        assert sorted(m.pk for m in digests) == result.message_ids
        assert {(m.channel, m.recipient_key, m.user_id, m.unit_channel_id) for m in digests} == {
            (r.channel, r.recipient_key, r.user_id, r.unit_channel_id) for r in rows
        }
        assert all(m.is_digest and m.day == today and m.status == "pending" for m in digests)
        assert not OutboundMessage.objects.filter(reminders__isnull=True).exists()
        # the day's digests go out (as delivery would mark them)
        OutboundMessage.objects.filter(day=today).update(status=MessageStatus.SENT)
    assert set(ReminderLog.objects.values_list("kind", flat=True)) == {
        *STAFF_KINDS,
        ReminderKind.ESCALATION_LEADER,
        ReminderKind.ESCALATION_SUPERVISOR,
    }
    assert set(ReminderLog.objects.values_list("channel", flat=True)) == set(ChannelName.values)


def _overdue_world(world):
    world.staff.email = "staff@example.gov.cn"
    world.staff.save(update_fields=["email"])
    Assignment.objects.exclude(pk=world.lead.pk).update(is_active=False)
    Assignment.objects.filter(pk=world.lead.pk).update(
        start_date=date(2026, 9, 1), due_date=date(2026, 10, 12), report_cycle="once"
    )


def _digest(world, day, status):
    return OutboundMessage.objects.create(
        channel="in_app",
        recipient_key=f"u:{world.staff.pk}",
        user=world.staff,
        day=day,
        status=status,
    )


def test_a_digest_claimed_by_delivery_takes_no_rows_they_wait_for_tomorrows(world):
    _overdue_world(world)
    today = date(2026, 10, 13)
    claimed = _digest(world, today, MessageStatus.SENDING)  # being sent right now

    result = services.scan_reminders(now=at(today), queue=False)

    assert not claimed.reminders.exists()
    waiting = OutboundMessage.objects.get(
        channel="in_app", user=world.staff, day=today + timedelta(days=1)
    )
    assert waiting.reminders.count() == 1 and waiting.pk in result.message_ids
    email = OutboundMessage.objects.get(channel="email", user=world.staff)
    assert email.day == today and email.reminders.count() == 1


def test_after_max_digest_days_of_sent_digests_the_rows_wait_without_one(world):
    _overdue_world(world)
    today = date(2026, 10, 13)
    for i in range(MAX_DIGEST_DAYS):
        _digest(world, today + timedelta(days=i), MessageStatus.SENT)
    before = OutboundMessage.objects.count()

    result = services.scan_reminders(now=at(today), queue=False)

    row = ReminderLog.objects.get(channel="in_app", user=world.staff)
    assert row.message is None and row.run_id == result.run_id
    # only the e-mail digest is new, and only it is returned
    assert OutboundMessage.objects.count() == before + 1
    assert result.message_ids == [OutboundMessage.objects.get(channel="email").pk]


def test_rows_a_concurrent_scan_logged_first_leave_no_empty_digest(world, monkeypatch):
    """Between finding its new rows and inserting them another scan may log them: the
    digests created for them in between are deleted, the others are kept."""
    _overdue_world(world)
    today = date(2026, 10, 21)  # the staff, the leader and the supervisor are reminded
    world.leader.email = "leader@example.gov.cn"
    world.leader.save(update_fields=["email"])
    found = reminder_scan._recipients_of_new_rows

    def and_meanwhile(cursor):
        count = found(cursor)
        # the other scan logs every row of the leader and commits (here: the same
        # transaction, which is what our insert then sees)
        cursor.execute(
            f"SELECT {', '.join(reminder_scan_columns())} FROM {reminder_scan.ROWS} "
            "WHERE user_id = %s",
            [world.leader.pk],
        )
        taken = [dict(zip(reminder_scan_columns(), r, strict=True)) for r in cursor.fetchall()]
        ReminderLog.objects.bulk_create(
            [ReminderLog(run_id=uuid.uuid4(), **values) for values in taken]
        )
        assert taken
        return count

    monkeypatch.setattr(reminder_scan, "_recipients_of_new_rows", and_meanwhile)
    result = services.scan_reminders(now=at(today), queue=False)

    ours = ReminderLog.objects.filter(run_id=result.run_id)
    assert result.reminders == ours.count() > 0
    assert not ours.filter(user=world.leader).exists()
    # no digest for the leader, and every digest has rows
    assert not OutboundMessage.objects.filter(user=world.leader).exists()
    assert not OutboundMessage.objects.filter(reminders__isnull=True).exists()
    assert result.message_ids == sorted(set(ours.values_list("message_id", flat=True)))


def reminder_scan_columns():
    return [name for name, _type in reminder_scan.ROW_COLUMNS]


def test_the_scan_runs_the_same_queries_for_3_and_30_reminded_assignments(world, settings):
    """Candidates; assignments and reports (one batch); memberships, users, robots (one load);
    the temporary tables, the recipients, each day's digests, the rows, the digest ids."""
    settings.REMINDER_CHANNELS = ["in_app", "email"]
    counts = []
    for n, today in ((3, date(2026, 10, 13)), (30, date(2026, 10, 14))):
        tasks = Task.objects.bulk_create(
            [
                Task(
                    document=world.document,
                    clause=world.task.clause,
                    order=n + i,
                    title=f"Q{n}.{i}",
                )
                for i in range(n)
            ]
        )
        Assignment.objects.bulk_create(
            [
                Assignment(task=t, unit=world.lead_unit, due_date=today - timedelta(days=1))
                for t in tasks
            ]
        )
        with CaptureQueriesContext(connection) as queries:
            result = services.scan_reminders(now=at(today), queue=False)
        assert result.reminders >= n
        counts.append(len(queries))
    assert counts[0] == counts[1]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite serialises writers: no real concurrency"
)
def test_concurrent_scans_of_many_rows_log_each_once_into_non_empty_digests(registry):
    from tests.conftest import make_world

    world = make_world()
    for user in (world.staff, world.leader, world.supervisor):
        user.email = f"{user.username}@example.gov.cn"
        user.save(update_fields=["email"])
    tasks = Task.objects.bulk_create(
        [
            Task(document=world.document, clause=world.task.clause, order=100 + i, title=f"C{i}")
            for i in range(60)
        ]
    )
    Assignment.objects.bulk_create(
        [Assignment(task=t, unit=world.lead_unit, due_date=date(2026, 10, 12)) for t in tasks]
    )
    barrier = threading.Barrier(3)
    results, errors = [], []

    def scan():
        try:
            barrier.wait()
            results.append(services.scan_reminders(now=at(date(2026, 10, 21)), queue=False))
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=scan) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    keys = list(ReminderLog.objects.values_list(*KEY))
    assert len(keys) == len(set(keys)) == sum(r.reminders for r in results) > 60 * 3
    assert sorted(i for r in results for i in r.message_ids) == sorted(
        OutboundMessage.objects.values_list("pk", flat=True)
    )
    assert not OutboundMessage.objects.filter(reminders__isnull=True).exists()
    assert not ReminderLog.objects.filter(message__isnull=True).exists()
    assert OutboundMessage.objects.filter(channel="in_app", user=world.staff).count() == 1


def _someone_waits_for_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE NOT l.granted AND a.datname = current_database()"
        )
        return bool(cursor.fetchone()[0])


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite serialises writers: no real concurrency"
)
def test_a_digest_delivery_claims_during_the_scan_takes_none_of_its_rows(registry):
    from tests.conftest import make_world

    world = make_world()
    _overdue_world(world)
    today = date(2026, 10, 13)
    digest = _digest(world, today, MessageStatus.PENDING)
    claimed, release = threading.Event(), threading.Event()

    def deliver():  # delivery's claim, held open until the scan waits for it
        try:
            with transaction.atomic():
                OutboundMessage.objects.filter(pk=digest.pk, status="pending").update(
                    status=MessageStatus.SENDING
                )
                claimed.set()
                release.wait(30)
        finally:
            connection.close()

    def release_once_the_scan_waits():
        try:
            for _ in range(3000):
                if _someone_waits_for_a_lock():
                    break
                threading.Event().wait(0.01)
        finally:
            release.set()
            connection.close()

    threads = [
        threading.Thread(target=deliver),
        threading.Thread(target=release_once_the_scan_waits),
    ]
    threads[0].start()
    assert claimed.wait(30)
    threads[1].start()
    result = services.scan_reminders(now=at(today), queue=False)
    for t in threads:
        t.join()

    # then the claimed digest got nothing; the rows wait for tomorrow's
    assert not digest.reminders.exists()
    row = ReminderLog.objects.get(channel="in_app", user=world.staff)
    assert row.run_id == result.run_id and row.message.day == today + timedelta(days=1)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite serialises writers: no real concurrency"
)
def test_a_digest_the_scan_took_is_claimed_after_its_commit_and_sends_its_rows(
    registry, monkeypatch
):
    from tests.conftest import make_world

    world = make_world()
    _overdue_world(world)
    today = date(2026, 10, 13)
    digest = _digest(world, today, MessageStatus.PENDING)
    took, go = threading.Event(), threading.Event()
    take = reminder_scan._take_pending

    def take_and_hold(cursor, **kwargs):
        taken = take(cursor, **kwargs)
        took.set()
        go.wait(30)
        return taken

    monkeypatch.setattr(reminder_scan, "_take_pending", take_and_hold)
    outcome = []

    def in_thread(work):
        def run():
            try:
                work()
            finally:
                connection.close()

        thread = threading.Thread(target=run)
        thread.start()
        return thread

    scan = in_thread(lambda: services.scan_reminders(now=at(today), queue=False))
    assert took.wait(30)
    # when delivery claims the digest while the scan holds it
    deliver = in_thread(
        lambda: outcome.append(services.deliver_message(message_id=digest.pk, now=at(today)))
    )
    for _ in range(3000):
        if _someone_waits_for_a_lock():
            break
        threading.Event().wait(0.01)
    go.set()
    scan.join()
    deliver.join()

    # then it waited for the scan's commit and sent the scan's row with it
    assert [o.outcome for o in outcome] == ["sent"]
    digest.refresh_from_db()
    row = ReminderLog.objects.get(channel="in_app", user=world.staff)
    assert row.message_id == digest.pk
    assert str(world.lead.task) in digest.body

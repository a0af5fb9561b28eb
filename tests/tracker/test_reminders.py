"""Reminders and escalation (催办/督办) walked day by day with a frozen clock (``now=``)."""

import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection

from tests.conftest import table_counts
from tracker import services, tasks
from tracker.choices import ChannelName, MessageStatus, NotificationKind, ReminderKind
from tracker.errors import Conflict, NotAllowed
from tracker.models import Assignment, AuditEvent, Notification, OutboundMessage, ReminderLog
from tracker.workdays import is_working_day

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def beat(day: date) -> dict:
    """What beat does at 09:00: skip days off, else scan and deliver."""
    if not is_working_day(day):
        return {}
    services.scan_reminders(now=at(day), queue=False)
    return services.deliver_due_messages(now=at(day))


@pytest.fixture
def walk(world):
    """The lead unit's assignment, due on Monday 12 October 2026, right after 国庆 (Oct 1–7)."""
    for user in (world.staff, world.leader, world.supervisor):
        user.email = f"{user.username}@example.gov.cn"
        user.save(update_fields=["email"])
    Assignment.objects.exclude(pk=world.lead.pk).update(is_active=False)
    Assignment.objects.filter(pk=world.lead.pk).update(
        start_date=date(2026, 9, 1),
        due_date=date(2026, 10, 12),
        report_cycle="monthly",
        report_day=5,
    )
    return world


# (day, user, kind, step) of every in-app reminder from 14 September to 31 October 2026.
# 中秋 (Fri 25 Sep) and 国庆 (1–7 Oct) are days off, Saturday 10 October is a make-up working
# day. The September report is due Thu 8 Oct (5 Oct moved past the holiday), the October one
# and the task itself on Mon 12 Oct.
EXPECTED = [
    (date(2026, 9, 23), "staff", ReminderKind.REPORT_DUE, 5),
    (date(2026, 9, 24), "staff", ReminderKind.TASK_DUE, 7),
    (date(2026, 9, 29), "staff", ReminderKind.REPORT_DUE, 2),
    (date(2026, 10, 8), "staff", ReminderKind.REPORT_DUE, 0),
    (date(2026, 10, 8), "staff", ReminderKind.TASK_DUE, 3),
    (date(2026, 10, 9), "staff", ReminderKind.REPORT_DUE, 2),
    (date(2026, 10, 10), "staff", ReminderKind.TASK_DUE, 1),
    (date(2026, 10, 12), "staff", ReminderKind.REPORT_DUE, 0),
    (date(2026, 10, 13), "staff", ReminderKind.OVERDUE, 1),
    (date(2026, 10, 14), "staff", ReminderKind.OVERDUE, 2),
    (date(2026, 10, 15), "staff", ReminderKind.OVERDUE, 3),
    (date(2026, 10, 15), "leader", ReminderKind.ESCALATION_LEADER, 3),
    (date(2026, 10, 16), "staff", ReminderKind.OVERDUE, 4),
    (date(2026, 10, 16), "leader", ReminderKind.ESCALATION_LEADER, 4),
    (date(2026, 10, 19), "staff", ReminderKind.OVERDUE, 5),
    (date(2026, 10, 19), "leader", ReminderKind.ESCALATION_LEADER, 5),
    (date(2026, 10, 20), "staff", ReminderKind.OVERDUE, 6),
    (date(2026, 10, 20), "leader", ReminderKind.ESCALATION_LEADER, 6),
    (date(2026, 10, 21), "staff", ReminderKind.OVERDUE, 7),
    (date(2026, 10, 21), "leader", ReminderKind.ESCALATION_LEADER, 7),
    (date(2026, 10, 21), "supervisor", ReminderKind.ESCALATION_SUPERVISOR, 7),
] + [
    (day, who, kind, step)
    for step, day in enumerate([date(2026, 10, d) for d in (22, 23, 26, 27, 28, 29, 30)], start=8)
    for who, kind in (("staff", ReminderKind.OVERDUE), ("leader", ReminderKind.ESCALATION_LEADER))
]


def _walk(first: date, last: date):
    day = first
    while day <= last:
        beat(day)
        day += timedelta(days=1)


def test_one_task_walks_through_its_reminders_on_working_days(walk):
    # when beat runs every morning from mid-September to the end of October
    _walk(date(2026, 9, 14), date(2026, 10, 31))

    # then the right people got the right reminders on the right days
    got = [
        (r.message.day, r.user.username, r.kind, r.step)
        for r in ReminderLog.objects.filter(channel=ChannelName.IN_APP).select_related(
            "message", "user"
        )
    ]
    assert sorted(got) == sorted(EXPECTED)
    # every message went out on the working day it is dated, none on a holiday or weekend
    sent = OutboundMessage.objects.all()
    assert {m.status for m in sent} == {MessageStatus.SENT}
    assert all(m.sent_at.astimezone(SHANGHAI).date() == m.day for m in sent)
    assert all(is_working_day(m.day) for m in sent)
    holidays = {date(2026, 9, 25)} | {date(2026, 10, d) for d in range(1, 8)}
    assert not {m.day for m in sent} & holidays
    # one in-app notification and one e-mail per person and day
    days = {(d, who) for d, who, _kind, _step in EXPECTED}
    assert Notification.objects.filter(kind__in=["reminder", "escalation"]).count() == len(days)
    assert len(mail.outbox) == len(days)
    escalation = Notification.objects.get(recipient=walk.supervisor)
    assert escalation.kind == NotificationKind.ESCALATION
    assert "督办" in escalation.message or "Escalation" in escalation.message
    per_address = {}
    for message in mail.outbox:
        per_address[message.to[0]] = per_address.get(message.to[0], 0) + 1
    assert per_address == {
        f"{who}@example.gov.cn": len({d for d, w in days if w == who})
        for who in ("staff", "leader", "supervisor")
    }


def test_the_same_scan_twice_sends_nothing_new(walk):
    beat(date(2026, 10, 21))
    before = table_counts()
    outbox = len(mail.outbox)

    services.scan_reminders(now=at(date(2026, 10, 21), 15), queue=False)
    services.deliver_due_messages(now=at(date(2026, 10, 21), 15))

    assert table_counts() == before
    assert len(mail.outbox) == outbox


def test_a_submitted_report_stops_its_reminders(walk):
    services.create_report(
        assignment=walk.lead,
        by=walk.staff,
        data=services.ReportInput(progress="平台已上线。", percent=50),
        submit=True,
        now=at(date(2026, 9, 22)),
    )
    _walk(date(2026, 9, 23), date(2026, 10, 8))
    kinds = set(ReminderLog.objects.values_list("kind", "due_date"))
    assert (ReminderKind.REPORT_DUE, date(2026, 10, 8)) not in kinds
    assert (ReminderKind.TASK_DUE, date(2026, 10, 12)) in kinds


def test_a_closed_task_is_not_reminded(walk):
    walk.task.closed_at = at(date(2026, 10, 1))
    walk.task.save(update_fields=["closed_at"])
    _walk(date(2026, 10, 8), date(2026, 10, 22))
    assert not ReminderLog.objects.exists()


def test_two_assignments_of_one_person_make_one_digest_a_day(walk):
    # given a second task of the same unit due the same day
    Assignment.objects.create(
        task=walk.other_task,
        unit=walk.lead_unit,
        start_date=date(2026, 9, 1),
        due_date=date(2026, 10, 12),
        report_cycle="once",
    )
    # when the first overdue day's scan runs
    beat(date(2026, 10, 13))

    # then the staff member gets one notification and one e-mail listing both tasks
    notes = Notification.objects.filter(recipient=walk.staff)
    assert notes.count() == 1
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert str(walk.task) in body and str(walk.other_task) in body
    assert ReminderLog.objects.filter(user=walk.staff, channel="email").count() == 2


def test_rows_found_after_todays_digest_went_wait_for_tomorrows(walk):
    beat(date(2026, 10, 13))
    # a second task becomes overdue the same afternoon (e.g. its plan was just entered)
    Assignment.objects.create(
        task=walk.other_task, unit=walk.lead_unit, due_date=date(2026, 10, 12), report_cycle="once"
    )
    services.scan_reminders(now=at(date(2026, 10, 13), 16), queue=False)
    assert services.deliver_due_messages(now=at(date(2026, 10, 13), 16)) == {}
    waiting = OutboundMessage.objects.get(channel="in_app", user=walk.staff, status="pending")
    assert waiting.day == date(2026, 10, 14)

    beat(date(2026, 10, 14))
    waiting.refresh_from_db()
    assert waiting.status == MessageStatus.SENT
    # the next day's own overdue rows joined the same digest: still one message a day
    assert OutboundMessage.objects.filter(channel="in_app", user=walk.staff).count() == 2


def test_the_beat_task_skips_days_off_and_the_command_runs_any_day(walk):
    tasks.send_reminders(at="2026-10-18T09:00:00+08:00")  # a Sunday
    assert not ReminderLog.objects.exists()

    call_command("send_reminders", "--at", "2026-10-18 09:00", stdout=io.StringIO())
    # overdue by 4 working days on Sunday (as on Friday): Friday's reminders, once
    assert set(ReminderLog.objects.values_list("kind", "step")) == {
        (ReminderKind.OVERDUE, 4),
        (ReminderKind.ESCALATION_LEADER, 4),
    }
    assert Notification.objects.filter(recipient=walk.staff).count() == 1


def test_the_command_reports_what_it_did(walk, capsys):
    call_command("send_reminders", "--at", "2026-10-13 09:00")
    out = capsys.readouterr().out
    assert "2026-10-13 09:00" in out and "sent" in out


def test_deliveries_are_queued_after_the_commit(walk, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.scan_reminders(now=at(date(2026, 10, 13)), queue=True)
    assert callbacks
    assert not Notification.objects.exists()  # nothing is sent before the commit


def test_a_message_is_claimed_once(walk):
    services.scan_reminders(now=at(date(2026, 10, 13)), queue=False)
    message = OutboundMessage.objects.get(channel="email", user=walk.staff)
    now = at(date(2026, 10, 13))
    assert services.deliver_message(message_id=message.pk, now=now).outcome == "sent"
    assert services.deliver_message(message_id=message.pk, now=now).outcome == "skipped"
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite serialises writers: no real concurrency"
)
def test_two_concurrent_scans_log_each_reminder_once(registry):
    import threading

    from tests.conftest import make_world

    world = make_world()
    Assignment.objects.filter(pk=world.lead.pk).update(
        start_date=date(2026, 9, 1), due_date=date(2026, 10, 12)
    )
    barrier = threading.Barrier(4)
    errors = []

    def scan():
        try:
            barrier.wait()
            services.scan_reminders(now=at(date(2026, 10, 21)), queue=False)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=scan) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    keys = list(
        ReminderLog.objects.values_list(
            "assignment", "kind", "due_date", "step", "channel", "recipient_key"
        )
    )
    assert keys and len(keys) == len(set(keys))
    assert OutboundMessage.objects.filter(channel="in_app", user=world.staff).count() == 1


# 催办: a supervisor urges one assignment at once


def test_a_supervisor_urges_an_assignment_once_a_day(walk):
    now = at(date(2026, 10, 14), 11)
    ids = services.urge_assignment(
        assignment=walk.lead, by=walk.supervisor, message="请尽快报送。", now=now
    )
    assert services.deliver_due_messages(now=now) == {"sent": len(ids)}
    # staff and leader, in-app and by e-mail, at once
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {
        "staff",
        "leader",
    }
    assert "请尽快报送" in Notification.objects.first().message
    assert len(mail.outbox) == 2
    event = AuditEvent.objects.get(action="assignment.urged")
    assert event.actor == walk.supervisor and event.after["message"] == "请尽快报送。"

    with pytest.raises(Conflict) as refused:
        services.urge_assignment(assignment=walk.lead, by=walk.supervisor, now=now)
    assert refused.value.code == "already_urged_today"

    services.urge_assignment(assignment=walk.lead, by=walk.supervisor, now=now + timedelta(days=1))
    assert AuditEvent.objects.filter(action="assignment.urged").count() == 2


def test_only_the_jurisdictions_supervisor_may_urge(walk):
    for user in (walk.staff, walk.leader, walk.other_supervisor):
        with pytest.raises(NotAllowed):
            services.urge_assignment(assignment=walk.lead, by=user, now=at(date(2026, 10, 14)))
    assert not ReminderLog.objects.exists()


def test_an_escalation_is_listed_for_the_supervisor(walk):
    _walk(date(2026, 10, 13), date(2026, 10, 20))
    assert not services.escalated_assignments(walk.supervisor).exists()
    beat(date(2026, 10, 21))
    assert list(services.escalated_assignments(walk.supervisor)) == [walk.lead]
    assert not services.escalated_assignments(walk.other_supervisor).exists()


# Pages: the 催办 button and the escalation list


def test_the_supervisor_urges_from_the_assignment_page(walk, client):
    page = f"/assignments/{walk.lead.pk}/"
    client.force_login(walk.supervisor)
    assert b'data-action="urge"' in client.get(page).content

    response = client.post(f"{page}urge/", {"urge-comment": "请今天报送。"})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="assignment.urged").count() == 1
    assert ReminderLog.objects.filter(kind=ReminderKind.URGE, note="请今天报送。").exists()

    again = client.post(f"{page}urge/", {"urge-comment": ""})
    assert again.status_code == 409


def test_staff_see_no_urge_button_and_may_not_post_it(walk, client):
    client.force_login(walk.staff)
    page = f"/assignments/{walk.lead.pk}/"
    assert b'data-action="urge"' not in client.get(page).content
    assert client.post(f"{page}urge/").status_code == 403
    assert not ReminderLog.objects.exists()


def test_the_escalation_page_lists_what_reached_the_supervisor(walk, client):
    _walk(date(2026, 10, 13), date(2026, 10, 21))
    client.force_login(walk.supervisor)
    response = client.get("/escalations/")
    assert response.status_code == 200
    assert f'data-assignment="{walk.lead.pk}"'.encode() in response.content

    client.force_login(walk.staff)
    assert client.get("/escalations/").status_code == 403


def test_the_retry_sweep_queues_due_messages(walk, django_capture_on_commit_callbacks):
    services.scan_reminders(now=at(date(2026, 10, 13)), queue=False)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        tasks.retry_deliveries()
    assert len(callbacks) == 1


def test_the_escalation_list_runs_the_same_queries_for_5_and_50_rows(world, client):
    """Queries: the session, the user, the count, the rows (the supervised jurisdictions and
    the escalation filter are subqueries of both), plus the navigation's unread count."""
    import uuid

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tracker.models import Assignment, ReminderLog, Task

    def add(n):
        tasks = Task.objects.bulk_create(
            [
                Task(
                    document=world.document, clause=world.task.clause, order=100 + i, title=f"T{i}"
                )
                for i in range(n)
            ]
        )
        rows = Assignment.objects.bulk_create(
            [Assignment(task=t, unit=world.lead_unit, due_date=world_day) for t in tasks]
        )
        ReminderLog.objects.bulk_create(
            [
                ReminderLog(
                    run_id=uuid.uuid4(),
                    assignment=a,
                    kind="escalation_supervisor",
                    due_date=world_day,
                    step=7,
                    channel="in_app",
                    recipient_key=f"u:{world.supervisor.pk}",
                    user=world.supervisor,
                )
                for a in rows
            ]
        )

    from datetime import date

    world_day = date(2026, 10, 9)
    client.force_login(world.supervisor)
    counts = []
    for n in (5, 45):
        add(n)
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/escalations/?page_size=100")
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert response.content.decode().count("/assignments/") >= 50

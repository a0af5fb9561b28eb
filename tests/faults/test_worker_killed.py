"""A worker killed in the middle of a reminder scan leaves nothing; a re-sent scan sends once.

The scan (tracker.services.reminders.scan_reminders) writes its reminder log and its digests in
one transaction. The task sleeps inside that transaction once they are written
(``pause_after_write_seconds``), the test sees the open transaction holding the written tables
and kills the worker with SIGKILL. Redis would redeliver the unacknowledged task only after its
visibility timeout (an hour), so the retry is an explicit re-send, as the next beat or an
operator would do; a second worker then logs each reminder once and sends each digest once,
and a third run of the same scan changes nothing.
"""

import pytest
from django.db import connection

from tracker.choices import MessageStatus
from tracker.models import Notification, OutboundMessage, ReminderLog

from .conftest import AT, needs_postgresql, reminder_world
from .helpers import SERVER_SETTINGS, Worker, app_env, database_url, emails_to, send_task, wait_for

pytestmark = [pytest.mark.services, needs_postgresql, pytest.mark.django_db(transaction=True)]

PAUSED = "reminder scan paused after its writes"


def _tables_written_by_others() -> set[str]:
    """Tables other sessions of this database hold row-write locks on (open writes)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT DISTINCT c.relname FROM pg_locks l
            JOIN pg_class c ON c.oid = l.relation
            JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.mode = 'RowExclusiveLock' AND a.datname = current_database()
              AND l.pid <> pg_backend_pid()
            """
        )
        return {name for (name,) in cursor.fetchall()}


def _counts() -> dict[str, int]:
    return {
        "reminders": ReminderLog.objects.count(),
        "messages": OutboundMessage.objects.count(),
        "notifications": Notification.objects.filter(object_type="tracker.outboundmessage").count(),
    }


def test_worker_killed_mid_scan_leaves_nothing_and_a_resent_scan_sends_each_reminder_once(
    private_redis, stack, tmp_path
):
    reminder_world()
    mail = tmp_path / "mail"
    mail.mkdir()
    broker = private_redis.url + "/0"
    env = app_env(
        tmp_path,
        DJANGO_SETTINGS_MODULE=SERVER_SETTINGS,
        DATABASE_URL=database_url(connection.settings_dict),
        CELERY_BROKER_URL=broker,
        EMAIL_URL=f"filemail:///{mail}",
    )

    # given a worker paused inside the scan's transaction, its rows written but not committed
    send_task(broker, "tracker.send_reminders", at=AT, force=True, pause_after_write_seconds=60)
    first = Worker(env, tmp_path / "first.log")
    stack.callback(first.kill)
    first.start()
    first.wait_for_log(PAUSED)
    assert {"tracker_reminderlog", "tracker_outboundmessage"} <= _tables_written_by_others()
    # when the worker is killed there
    first.kill()
    # then nothing of the scan remains, and nothing was sent
    wait_for(
        lambda: not _tables_written_by_others(), seconds=30, what="the killed transaction to end"
    )
    assert _counts() == {"reminders": 0, "messages": 0, "notifications": 0}
    assert emails_to(mail) == []

    # when the scan is sent again and a new worker runs it
    second = Worker(env, tmp_path / "second.log")
    stack.callback(second.stop)
    second.start()
    second.succeeded(send_task(broker, "tracker.send_reminders", at=AT, force=True))
    wait_for(
        lambda: not OutboundMessage.objects.exclude(status=MessageStatus.SENT).exists(),
        seconds=60,
        what="every digest to be sent",
    )
    # and once more, with the beat's safety net
    second.succeeded(send_task(broker, "tracker.send_reminders", at=AT, force=True))
    second.succeeded(send_task(broker, "tracker.retry_deliveries"))
    wait_for(lambda: private_redis.queued() == 0, seconds=30, what="an empty queue")

    # then every reminder is logged once and every digest went out once
    keys = list(
        ReminderLog.objects.values_list(
            "assignment", "kind", "due_date", "step", "channel", "recipient_key"
        )
    )
    assert sorted(ReminderLog.objects.values_list("kind", "channel", "user__username")) == [
        ("escalation_leader", "email", "leader"),
        ("escalation_leader", "in_app", "leader"),
        ("escalation_supervisor", "email", "supervisor"),
        ("escalation_supervisor", "in_app", "supervisor"),
        ("overdue", "email", "staff"),
        ("overdue", "in_app", "staff"),
    ]
    assert len(set(keys)) == 6
    messages = list(OutboundMessage.objects.select_related("user"))
    assert sorted((m.channel, m.user.username, m.status, m.attempts) for m in messages) == [
        (channel, name, MessageStatus.SENT, 1)
        for channel in ("email", "in_app")
        for name in ("leader", "staff", "supervisor")
    ]
    assert emails_to(mail) == [
        f"{name}@example.gov.cn" for name in ("leader", "staff", "supervisor")
    ]
    assert sorted(
        Notification.objects.filter(object_type="tracker.outboundmessage").values_list(
            "object_id", flat=True
        )
    ) == sorted(str(m.pk) for m in messages if m.channel == "in_app")
    assert PAUSED not in second.log()

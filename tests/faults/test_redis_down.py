"""Redis down: the site keeps working, and the messages that were due go out once it is back.

The web app runs under gunicorn with its broker and cache on a Redis of the test's own. The
test first freezes it (SIGSTOP: connections are accepted, nothing is answered) while the
supervisor urges (催办) a unit: publishing the e-mail deliveries gives up after the broker's
socket timeout, the request succeeds. Then it kills Redis (a 催办 queued just before is lost
with it, as in a crash without persistence). While Redis is away, staff sign in, open their
pages, write and submit a report through the API, and the daily scan runs: publishing fails
at once (connection refused; the after-commit hook logs it), nobody sees an error, and every
message waits in the outbox (OutboundMessage, pending). When Redis is back, the same web
process queues again, the beat's safety net (tracker.retry_deliveries) re-queues the outbox
and a real worker sends each message exactly once: one e-mail per message in the file
backend, one in-app notification per in-app message, even when the same tasks run again.
"""

import pytest
import requests
from django.db import connection
from rest_framework.authtoken.models import Token

from tests.conftest import PASSWORD
from tracker.choices import MessageStatus, ReportStatus
from tracker.models import (
    AuditEvent,
    Notification,
    OutboundMessage,
    ProgressReport,
    ReminderLog,
)

from .conftest import AT, needs_postgresql, reminder_world
from .helpers import (
    SERVER_SETTINGS,
    WebServer,
    Worker,
    app_env,
    database_url,
    emails_to,
    post_form,
    run_python,
    send_task,
    sign_in,
    wait_for,
)

pytestmark = [pytest.mark.services, needs_postgresql, pytest.mark.django_db(transaction=True)]

# A request must answer well within this while the broker is away: a refused connection costs
# about a second, a hung Redis up to three socket timeouts of 2 s (settings_faults.py).
REQUEST_SECONDS = 20
NAMES = ["costaff", "leader", "leader", "otherstaff", "staff", "staff", "supervisor"]


def _messages():
    return sorted(
        (m.channel, m.user.username, m.status, m.attempts)
        for m in OutboundMessage.objects.select_related("user")
    )


def test_redis_down_keeps_the_site_working_and_delivers_each_message_once_when_back(
    private_redis, stack, tmp_path
):
    w = reminder_world()
    staff_token = Token.objects.create(user=w.staff).key
    mail = tmp_path / "mail"
    mail.mkdir()
    broker = private_redis.url + "/0"
    env = app_env(
        tmp_path,
        DJANGO_SETTINGS_MODULE=SERVER_SETTINGS,
        DATABASE_URL=database_url(connection.settings_dict),
        CELERY_BROKER_URL=broker,
        CACHE_URL=private_redis.url + "/1",  # the sign-in rate limit counts in Redis too
        LOGIN_RATE="30/minute",
        EMAIL_URL=f"filemail:///{mail}",
    )
    web = WebServer(env, tmp_path / "web.log")
    stack.callback(web.stop)
    web.start()
    base = web.base
    web_pid = web.worker_pid()
    supervisor = sign_in(base, "supervisor", PASSWORD)

    # given a 催办 of the lead unit queued while Redis was up, not yet taken by any worker
    response = post_form(
        supervisor, f"{base}/assignments/{w.lead.pk}/urge/", {"urge-comment": "请抓紧报送。"}
    )
    assert response.status_code == 302, web.log()
    assert private_redis.queued() == 2  # the e-mails of the staff and the leader

    # when Redis hangs (accepts connections, never answers), the supervisor's 催办 of the
    # support unit still succeeds: in-app at once, its e-mail waits in the outbox (publishing
    # gives up after the broker's socket timeout)
    private_redis.freeze()
    response = post_form(
        supervisor,
        f"{base}/assignments/{w.support.pk}/urge/",
        {"urge-comment": "请尽快报送。"},
        timeout=REQUEST_SECONDS,
    )
    assert response.status_code == 302
    # when Redis then dies, and the queued delivery task with it
    private_redis.stop()

    # then staff still sign in, open their pages, and write and submit a report by the API
    api = requests.Session()
    api.headers["Authorization"] = f"Token {staff_token}"
    response = api.post(
        f"{base}/api/v1/assignments/{w.lead.pk}/reports/",
        json={"progress": "平台已上线试运行。", "percent": 40},
        timeout=REQUEST_SECONDS,
    )
    assert response.status_code == 201, response.text
    report_id = response.json()["id"]
    response = api.post(f"{base}/api/v1/reports/{report_id}/submit/", timeout=REQUEST_SECONDS)
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    staff = sign_in(base, "staff", PASSWORD)
    response = staff.get(f"{base}/tasks/mine/", allow_redirects=False, timeout=REQUEST_SECONDS)
    assert response.status_code == 200
    # and the daily scan of a worker completes; its deliveries cannot be queued
    run_python(
        f"from tracker.tasks import send_reminders\nsend_reminders(at={AT!r}, force=True)", env
    )

    assert ProgressReport.objects.get(pk=report_id).status == ReportStatus.SUBMITTED
    assert sorted(
        AuditEvent.objects.filter(
            object_type="tracker.progressreport", object_id=str(report_id)
        ).values_list("action", flat=True)
    ) == ["report.created", "report.submitted"]
    pending, sent = MessageStatus.PENDING, MessageStatus.SENT
    assert _messages() == [
        ("email", "costaff", pending, 0),  # the 催办 while Redis hung
        ("email", "leader", pending, 0),  # queued in the Redis that died
        ("email", "leader", pending, 0),  # the scan's digest
        ("email", "staff", pending, 0),
        ("email", "staff", pending, 0),
        ("email", "supervisor", pending, 0),
        ("in_app", "costaff", sent, 1),  # in-app 催办 go out at once
        ("in_app", "leader", sent, 1),  # the scan's in-app digests need no broker either
        ("in_app", "leader", sent, 1),
        ("in_app", "staff", sent, 1),
        ("in_app", "staff", sent, 1),
        ("in_app", "supervisor", sent, 1),
    ]
    assert emails_to(mail) == []
    assert Notification.objects.filter(object_type="tracker.outboundmessage").count() == 6

    # when Redis is back and a worker runs
    private_redis.start()
    worker = Worker(env, tmp_path / "worker.log")
    stack.callback(worker.stop)
    worker.start()
    worker.wait_for_log(" ready.")
    # then the same web process queues a new 催办 again, without a restart
    response = post_form(
        supervisor, f"{base}/assignments/{w.unrelated.pk}/urge/", {}, timeout=REQUEST_SECONDS
    )
    assert response.status_code == 302 and web.worker_pid() == web_pid
    # and the beat's safety net sends everything the outage left in the outbox
    worker.succeeded(send_task(broker, "tracker.retry_deliveries"))
    wait_for(
        lambda: not OutboundMessage.objects.exclude(status=sent).exists(),
        seconds=60,
        what="every message to be sent",
    )
    # and running the safety net and the same scan again sends nothing twice
    worker.succeeded(send_task(broker, "tracker.retry_deliveries"))
    worker.succeeded(send_task(broker, "tracker.send_reminders", at=AT, force=True))
    wait_for(lambda: private_redis.queued() == 0, seconds=30, what="an empty queue")

    # then each message went out once: one e-mail each, one in-app notification each
    assert _messages() == [
        (channel, name, sent, 1) for channel in ("email", "in_app") for name in NAMES
    ]
    assert emails_to(mail) == [f"{name}@example.gov.cn" for name in NAMES]
    in_app = OutboundMessage.objects.filter(channel="in_app").values_list("pk", flat=True)
    notified = Notification.objects.filter(object_type="tracker.outboundmessage")
    assert sorted(notified.values_list("object_id", flat=True)) == sorted(map(str, in_app))
    keys = list(
        ReminderLog.objects.values_list("assignment", "kind", "due_date", "step", "channel", "user")
    )
    assert len(keys) == len(set(keys)) == 14  # 6 of the scan, 8 of the three 催办
    assert "Traceback" not in worker.log(), worker.log()[-4000:]

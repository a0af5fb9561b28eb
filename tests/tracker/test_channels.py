"""Channels: group robots of 企业微信 and 钉钉 on a local fake server, retries, SMS, the registry."""

import base64
import contextlib
import hashlib
import hmac
import json
import threading
import urllib.parse
from datetime import date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from tracker import services
from tracker.channels import Channel, get_channel, registered
from tracker.channels.sms import LoggingSMSBackend
from tracker.channels.webhooks import dingtalk_sign
from tracker.choices import MessageStatus
from tracker.models import Assignment, Notification, OutboundMessage, UnitChannel

SHANGHAI = ZoneInfo("Asia/Shanghai")
SECRET = "SEC0123456789abcdef"


def at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


class FakeRobots:
    """A 企业微信 and a 钉钉 robot on 127.0.0.1 that record what they receive."""

    def __init__(self):
        self.received = []
        self.port = None
        self.server = None

    def start(self):
        robots = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers["Content-Length"])
                body = json.loads(self.rfile.read(length))
                robots.received.append((self.path, self.headers["Content-Type"], body))
                answer = json.dumps({"errcode": 0, "errmsg": "ok"}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        # the same port again after a stop, so the robots' URLs stay valid
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port or 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"


@pytest.fixture
def robots():
    fake = FakeRobots()
    fake.start()
    yield fake
    if fake.server is not None:
        with contextlib.suppress(OSError):
            fake.stop()


@pytest.fixture
def overdue(world, robots):
    """The lead unit's assignment overdue since 12 October, with a WeCom and a DingTalk robot."""
    world.staff.email = "staff@example.gov.cn"
    world.staff.phone = "13800000000"
    world.staff.save(update_fields=["email", "phone"])
    Assignment.objects.exclude(pk=world.lead.pk).update(is_active=False)
    Assignment.objects.filter(pk=world.lead.pk).update(
        start_date=date(2026, 9, 1), due_date=date(2026, 10, 12), report_cycle="once"
    )
    world.wecom = UnitChannel.objects.create(
        unit=world.lead_unit,
        platform="wecom",
        url=robots.url("/cgi-bin/webhook/send?key=wecom-key"),
    )
    world.dingtalk = UnitChannel.objects.create(
        unit=world.lead_unit,
        platform="dingtalk",
        url=robots.url("/robot/send?access_token=ding-token"),
        secret=SECRET,
    )
    return world


def test_robots_receive_their_documented_payloads_and_dingtalk_is_signed(overdue, robots):
    now = at(date(2026, 10, 13))
    services.scan_reminders(now=now, queue=False)
    counts = services.deliver_due_messages(now=now)

    assert counts == {"sent": 5}  # in-app, e-mail, SMS, two robots
    by_path = {
        urllib.parse.urlsplit(path).path: (path, ctype, body)
        for path, ctype, body in robots.received
    }
    assert set(by_path) == {"/cgi-bin/webhook/send", "/robot/send"}

    path, ctype, wecom = by_path["/cgi-bin/webhook/send"]
    assert ctype.startswith("application/json")
    assert "key=wecom-key" in path
    assert wecom["msgtype"] == "markdown"
    assert str(overdue.task) in wecom["markdown"]["content"]
    assert len(wecom["markdown"]["content"].encode()) <= 4096

    path, ctype, ding = by_path["/robot/send"]
    assert ding["msgtype"] == "markdown"
    assert set(ding["markdown"]) == {"title", "text"}
    assert str(overdue.task) in ding["markdown"]["text"]
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)
    assert query["access_token"] == ["ding-token"]
    timestamp = query["timestamp"][0]
    expected = base64.b64encode(
        hmac.new(SECRET.encode(), f"{timestamp}\n{SECRET}".encode(), hashlib.sha256).digest()
    ).decode()
    assert query["sign"] == [expected]  # parse_qs undoes the URL encoding
    assert abs(int(timestamp) / 1000 - datetime.now().timestamp()) < 60


def test_dingtalk_signature_matches_the_documented_example():
    # the algorithm of DingTalk's documentation: base64(HMAC-SHA256(secret, "ts\nsecret")), URL-encoded
    sign = dingtalk_sign("this is secret", 1577262236757)
    raw = hmac.new(b"this is secret", b"1577262236757\nthis is secret", hashlib.sha256).digest()
    assert sign == urllib.parse.quote_plus(base64.b64encode(raw))


def test_a_robot_down_does_not_block_the_others_and_is_retried(overdue, robots):
    # given the robots' server is down
    robots.stop()
    now = at(date(2026, 10, 13))
    services.scan_reminders(now=now, queue=False)
    counts = services.deliver_due_messages(now=now)

    # then in-app, e-mail and SMS went out; both robot messages wait for a retry
    assert counts == {"sent": 3, "retry": 2}
    assert Notification.objects.filter(recipient=overdue.staff).count() == 1
    assert len(mail.outbox) == 1
    webhooks = OutboundMessage.objects.filter(channel="webhook")
    for message in webhooks:
        assert message.status == MessageStatus.PENDING
        assert message.attempts == 1
        assert "unreachable" in message.last_error
        assert message.next_attempt_at == now + timedelta(seconds=60)

    # a retry before the backoff has passed does nothing
    assert services.deliver_due_messages(now=now + timedelta(seconds=30)) == {}

    # when the server is back and the retry is due, the robots get their messages once
    robots.start()
    later = now + timedelta(minutes=2)
    assert services.deliver_due_messages(now=later) == {"sent": 2}
    assert len(robots.received) == 2
    assert {m.status for m in OutboundMessage.objects.all()} == {MessageStatus.SENT}
    assert {m.attempts for m in webhooks.all()} == {2}
    assert services.deliver_due_messages(now=later + timedelta(hours=1)) == {}
    assert len(mail.outbox) == 1  # the e-mail was never sent again


def test_a_channel_that_keeps_failing_gives_up_and_an_admin_retries(overdue, robots, settings):
    settings.CHANNEL_MAX_ATTEMPTS = 3
    robots.stop()
    now = at(date(2026, 10, 13))
    services.scan_reminders(now=now, queue=False)
    message = OutboundMessage.objects.filter(channel="webhook").first()
    outcomes = []
    for minutes in (0, 2, 5):
        outcomes.append(
            services.deliver_message(message_id=message.pk, now=now + timedelta(minutes=minutes))
        )
    assert [d.outcome for d in outcomes] == ["retry", "retry", "failed"]
    assert [d.retry_in for d in outcomes[:2]] == [60, 120]  # exponential backoff
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.FAILED, 3)

    robots.start()
    assert services.retry_message(message=message)
    assert (
        services.deliver_message(message_id=message.pk, now=now + timedelta(hours=1)).outcome
        == "sent"
    )


def test_the_logging_sms_backend_gets_the_digest(overdue):
    LoggingSMSBackend.sent = []
    now = at(date(2026, 10, 13))
    services.scan_reminders(now=now, queue=False)
    services.deliver_due_messages(now=now)
    assert len(LoggingSMSBackend.sent) == 1
    phone, text = LoggingSMSBackend.sent[0]
    assert phone == "13800000000" and str(overdue.task) in text


def test_people_without_an_address_are_skipped_by_that_channel(overdue):
    overdue.staff.email = ""
    overdue.staff.phone = ""
    overdue.staff.save(update_fields=["email", "phone"])
    services.scan_reminders(now=at(date(2026, 10, 13)), queue=False)
    assert set(
        OutboundMessage.objects.filter(user=overdue.staff).values_list("channel", flat=True)
    ) == {"in_app"}


def test_channels_are_pluggable():
    assert {"in_app", "email", "webhook", "sms"} <= set(registered())
    assert isinstance(get_channel("email"), Channel)
    with pytest.raises(KeyError):
        get_channel("pigeon")


def test_disabled_channels_are_not_used(overdue, settings):
    settings.REMINDER_CHANNELS = ["in_app"]
    services.scan_reminders(now=at(date(2026, 10, 13)), queue=False)
    assert set(OutboundMessage.objects.values_list("channel", flat=True)) == {"in_app"}


def test_admins_see_failed_deliveries_and_retry_them(overdue, robots, client):
    robots.stop()
    now = at(date(2026, 10, 13))
    services.scan_reminders(now=now, queue=False)
    services.deliver_due_messages(now=now)
    client.force_login(overdue.admin)

    listing = client.get(
        "/admin/tracker/outboundmessage/?status__exact=pending&channel__exact=webhook"
    )
    assert listing.status_code == 200
    assert b"unreachable" in listing.content
    assert client.get("/admin/tracker/reminderlog/").status_code == 200
    assert client.get(f"/admin/tracker/unitchannel/{overdue.wecom.pk}/change/").status_code == 200

    ids = [
        str(pk)
        for pk in OutboundMessage.objects.filter(channel="webhook").values_list("pk", flat=True)
    ]
    response = client.post(
        "/admin/tracker/outboundmessage/", {"action": "retry_now", "_selected_action": ids}
    )
    assert response.status_code == 302
    assert set(
        OutboundMessage.objects.filter(channel="webhook").values_list("next_attempt_at", flat=True)
    ) == {None}

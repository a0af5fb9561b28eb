"""Beat-triggered reminders through a real worker (filesystem broker locally, Redis in CI).

The schedule is a django-celery-beat periodic task added as an admin would, firing every
second with ``at`` fixed to 21 October 2026 09:00: each beat runs the same scan, the worker
queues one delivery task per message, and each reminder still arrives exactly once.
"""

import json
import os
import subprocess
import sys
import time

import pytest
from django.db import connection

from tests.conftest import REPO

SETUP = r"""
import json
import django
django.setup()
from datetime import date
from accounts.registry import load_registry
from django_celery_beat.models import IntervalSchedule, PeriodicTask
from tests.conftest import make_world
from tracker.models import Assignment

load_registry()
w = make_world()
for user in (w.staff, w.leader, w.supervisor):
    user.email = user.username + "@example.gov.cn"
    user.save(update_fields=["email"])
Assignment.objects.exclude(pk=w.lead.pk).update(is_active=False)
Assignment.objects.filter(pk=w.lead.pk).update(
    start_date=date(2026, 9, 1), due_date=date(2026, 10, 12), report_cycle="once"
)
every = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.SECONDS)
PeriodicTask.objects.create(
    name="test: send reminders every second",
    task="tracker.send_reminders",
    interval=every,
    kwargs=json.dumps({"at": "2026-10-21T09:00:00+08:00"}),
    expires=None,
)
"""

CHECK = r"""
import json
import django
django.setup()
from tracker.models import Notification, OutboundMessage, ReminderLog
keys = list(ReminderLog.objects.values_list(
    "assignment", "kind", "due_date", "step", "channel", "recipient_key"))
print(json.dumps({
    "notifications": sorted(Notification.objects.values_list("recipient__username", flat=True)),
    "messages": sorted(OutboundMessage.objects.values_list("channel", "status")),
    "reminders": len(keys),
    "distinct": len(set(keys)),
}))
"""


def _run(code, env):
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.fixture
def env(tmp_path, transactional_db):
    """The subprocesses' database: a migrated SQLite file locally, the test database in CI."""
    environment = {**os.environ, "DATA_DIR": str(tmp_path), "EMAIL_URL": "consolemail://"}
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        environment["DATABASE_URL"] = (
            f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:"
            f"{s['PORT'] or 5432}/{s['NAME']}"
        )
    else:
        environment.pop("DATABASE_URL", None)
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input", "-v0"],
            cwd=REPO,
            env=environment,
            check=True,
        )
    return environment


def _start(args, env, log):
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "tracker", *args],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def test_beat_triggered_reminders_arrive_once_through_a_real_worker(env, tmp_path):
    _run(SETUP, env)
    log_path = tmp_path / "celery.log"
    expected = ["leader", "staff", "supervisor"]
    state = {}
    with log_path.open("w") as log:
        worker = _start(
            ["worker", "--pool=solo", "--concurrency=1", "--loglevel=INFO", "-Q", "celery"],
            env,
            log,
        )
        beat = _start(["beat", "--loglevel=INFO", "--max-interval=1"], env, log)
        try:
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline:
                state = json.loads(_run(CHECK, env))
                if (
                    state["notifications"] == expected
                    and all(status == "sent" for _channel, status in state["messages"])
                    and len(state["messages"]) == 6
                ):
                    break
                time.sleep(1)
            time.sleep(4)  # a few more beats of the same scan
            state = json.loads(_run(CHECK, env))
        finally:
            for process in (beat, worker):
                process.terminate()
            for process in (beat, worker):
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
    output = log_path.read_text()
    assert state.get("notifications") == expected, output[-4000:]
    assert state["messages"] == [["email", "sent"]] * 3 + [["in_app", "sent"]] * 3
    assert state["reminders"] == state["distinct"] == 6
    assert output.count("tracker.send_reminders") >= 3  # beat fired again and again
    assert "tracker.deliver_message" in output

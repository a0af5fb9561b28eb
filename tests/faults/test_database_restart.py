"""PostgreSQL restarted during traffic: 503 with a message, nothing half-written, no restart.

The web app runs under gunicorn (one worker process, persistent connections as configured)
against a PostgreSQL cluster of the test's own, a copy of the migrated test database, which the
test restarts and stops. The same worker process must answer 200 again at once after each
restart; while the database is down every request answers 503 with a Chinese message (JSON
``{"code": "database_unavailable", "detail"}`` under /api/, the 503 page for people); and a
report being written when the database went down leaves neither its row nor its audit event.
"""

import re
import threading

import psycopg
import pytest
import requests
from django.db import connection
from rest_framework.authtoken.models import Token

from tests.conftest import PASSWORD, has_chinese, make_world

from .conftest import needs_postgresql
from .helpers import SERVER_SETTINGS, WebServer, app_env, sign_in, wait_for

pytestmark = [pytest.mark.services, needs_postgresql, pytest.mark.django_db(transaction=True)]

REQUEST_SECONDS = 30


def _page_message(html: str) -> str:
    """The heading and the paragraph of the 503 page."""
    return " ".join(re.findall(r"<(?:h1|p)>(.*?)</(?:h1|p)>", html, flags=re.S))


def _assert_outage_answer(response, *, api: bool) -> None:
    assert response.status_code == 503, response.text[-2000:]
    assert response.headers["Retry-After"] == "30"
    if api:
        body = response.json()
        assert body["code"] == "database_unavailable"
        assert has_chinese(body["detail"]), body
    else:
        assert response.headers["Content-Type"].startswith("text/html")
        assert has_chinese(_page_message(response.text)), response.text


def test_database_restart_answers_503_leaves_nothing_half_written_and_the_server_recovers(
    private_postgres, stack, tmp_path
):
    from accounts.registry import load_registry

    # the world is written in the test database, committed, and copied with its schema
    load_registry()
    w = make_world()
    token = Token.objects.create(user=w.staff).key
    pg = private_postgres
    pg.copy_database(connection.settings_dict, "duban")
    env = app_env(
        tmp_path,
        DJANGO_SETTINGS_MODULE=SERVER_SETTINGS,
        DATABASE_URL=pg.url("duban"),
        CELERY_BROKER_URL="memory://",  # nothing here queues a task; never the shared broker
    )
    web = WebServer(env, tmp_path / "web.log")
    stack.callback(web.stop)
    web.start()
    api = requests.Session()
    api.headers["Authorization"] = f"Token {token}"
    assignment = f"{web.base}/api/v1/assignments/{w.lead.pk}/"
    reports = f"{assignment}reports/"
    page = sign_in(web.base, "staff", PASSWORD)
    my_tasks = f"{web.base}/tasks/mine/"

    def get_all() -> list[int]:
        return [
            api.get(assignment, timeout=REQUEST_SECONDS).status_code,
            page.get(my_tasks, allow_redirects=False, timeout=REQUEST_SECONDS).status_code,
        ]

    # given a server with open (persistent) database connections
    assert get_all() == [200, 200]
    worker_pid = web.worker_pid()

    # when PostgreSQL restarts between two requests, the next requests reconnect at once (the
    # persistent connection is checked before reuse: CONN_HEALTH_CHECKS)
    pg.stop()
    pg.start()
    assert get_all() == [200, 200]

    # when PostgreSQL goes down while a report is being written: the request has inserted the
    # report and waits (inside its transaction) for the audit chain, which the test holds
    holder = psycopg.connect(pg.url("duban"))
    holder.execute("SELECT 1 FROM tracker_auditchainhead WHERE id = 1 FOR UPDATE")
    watcher = psycopg.connect(pg.url("duban"), autocommit=True)
    answers = []
    writer = threading.Thread(
        target=lambda: answers.append(
            requests.post(
                reports,
                json={"progress": "写到一半", "percent": 10},
                headers=dict(api.headers),
                timeout=REQUEST_SECONDS,
            )
        )
    )
    writer.start()
    waiting = wait_for(
        lambda: watcher.execute(
            "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND datname = current_database()"
        ).fetchall(),
        seconds=REQUEST_SECONDS,
        what="the report request to wait for the audit chain",
    )
    written = {
        name
        for (name,) in watcher.execute(
            "SELECT c.relname FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
            "WHERE l.pid = %s AND l.mode = 'RowExclusiveLock'",
            [waiting[0][0]],
        ).fetchall()
    }
    assert "tracker_progressreport" in written
    pg.stop()
    for session in (holder, watcher):
        session.close()
    writer.join(REQUEST_SECONDS)
    # then that request answers 503, and so does every request while the database is down
    _assert_outage_answer(answers[0], api=True)
    _assert_outage_answer(api.get(assignment, timeout=REQUEST_SECONDS), api=True)
    _assert_outage_answer(
        api.post(reports, json={"progress": "停机时提交", "percent": 20}, timeout=REQUEST_SECONDS),
        api=True,
    )
    _assert_outage_answer(page.get(my_tasks, timeout=REQUEST_SECONDS), api=False)

    # when PostgreSQL is back, the same server process answers at once, the session still valid
    pg.start()
    assert get_all() == [200, 200]
    response = api.post(
        reports, json={"progress": "恢复后提交", "percent": 30}, timeout=REQUEST_SECONDS
    )
    assert response.status_code == 201, response.text
    assert web.process.poll() is None and web.worker_pid() == worker_pid

    # then only the report written after the restart exists, with its one audit event, and the
    # audit chain's head counts every event and ends at the last one
    with psycopg.connect(pg.url("duban")) as db:
        reports_left = db.execute("SELECT progress FROM tracker_progressreport").fetchall()
        events = db.execute(
            "SELECT action FROM tracker_auditevent WHERE action LIKE 'report.%'"
        ).fetchall()
        chain = db.execute(
            "SELECT h.count = (SELECT count(*) FROM tracker_auditevent), "
            "h.last_hash = (SELECT hash FROM tracker_auditevent ORDER BY id DESC LIMIT 1) "
            "FROM tracker_auditchainhead h"
        ).fetchall()
    assert reports_left == [("恢复后提交",)]
    assert events == [("report.created",)]
    assert chain == [(True, True)]

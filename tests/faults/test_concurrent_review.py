"""Two supervisors decide the same report at the same moment: one wins, the other gets 409.

Both API requests run in threads of their own (each with its own database connection) and are
held at the report's row lock, which the test takes first, so that both are inside their
transactions, past their permission checks, before either decides. When the test lets go, one
accepts (or returns) the report; the other then reads the decided report and is refused with
409 and the stable code ``invalid_transition``. The report's state, its audit trail and the
author's notifications show exactly one decision.
"""

import threading

import pytest
from django.db import connection, transaction

from accounts.choices import Role
from accounts.models import Membership, User
from tests.conftest import api_client, has_chinese, make_world
from tracker import services
from tracker.choices import NotificationKind, ReportStatus
from tracker.models import AuditEvent, Notification, ProgressReport
from tracker.services import ReportInput

from .conftest import needs_postgresql
from .helpers import wait_for

pytestmark = [pytest.mark.services, needs_postgresql, pytest.mark.django_db(transaction=True)]


def _waiting_for_locks() -> int:
    """Sessions of this database that wait for a lock (asked inside a transaction, whose
    activity snapshot is dropped first so that each poll sees the present)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        return cursor.fetchone()[0]


def test_two_supervisors_deciding_one_report_at_once_one_wins_the_other_gets_409():
    from accounts.registry import load_registry

    load_registry()
    w = make_world()
    colleague = User.objects.create_user(username="supervisor2", password="pw-supervisor2")
    Membership.objects.create(user=colleague, role=Role.SUPERVISOR, jurisdiction=w.shenzhen)
    report = services.create_report(
        assignment=w.lead,
        by=w.staff,
        data=ReportInput(progress="平台已上线试运行。", percent=40),
        submit=True,
    )
    url = f"/api/v1/reports/{report.pk}"
    decisions = {
        "accept": (w.supervisor, f"{url}/accept/", {"comment": "同意。"}),
        "return": (colleague, f"{url}/return/", {"comment": "请补充接入企业数量。"}),
    }
    answers = {}

    def decide(name):
        user, path, data = decisions[name]
        try:
            answers[name] = api_client(user).post(path, data, format="json")
        finally:
            connection.close()  # this thread's own connection

    # given both requests waiting for the report's row lock, which the test holds
    threads = [threading.Thread(target=decide, args=(name,)) for name in decisions]
    with transaction.atomic():
        ProgressReport.objects.select_for_update().get(pk=report.pk)
        for thread in threads:
            thread.start()
        wait_for(
            lambda: _waiting_for_locks() == 2,
            seconds=30,
            what="both decisions to wait for the lock",
        )
    # when the test lets go, both race for the report
    for thread in threads:
        thread.join(30)

    # then one wins and the other is refused with a conflict
    statuses = {name: answer.status_code for name, answer in answers.items()}
    assert sorted(statuses.values()) == [200, 409], statuses
    winner = next(name for name, code in statuses.items() if code == 200)
    loser = next(name for name, code in statuses.items() if code == 409)
    refusal = answers[loser].json()
    assert refusal["code"] == "invalid_transition"
    assert has_chinese(refusal["detail"]), refusal
    # and the report, its audit trail and the author's notifications show that one decision
    report.refresh_from_db()
    expected = {"accept": ReportStatus.ACCEPTED, "return": ReportStatus.RETURNED}[winner]
    assert report.status == expected
    assert answers[winner].json()["status"] == expected
    assert list(
        AuditEvent.objects.filter(object_type="tracker.progressreport", object_id=str(report.pk))
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["report.created", "report.submitted", f"report.{winner}ed"]
    assert list(
        Notification.objects.filter(
            recipient=w.staff,
            kind__in=(NotificationKind.REPORT_ACCEPTED, NotificationKind.REPORT_RETURNED),
        ).values_list("kind", flat=True)
    ) == [
        {"accept": NotificationKind.REPORT_ACCEPTED, "return": NotificationKind.REPORT_RETURNED}[
            winner
        ]
    ]

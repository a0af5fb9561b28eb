"""The dashboard's stored tallies: equal to a fresh count after every service that changes an
assignment, and the overview read from them equal to the overview counted directly."""

from collections import Counter
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Unit, User
from accounts.services import succeed_unit
from clauses.services import import_document
from reports.dashboards import services as dashboards
from tests.conftest import WORLD_TEXT
from tracker import services
from tracker.models import Assignment, DocumentTally, UnitTally

FIGURES = ("assignments", "done", "overdue", "in_progress", "not_started", "red", "yellow", "green")
STATUS_FIGURE = {"done": "done", "overdue": "overdue", "in_progress": "in_progress"}


def counted() -> tuple[dict, dict]:
    """The tallies as they should be, counted row by row in Python (none of the service's SQL)."""
    documents: dict = {}
    units: dict = {}
    tasks: dict = {}
    for a in Assignment.objects.select_related("task__document"):
        if not (a.is_active and a.task.is_active):
            continue
        keys = [(documents, a.task.document_id)]
        tasks.setdefault(a.task.document_id, set()).add(a.task_id)
        if a.task.document.is_current:
            keys.append((units, (a.task.document.jurisdiction_id, a.unit_id)))
        for table, key in keys:
            row = table.setdefault(key, Counter())
            row["assignments"] += 1
            row[a.status] += 1
            row[a.light] += 1
            if table is units:
                row["reports_sent"] += a.reports_sent
                row["reports_on_time"] += a.reports_on_time
                row["missed_reports"] += a.missed_reports
    for pk, row in documents.items():
        row["tasks"] = len(tasks[pk])
    return (
        {k: _figures(v, "tasks") for k, v in documents.items()},
        {
            k: _figures(v, "reports_sent", "reports_on_time", "missed_reports")
            for k, v in units.items()
        },
    )


def _figures(row: Counter, *extra) -> dict:
    return {name: row[name] for name in (*FIGURES, *extra)}


def stored() -> tuple[dict, dict]:
    documents = {
        t.document_id: {name: getattr(t, name) for name in (*FIGURES, "tasks")}
        for t in DocumentTally.objects.all()
    }
    extra = ("reports_sent", "reports_on_time", "missed_reports")
    units = {
        (t.jurisdiction_id, t.unit_id): {name: getattr(t, name) for name in (*FIGURES, *extra)}
        for t in UnitTally.objects.all()
    }
    return documents, units


def assert_fresh():
    documents, units = stored()
    want_documents, want_units = counted()
    assert documents == want_documents
    assert units == want_units


def _day(n: int) -> date:
    return timezone.localdate() + timedelta(days=n)


def test_an_import_is_tallied(world):
    documents, units = stored()
    assert documents[world.document.pk]["assignments"] == 3
    assert documents[world.document.pk]["tasks"] == 2
    assert len(units) == 3
    assert_fresh()


def test_every_service_that_changes_an_assignment_keeps_the_tallies_fresh(world):
    w = world
    month_ago = timezone.now() - timedelta(days=30)
    services.plan_task(task=w.task, by=w.supervisor, plan={"due_date": _day(-10)}, now=month_ago)
    assert_fresh()
    assert stored()[0][w.document.pk]["overdue"] == 0

    services.receive_assignment(assignment=w.lead, by=w.staff)  # today: the lead is late
    assert_fresh()
    assert stored()[0][w.document.pk]["overdue"] == 1
    report = services.create_report(
        assignment=w.lead,
        by=w.staff,
        data=services.ReportInput(progress="平台已上线试运行。", percent=100),
        submit=True,
    )
    assert_fresh()
    services.accept_report(report=report, by=w.supervisor, comment="同意。")
    assert_fresh()

    extension = services.request_extension(
        assignment=w.support, by=w.co_staff, requested_due_date=_day(30), reason="联调延后。"
    )
    services.approve_extension(request=extension, by=w.supervisor)
    assert_fresh()

    services.close_task(task=w.task, by=w.supervisor)
    assert_fresh()
    assert stored()[0][w.document.pk]["done"] == 2
    services.reopen_task(task=w.task, by=w.supervisor, reason="复核发现问题。")
    assert_fresh()


def test_a_succession_moves_the_unit_tallies(world):
    w = world
    successor = Unit.objects.create(jurisdiction=w.shenzhen, name="市科技金融服务中心")
    succeed_unit(old=w.support_unit, successor=successor, by=None)
    _, units = stored()
    assert (w.shenzhen.pk, successor.pk) in units
    assert (w.shenzhen.pk, w.support_unit.pk) not in units
    assert_fresh()


def test_a_revision_that_drops_a_unit_and_a_clause_recounts_both_versions(world):
    w = world
    revised = WORLD_TEXT.replace("、人民银行深圳市分行", "").split("（二）")[0]
    import_document(data=revised.encode(), filename="world-2.txt", jurisdiction=w.shenzhen)
    documents, units = stored()
    assert (w.shenzhen.pk, w.support_unit.pk) not in units
    assert (w.shenzhen.pk, w.unrelated.unit_id) not in units
    assert_fresh()
    # the retired version keeps a row, but the overview reads current documents only
    overview = dashboards.dashboard_summary(user=w.supervisor)
    assert [row["id"] for row in overview["documents"]] == [
        pk for pk in documents if pk != w.document.pk
    ]


def test_the_nightly_rebuild_repairs_tallies_written_past_the_services(world):
    Assignment.objects.filter(pk=world.lead.pk).update(status="overdue", light="red")
    assert stored() != counted()
    services.refresh_all_states()
    assert_fresh()


@pytest.mark.django_db
@pytest.mark.parametrize("list_size", [4, 50])
def test_the_overview_from_tallies_equals_the_overview_counted(list_size, monkeypatch):
    # given the demo with its half-year of reports, ranked over a short and a long list
    call_command("load_demo", "--history", stdout=StringIO(), stderr=StringIO())
    monkeypatch.setattr(dashboards, "LIST_SIZE", list_size)
    assert_fresh()
    compared = 0
    for supervisor in User.objects.filter(memberships__role="supervisor").distinct():
        # when the overview is read from the tallies and counted from the assignments
        tallied = dashboards.dashboard_summary(user=supervisor)
        monkeypatch.setattr(dashboards, "_tallied_jurisdictions", lambda user, filters: None)
        direct = dashboards.dashboard_summary(user=supervisor)
        monkeypatch.undo()
        monkeypatch.setattr(dashboards, "LIST_SIZE", list_size)
        # then every figure, the ranks and the order agree
        assert tallied == direct
        if list_size < 10:  # the window picked the head and the tail
            assert len(tallied["units"]) == list_size < tallied["units_total"]
        else:  # every unit
            assert len(tallied["units"]) == tallied["units_total"] > 10
        compared += len(tallied["units"]) + len(tallied["documents"])
    assert compared > 20

"""督办看板: the summary's figures against hand counts, the scope of the API and pages, CSV
exports, and a query count that does not grow with the data."""

from datetime import date, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from clauses.models import PolicyDocument
from reports.dashboards.services import dashboard_summary
from tests.conftest import api_client
from tracker.choices import Light, ReportStatus, Status
from tracker.models import Assignment, ProgressReport, Task
from tracker.services import rebuild_tallies

TODAY = date(2026, 3, 18)  # a Wednesday


def _at(day):
    return timezone.make_aware(datetime(day.year, day.month, day.day, 10))


@pytest.fixture
def board(world):
    """The world with a red overdue lead, a done support unit and a yellow unrelated unit;
    the lead sent one report on time and one late, the unrelated unit missed one."""
    w = world
    Assignment.objects.filter(pk=w.lead.pk).update(
        status=Status.OVERDUE, light=Light.RED, due_date=date(2026, 3, 2)
    )
    Assignment.objects.filter(pk=w.support.pk).update(status=Status.DONE, light=Light.GREEN)
    Assignment.objects.filter(pk=w.unrelated.pk).update(
        status=Status.IN_PROGRESS, light=Light.YELLOW, missed_reports=1
    )
    for start, due, sent in [
        (date(2026, 1, 1), date(2026, 2, 5), date(2026, 2, 4)),  # on time
        (date(2026, 2, 1), date(2026, 3, 5), date(2026, 3, 9)),  # late
    ]:
        report = ProgressReport.objects.create(
            assignment=w.lead,
            period_start=start,
            period_end=start.replace(day=28),
            due_on=due,
            status=ReportStatus.SUBMITTED,
            progress="平台建设稳步推进。",
            percent=40,
            author=w.staff,
            submitted_at=_at(sent),
            first_submitted_at=_at(sent),
        )
    Assignment.objects.filter(pk=w.lead.pk).update(
        last_report=report, percent=40, reports_sent=2, reports_on_time=1
    )
    rebuild_tallies()  # the states above were written past the services
    return w


# --- the figures ------------------------------------------------------------------------------


def test_the_supervisor_sees_hand_counted_figures(board):
    # given the world as set by ``board``; when the supervisor's summary is computed
    summary = dashboard_summary(user=board.supervisor, today=TODAY)

    # then the totals, the document row, the trend, the ranking and the red list match
    assert summary["totals"] == {
        "tasks": 2,
        "assignments": 3,
        "done": 1,
        "overdue": 1,
        "in_progress": 1,
        "not_started": 0,
        "red": 1,
        "yellow": 1,
        "green": 1,
        "documents": 1,
        "completion_rate": 33.3,
    }
    [row] = summary["documents"]
    assert row["id"] == board.document.pk and row["tasks"] == 2
    trend = {row["week"]: row["count"] for row in summary["overdue_trend"]}
    assert len(trend) == 12 and trend[date(2026, 3, 2)] == 1 and sum(trend.values()) == 1
    units = {row["id"]: row for row in summary["units"]}
    lead = units[board.lead_unit.pk]
    assert (lead["reports_due"], lead["reports_on_time"], lead["on_time_rate"]) == (2, 1, 50.0)
    other = units[board.unrelated.unit_id]
    assert (other["reports_due"], other["reports_on_time"], other["on_time_rate"]) == (1, 0, 0.0)
    assert units[board.support_unit.pk]["on_time_rate"] is None
    assert [r["id"] for r in summary["units"]][:2] == [board.lead_unit.pk, board.unrelated.unit_id]
    assert [r["id"] for r in summary["red_list"]] == [board.lead.pk]
    assert summary["red_list"][0]["days_overdue"] == 16


def test_staff_count_only_their_own_unit(board):
    summary = dashboard_summary(user=board.staff, today=TODAY)
    assert summary["totals"]["assignments"] == 1
    assert [u["id"] for u in summary["units"]] == [board.lead_unit.pk]


def test_filters_narrow_the_figures(board):
    summary = dashboard_summary(user=board.supervisor, light=Light.YELLOW, today=TODAY)
    assert summary["totals"]["assignments"] == 1 and summary["totals"]["yellow"] == 1


# --- the API ----------------------------------------------------------------------------------


URL = "/api/v1/dashboard/summary/"


def test_the_api_answers_the_supervisors_figures(board):
    response = api_client(board.supervisor).get(URL, {"document": board.document.pk})
    assert response.status_code == 200
    body = response.json()
    assert body["totals"]["assignments"] == 3
    assert body["filters"] == {"document": board.document.pk}
    assert reverse("dashboard-summary") == URL


def test_another_jurisdictions_supervisor_gets_404_or_nothing(board):
    client = api_client(board.other_supervisor)
    assert client.get(URL, {"document": board.document.pk}).status_code == 404
    assert client.get(URL, {"unit": board.lead_unit.pk}).status_code == 404
    assert client.get(URL, {"jurisdiction": board.shenzhen.pk}).status_code == 404
    assert client.get(URL).json()["totals"]["assignments"] == 0


def test_staff_get_only_their_units_through_the_api(board):
    body = api_client(board.staff).get(URL).json()
    assert body["totals"]["assignments"] == 1
    assert api_client(board.staff).get(URL, {"unit": board.support_unit.pk}).status_code == 404


def test_anonymous_callers_are_refused(board):
    assert api_client().get(URL).status_code in (401, 403)


# --- pages ------------------------------------------------------------------------------------


def test_the_pages_render_for_the_supervisor(board, client):
    client.force_login(board.supervisor)
    overview = client.get(reverse("dashboards:overview"))
    assert overview.status_code == 200
    assert b'id="dashboard-data"' in overview.content
    assert f'data-assignment="{board.lead.pk}"'.encode() in overview.content
    assert b'data-action="urge"' in overview.content
    document = client.get(reverse("dashboards:document", args=[board.document.pk]))
    assert document.status_code == 200 and "平台建设稳步推进".encode() in document.content
    unit = client.get(reverse("dashboards:unit", args=[board.lead_unit.pk]))
    assert unit.status_code == 200 and f'data-assignment="{board.lead.pk}"'.encode() in unit.content


def test_staff_see_no_urge_button_and_other_units_answer_404(board, client):
    client.force_login(board.staff)
    assert b'data-action="urge"' not in client.get(reverse("dashboards:overview")).content
    assert client.get(reverse("dashboards:unit", args=[board.support_unit.pk])).status_code == 404
    client.force_login(board.other_supervisor)
    assert client.get(reverse("dashboards:document", args=[board.document.pk])).status_code == 404


def test_csv_exports_carry_a_bom_and_chinese(board, client):
    client.force_login(board.supervisor)
    red = client.get(reverse("dashboards:overview"), {"format": "csv"})
    assert red["Content-Type"].startswith("text/csv")
    text = red.content.decode("utf-8")
    assert text.startswith("\ufeff") and board.lead_unit.name in text
    assert len(text.strip().splitlines()) == 2  # header + the one red assignment
    unit = client.get(reverse("dashboards:unit", args=[board.lead_unit.pk]), {"format": "csv"})
    assert unit.content.decode("utf-8").startswith("\ufeff")


# --- query counts -----------------------------------------------------------------------------


def _multiply(times: int) -> None:
    """Clone every active task with its assignments and reports ``times - 1`` more times."""
    tasks = list(Task.objects.filter(is_active=True))
    assignments = list(Assignment.objects.filter(task__in=tasks))
    reports = list(ProgressReport.objects.filter(assignment__in=assignments))
    top = max(t.order for t in tasks)
    for n in range(1, times):
        clones = {}
        for task in tasks:
            old = task.pk
            task.pk = None
            task.order = task.order + n * (top + 1)
            clones[old] = task
        Task.objects.bulk_create(clones.values())
        for task_pk, task in list(clones.items()):
            clones[task_pk] = task.pk
        new_assignments = {}
        for a in assignments:
            old = a.pk
            a.pk, a.last_report_id = None, None
            a.task_id = clones.get(a.task_id, a.task_id)
            new_assignments[old] = a
        Assignment.objects.bulk_create(new_assignments.values())
        new_reports = []
        for r in reports:
            r.pk = None
            r.assignment_id = new_assignments[r.assignment_id].pk
            new_reports.append(r)
        ProgressReport.objects.bulk_create(new_reports)
        tasks = list(Task.objects.filter(pk__in=clones.values()))
        assignments = list(Assignment.objects.filter(task__in=tasks))
        reports = list(ProgressReport.objects.filter(assignment__in=assignments))


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    import sys

    for q in queries:
        print(q["sql"][:150], file=sys.stderr)
    return len(queries)


@pytest.mark.django_db
def test_overview_and_document_page_cost_the_same_queries_at_demo_size_and_ten_times(client):
    # given the demo data with some red, done and reported work
    call_command("load_demo", verbosity=0)
    User.objects.update(must_change_password=False)
    supervisor = User.objects.get(username="sz_supervisor")
    document = PolicyDocument.objects.filter(jurisdiction__name="深圳市", is_current=True).first()
    some = list(Assignment.objects.filter(task__document=document).order_by("pk")[:9])
    Assignment.objects.filter(pk__in=[a.pk for a in some[:3]]).update(
        status=Status.OVERDUE, light=Light.RED, due_date=timezone.localdate() - timedelta(days=9)
    )
    Assignment.objects.filter(pk__in=[a.pk for a in some[3:5]]).update(status=Status.DONE)
    for a in some[5:]:
        ProgressReport.objects.create(
            assignment=a,
            period_start=date(2026, 1, 1),
            period_end=date(2026, 1, 31),
            due_on=date(2026, 2, 5),
            status=ReportStatus.SUBMITTED,
            progress="按计划推进。",
            percent=30,
            author=supervisor,
            first_submitted_at=_at(date(2026, 2, 3)),
        )
    client.force_login(supervisor)
    overview = reverse("dashboards:overview")
    detail = reverse("dashboards:document", args=[document.pk])
    small = (_queries(client, overview), _queries(client, detail))
    assignments_before = Assignment.objects.count()

    # when the data grows tenfold
    _multiply(10)
    assert Assignment.objects.count() == 10 * assignments_before

    # then both pages cost the same number of queries. Both: session, user, the navigation's
    # supervisor check and unread count (2), the session save (savepoint, update, release).
    # Overview: summary = the user's memberships (may the stored tallies answer?), the
    # documents' and the units' tallies, red-list head, trend (5); red list page = count,
    # rows (2); filter choices = jurisdictions, documents (2); the urge button's supervisor
    # check (1); evaluation periods (1) -> 18. Document page: the
    # document, its assignments, their tasks, the assignments' ids, task count, closures by
    # month, reports by month -> 14.
    assert (_queries(client, overview), _queries(client, detail)) == small
    assert small == (18, 14)


def test_summary_lists_are_bounded_but_totals_count_everything(board, monkeypatch):
    from reports.dashboards import services as dashboard_services

    full = dashboard_summary(user=board.supervisor, today=TODAY)
    assert full["units_total"] == len(full["units"]) >= 3
    monkeypatch.setattr(dashboard_services, "LIST_SIZE", 2)
    bounded = dashboard_summary(user=board.supervisor, today=TODAY)
    # the most and the least punctual unit, with their ranks; totals unchanged
    assert [u["id"] for u in bounded["units"]] == [
        full["units"][0]["id"],
        full["units"][-1]["id"],
    ]
    assert bounded["units_total"] == full["units_total"]
    assert len(bounded["documents"]) <= 2
    assert bounded["totals"] == full["totals"]

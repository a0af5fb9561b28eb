"""List endpoints run a constant number of SQL queries, whatever the number of rows.

Each test lists with 5 and then with 50 rows of its kind (all visible to the persona asking)
and asserts the same query count both times, and that the answer holds every row.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Unit, UnitAlias
from clauses.models import Clause, PolicyDocument, Target
from tests.conftest import api_client
from tests.tracker import test_permission_matrix as matrix
from tracker import audit
from tracker.models import (
    Assignment,
    ExtensionRequest,
    Notification,
    ProgressReport,
    ReportAttachment,
    TargetActual,
    Task,
)

# The module-scoped world of the permission matrix (see there).
world_rows = matrix.world_rows
world = matrix.world

SIZES = (5, 50)


def _listed(client, url: str, params: dict) -> tuple[int, int, list[str]]:
    """(queries run, rows answered, the SQL) of one list request with page_size=100."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"page_size": 100, **params})
    assert response.status_code == 200, response.json()
    return len(queries), len(response.json()["results"]), [q["sql"] for q in queries]


# --- builders: ``n`` more rows of each kind, visible to the persona of the test -------------------


def _tasks(w, start: int, n: int) -> None:
    """Tasks of the world's document, each with an assignment of the lead unit and the support
    unit (so the tasks list has assignments to prefetch)."""
    tasks = Task.objects.bulk_create(
        Task(
            document=w.document,
            clause=w.task.clause,
            order=100 + i,
            label=f"（{100 + i}）",
            title=f"任务{100 + i}",
        )
        for i in range(start, start + n)
    )
    Assignment.objects.bulk_create(
        Assignment(task=task, unit=unit, role=role, order=k)
        for task in tasks
        for k, (unit, role) in enumerate([(w.lead_unit, "lead"), (w.support_unit, "support")])
    )


def _lead_assignments(w, start: int, n: int) -> None:
    """Tasks with one assignment each, of the lead unit."""
    tasks = Task.objects.bulk_create(
        Task(document=w.document, clause=w.task.clause, order=100 + i, title=f"任务{100 + i}")
        for i in range(start, start + n)
    )
    Assignment.objects.bulk_create(Assignment(task=t, unit=w.lead_unit) for t in tasks)


def _reports(w, start: int, n: int) -> None:
    """Reports of the lead unit, one period each, with a target actual and an attachment."""
    first = date(2020, 1, 1)
    reports = ProgressReport.objects.bulk_create(
        ProgressReport(
            assignment=w.lead,
            period_start=first + timedelta(days=i),
            period_end=first + timedelta(days=i),
            due_on=first + timedelta(days=i + 5),
            status="submitted",
            progress=f"第{i}期进展。",
            percent=i % 100,
            author=w.staff,
        )
        for i in range(start, start + n)
    )
    target = Target.objects.get(clause=w.task.clause)
    TargetActual.objects.bulk_create(
        TargetActual(report=r, target=target, value=Decimal(r.percent)) for r in reports
    )
    ReportAttachment.objects.bulk_create(
        ReportAttachment(
            report=r,
            file=f"reports/{r.pk}.pdf",
            name=f"{r.pk}.pdf",
            content_type="application/pdf",
            size=100,
            sha256="0" * 64,
            uploaded_by=w.staff,
        )
        for r in reports
    )


def _extensions(w, start: int, n: int) -> None:
    """Decided extension requests of the lead unit (only one may be pending)."""
    ExtensionRequest.objects.bulk_create(
        ExtensionRequest(
            assignment=w.lead,
            requested_due_date=date(2030, 1, 1) + timedelta(days=i),
            reason=f"理由{i}",
            status="rejected",
            requested_by=w.staff,
            decided_by=w.supervisor,
        )
        for i in range(start, start + n)
    )


def _notifications(w, start: int, n: int, *, recipient) -> None:
    Notification.objects.bulk_create(
        Notification(recipient=recipient, kind="assigned", message=f"通知{i}")
        for i in range(start, start + n)
    )


def _audit_events(w, start: int, n: int) -> None:
    """Events about the world's task and its assignments, written as the services write them."""
    for i in range(start, start + n):
        audit.record(
            action="test.touched",
            obj=w.lead if i % 2 else w.task,
            actor=w.supervisor,
            after={"i": i},
        )


def _documents(w, start: int, n: int) -> None:
    """Documents of 深圳市, each with a clause and a task assigning the lead unit."""
    documents = PolicyDocument.objects.bulk_create(
        PolicyDocument(
            jurisdiction=w.shenzhen,
            lineage=f"00000000-0000-0000-0000-{i:012d}",
            title=f"文件{i}",
            source_name=f"{i}.txt",
            content_hash=f"{i:064d}",
            imported_by=w.supervisor,
        )
        for i in range(start, start + n)
    )
    clauses = Clause.objects.bulk_create(
        Clause(document=d, order=1, label="（一）", title="条款", body="条款。") for d in documents
    )
    tasks = Task.objects.bulk_create(
        Task(document=d, clause=c, order=1, title="任务")
        for d, c in zip(documents, clauses, strict=True)
    )
    Assignment.objects.bulk_create(Assignment(task=t, unit=w.lead_unit) for t in tasks)


def _units(w, start: int, n: int) -> None:
    """Units of 深圳市, each with two aliases."""
    units = Unit.objects.bulk_create(
        Unit(jurisdiction=w.shenzhen, name=f"测试单位{i}", short_name=f"测{i}")
        for i in range(start, start + n)
    )
    UnitAlias.objects.bulk_create(
        UnitAlias(unit=u, jurisdiction=w.shenzhen, name=f"{u.name}{k}", normalized=f"{u.name}{k}")
        for u in units
        for k in ("甲", "乙")
    )


# (id, URL, persona, query string, builder)
LISTS = [
    ("tasks-supervisor", "/api/v1/tasks/", "supervisor", {}, _tasks),
    ("tasks-staff", "/api/v1/tasks/", "staff", {}, _tasks),
    ("assignments-supervisor", "/api/v1/assignments/", "supervisor", {}, _lead_assignments),
    ("assignments-staff", "/api/v1/assignments/", "staff", {}, _lead_assignments),
    ("assignments-mine", "/api/v1/assignments/", "staff", {"mine": "true"}, _lead_assignments),
    ("reports-supervisor", "/api/v1/reports/", "supervisor", {}, _reports),
    ("reports-staff", "/api/v1/reports/", "staff", {}, _reports),
    ("extension-requests-supervisor", "/api/v1/extension-requests/", "supervisor", {}, _extensions),
    ("extension-requests-staff", "/api/v1/extension-requests/", "staff", {}, _extensions),
    ("audit-events-supervisor", "/api/v1/audit-events/", "supervisor", {}, _audit_events),
    ("documents-supervisor", "/api/v1/documents/", "supervisor", {}, _documents),
    ("documents-staff", "/api/v1/documents/", "staff", {}, _documents),
    ("units-supervisor", "/api/v1/units/", "supervisor", {"q": "测试单位"}, _units),
]


@pytest.mark.parametrize(
    ("url", "persona", "params", "build"), [pytest.param(*row[1:], id=row[0]) for row in LISTS]
)
def test_list_runs_the_same_queries_for_5_and_50_rows(world, url, persona, params, build):
    client = api_client(getattr(world, persona))
    _, baseline, _ = _listed(client, url, params)

    build(world, 0, SIZES[0])
    with_5, rows_5, _ = _listed(client, url, params)
    build(world, SIZES[0], SIZES[1] - SIZES[0])
    with_50, rows_50, sql = _listed(client, url, params)

    assert (rows_5, rows_50) == (baseline + 5, baseline + 50)
    assert with_5 == with_50, "\n".join(sql)


def test_notifications_list_runs_the_same_queries_for_5_and_50_rows(world):
    client = api_client(world.staff)
    _notifications(world, 0, 5, recipient=world.staff)
    _notifications(world, 0, 50, recipient=world.leader)  # someone else's: not listed

    with_5, rows_5, _ = _listed(client, "/api/v1/notifications/", {})
    _notifications(world, 5, 45, recipient=world.staff)
    with_50, rows_50, sql = _listed(client, "/api/v1/notifications/", {})

    assert (rows_5, rows_50) == (5, 50)
    assert with_5 == with_50, "\n".join(sql)


def test_reports_list_runs_exactly_the_named_queries(world):
    # given: 50 reports of the lead unit, each with a target actual and an attachment
    _reports(world, 0, 50)
    client = api_client(world.supervisor)

    # when
    queries, rows, sql = _listed(client, "/api/v1/reports/", {})

    # then: 1. the token and its user (TokenAuthentication)
    #       2. the count for the paginator (reports visible to the supervisor)
    #       3. the page of reports with their author and assignment (select_related)
    #       4. their target actuals (prefetch)
    #       5. their attachments (prefetch)
    #       plus the subquery of supervised jurisdictions inside 2 and 3, not a query of its own
    assert rows == 50
    assert queries == 5, "\n".join(sql)


def test_reports_list_runs_the_same_queries_for_staff_and_for_a_supervisor(world):
    _reports(world, 0, 50)
    staff, supervisor = api_client(world.staff), api_client(world.supervisor)

    as_staff, staff_rows, _ = _listed(staff, "/api/v1/reports/", {})
    as_supervisor, supervisor_rows, _ = _listed(supervisor, "/api/v1/reports/", {})

    assert staff_rows == supervisor_rows == 50
    assert as_staff == as_supervisor

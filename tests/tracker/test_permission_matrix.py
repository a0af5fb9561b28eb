"""The permission matrix: every API route × the seven personas, with the exact status of each.

One table (ROUTES) names each route by its DRF URL name and method, says how to bring a fresh
world into the state the route needs, and lists the expected status for each persona in the
order of PERSONAS. Each cell is its own test against its own world, since a successful write
changes state. ``test_every_api_route_has_a_row`` compares the table with the URL resolver, so
a new route without a row fails.

The rules encoded: staff and unit leaders act only on their own unit's assignments; what is out
of scope answers 404, what is visible but not theirs to change answers 403; supervisors act on
everything in their jurisdiction and see nothing of another one; a superuser may do everything;
the audit trail is for supervisors; notifications are per user; anonymous requests get 401
(token authentication comes first, so DRF answers with a ``WWW-Authenticate: Token`` challenge).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models, transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from tests.conftest import PASSWORD, World, api_client, make_world
from tracker import services
from tracker.models import AuditEvent, Notification
from tracker.services.notifications import notify

# The columns of every row, in this order.
PERSONAS = (
    "anonymous",
    "staff",
    "other_staff",
    "leader",
    "supervisor",
    "other_supervisor",
    "admin",
)

# A 深圳市 document that is not the world's, for the import and preview routes.
NEW_DOCUMENT = """深圳市关于加快数字经济发展的若干措施

一、主要任务

（一）建设数据平台。建设全市统一的公共数据平台。（责任单位：市地方金融监管局）
"""


@pytest.fixture(scope="module")
def world_rows(django_db_setup, django_db_blocker):
    """The registry and the world, written once for the module inside an outer transaction.

    Loading the registry takes most of a fresh world's time. Each test's own transaction is a
    savepoint inside this one and is rolled back, so every cell still starts from the untouched
    world. Other test modules reuse this fixture (and ``world``) for the same reason.
    """
    from accounts.registry import load_registry

    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
    try:
        with django_db_blocker.unblock(), fast:
            load_registry()
            built = make_world()
        yield {
            name: (type(value), value.pk)
            for name, value in vars(built).items()
            if isinstance(value, models.Model)
        }
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def world(world_rows, db):
    """The world with fresh Python objects, read again from the (rolled-back) database."""
    w = World()
    w.anonymous = None
    for name, (model, pk) in world_rows.items():
        setattr(w, name, model.objects.get(pk=pk))
    return w


@dataclass(frozen=True)
class Call:
    """What one cell sends: URL arguments, the body (or query string for GET) and its format."""

    args: tuple = ()
    body: dict | None = None
    format: str = "json"


@dataclass(frozen=True)
class Route:
    """One row of the matrix.

    ``given(world)`` brings the world into the state the route needs, through the services;
    ``call(world, user)`` builds the request. ``reaches(world, data)`` says whether a 200 answer
    includes the world's own object (task （一）'s assignment, the lead unit's report …):
    personas in ``blind`` must get an answer without it, every other persona answered 200 one
    with it (so the check is not vacuous).
    """

    name: str
    method: str
    codes: tuple[int, int, int, int, int, int, int]  # in the order of PERSONAS
    call: Callable[[World, object], Call]
    given: Callable[[World], object] | None = None
    reaches: Callable[[World, dict], bool] | None = None
    blind: frozenset = field(default_factory=frozenset)


OUTSIDERS = frozenset({"other_staff", "other_supervisor"})
ONLY_STAFF_SEES = frozenset(PERSONAS) - {"staff"}


def _due(days=60):
    return timezone.localdate() + timedelta(days=days)


def _ids(data) -> set[int]:
    rows = data["results"] if isinstance(data, dict) and "results" in data else data
    return {row["id"] for row in rows}


# --- states the rows need, reached through the services ----------------------------------------


def _planned(w, *, needs_sign_off=False):
    services.plan_task(
        task=w.task, by=w.supervisor, plan={"due_date": _due(), "needs_sign_off": needs_sign_off}
    )
    w.lead.refresh_from_db()


def _draft(w, *, submit=False, needs_sign_off=False):
    """A report of the lead unit on task （一）, as ``w.report``."""
    _planned(w, needs_sign_off=needs_sign_off)
    w.report = services.create_report(
        assignment=w.lead,
        by=w.staff,
        data=services.ReportInput(progress="平台已上线试运行。", percent=30),
        submit=submit,
    )


def _submitted(w):
    _draft(w, submit=True)


def _awaiting_sign_off(w):
    _draft(w, submit=True, needs_sign_off=True)


def _pending_extension(w):
    """A pending extension request of the lead unit, as ``w.extension``."""
    _planned(w)
    w.extension = services.request_extension(
        assignment=w.lead, by=w.staff, requested_due_date=_due(90), reason="系统联调延后。"
    )


def _closed(w):
    services.close_task(task=w.task, by=w.supervisor)


def _notified(w):
    """A notification for the staff member, as ``w.notification``."""
    notify(users=[w.staff], kind="task_closed", message="“建设服务平台”已办结。", obj=w.task)
    w.notification = Notification.objects.get(recipient=w.staff)


def _audited(w):
    """An audit event of 深圳市 (the planning of task （一）), as ``w.event``."""
    _planned(w)
    w.event = AuditEvent.objects.filter(jurisdiction=w.shenzhen).latest("id")


def _evaluated(w):
    """深圳市's 2026H1 computed with the world's assignments in it, as ``w.period``; the lead
    unit's overall row as ``w.snapshot``."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from reports.services import rollup_period
    from tracker.models import Assignment

    Assignment.objects.update(created_at=datetime(2026, 3, 2, tzinfo=ZoneInfo("Asia/Shanghai")))
    w.period = rollup_period(jurisdiction=w.shenzhen, code="2026H1", now=timezone.now())
    w.snapshot = w.period.snapshots.get(unit=w.lead_unit, document=None)


def _published(w):
    from reports.services import publish_period

    _evaluated(w)
    publish_period(period=w.period, by=w.supervisor, now=timezone.now(), before_deadline=True)


def _appealed(w):
    """A pending appeal of the lead unit on its overall row, as ``w.appeal``."""
    from reports.services import file_appeal

    _evaluated(w)
    w.appeal = file_appeal(
        snapshot=w.snapshot, by=w.staff, reason="逾期任务数有误。", now=timezone.now()
    )


def _period_body(w, **more):
    return {"jurisdiction": w.shenzhen.pk, **more}


def _upload():
    return SimpleUploadedFile("数字经济.txt", NEW_DOCUMENT.encode(), content_type="text/plain")


def _sign_in(w, user):
    # Anonymous is whoever has no token yet: here, the staff member signing in.
    return Call(body={"username": (user or w.staff).get_username(), "password": PASSWORD})


def _extension_body():
    return {"requested_due_date": _due(90).isoformat(), "reason": "系统联调延后。"}


# --- the table ----------------------------------------------------------------------------------

# fmt: off
# codes: anonymous, staff, other_staff, leader, supervisor, other_supervisor, admin
ROUTES = [
    # documents
    Route("document-list", "GET", (401, 200, 200, 200, 200, 200, 200),
          lambda w, u: Call(),
          reaches=lambda w, d: w.document.pk in _ids(d), blind=frozenset({"other_supervisor"})),
    Route("document-list", "POST", (401, 403, 403, 403, 201, 403, 201),
          lambda w, u: Call(body={"file": _upload()}, format="multipart")),
    Route("document-preview", "POST", (401, 403, 403, 403, 200, 403, 200),
          lambda w, u: Call(body={"file": _upload()}, format="multipart")),
    # other_staff sees the document (it assigns their unit task （二）) but not task （一）,
    # which is not theirs: its units' status must not show through the document either.
    Route("document-detail", "GET", (401, 200, 200, 200, 200, 404, 200),
          lambda w, u: Call(args=(w.document.pk,)),
          reaches=lambda w, d: w.task.pk in _ids(d["tasks"]), blind=frozenset({"other_staff"})),
    Route("document-plan", "POST", (401, 403, 403, 403, 200, 404, 200),
          lambda w, u: Call(args=(w.document.pk,), body={"due_date": _due().isoformat()})),
    # tasks
    Route("task-list", "GET", (401, 200, 200, 200, 200, 200, 200),
          lambda w, u: Call(),
          reaches=lambda w, d: w.task.pk in _ids(d), blind=OUTSIDERS),
    Route("task-detail", "GET", (401, 200, 404, 200, 200, 404, 200),
          lambda w, u: Call(args=(w.task.pk,))),
    Route("task-detail", "PATCH", (401, 403, 404, 403, 200, 404, 200),
          lambda w, u: Call(args=(w.task.pk,), body={"due_date": _due().isoformat()})),
    Route("task-request-close", "POST", (401, 200, 404, 200, 403, 404, 200),
          lambda w, u: Call(args=(w.task.pk,), body={"note": "已完成。"})),
    Route("task-close", "POST", (401, 403, 404, 403, 200, 404, 200),
          lambda w, u: Call(args=(w.task.pk,))),
    Route("task-reopen", "POST", (401, 403, 404, 403, 200, 404, 200),
          lambda w, u: Call(args=(w.task.pk,), body={"reason": "复核发现数据有误。"}),
          given=_closed),
    # units
    Route("unit-list", "GET", (401, 200, 200, 200, 200, 200, 200),
          lambda w, u: Call(body={"page_size": 500}),
          reaches=lambda w, d: w.lead_unit.pk in _ids(d), blind=OUTSIDERS),
    Route("unit-detail", "GET", (401, 200, 404, 200, 200, 404, 200),
          lambda w, u: Call(args=(w.lead_unit.pk,))),
    # assignments
    Route("assignment-list", "GET", (401, 200, 200, 200, 200, 200, 200),
          lambda w, u: Call(),
          reaches=lambda w, d: w.lead.pk in _ids(d), blind=OUTSIDERS),
    Route("assignment-detail", "GET", (401, 200, 404, 200, 200, 404, 200),
          lambda w, u: Call(args=(w.lead.pk,))),
    Route("assignment-detail", "PATCH", (401, 403, 404, 403, 200, 404, 200),
          lambda w, u: Call(args=(w.lead.pk,), body={"due_date": _due().isoformat()})),
    Route("assignment-receive", "POST", (401, 200, 404, 200, 403, 404, 200),
          lambda w, u: Call(args=(w.lead.pk,))),
    Route("assignment-reports", "GET", (401, 200, 404, 200, 200, 404, 200),
          lambda w, u: Call(args=(w.lead.pk,)),
          given=_draft, reaches=lambda w, d: w.report.pk in _ids(d)),
    Route("assignment-reports", "POST", (401, 201, 404, 201, 403, 404, 201),
          lambda w, u: Call(args=(w.lead.pk,), body={"progress": "平台已上线。", "percent": 30})),
    Route("assignment-extension-requests", "GET", (401, 200, 404, 200, 200, 404, 200),
          lambda w, u: Call(args=(w.lead.pk,)),
          given=_pending_extension, reaches=lambda w, d: w.extension.pk in _ids(d)),
    Route("assignment-extension-requests", "POST", (401, 201, 404, 201, 403, 404, 201),
          lambda w, u: Call(args=(w.lead.pk,), body=_extension_body()),
          given=_planned),
    # reports
    Route("report-list", "GET", (401, 200, 200, 200, 200, 200, 200),
          lambda w, u: Call(),
          given=_draft, reaches=lambda w, d: w.report.pk in _ids(d), blind=OUTSIDERS),
    Route("report-detail", "GET", (401, 200, 404, 200, 200, 404, 200),
          lambda w, u: Call(args=(w.report.pk,)),
          given=_draft),
    Route("report-detail", "PATCH", (401, 200, 404, 200, 403, 404, 200),
          lambda w, u: Call(args=(w.report.pk,), body={"progress": "已上线。", "version": 1}),
          given=_draft),
    Route("report-submit", "POST", (401, 200, 404, 200, 403, 404, 200),
          lambda w, u: Call(args=(w.report.pk,)),
          given=_draft),
    Route("report-sign-off", "POST", (401, 403, 404, 200, 403, 404, 200),
          lambda w, u: Call(args=(w.report.pk,)),
          given=_awaiting_sign_off),
    Route("report-accept", "POST", (401, 403, 404, 403, 200, 404, 200),
          lambda w, u: Call(args=(w.report.pk,), body={"comment": "同意。"}),
          given=_submitted),
    Route("report-return", "POST", (401, 403, 404, 403, 200, 404, 200),
          lambda w, u: Call(args=(w.report.pk,), body={"comment": "请补充。"}),
          given=_submitted),
    # extension requests
    Route("extension-request-list", "GET", (401, 200, 200, 200, 200, 200, 200),
          lambda w, u: Call(),
          given=_pending_extension, reaches=lambda w, d: w.extension.pk in _ids(d),
          blind=OUTSIDERS),
    Route("extension-request-detail", "GET", (401, 200, 404, 200, 200, 404, 200),
          lambda w, u: Call(args=(w.extension.pk,)),
          given=_pending_extension),
    Route("extension-request-approve", "POST", (401, 403, 404, 403, 200, 404, 200),
          lambda w, u: Call(args=(w.extension.pk,)),
          given=_pending_extension),
    Route("extension-request-reject", "POST", (401, 403, 404, 403, 200, 404, 200),
          lambda w, u: Call(args=(w.extension.pk,), body={"comment": "理由不充分。"}),
          given=_pending_extension),
    # notifications: each user reads and marks only their own
    Route("notification-list", "GET", (401, 200, 200, 200, 200, 200, 200),
          lambda w, u: Call(),
          given=_notified, reaches=lambda w, d: w.notification.pk in _ids(d),
          blind=ONLY_STAFF_SEES),
    Route("notification-read", "POST", (401, 200, 200, 200, 200, 200, 200),
          lambda w, u: Call(body={"ids": [w.notification.pk]}),
          given=_notified, reaches=lambda w, d: d["marked"] == 1, blind=ONLY_STAFF_SEES),
    # the audit trail: supervisors (and the superuser) only
    Route("audit-event-list", "GET", (401, 403, 403, 403, 200, 200, 200),
          lambda w, u: Call(),
          given=_audited, reaches=lambda w, d: w.event.pk in _ids(d),
          blind=frozenset({"other_supervisor"})),
    Route("audit-event-detail", "GET", (401, 403, 403, 403, 200, 404, 200),
          lambda w, u: Call(args=(w.event.pk,)),
          given=_audited),
    # the half-year evaluation: supervisors compute and publish, administrators unpublish,
    # units see and appeal their own rows
    Route("period-list", "GET", (401, 200, 200, 200, 200, 200, 200),
          lambda w, u: Call(),
          given=_evaluated, reaches=lambda w, d: w.period.pk in _ids(d),
          blind=frozenset({"other_supervisor"})),
    Route("period-rollup", "POST", (401, 403, 403, 403, 200, 404, 200),
          lambda w, u: Call(args=("2026H1",), body=_period_body(w))),
    Route("period-publish", "POST", (401, 403, 403, 403, 200, 404, 200),
          lambda w, u: Call(args=("2026H1",), body=_period_body(w, before_deadline=True)),
          given=_evaluated),
    Route("period-unpublish", "POST", (401, 403, 403, 403, 403, 404, 200),
          lambda w, u: Call(args=("2026H1",), body=_period_body(w, reason="数据需要重算。")),
          given=_published),
    Route("period-snapshots", "GET", (401, 200, 200, 200, 200, 404, 200),
          lambda w, u: Call(args=("2026H1",), body={"jurisdiction": w.shenzhen.pk}),
          given=_evaluated, reaches=lambda w, d: w.snapshot.pk in _ids(d),
          blind=frozenset({"other_staff"})),
    # a document's breakdown table and progress summary, a unit's progress summary: whoever sees
    # the document (or the unit), with the rows they may see
    Route("document-breakdown-xlsx", "GET", (401, 200, 200, 200, 200, 404, 200),
          lambda w, u: Call(args=(w.document.pk,))),
    Route("document-progress-docx", "GET", (401, 200, 200, 200, 200, 404, 200),
          lambda w, u: Call(args=(w.document.pk,))),
    Route("unit-progress-docx", "GET", (401, 200, 404, 200, 200, 404, 200),
          lambda w, u: Call(args=(w.lead_unit.pk,))),
    # the dashboard's figures: everyone signed in, over what they may see
    Route("dashboard-summary", "GET", (401, 200, 200, 200, 200, 200, 200),
          lambda w, u: Call()),
    # the bulletin and the spreadsheet: supervisors while a draft, the units once published
    Route("period-bulletin", "GET", (401, 403, 403, 403, 200, 404, 200),
          lambda w, u: Call(args=("2026H1",), body={"jurisdiction": w.shenzhen.pk}),
          given=_evaluated),
    Route("period-snapshots-xlsx", "GET", (401, 403, 403, 403, 200, 404, 200),
          lambda w, u: Call(args=("2026H1",), body={"jurisdiction": w.shenzhen.pk}),
          given=_evaluated),
    Route("snapshot-appeal", "POST", (401, 201, 404, 201, 403, 404, 403),
          lambda w, u: Call(args=(w.snapshot.pk,), body={"reason": "逾期任务数有误。"}),
          given=_evaluated),
    Route("appeal-list", "GET", (401, 200, 200, 200, 200, 200, 200),
          lambda w, u: Call(),
          given=_appealed, reaches=lambda w, d: w.appeal.pk in _ids(d),
          blind=OUTSIDERS),
    Route("appeal-decide", "POST", (401, 403, 404, 403, 200, 404, 200),
          lambda w, u: Call(args=(w.appeal.pk,), body={"uphold": True, "comment": "维持。"}),
          given=_appealed),
    # signing in
    Route("api-token", "POST", (200, 200, 200, 200, 200, 200, 200), _sign_in),
]
# fmt: on

CELLS = [
    pytest.param(route, persona, id=f"{route.name}-{route.method}-{persona}")
    for route in ROUTES
    for persona in PERSONAS
]


def _send(client, method: str, url: str, call: Call):
    send = getattr(client, method.lower())
    if method == "GET":
        return send(url, call.body)
    return send(url, call.body, format=call.format)


@pytest.mark.parametrize(("route", "persona"), CELLS)
def test_each_route_answers_each_persona_with_the_exact_status(world, route, persona):
    # given: a fresh world in the state the route needs, and the persona's client
    if route.given is not None:
        route.given(world)
    user = getattr(world, persona)
    call = route.call(world, user)
    client = api_client(user)

    # when
    response = _send(client, route.method, reverse(route.name, args=call.args), call)

    # then: the exact status; 4xx answers say why; anonymous is challenged to authenticate
    expected = route.codes[PERSONAS.index(persona)]
    is_json = response["Content-Type"].startswith("application/json")
    data = response.json() if is_json else response.content[:200]  # files: .docx, .xlsx
    assert response.status_code == expected, data
    if response.status_code >= 400:
        assert data.get("detail"), data
    if response.status_code == 401:
        assert response["WWW-Authenticate"] == "Token"
    if route.reaches is not None and response.status_code == 200:
        sees = persona not in route.blind
        assert route.reaches(world, data) is sees, (
            f"{persona} {'must' if sees else 'must not'} get the world's object here: {data}"
        )


def _api_routes(patterns, prefix=""):
    """(URL name, method) of every API route under api/v1/, format-suffix variants aside."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _api_routes(pattern.url_patterns, prefix + str(pattern.pattern))
            continue
        assert isinstance(pattern, URLPattern)
        route = prefix + str(pattern.pattern)
        if not route.startswith("api/v1/") or pattern.name == "api-root":
            continue
        if "format" in pattern.pattern.regex.groupindex:
            continue
        view = pattern.callback.cls
        actions = getattr(pattern.callback, "actions", None)
        if actions:  # a ViewSet: the router's method → action mapping
            methods = set(actions)
        else:
            methods = {m for m in ("get", "post", "put", "patch", "delete") if hasattr(view, m)}
        methods &= set(view.http_method_names) - {"head", "options"}
        for method in methods:
            yield pattern.name, method.upper()


def test_every_api_route_has_a_row():
    routes = set(_api_routes(get_resolver().url_patterns))
    table = {(route.name, route.method) for route in ROUTES}

    assert routes - table == set(), "API routes without a row in the permission matrix"
    assert table - routes == set(), "rows of the permission matrix without a route"
    assert len(table) == len(ROUTES), "a route has two rows"


# --- a unit sharing the task: reads the other units' status, changes nothing of theirs -------

# fmt: off
# (route, method, state, request, status for co_staff on the lead unit's objects)
SHARED = [
    ("task-detail", "GET", None, lambda w: Call(args=(w.task.pk,)), 200),
    ("assignment-detail", "GET", None, lambda w: Call(args=(w.lead.pk,)), 200),
    ("assignment-detail", "PATCH", None,
     lambda w: Call(args=(w.lead.pk,), body={"due_date": _due().isoformat()}), 403),
    ("assignment-receive", "POST", None, lambda w: Call(args=(w.lead.pk,)), 403),
    ("assignment-reports", "POST", None,
     lambda w: Call(args=(w.lead.pk,), body={"progress": "代为报送。", "percent": 30}), 403),
    ("assignment-extension-requests", "POST", _planned,
     lambda w: Call(args=(w.lead.pk,), body=_extension_body()), 403),
    ("task-request-close", "POST", None, lambda w: Call(args=(w.task.pk,)), 403),
    # the lead unit's reports and requests stay private to it and the supervisors
    ("report-detail", "GET", _draft, lambda w: Call(args=(w.report.pk,)), 404),
    ("report-detail", "PATCH", _draft,
     lambda w: Call(args=(w.report.pk,), body={"progress": "改写。", "version": 1}), 404),
    ("report-submit", "POST", _draft, lambda w: Call(args=(w.report.pk,)), 404),
    ("extension-request-detail", "GET", _pending_extension,
     lambda w: Call(args=(w.extension.pk,)), 404),
]
# fmt: on


@pytest.mark.parametrize(
    ("name", "method", "given", "call", "expected"),
    [pytest.param(*row, id=f"{row[0]}-{row[1]}") for row in SHARED],
)
def test_staff_of_a_unit_sharing_the_task_reads_but_does_not_change(
    world, name, method, given, call, expected
):
    if given is not None:
        given(world)
    request = call(world)
    client = api_client(world.co_staff)

    response = _send(client, method, reverse(name, args=request.args), request)

    assert response.status_code == expected, response.json()


def test_a_unit_sharing_the_task_sees_the_lead_units_status_but_not_its_reports(world):
    # given: the lead unit has submitted a report and asked for an extension
    _submitted(world)
    report = world.report
    world.lead.refresh_from_db()
    extension = services.request_extension(
        assignment=world.lead, by=world.staff, requested_due_date=_due(90), reason="联调延后。"
    )
    client = api_client(world.co_staff)

    # when / then: the assignment and its latest status are readable …
    lead = client.get(f"/api/v1/assignments/{world.lead.pk}/").json()
    assert lead["id"] == world.lead.pk and lead["percent"] == 30
    # … its reports and extension requests are not
    response = client.get(f"/api/v1/assignments/{world.lead.pk}/reports/")
    assert response.status_code == 200 and response.json()["results"] == []
    response = client.get(f"/api/v1/assignments/{world.lead.pk}/extension-requests/")
    assert response.status_code == 200 and response.json()["results"] == []
    assert report.pk not in _ids(client.get("/api/v1/reports/").json())
    assert extension.pk not in _ids(client.get("/api/v1/extension-requests/").json())

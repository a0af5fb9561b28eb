"""Schemathesis against the project's own OpenAPI schema, in process, as three personas.

The schema is the one the project serves (``/api/schema/``), loaded through the WSGI
application, and every request goes through the same application on the test database: no
server, no network. Each persona (staff and unit leader of the lead unit, the 深圳市
supervisor) sends

1. fuzzed requests: for every operation a bounded, derandomized number of cases, valid and
   invalid (schemathesis' positive and negative modes), reads and writes alike; path ids and
   id filters are mapped onto the world's real objects (in and out of the persona's scope)
   for six cases in seven (lists: their first page), so the scoped code runs rather than a 404 on a random number;
2. real ids: every operation with a path parameter, once per world object of its kind; an
   object out of scope must be refused (4xx).

Every answer must be no server error, a status the schema documents, the documented content
type and a body that validates — and it must not hold any object or name the persona may not
see (``forbidden_for`` in conftest.py: another unit's assignments and reports, another city's
documents, tasks and periods …). Objects are recognised by the schema component that describes
them (an id under ``Assignment`` is an assignment id), so counts and page numbers never match.
Each case runs in a savepoint that is rolled back: no case sees what another one wrote. The
number of cases tried is printed at the end of the run (add -v for each operation's statuses).
"""

import html
import io
import zipfile

import pytest
import schemathesis
from django.core.cache import cache
from django.db import transaction
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tracker.models import AuditEvent
from tracker.wsgi import application

from .conftest import PERSONAS

# Fuzzed cases per operation and persona: 51 operations × 3 personas × 8 ≈ 1,200 requests.
MAX_EXAMPLES = 8

CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": 7,
        "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none"},
        # The coverage phase sends hundreds of boundary cases per operation: past the budget.
        "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
    }
)

schema = schemathesis.openapi.from_wsgi("/api/schema/", application, config=CONFIG)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

# --- what the objects in an answer are, by schema component ------------------------------------

# component → {field: kind of the id it holds}; "id" is the object's own kind
KINDS = {
    "Task": {"id": "task", "document": "document"},
    "AssignmentBrief": {"id": "assignment", "unit": "unit"},
    "Assignment": {
        "id": "assignment",
        "task": "task",
        "document": "document",
        "unit": "unit",
        "last_report": "report",
    },
    "Report": {
        "id": "report",
        "assignment": "assignment",
        "unit": "unit",
        "author": "user",
        "similar_to": "report",
    },
    "ExtensionRequest": {
        "id": "extension",
        "assignment": "assignment",
        "requested_by": "user",
        "decided_by": "user",
    },
    "Notification": {"id": "notification", "object_type": "", "object_id": ""},
    "AuditEvent": {
        "id": "audit",
        "actor": "user",
        "jurisdiction": "jurisdiction",
        "unit": "unit",
        "object_type": "",
        "object_id": "",
    },
    "Unit": {"id": "unit-record"},
    "PolicyDocumentList": {"id": "document"},
    "Period": {"id": "period", "jurisdiction": "jurisdiction"},
    "Snapshot": {"id": "snapshot", "unit": "unit", "document": "document"},
    "Appeal": {"id": "appeal", "snapshot": "snapshot", "filed_by": "user", "decided_by": "user"},
    "DocumentFigures": {"id": "document"},
    "UnitFigures": {"id": "unit"},
    "RedRow": {"id": "assignment", "document_id": "document", "unit_id": "unit"},
    "Filters": {
        "jurisdiction": "jurisdiction",
        "document": "document",
        "unit": "unit",
        "period": "period",
    },
}
KINDS["AssignmentDetail"] = KINDS["Assignment"]
KINDS["PolicyDocument"] = KINDS["PolicyDocumentList"]
ALSO = {"unit-record": "unit"}  # a unit's own record is also a reference to the unit
# what the ``object_type`` of an audit event or a notification names
OBJECT_TYPES = {
    "tracker.task": "task",
    "tracker.assignment": "assignment",
    "tracker.progressreport": "report",
    "tracker.extensionrequest": "extension",
    "clauses.policydocument": "document",
    "accounts.unit": "unit",
    "reports.evaluationperiod": "period",
    "reports.evaluationsnapshot": "snapshot",
    "reports.appeal": "appeal",
}

COMPONENTS = schema.raw_schema["components"]["schemas"]
# Without the project's schema class every refusal would be an undocumented status.
assert "Error" in COMPONENTS, (
    "the API schema documents no error answers: REST_FRAMEWORK['DEFAULT_SCHEMA_CLASS'] must be "
    "'tracker.api.schema.AutoSchema'"
)


def _component(node) -> str | None:
    ref = node.get("$ref", "")
    return ref.rsplit("/", 1)[-1] if ref.startswith("#/components/schemas/") else None


def objects_in(data, node) -> set[tuple[str, int]]:
    """(kind, id) of every object and reference in ``data``, typed by its schema ``node``."""
    found = set()

    def walk(value, node, name=None):
        if _component(node):
            name = _component(node)
            node = COMPONENTS[name]
        for key in ("allOf", "oneOf", "anyOf"):
            for sub in node.get(key, []):
                walk(value, sub, name)
        if isinstance(value, list):
            for item in value:
                walk(item, node.get("items", {}))
        elif isinstance(value, dict):
            fields = KINDS.get(name, {})
            for key, item in value.items():
                kind = fields.get(key)
                if kind and isinstance(item, int) and not isinstance(item, bool):
                    found.add((kind, item))
                    if kind in ALSO:
                        found.add((ALSO[kind], item))
                walk(item, node.get("properties", {}).get(key, {}))
            kind = OBJECT_TYPES.get(value.get("object_type")) if "object_type" in fields else None
            if kind and str(value.get("object_id", "")).isdigit():
                found.add((kind, int(value["object_id"])))

    walk(data, node)
    return found


def strings_in(data):
    """Every string of a JSON value, keys included."""
    if isinstance(data, str):
        yield data
    elif isinstance(data, list):
        for item in data:
            yield from strings_in(item)
    elif isinstance(data, dict):
        for key, item in data.items():
            yield key
            yield from strings_in(item)


def _file_text(content: bytes) -> str:
    """The text of a .docx or an .xlsx answer (both zip files of XML), to look for names in;
    openpyxl writes non-ASCII text as character references."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return html.unescape(
            "".join(
                archive.read(name).decode("utf-8", "replace")
                for name in archive.namelist()
                if name.endswith(".xml")
            )
        )


def response_node(operation, status: int) -> dict:
    """The JSON schema the operation documents for ``status`` (empty when none)."""
    method = operation.method.lower()
    response = schema.raw_schema["paths"][operation.path][method]["responses"].get(str(status))
    return (response or {}).get("content", {}).get("application/json", {}).get("schema", {})


def leaks(operation, response, forbidden) -> list[str]:
    """What of ``forbidden`` (a conftest.Scope) the answer shows: objects, then names."""
    content_type = response.headers.get("content-type", [""])[0]
    if content_type.startswith("application/json"):
        data = response.json()
        shown = objects_in(data, response_node(operation, response.status_code)) & forbidden.ids
        text = "\n".join(strings_in(data))
    elif response.content[:2] == b"PK":  # a .docx or an .xlsx
        shown, text = set(), _file_text(response.content)
    else:
        shown, text = set(), response.content.decode("utf-8", "replace")
    names = {name for name in forbidden.names if name in text}
    return [f"{kind} {pk}" for kind, pk in sorted(shown)] + sorted(names)


# --- the world's ids, for the fuzzing hooks and the real-id pass --------------------------------

# Ids of each kind the world has, in and out of every persona's scope. Set by the ``api``
# fixture while a test runs: the hooks below run during generation, after the fixtures.
REAL_IDS: dict[str, list] = {}

# first path segment after /api/v1/ → kind of its {id} (or {code})
PATH_KINDS = {
    "appeals": "appeal",
    "assignments": "assignment",
    "audit-events": "audit",
    "documents": "document",
    "extension-requests": "extension",
    "periods": "code",
    "reports": "report",
    "snapshots": "snapshot",
    "tasks": "task",
    "units": "unit",
}
# query parameters that hold ids; and the page, mostly the first: a random page number is past
# the end (404), and the scope check needs answers with rows
QUERY_KINDS = {
    "assignment": "assignment",
    "document": "document",
    "jurisdiction": "jurisdiction",
    "period": "period",
    "task": "task",
    "unit": "unit",
    "page": "page",
}


def real_ids(w) -> dict[str, list]:
    """Ids of every kind the world has, the personas' own and others'."""

    def pks(*objects):
        return sorted({o.pk for o in objects})

    return {
        "appeal": pks(w.appeal, w.other_appeal, w.gz_appeal),
        "assignment": pks(w.lead, w.support, w.unrelated, w.gz_assignment),
        "audit": pks(
            AuditEvent.objects.filter(jurisdiction=w.shenzhen).earliest("id"),
            AuditEvent.objects.filter(jurisdiction=w.guangzhou).earliest("id"),
        ),
        "document": pks(w.document, w.gz_document),
        "extension": pks(w.extension, w.co_extension, w.other_extension, w.gz_extension),
        "jurisdiction": pks(w.shenzhen, w.guangzhou),
        "period": pks(w.period, w.gz_period),
        "report": pks(w.report, w.co_report, w.other_report, w.gz_report),
        "snapshot": pks(w.snapshot, w.co_snapshot, w.other_snapshot, w.gz_snapshot),
        "task": pks(w.task, w.other_task, w.gz_task),
        "unit": pks(w.lead_unit, w.support_unit, w.unrelated.unit, w.gz_unit),
        "code": ["2026H1"],
        "page": [1],
    }


def _path_kind(operation) -> str | None:
    return PATH_KINDS.get(operation.path.removeprefix("/api/v1/").split("/", 1)[0])


def _real(kind, value):
    """Six generated values in seven become a real id of ``kind``, chosen by the value so the
    run stays deterministic; the seventh stays as generated."""
    ids = REAL_IDS.get(kind)
    if not ids or isinstance(value, bool):
        return value
    number = value if isinstance(value, int) else len(str(value))
    if number % 7 == 0:
        return value
    return ids[number % len(ids)]


def _routable(template: str, parameters: dict) -> bool:
    """Whether Django routes the path at all. It routes neither ``/api/v1/tasks/1.5/`` nor
    ``/api/v1/units/-1/progress.docx`` and answers them with its HTML 404 page (see
    test_regressions.py); the fuzzing keeps to paths that reach the API."""
    try:
        resolve(template.format(**{name: str(value) for name, value in parameters.items()}))
    except (Resolver404, ValueError):
        return False
    return True


@schema.hook
def map_path_parameters(context, path_parameters):
    if not path_parameters:
        return path_parameters
    kind = _path_kind(context.operation)
    mapped = {name: _real(kind, value) for name, value in path_parameters.items()}
    if not _routable(context.operation.path, mapped):
        mapped = {name: REAL_IDS[kind][0] for name in mapped}
    return mapped


@schema.hook
def map_query(context, query):
    if not query:
        return query
    return {name: _real(QUERY_KINDS.get(name), value) for name, value in query.items()}


# --- sending one case as a persona -------------------------------------------------------------


@pytest.fixture
def api(fuzz_world, in_process_wsgi, fuzz_stats):
    """``send(case, persona)``: the case as the persona, in a savepoint rolled back after it;
    asserts no server error, conformance to the schema and no leak out of the scope."""
    tokens = fuzz_world.tokens
    cache.clear()  # the sign-in rate limit counts in the cache, which no rollback resets
    REAL_IDS.update(real_ids(fuzz_world))

    def send(case, persona, run="fuzz", *, check_scope=True):
        savepoint = transaction.savepoint()
        try:
            response = case.call(headers={"Authorization": f"Token {tokens[persona]}"})
            if run is not None:
                fuzz_stats[run].record(persona, case.operation.label, response.status_code)
            case.validate_response(response, checks=CHECKS)
            if check_scope:
                shown = leaks(case.operation, response, fuzz_world.forbidden[persona])
                assert not shown, (
                    f"{persona} got what is out of their scope from {case.method} "
                    f"{case.formatted_path}: {shown}"
                )
            return response
        finally:
            transaction.savepoint_rollback(savepoint)

    yield send
    cache.clear()
    REAL_IDS.clear()


# --- pass 1: fuzzed cases ----------------------------------------------------------------------


@schema.parametrize()
@pytest.mark.parametrize("persona", PERSONAS)
@settings(deadline=None, suppress_health_check=list(HealthCheck))
def test_fuzzed_requests_stay_in_the_schema_and_the_scope(case, persona, api):
    api(case, persona)


# --- pass 2: every operation on a path id, with each real object of its kind -------------------


def _operations_with_path_ids():
    for result in schema.get_all_operations():
        operation = result.ok()
        if "{" in operation.path:
            yield operation


def _case(operation, value):
    """The operation on ``value``, with an empty JSON body where it takes one."""
    name = "code" if _path_kind(operation) == "code" else "id"
    media_types = [body.media_type for body in operation.body]
    if "application/json" in media_types:
        return operation.Case(path_parameters={name: value}, body={}, media_type="application/json")
    return operation.Case(path_parameters={name: value})


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_real_id_answers_in_the_schema_and_the_scope(persona, api, fuzz_world):
    forbidden = fuzz_world.forbidden[persona].ids
    for operation in _operations_with_path_ids():
        kind = _path_kind(operation)
        for value in REAL_IDS[kind]:
            response = api(_case(operation, value), persona, run="real ids")
            # a unit's path is its record (units/{id}/, its progress summary)
            checked = "unit-record" if kind == "unit" else kind
            if (checked, value) in forbidden:
                assert response.status_code >= 400, (
                    f"{persona} reached {operation.label} of {kind} {value}: {response.status_code}"
                )


# --- the scope check is not blind ---------------------------------------------------------------


def _other_world_object(w, persona, kind):
    """An object of ``kind`` the persona must not see: another city's for the supervisor,
    another unit's (task （二）, 市发展改革委) for staff and leader."""
    gz = persona == "supervisor"
    return {
        "document": w.gz_document if gz else w.document,  # the 深圳市 one holds task （二）
        "unit": w.gz_unit if gz else w.unrelated.unit,
    }[kind].pk


# (operation label, kind of its path id or None): what the superuser sees holds something of
# each kind each persona must not see
SUPERUSER_SEES = [
    ("GET /api/v1/tasks/", None),
    ("GET /api/v1/assignments/", None),
    ("GET /api/v1/reports/", None),
    ("GET /api/v1/extension-requests/", None),
    ("GET /api/v1/documents/", None),
    ("GET /api/v1/units/", None),
    ("GET /api/v1/periods/", None),
    ("GET /api/v1/appeals/", None),
    ("GET /api/v1/audit-events/", None),
    ("GET /api/v1/dashboard/summary/", None),
    ("GET /api/v1/documents/{id}/", "document"),
    ("GET /api/v1/documents/{id}/breakdown.xlsx", "document"),
    ("GET /api/v1/documents/{id}/progress.docx", "document"),
    ("GET /api/v1/units/{id}/progress.docx", "unit"),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("label", "kind"), SUPERUSER_SEES, ids=[row[0] for row in SUPERUSER_SEES])
def test_the_scope_check_finds_what_the_superuser_sees(persona, label, kind, api, fuzz_world):
    # given: the superuser's answer, which holds everything
    operation = schema.find_operation_by_label(label)
    path = {"id": _other_world_object(fuzz_world, persona, kind)} if kind else {}
    query = {"page_size": 500} if "page_size" in operation.query else None
    case = operation.Case(path_parameters=path, query=query)

    # when
    response = api(case, "admin", run=None, check_scope=False)

    # then: the scope check recognises what the persona must not see in it
    assert response.status_code == 200
    assert leaks(operation, response, fuzz_world.forbidden[persona]), (
        f"nothing out of {persona}'s scope recognised in the superuser's {label}"
    )


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_scope_check_finds_another_users_notifications(persona, api, fuzz_world):
    other = PERSONAS[(PERSONAS.index(persona) + 1) % len(PERSONAS)]
    operation = schema.find_operation_by_label("GET /api/v1/notifications/")

    response = api(operation.Case(), other, run=None, check_scope=False)

    assert leaks(operation, response, fuzz_world.forbidden[persona])


def test_every_component_with_an_id_is_typed_for_the_scope_check():
    # A new serializer (or a renamed field) must not make the scope check blind to it.
    untyped = {
        name
        for name, component in COMPONENTS.items()
        if "id" in component.get("properties", {}) and name not in KINDS
    }
    missing = {
        (name, field)
        for name, fields in KINDS.items()
        for field in fields
        if field not in COMPONENTS[name].get("properties", {})
    }
    assert untyped == set()
    assert missing == set()

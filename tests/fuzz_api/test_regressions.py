"""What the schemathesis run found, each pinned by a focused test.

- An id filter took any number: ``?unit=-4e304`` reached SQLite's driver and failed with an
  overflow (500). Id filters now take whole numbers within the range of the keys (400 else).
- The dashboard's filters and a period's ``jurisdiction`` did the same past 64 bits (500).
- A unit's overall snapshot row has no document: ``document_title`` is null, which the schema
  did not allow.
- drf-spectacular documented only each operation's success, so every refusal (400, 401, 403,
  404, 409, 415 for a body of another type, 429) was an answer outside the schema.
- An unroutable URL under /api/ (``/api/v1/units/-1/progress.docx``) answers Django's HTML 404 page (still open: needs a handler404
  in tracker/urls.py, see the xfail below).
"""

import pytest
from django.test import Client
from drf_spectacular.generators import SchemaGenerator

from tests.conftest import api_client

PAST_64_BITS = str(2**64)


@pytest.fixture(scope="module")
def openapi():
    """The schema as the project serves it (same generator and schema class)."""
    return SchemaGenerator().get_schema(request=None, public=True)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/tasks/?document={}",
        "/api/v1/tasks/?unit={}",
        "/api/v1/assignments/?task={}",
        "/api/v1/reports/?unit={}",
        "/api/v1/extension-requests/?assignment={}",
        "/api/v1/audit-events/?unit={}",
        "/api/v1/periods/2026H1/snapshots/?unit={}",
    ],
)
@pytest.mark.parametrize("value", ["-4.3e+304", PAST_64_BITS, "0", "1.5"])
def test_an_id_filter_out_of_the_key_range_answers_400(fuzz_world, url, value):
    client = api_client(fuzz_world.supervisor)

    response = client.get(url.format(value))

    assert response.status_code == 400, response.content
    assert list(response.json()) == [url.rsplit("?", 1)[1].split("=")[0]]


def test_an_id_filter_still_filters(fuzz_world):
    client = api_client(fuzz_world.supervisor)

    response = client.get(f"/api/v1/reports/?unit={fuzz_world.lead_unit.pk}")

    assert [row["id"] for row in response.json()["results"]] == [fuzz_world.report.pk]


@pytest.mark.parametrize("name", ["jurisdiction", "document", "unit", "period"])
def test_a_dashboard_filter_past_64_bits_answers_404(fuzz_world, name):
    client = api_client(fuzz_world.supervisor)

    response = client.get(f"/api/v1/dashboard/summary/?{name}={PAST_64_BITS}")

    assert response.status_code == 404, response.content


@pytest.mark.parametrize("value", [PAST_64_BITS, "-1", "x"])
def test_a_period_jurisdiction_that_is_no_id_answers_400(fuzz_world, value):
    client = api_client(fuzz_world.supervisor)

    response = client.get(f"/api/v1/periods/2026H1/snapshots/?jurisdiction={value}")

    assert response.status_code == 400, response.content
    assert response.json()["code"] == "bad_jurisdiction"


def test_a_units_overall_row_has_a_null_document_title_as_documented(fuzz_world, openapi):
    client = api_client(fuzz_world.supervisor)

    rows = client.get("/api/v1/periods/2026H1/snapshots/?overall=true").json()["results"]

    assert rows and all(row["document"] is None for row in rows)
    assert {row["document_title"] for row in rows} == {None}
    assert openapi["components"]["schemas"]["Snapshot"]["properties"]["document_title"]["nullable"]


def test_a_body_of_no_declared_type_answers_415_as_documented(fuzz_world, openapi):
    client = api_client(fuzz_world.supervisor)
    url = f"/api/v1/reports/{fuzz_world.report.pk}/return/"

    response = client.generic("POST", url, b"comment=x", content_type="")

    assert response.status_code == 415
    assert response.json()["detail"]
    assert "415" in openapi["paths"]["/api/v1/reports/{id}/return/"]["post"]["responses"]


def test_every_operation_documents_its_refusals(openapi):
    # Needs REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"] = "tracker.api.schema.AutoSchema".
    undocumented = []
    for path, operations in openapi["paths"].items():
        for method, operation in operations.items():
            expected = {"401"}
            if "{" in path:
                expected |= {"404"}
            if method in ("post", "patch"):
                expected |= {"400"}
            if "requestBody" in operation:
                expected |= {"415"}
            if "{" in path and method in ("post", "patch"):
                expected |= {"409"}
            if path != "/api/v1/auth/token/":
                expected |= {"403"}
            missing = expected - set(operation["responses"])
            if missing:
                undocumented.append((method.upper(), path, sorted(missing)))
    assert undocumented == []
    error = openapi["components"]["schemas"]["Error"]
    assert error["required"] == ["detail"]


def test_a_list_page_past_the_end_answers_a_documented_404(fuzz_world, openapi):
    client = api_client(fuzz_world.supervisor)

    response = client.get("/api/v1/tasks/?page=999")

    assert response.status_code == 404
    assert "404" in openapi["paths"]["/api/v1/tasks/"]["get"]["responses"]


@pytest.mark.parametrize(
    "url", ["/api/v1/units/-1/progress.docx", "/api/v1/documents/x/breakdown.xlsx", "/api/v1/nope/"]
)
def test_an_unroutable_api_url_answers_json(fuzz_world, url):
    client = Client()
    client.force_login(fuzz_world.supervisor)

    response = client.get(url)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"

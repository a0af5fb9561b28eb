"""The REST API: token, preview, import, lists with filters, scope, query counts."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Unit
from clauses.models import PolicyDocument
from clauses.services import import_document
from tests.conftest import (
    BAD_FILES,
    api_client,
    bad_file,
    has_chinese,
    plan_file,
    platform_clause,
    seed,
    table_counts,
)


def _upload(path, name=None):
    return SimpleUploadedFile(name or path.name, path.read_bytes(), content_type="text/plain")


def _import_seed(prefix):
    path = seed(prefix)
    return import_document(data=path.read_bytes(), filename=path.name).documents[0].document


def test_token_then_authenticated_request(sz_supervisor):
    client = api_client()
    response = client.post("/api/v1/auth/token/", {"username": "alice", "password": "pw-alice"})
    assert response.status_code == 200
    token = response.json()["token"]
    assert client.get("/api/v1/documents/").status_code == 401
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/documents/").status_code == 200


def test_wrong_password_gets_no_token(sz_supervisor):
    response = api_client().post("/api/v1/auth/token/", {"username": "alice", "password": "nope"})
    assert response.status_code == 400
    assert "token" not in response.json()


def test_preview_returns_the_gold_schema_and_writes_nothing(gz_supervisor):
    before = table_counts()
    response = api_client(gz_supervisor).post(
        "/api/v1/documents/preview/", {"file": _upload(seed("002"))}, format="multipart"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    (doc,) = body["documents"]
    assert doc["jurisdiction"] == "广州市" and doc["jurisdiction_known"] is True
    assert len(doc["tasks"]) == 32
    assert doc["tasks"][0]["units"] == ["市地方金融监管局", "各区政府"]
    assert doc["unknown_units"] == []
    assert table_counts() == before


def test_preview_lists_unknown_units_with_suggestions(sz_supervisor, tmp_path):
    path = plan_file(tmp_path, platform_clause("市科技创新局、市地方金融监管局"))
    response = api_client(sz_supervisor).post(
        "/api/v1/documents/preview/", {"file": _upload(path)}, format="multipart"
    )
    assert response.status_code == 200
    (unknown,) = response.json()["documents"][0]["unknown_units"]
    assert unknown["name"] == "市科技创新局"
    assert (
        unknown["suggestions"][0]["id"]
        == Unit.objects.get(jurisdiction__name="深圳市", aliases__name="市科技创新委").pk
    )


def test_import_creates_then_reimport_changes_nothing(gz_supervisor):
    client = api_client(gz_supervisor)
    response = client.post("/api/v1/documents/", {"file": _upload(seed("002"))}, format="multipart")
    assert response.status_code == 201, response.content
    (entry,) = response.json()["documents"]
    assert entry["created"] is True
    assert entry["document"]["version"] == 1
    assert len(entry["document"]["tasks"]) == 32
    first_task = entry["document"]["tasks"][0]
    assert len(first_task["assignments"]) == 2
    assert {a["role"] for a in first_task["assignments"]} == {"lead"}

    before = table_counts()
    again = client.post("/api/v1/documents/", {"file": _upload(seed("002"))}, format="multipart")
    assert again.status_code == 200
    assert again.json()["documents"][0]["created"] is False
    assert table_counts() == before


def test_import_with_decisions_as_json(sz_supervisor, tmp_path):
    path = plan_file(tmp_path, platform_clause("深圳市科技金融促进会"))
    client = api_client(sz_supervisor)
    refused = client.post("/api/v1/documents/", {"file": _upload(path)}, format="multipart")
    assert refused.status_code == 400
    assert refused.json()["code"] == "unknown_units"
    assert refused.json()["unknown_units"][0]["name"] == "深圳市科技金融促进会"
    accepted = client.post(
        "/api/v1/documents/",
        {
            "file": _upload(path),
            "decisions": '{"深圳市科技金融促进会": {"create": true, "kind": "other"}}',
        },
        format="multipart",
    )
    assert accepted.status_code == 201, accepted.content


@pytest.mark.parametrize("key", BAD_FILES)
@pytest.mark.parametrize("route", ["/api/v1/documents/", "/api/v1/documents/preview/"])
def test_bad_file_gets_400_in_chinese_and_writes_nothing(sz_supervisor, route, key):
    content, name, code = bad_file(key)
    before = table_counts()
    response = api_client(sz_supervisor).post(
        route, {"file": SimpleUploadedFile(name, content)}, format="multipart"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == code
    assert has_chinese(body["detail"]), body["detail"]
    assert table_counts() == before


def test_unknown_jurisdiction_gets_400(sz_supervisor):
    before = table_counts()
    response = api_client(sz_supervisor).post(
        "/api/v1/documents/preview/",
        {"file": _upload(seed("000")), "jurisdiction": "火星市"},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "unknown_jurisdiction"
    assert table_counts() == before


@pytest.mark.parametrize("named", [True, False], ids=["named", "read-from-text"])
@pytest.mark.parametrize("route", ["/api/v1/documents/", "/api/v1/documents/preview/"])
def test_supervisor_cannot_import_into_another_jurisdiction(gz_supervisor, named, route):
    before = table_counts()
    payload = {"file": _upload(seed("000"))}  # a 深圳市 document
    if named:
        payload["jurisdiction"] = "深圳市"
    response = api_client(gz_supervisor).post(route, payload, format="multipart")
    assert response.status_code == 403
    assert response.json()["code"] == "jurisdiction_not_allowed"
    assert table_counts() == before


def test_staff_cannot_import(gz_staff):
    response = api_client(gz_staff).post(
        "/api/v1/documents/", {"file": _upload(seed("002"))}, format="multipart"
    )
    assert response.status_code == 403


def test_documents_are_scoped_to_the_jurisdiction(sz_supervisor, gz_supervisor):
    shenzhen_doc = _import_seed("000")
    guangzhou_doc = _import_seed("002")
    client = api_client(gz_supervisor)
    ids = [d["id"] for d in client.get("/api/v1/documents/").json()["results"]]
    assert ids == [guangzhou_doc.pk]
    assert client.get(f"/api/v1/documents/{shenzhen_doc.pk}/").status_code == 404
    assert client.get(f"/api/v1/documents/{guangzhou_doc.pk}/").status_code == 200


def test_staff_sees_the_documents_that_assign_their_unit(gz_staff):
    guangzhou_doc = _import_seed("002")
    _import_seed("000")
    client = api_client(gz_staff)
    assert [d["id"] for d in client.get("/api/v1/documents/").json()["results"]] == [
        guangzhou_doc.pk
    ]


def test_tasks_filter_by_document_and_unit(gz_supervisor):
    document = _import_seed("002")
    unit = Unit.objects.get(jurisdiction__name="广州市", aliases__name="市委组织部")
    client = api_client(gz_supervisor)
    all_tasks = client.get(f"/api/v1/tasks/?document={document.pk}&page_size=100").json()
    assert all_tasks["count"] == 32
    mine = client.get(f"/api/v1/tasks/?document={document.pk}&unit={unit.pk}").json()
    assert [t["title"] for t in mine["results"]] == ["培养科技金融人才"]


def test_units_filter_by_jurisdiction_and_alias(registry, admin_user):
    client = api_client(admin_user)
    guangzhou = client.get("/api/v1/units/?jurisdiction=广州市&q=市人社局").json()["results"]
    assert len(guangzhou) == 1
    assert "市人力资源社会保障局" in guangzhou[0]["aliases"]
    both = client.get("/api/v1/units/?q=市科技局&page_size=100").json()["results"]
    assert {u["jurisdiction"] for u in both} >= {"广州市", "郑州市"}


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_lists_run_a_constant_number_of_queries(registry, admin_user):
    client = api_client(admin_user)
    _import_seed("002")
    small = [
        _queries(client, url) for url in ("/api/v1/documents/", "/api/v1/tasks/", "/api/v1/units/")
    ]
    _import_seed("000")
    _import_seed("004")
    assert PolicyDocument.objects.count() == 3
    large = [
        _queries(client, url) for url in ("/api/v1/documents/", "/api/v1/tasks/", "/api/v1/units/")
    ]
    assert small == large


def test_document_detail_runs_a_constant_number_of_queries(registry, admin_user):
    client = api_client(admin_user)
    small_doc = _import_seed("000")  # 20 tasks
    large_doc = _import_seed("002")  # 32 tasks
    assert _queries(client, f"/api/v1/documents/{small_doc.pk}/") == _queries(
        client, f"/api/v1/documents/{large_doc.pk}/"
    )


def test_openapi_schema_and_docs_are_served(admin_user):
    client = api_client(admin_user)
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/documents/preview/" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"swagger" in docs.content.lower()


def test_openapi_schema_is_valid_without_warnings(tmp_path):
    from django.core.management import call_command

    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    text = target.read_text(encoding="utf-8")
    for path in ("/api/v1/auth/token/", "/api/v1/documents/", "/api/v1/tasks/", "/api/v1/units/"):
        assert f"  {path}:" in text


def test_documents_filter_current_versions(registry, admin_user, tmp_path):
    first = _import_seed("002")
    text = seed("002").read_text(encoding="utf-8")
    revision = tmp_path / "revision.txt"
    revision.write_text(text.replace("鼓励和支持", "鼓励和引导", 1), encoding="utf-8")
    second = import_document(data=revision.read_bytes(), filename="revision.txt").documents[0]
    client = api_client(admin_user)
    every = [d["id"] for d in client.get("/api/v1/documents/").json()["results"]]
    current = [d["id"] for d in client.get("/api/v1/documents/?is_current=true").json()["results"]]
    assert sorted(every) == sorted([first.pk, second.document.pk])
    assert current == [second.document.pk]

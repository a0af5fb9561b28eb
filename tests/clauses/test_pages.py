"""The supervisor's pages: upload, preview with unknown units highlighted, confirm."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Unit
from clauses.models import PolicyDocument
from tests.conftest import (
    BAD_FILES,
    bad_file,
    has_chinese,
    plan_file,
    platform_clause,
    seed,
    table_counts,
)
from tracker.models import Task


@pytest.fixture
def browser(client, sz_supervisor):
    client.force_login(sz_supervisor)
    return client


def _plan(tmp_path):
    return plan_file(
        tmp_path,
        platform_clause("市科技创新局、市地方金融监管局"),
        "（二）加强宣传。加强政策宣传解读。（责任单位：市地方金融监管局）",
    )


def test_anonymous_user_is_sent_to_login(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_login_page_is_chinese(client, db):
    response = client.get("/login/")
    assert response.status_code == 200
    assert "登录" in response.content.decode()


def test_upload_preview_highlights_unknown_units_then_confirm_imports(browser, tmp_path):
    path = _plan(tmp_path)
    before = table_counts()
    response = browser.post(
        "/documents/upload/", {"file": SimpleUploadedFile("plan.txt", path.read_bytes())}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="unit unknown">市科技创新局<' in html
    assert table_counts() == before, "the preview writes nothing"
    token = re.search(r"/documents/upload/(\w+)/confirm/", html).group(1)
    target = Unit.objects.get(jurisdiction__name="深圳市", aliases__name="市科技创新委")

    response = browser.post(
        f"/documents/upload/{token}/confirm/",
        {
            "decision:市科技创新局": f"unit:{target.pk}",
            "title-0-2": "加强政策宣传",
            "units-0-2": "市地方金融监管局、市科技创新委",
            "due-0-2": "2026-12-31",
        },
    )
    assert response.status_code == 302
    document = PolicyDocument.objects.get()
    assert response["Location"] == f"/documents/{document.pk}/"
    second = Task.objects.get(document=document, order=2)
    assert second.title == "加强政策宣传"
    assert str(second.due_date) == "2026-12-31"
    assert second.assignments.count() == 2
    page = browser.get(response["Location"]).content.decode()
    assert "加强政策宣传" in page and "任务分解表" in page


def test_confirm_without_deciding_an_unknown_unit_shows_the_preview_again(browser, tmp_path):
    path = _plan(tmp_path)
    response = browser.post(
        "/documents/upload/", {"file": SimpleUploadedFile("plan.txt", path.read_bytes())}
    )
    token = re.search(r"/documents/upload/(\w+)/confirm/", response.content.decode()).group(1)
    before = table_counts()
    response = browser.post(f"/documents/upload/{token}/confirm/", {})
    assert response.status_code == 400
    assert "市科技创新局" in response.content.decode()
    assert table_counts() == before


@pytest.mark.parametrize("key", BAD_FILES)
def test_bad_upload_shows_a_chinese_message_and_writes_nothing(browser, key):
    content, name, _code = bad_file(key)
    before = table_counts()
    response = browser.post("/documents/upload/", {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 400
    messages = [str(m) for m in response.context["messages"]]
    assert messages and has_chinese(messages[0])
    assert table_counts() == before


def test_staff_cannot_open_the_upload_page(client, gz_staff):
    client.force_login(gz_staff)
    assert client.get("/documents/upload/").status_code == 403


def test_document_page_of_another_jurisdiction_is_404(client, gz_supervisor, registry):
    path = seed("000")
    from clauses.services import import_document

    document = import_document(data=path.read_bytes(), filename=path.name).documents[0].document
    client.force_login(gz_supervisor)
    assert client.get(f"/documents/{document.pk}/").status_code == 404


def test_upload_of_another_jurisdictions_document_is_refused(client, gz_supervisor):
    client.force_login(gz_supervisor)
    before = table_counts()
    path = seed("000")  # a 深圳市 document
    response = client.post(
        "/documents/upload/", {"file": SimpleUploadedFile(path.name, path.read_bytes())}
    )
    assert response.status_code == 403
    assert "深圳市" in str(next(iter(response.context["messages"])))
    assert table_counts() == before


def test_unconfirmed_previews_are_forgotten_after_a_day(settings, tmp_path, sz_supervisor):
    import os

    from clauses import uploads

    settings.DATA_DIR = tmp_path
    old = uploads.save_pending(user=sz_supervisor, data=b"x", filename="a.txt", jurisdiction=None)
    folder = tmp_path / "pending" / str(sz_supervisor.pk) / old
    two_days_ago = folder.stat().st_mtime - 2 * uploads.PENDING_SECONDS
    os.utime(folder, (two_days_ago, two_days_ago))
    new = uploads.save_pending(user=sz_supervisor, data=b"y", filename="b.txt", jurisdiction=None)
    assert uploads.load_pending(user=sz_supervisor, token=old) is None
    assert uploads.load_pending(user=sz_supervisor, token=new) == (b"y", "b.txt", None)


def _page_queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_document_pages_run_a_constant_number_of_queries(client, admin_user, registry):
    from clauses.services import import_document

    def imported(prefix):
        path = seed(prefix)
        return import_document(data=path.read_bytes(), filename=path.name).documents[0].document

    client.force_login(admin_user)
    small = imported("000")  # 20 tasks
    list_small = _page_queries(client, "/")
    large = imported("002")  # 32 tasks, and a second document in the list
    imported("004")
    assert _page_queries(client, "/") == list_small
    assert _page_queries(client, f"/documents/{small.pk}/") == _page_queries(
        client, f"/documents/{large.pk}/"
    )

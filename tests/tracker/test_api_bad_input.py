"""Bad input through the API gets a clear error with a stable code, and changes nothing.

Each test counts every project table before and after the request and checks the object's own
fields, so a refusal that wrote half of something fails.
"""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from clauses.models import Target
from tests.conftest import api_client, has_chinese, table_counts
from tests.tracker import test_permission_matrix as matrix
from tracker import services
from tracker.models import Assignment, ExtensionRequest, ProgressReport

from .helpers import pdf_bytes

# The module-scoped world of the permission matrix: the registry is loaded once per module,
# and every test still starts from the untouched world.
world_rows = matrix.world_rows
world = matrix.world

MB = 1024 * 1024


def _day(days: int):
    return timezone.localdate() + timedelta(days=days)


def _refused(response, status: int, code: str) -> dict:
    """Assert a refusal: the status, the stable code and a Chinese message for people."""
    body = response.json()
    assert response.status_code == status, body
    assert body.get("code") == code, body
    assert isinstance(body.get("detail"), str) and has_chinese(body["detail"]), body
    return body


def _plan(w, **plan):
    services.plan_task(task=w.task, by=w.supervisor, plan={"due_date": _day(60), **plan})
    w.lead.refresh_from_db()


def _report(w, *, submit=False, version_bumps=0):
    _plan(w)
    report = services.create_report(
        assignment=w.lead,
        by=w.staff,
        data=services.ReportInput(progress="平台已上线试运行。", percent=30),
        submit=submit,
    )
    for n in range(version_bumps):
        report = services.update_report(
            report=report,
            by=w.staff,
            data=services.ReportInput(progress=f"平台已上线试运行，第{n + 2}稿。"),
            version=report.version,
        )
    return report


def _fields(obj, *names) -> dict:
    obj.refresh_from_db()
    return {name: getattr(obj, name) for name in names}


REPORT_FIELDS = ("status", "progress", "percent", "version", "reviewed_at", "review_comment")


# --- reports --------------------------------------------------------------------------------


def test_a_report_on_a_co_units_assignment_is_refused_with_403(world):
    staff = api_client(world.staff)
    before = table_counts()

    response = staff.post(
        f"/api/v1/assignments/{world.support.pk}/reports/",
        {"progress": "代为报送。", "percent": 30},
        format="json",
    )

    _refused(response, 403, "not_your_unit")
    assert table_counts() == before


def test_a_report_on_an_assignment_out_of_scope_is_refused_with_404(world):
    staff = api_client(world.staff)
    before = table_counts()

    response = staff.post(
        f"/api/v1/assignments/{world.unrelated.pk}/reports/",
        {"progress": "代为报送。", "percent": 30},
        format="json",
    )

    assert response.status_code == 404
    assert response.json()["detail"]
    assert table_counts() == before


@pytest.mark.parametrize("percent", [150, -1, "abc"])
def test_a_percent_outside_0_to_100_is_refused(world, percent):
    staff = api_client(world.staff)
    before = table_counts()

    response = staff.post(
        f"/api/v1/assignments/{world.lead.pk}/reports/",
        {"progress": "平台已上线。", "percent": percent},
        format="json",
    )

    _refused(response, 400, "invalid_percent")
    assert table_counts() == before


def test_a_percent_of_150_on_save_leaves_the_report_as_it_was(world):
    report = _report(world)
    staff = api_client(world.staff)
    kept = _fields(report, *REPORT_FIELDS)
    before = table_counts()

    response = staff.patch(
        f"/api/v1/reports/{report.pk}/",
        {"progress": "改写后的进展。", "percent": 150, "version": report.version},
        format="json",
    )

    _refused(response, 400, "invalid_percent")
    assert table_counts() == before
    assert _fields(report, *REPORT_FIELDS) == kept


def test_a_30_mb_attachment_is_refused_and_nothing_is_stored(world, settings, tmp_path):
    # given: uploads would land in an empty folder
    settings.MEDIA_ROOT = tmp_path
    staff = api_client(world.staff)
    big = SimpleUploadedFile("证明材料.pdf", b"%PDF-1.4\n" + bytes(30 * MB), "application/pdf")
    before = table_counts()

    # when: a real multipart upload
    response = staff.post(
        f"/api/v1/assignments/{world.lead.pk}/reports/",
        {"progress": "平台已上线。", "percent": 30, "attachments": [big], "submit": "true"},
        format="multipart",
    )

    # then
    body = _refused(response, 400, "attachment_too_large")
    assert body["name"] == "证明材料.pdf"
    assert table_counts() == before
    assert not ProgressReport.objects.exists()
    assert list(tmp_path.rglob("*")) == []


def test_a_program_renamed_pdf_is_refused_and_nothing_is_stored(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    staff = api_client(world.staff)
    program = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(4096)
    fake = SimpleUploadedFile("证明材料.pdf", program, "application/pdf")
    before = table_counts()

    response = staff.post(
        f"/api/v1/assignments/{world.lead.pk}/reports/",
        {"progress": "平台已上线。", "percent": 30, "attachments": [fake]},
        format="multipart",
    )

    _refused(response, 400, "attachment_type")
    assert table_counts() == before
    assert list(tmp_path.rglob("*")) == []


def test_a_bad_attachment_on_save_leaves_the_report_and_its_files_as_they_were(
    world, settings, tmp_path
):
    # given: a draft with one good attachment
    settings.MEDIA_ROOT = tmp_path
    report = _report(world)
    report = services.update_report(
        report=report,
        by=world.staff,
        data=services.ReportInput(
            attachments=[("a.pdf", SimpleUploadedFile("a.pdf", pdf_bytes()))]
        ),
        version=report.version,
    )
    staff = api_client(world.staff)
    kept = _fields(report, *REPORT_FIELDS)
    files = sorted(tmp_path.rglob("*"))
    before = table_counts()

    # when: the clerk saves new text with a renamed program
    fake = SimpleUploadedFile("b.pdf", b"MZ\x90\x00" + bytes(4096), "application/pdf")
    response = staff.patch(
        f"/api/v1/reports/{report.pk}/",
        {"progress": "改写后的进展。", "version": str(report.version), "attachments": [fake]},
        format="multipart",
    )

    # then
    _refused(response, 400, "attachment_type")
    assert table_counts() == before
    assert _fields(report, *REPORT_FIELDS) == kept
    assert sorted(tmp_path.rglob("*")) == files


def test_an_unknown_target_id_is_refused(world):
    staff = api_client(world.staff)
    unknown = max(Target.objects.values_list("pk", flat=True), default=0) + 1000
    before = table_counts()

    response = staff.post(
        f"/api/v1/assignments/{world.lead.pk}/reports/",
        {"progress": "平台已上线。", "percent": 30, "target_actuals": {str(unknown): 120}},
        format="json",
    )

    _refused(response, 400, "unknown_target")
    assert table_counts() == before


def test_a_target_of_another_task_is_refused(world):
    # the target of clause （一） on the assignment of task （二）
    target = Target.objects.get(clause=world.task.clause)
    other = api_client(world.other_staff)
    before = table_counts()

    response = other.post(
        f"/api/v1/assignments/{world.unrelated.pk}/reports/",
        {"progress": "资金池已设立。", "percent": 30, "target_actuals": {str(target.pk): 120}},
        format="json",
    )

    _refused(response, 400, "unknown_target")
    assert table_counts() == before


def test_a_stale_version_on_save_is_refused_and_the_newer_text_is_kept(world):
    # given: someone saved version 2 after the clerk read version 1
    report = _report(world, version_bumps=1)
    assert report.version == 2
    staff = api_client(world.staff)
    kept = _fields(report, *REPORT_FIELDS)
    before = table_counts()

    # when
    response = staff.patch(
        f"/api/v1/reports/{report.pk}/",
        {"progress": "基于旧稿的改写。", "percent": 40, "version": 1},
        format="json",
    )

    # then
    body = _refused(response, 409, "stale_version")
    assert body["current_version"] == 2
    assert table_counts() == before
    assert _fields(report, *REPORT_FIELDS) == kept


def test_a_second_accept_of_an_accepted_report_is_refused(world):
    report = _report(world, submit=True)
    services.accept_report(report=report, by=world.supervisor, comment="同意。")
    supervisor = api_client(world.supervisor)
    kept = _fields(report, *REPORT_FIELDS)
    before = table_counts()

    response = supervisor.post(f"/api/v1/reports/{report.pk}/accept/", {"comment": "再次同意。"})

    _refused(response, 409, "invalid_transition")
    assert table_counts() == before
    assert _fields(report, *REPORT_FIELDS) == kept


def test_a_return_without_a_comment_is_refused(world):
    report = _report(world, submit=True)
    supervisor = api_client(world.supervisor)
    kept = _fields(report, *REPORT_FIELDS)
    before = table_counts()

    response = supervisor.post(f"/api/v1/reports/{report.pk}/return/", {"comment": "  "})

    _refused(response, 400, "comment_required")
    assert table_counts() == before
    assert _fields(report, *REPORT_FIELDS) == kept


def test_a_report_on_a_closed_task_is_refused(world):
    services.close_task(task=world.task, by=world.supervisor)
    staff = api_client(world.staff)
    before = table_counts()

    response = staff.post(
        f"/api/v1/assignments/{world.lead.pk}/reports/",
        {"progress": "平台已上线。", "percent": 30},
        format="json",
    )

    _refused(response, 409, "task_closed")
    assert table_counts() == before


# --- planning -------------------------------------------------------------------------------


PLAN_ROUTES = {
    "task": lambda w: f"/api/v1/tasks/{w.task.pk}/",
    "assignment": lambda w: f"/api/v1/assignments/{w.lead.pk}/",
    "document": lambda w: f"/api/v1/documents/{w.document.pk}/plan/",
}
PLAN_FIELDS = ("due_date", "original_due_date", "evaluation_due_date", "version")


@pytest.mark.parametrize("route", PLAN_ROUTES)
def test_a_due_date_in_the_past_is_refused_and_the_plan_stays(world, route):
    # given: a planned task
    _plan(world)
    supervisor = api_client(world.supervisor)
    kept = _fields(world.lead, *PLAN_FIELDS)
    kept_task = _fields(world.task, "due_date", "version")
    before = table_counts()

    # when
    url = PLAN_ROUTES[route](world)
    body = {"due_date": _day(-1).isoformat()}
    if route == "document":
        response = supervisor.post(url, body, format="json")
    else:
        response = supervisor.patch(url, body, format="json")

    # then
    _refused(response, 400, "due_date_past")
    assert table_counts() == before
    assert _fields(world.lead, *PLAN_FIELDS) == kept
    assert _fields(world.task, "due_date", "version") == kept_task


def test_planning_an_unknown_task_of_the_document_is_refused(world):
    supervisor = api_client(world.supervisor)
    before = table_counts()

    response = supervisor.post(
        f"/api/v1/documents/{world.document.pk}/plan/",
        {"due_date": _day(60).isoformat(), "tasks": [world.task.pk, 10**9]},
        format="json",
    )

    _refused(response, 400, "unknown_task")
    assert table_counts() == before
    assert _fields(world.lead, "due_date")["due_date"] is None


# --- receipt, extensions, closure -----------------------------------------------------------


def test_a_second_receipt_is_refused(world):
    services.receive_assignment(assignment=world.lead, by=world.staff)
    kept = _fields(world.lead, "received_at", "received_by_id", "version")
    leader = api_client(world.leader)
    before = table_counts()

    response = leader.post(f"/api/v1/assignments/{world.lead.pk}/receive/")

    _refused(response, 409, "already_received")
    assert table_counts() == before
    assert _fields(world.lead, "received_at", "received_by_id", "version") == kept


@pytest.mark.parametrize(
    ("days", "code"),
    [(30, "not_later"), (60, "not_later"), (-1, "due_date_past")],
    ids=["earlier-than-due", "same-as-due", "in-the-past"],
)
def test_an_extension_to_a_date_not_after_the_due_date_is_refused(world, days, code):
    _plan(world)
    staff = api_client(world.staff)
    kept = _fields(world.lead, *PLAN_FIELDS)
    before = table_counts()

    response = staff.post(
        f"/api/v1/assignments/{world.lead.pk}/extension-requests/",
        {"requested_due_date": _day(days).isoformat(), "reason": "系统联调延后。"},
        format="json",
    )

    _refused(response, 400, code)
    assert table_counts() == before
    assert _fields(world.lead, *PLAN_FIELDS) == kept


def test_an_extension_without_a_reason_is_refused(world):
    _plan(world)
    staff = api_client(world.staff)
    before = table_counts()

    response = staff.post(
        f"/api/v1/assignments/{world.lead.pk}/extension-requests/",
        {"requested_due_date": _day(90).isoformat(), "reason": ""},
        format="json",
    )

    _refused(response, 400, "reason_required")
    assert table_counts() == before


def test_a_second_pending_extension_request_is_refused_with_409(world):
    _plan(world)
    first = services.request_extension(
        assignment=world.lead, by=world.staff, requested_due_date=_day(90), reason="联调延后。"
    )
    staff = api_client(world.staff)
    before = table_counts()

    response = staff.post(
        f"/api/v1/assignments/{world.lead.pk}/extension-requests/",
        {"requested_due_date": _day(120).isoformat(), "reason": "再次延后。"},
        format="json",
    )

    _refused(response, 409, "extension_pending")
    assert table_counts() == before
    assert list(ExtensionRequest.objects.values_list("pk", "requested_due_date")) == [
        (first.pk, _day(90))
    ]


def test_a_rejection_without_a_comment_is_refused(world):
    _plan(world)
    extension = services.request_extension(
        assignment=world.lead, by=world.staff, requested_due_date=_day(90), reason="联调延后。"
    )
    supervisor = api_client(world.supervisor)
    before = table_counts()

    response = supervisor.post(f"/api/v1/extension-requests/{extension.pk}/reject/")

    _refused(response, 400, "comment_required")
    assert table_counts() == before
    assert _fields(extension, "status", "decided_at")["status"] == "pending"


def test_a_second_decision_on_an_extension_is_refused(world):
    _plan(world)
    extension = services.request_extension(
        assignment=world.lead, by=world.staff, requested_due_date=_day(90), reason="联调延后。"
    )
    services.approve_extension(request=extension, by=world.supervisor)
    supervisor = api_client(world.supervisor)
    kept = _fields(world.lead, *PLAN_FIELDS)
    before = table_counts()

    response = supervisor.post(
        f"/api/v1/extension-requests/{extension.pk}/reject/", {"comment": "改为不同意。"}
    )

    _refused(response, 409, "invalid_transition")
    assert table_counts() == before
    assert _fields(extension, "status")["status"] == "approved"
    assert _fields(world.lead, *PLAN_FIELDS) == kept


def test_closing_a_closed_task_is_refused_with_409(world):
    services.close_task(task=world.task, by=world.supervisor)
    supervisor = api_client(world.supervisor)
    kept = _fields(world.task, "closed_at", "closed_by_id", "version", "status")
    before = table_counts()

    response = supervisor.post(f"/api/v1/tasks/{world.task.pk}/close/")

    _refused(response, 409, "invalid_transition")
    assert table_counts() == before
    assert _fields(world.task, "closed_at", "closed_by_id", "version", "status") == kept


def test_reopening_without_a_reason_is_refused(world):
    services.close_task(task=world.task, by=world.supervisor)
    supervisor = api_client(world.supervisor)
    kept = _fields(world.task, "closed_at", "version", "status")
    before = table_counts()

    response = supervisor.post(f"/api/v1/tasks/{world.task.pk}/reopen/", {"reason": ""})

    _refused(response, 400, "reason_required")
    assert table_counts() == before
    assert _fields(world.task, "closed_at", "version", "status") == kept
    assert Assignment.objects.get(pk=world.lead.pk).status == "done"


def test_a_second_closure_request_is_refused_with_409(world):
    services.request_close(task=world.task, by=world.staff, note="已完成。")
    staff = api_client(world.staff)
    kept = _fields(world.task, "close_requested_at", "close_request_note", "version")
    before = table_counts()

    response = staff.post(f"/api/v1/tasks/{world.task.pk}/request-close/", {"note": "再次申请。"})

    _refused(response, 409, "invalid_transition")
    assert table_counts() == before
    assert _fields(world.task, "close_requested_at", "close_request_note", "version") == kept

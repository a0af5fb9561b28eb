"""The whole life of a task through the API, and its audit trail afterwards."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from clauses.models import Target
from tests.conftest import api_client
from tracker.audit import verify_chain
from tracker.models import AuditEvent, Notification

from .helpers import pdf_bytes


def _events(*objects) -> list[str]:
    keys = {(o._meta.label_lower, str(o.pk)) for o in objects}
    return [
        e.action for e in AuditEvent.objects.order_by("id") if (e.object_type, e.object_id) in keys
    ]


def test_task_life_through_the_api_leaves_the_exact_audit_trail(world):
    supervisor, staff, leader = (
        api_client(world.supervisor),
        api_client(world.staff),
        api_client(world.leader),
    )
    today = timezone.localdate()
    due = today + timedelta(days=60)

    # plan: due date, monthly reports, the unit leader signs off
    response = supervisor.patch(
        f"/api/v1/tasks/{world.task.pk}/",
        {"due_date": due.isoformat(), "report_cycle": "monthly", "needs_sign_off": True},
        format="json",
    )
    assert response.status_code == 200, response.json()
    planned_due = response.json()["due_date"]
    lead = staff.get(f"/api/v1/assignments/{world.lead.pk}/").json()
    assert lead["due_date"] == planned_due and lead["needs_sign_off"] is True
    assert {u["unit"] for u in lead["co_units"]} == {world.support_unit.pk}

    # receipt
    response = staff.post(f"/api/v1/assignments/{world.lead.pk}/receive/")
    assert response.status_code == 200 and response.json()["received_at"]

    # report with a target actual and a PDF, submitted at once
    target = Target.objects.get(clause=world.task.clause)
    response = staff.post(
        f"/api/v1/assignments/{world.lead.pk}/reports/",
        {
            "progress": "平台已上线试运行，接入银行12家。",
            "percent": 30,
            "problems": "数据接口尚未打通。",
            "next_steps": "推动税务数据接入。",
            "target_actuals": f'{{"{target.pk}": 120}}',
            "attachments": [SimpleUploadedFile("证明材料.pdf", pdf_bytes())],
            "submit": "true",
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    report = response.json()
    assert report["status"] == "submitted"
    assert report["target_actuals"] == [{"target": target.pk, "value": "120.0000", "note": ""}]
    assert [a["name"] for a in report["attachments"]] == ["证明材料.pdf"]
    url = f"/api/v1/reports/{report['id']}"

    # the supervisor cannot accept before the leader signs off
    response = supervisor.post(f"{url}/accept/")
    assert response.status_code == 409 and response.json()["code"] == "invalid_transition"
    assert leader.post(f"{url}/sign-off/").json()["status"] == "signed_off"

    # returned with a comment, edited, resubmitted, signed off, accepted
    response = supervisor.post(f"{url}/return/", {"comment": "请补充接入企业数量。"})
    assert response.json()["status"] == "returned"
    version = response.json()["version"]
    response = staff.patch(
        f"{url}/",
        {
            "progress": "平台已上线，接入银行12家、服务企业180家。",
            "percent": 40,
            "version": version,
        },
        format="json",
    )
    assert response.status_code == 200 and response.json()["percent"] == 40
    assert staff.post(f"{url}/submit/").json()["status"] == "submitted"
    assert leader.post(f"{url}/sign-off/").json()["status"] == "signed_off"
    response = supervisor.post(f"{url}/accept/", {"comment": "同意。"})
    assert response.json()["status"] == "accepted"

    # extension: approved before the original date passed, so the evaluation scores the new one
    response = staff.post(
        f"/api/v1/assignments/{world.lead.pk}/extension-requests/",
        {"requested_due_date": (due + timedelta(days=30)).isoformat(), "reason": "系统联调延后。"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    response = supervisor.post(f"/api/v1/extension-requests/{response.json()['id']}/approve/")
    assert response.json()["status"] == "approved"
    lead = staff.get(f"/api/v1/assignments/{world.lead.pk}/").json()
    assert lead["original_due_date"] == planned_due
    assert lead["due_date"] > planned_due and lead["evaluation_due_date"] == lead["due_date"]

    # closure requested by the lead unit, closed, reopened with a reason
    response = staff.post(f"/api/v1/tasks/{world.task.pk}/request-close/", {"note": "已完成。"})
    assert response.json()["close_requested"] is True
    response = supervisor.post(f"/api/v1/tasks/{world.task.pk}/close/")
    assert response.json()["status"] == "done"
    assert staff.get(f"/api/v1/assignments/{world.lead.pk}/").json()["status"] == "done"
    response = supervisor.post(
        f"/api/v1/tasks/{world.task.pk}/reopen/", {"reason": "复核发现数据有误。"}
    )
    assert response.status_code == 200 and response.json()["status"] != "done"

    from tracker.models import ExtensionRequest, ProgressReport

    assert _events(
        world.task,
        world.lead,
        world.support,
        ProgressReport.objects.get(pk=report["id"]),
        ExtensionRequest.objects.get(assignment=world.lead),
    ) == [
        "task.planned",
        "assignment.received",
        "report.created",
        "report.submitted",
        "report.signed_off",
        "report.returned",
        "report.updated",
        "report.submitted",
        "report.signed_off",
        "report.accepted",
        "extension.requested",
        "extension.approved",
        "assignment.extended",
        "task.close_requested",
        "task.closed",
        "task.reopened",
    ]
    assert verify_chain() == []
    kinds = list(
        Notification.objects.filter(recipient=world.staff)
        .order_by("id")
        .values_list("kind", flat=True)
    )
    assert kinds == [
        "report_returned",
        "report_accepted",
        "extension_approved",
        "task_closed",
        "task_reopened",
    ]
    assert Notification.objects.filter(recipient=world.leader, kind="report_submitted").count() == 2


def test_import_notifies_the_people_of_each_assigned_unit_once_per_document(registry):
    from accounts.choices import Role
    from accounts.models import Jurisdiction, Membership, Unit, User
    from clauses.services import import_document
    from tests.conftest import WORLD_TEXT

    shenzhen = Jurisdiction.objects.get(name="深圳市")
    unit = Unit.objects.get(jurisdiction=shenzhen, aliases__name="市地方金融监管局")
    staff = User.objects.create_user("early")
    Membership.objects.create(user=staff, role=Role.STAFF, unit=unit, jurisdiction=shenzhen)

    import_document(data=WORLD_TEXT.encode(), filename="world.txt", jurisdiction=shenzhen)

    notes = list(Notification.objects.filter(recipient=staff))
    assert [n.kind for n in notes] == ["assigned"]
    assert "1" in notes[0].message and "深圳市关于促进科技金融的若干措施" in notes[0].message

"""The tracker pages: 我的任务, the assignment page and its actions, the queues, notifications.

Personas (on one imported 深圳市 plan of two tasks):
- alice: supervisor of 深圳市; bob: supervisor of 广州市 (another jurisdiction);
- dave: staff of 市地方金融监管局 (lead unit on both tasks); erin: its unit leader;
- frank: staff of 人民银行深圳市分行 (support unit on task 2: a co-unit of dave's);
- carol: staff of 广州市科技局 (an unrelated unit).
"""

import io
import uuid
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from accounts.models import Membership, Unit, User
from clauses.choices import AssignmentRole
from clauses.models import Clause, PolicyDocument, Target
from clauses.services import import_document
from tests.conftest import plan_file, platform_clause, table_counts
from tracker import services
from tracker.choices import ExtensionStatus, Light, ReportStatus, Status
from tracker.models import (
    Assignment,
    ExtensionRequest,
    Notification,
    ProgressReport,
    ReportAttachment,
    Task,
)
from tracker.services import ReportInput

PASSWORD = "Duban-2026-pass"
FUTURE = date(2030, 6, 28)  # a Friday far enough ahead for every plan and extension


def _person(username, *, role, unit=None, jurisdiction=None):
    user = User.objects.create_user(username=username, password=PASSWORD)
    Membership.objects.create(
        user=user,
        role=role,
        unit=unit,
        jurisdiction=jurisdiction or (unit.jurisdiction if unit else None),
    )
    return user


def small_pdf() -> bytes:
    """A real one-page PDF, as a unit would scan and upload."""
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.drawString(72, 720, "Evidence")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


class World:
    """The imported plan and the personas acting on it."""

    def __init__(self, tmp_path, shenzhen, guangzhou):
        path = plan_file(
            tmp_path,
            platform_clause("市地方金融监管局、市科技创新委"),
            "（二）扩大融资规模。到2026年，服务科技企业不少于100家。"
            "（牵头单位：市地方金融监管局；配合单位：中国人民银行深圳市分行）",
        )
        self.document = (
            import_document(data=path.read_bytes(), filename="plan.txt").documents[0].document
        )
        self.task1, self.task2 = Task.objects.filter(document=self.document).order_by("order")
        self.lead = Assignment.objects.get(task=self.task2, role=AssignmentRole.LEAD)
        self.support = Assignment.objects.get(task=self.task2, role=AssignmentRole.SUPPORT)
        self.target = Target.objects.get(clause=self.task2.clause)
        jrj, pbc = self.lead.unit, self.support.unit
        self.alice = _person("alice", role=Role.SUPERVISOR, jurisdiction=shenzhen)
        self.bob = _person("bob", role=Role.SUPERVISOR, jurisdiction=guangzhou)
        self.dave = _person("dave", role=Role.STAFF, unit=jrj)
        self.erin = _person("erin", role=Role.UNIT_LEADER, unit=jrj)
        self.frank = _person("frank", role=Role.STAFF, unit=pbc)
        gz_unit = Unit.objects.get(jurisdiction=guangzhou, aliases__name="市科技局")
        self.carol = _person("carol", role=Role.STAFF, unit=gz_unit)

    def report(self, *, progress="本月完成平台需求调研。", submit=False, attachments=()):
        return services.create_report(
            assignment=self.lead,
            by=self.dave,
            data=ReportInput(progress=progress, percent=30, attachments=list(attachments)),
            submit=submit,
        )


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Uploaded attachments go to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(tmp_path, shenzhen, guangzhou):
    return World(tmp_path, shenzhen, guangzhou)


def page(client, user, url, **kwargs):
    client.force_login(user)
    return client.get(url, **kwargs)


def detail_url(assignment):
    return reverse("tracker:assignment-detail", args=[assignment.pk])


# --- 我的任务 -----------------------------------------------------------------------------


def _rows(response):
    return {a.pk for a in response.context["assignments"]}


def test_my_tasks_shows_staff_their_units_assignments(client, world):
    response = page(client, world.dave, reverse("tracker:my-tasks"))
    assert response.status_code == 200
    dave_rows = set(Assignment.objects.filter(unit=world.lead.unit).values_list("pk", flat=True))
    assert _rows(response) == dave_rows
    html = response.content.decode()
    assert world.task2.title in html and detail_url(world.lead) in html
    assert 'class="light green"' in html  # the dot comes with its text


def test_my_tasks_of_a_co_unit_holds_only_its_own_assignment(client, world):
    assert _rows(page(client, world.frank, reverse("tracker:my-tasks"))) == {world.support.pk}


def test_my_tasks_shows_a_supervisor_every_assignment_of_the_jurisdiction(client, world):
    response = page(client, world.alice, reverse("tracker:my-tasks"))
    assert _rows(response) == set(Assignment.objects.values_list("pk", flat=True))
    assert _rows(page(client, world.bob, reverse("tracker:my-tasks"))) == set()
    assert _rows(page(client, world.carol, reverse("tracker:my-tasks"))) == set()


def test_my_tasks_filters_come_from_the_url(client, world):
    services.receive_assignment(assignment=world.lead, by=world.dave)
    Assignment.objects.filter(pk=world.support.pk).update(light=Light.RED, status=Status.OVERDUE)
    url = reverse("tracker:my-tasks")
    client.force_login(world.alice)
    assert _rows(client.get(url, {"received": "true"})) == {world.lead.pk}
    assert world.lead.pk not in _rows(client.get(url, {"received": "false"}))
    assert _rows(client.get(url, {"light": "red"})) == {world.support.pk}
    assert _rows(client.get(url, {"status": "overdue"})) == {world.support.pk}
    assert len(_rows(client.get(url, {"document": world.document.pk}))) == 4
    # red first: the list opens on what needs attention
    assert next(iter(client.get(url).context["assignments"])).pk == world.support.pk


# --- the assignment page ------------------------------------------------------------------


@pytest.mark.parametrize("who", ["dave", "erin", "frank", "alice"])
def test_assignment_page_renders_for_its_unit_co_units_and_the_supervisor(client, world, who):
    world.report(progress="平台需求调研已完成八成。", submit=True)
    response = page(client, getattr(world, who), detail_url(world.lead))
    assert response.status_code == 200
    html = response.content.decode()
    assert world.task2.title in html and world.support.unit.name in html
    assert world.task2.clause.label in html
    sees_reports = who != "frank"
    assert ("平台需求调研已完成八成" in html) is sees_reports


@pytest.mark.parametrize("who", ["bob", "carol"])
def test_assignment_page_is_404_outside_the_users_scope(client, world, who):
    assert page(client, getattr(world, who), detail_url(world.lead)).status_code == 404


def test_the_page_renders_only_the_forms_the_user_may_use(client, world):
    report = world.report(submit=True)
    Assignment.objects.filter(pk=world.lead.pk).update(needs_sign_off=False)
    staff = page(client, world.dave, detail_url(world.lead)).content.decode()
    assert reverse("tracker:assignment-receive", args=[world.lead.pk]) in staff
    assert reverse("tracker:report-create", args=[world.lead.pk]) in staff
    assert 'type="file"' in staff and "multiple" in staff
    assert f'name="new-target_{world.target.pk}"' in staff
    assert reverse("tracker:report-accept", args=[report.pk]) not in staff
    assert reverse("tracker:assignment-plan", args=[world.lead.pk]) not in staff
    assert 'id="audit"' not in staff

    co_unit = page(client, world.frank, detail_url(world.lead)).content.decode()
    assert reverse("tracker:report-create", args=[world.lead.pk]) not in co_unit
    assert reverse("tracker:assignment-receive", args=[world.lead.pk]) not in co_unit

    supervisor = page(client, world.alice, detail_url(world.lead)).content.decode()
    assert reverse("tracker:report-accept", args=[report.pk]) in supervisor
    assert reverse("tracker:assignment-plan", args=[world.lead.pk]) in supervisor
    assert reverse("tracker:report-create", args=[world.lead.pk]) not in supervisor
    assert 'data-action="report.submitted"' in supervisor  # the audit trail


def test_staff_receive_and_submit_a_report_with_target_and_attachments(client, world):
    client.force_login(world.dave)
    response = client.post(reverse("tracker:assignment-receive", args=[world.lead.pk]))
    assert response.status_code == 302 and response["Location"] == detail_url(world.lead)
    response = client.post(
        reverse("tracker:report-create", args=[world.lead.pk]),
        {
            "new-progress": "已对接银行12家。",
            "new-percent": "40",
            "new-problems": "数据共享不足。",
            "new-next_steps": "推动数据共享。",
            f"new-target_{world.target.pk}": "45",
            "new-attachments": [
                SimpleUploadedFile("证明材料.pdf", small_pdf()),
                SimpleUploadedFile("附件二.pdf", small_pdf()),
            ],
            "intent": "submit",
        },
    )
    assert response.status_code == 302
    report = ProgressReport.objects.get(assignment=world.lead)
    assert report.status == ReportStatus.SUBMITTED
    assert report.attachments.count() == 2
    assert report.target_actuals.get().value == 45
    html = client.get(detail_url(world.lead)).content.decode()
    assert (
        "证明材料.pdf" in html
        and reverse("tracker:attachment", args=[report.attachments.first().pk]) in html
    )


def test_a_refused_report_shows_the_services_message_and_keeps_the_text(client, world):
    client.force_login(world.dave)
    before = table_counts()
    response = client.post(
        reverse("tracker:report-create", args=[world.lead.pk]),
        {
            "new-progress": "写了一半的进展。",
            "new-percent": "30",
            "new-attachments": SimpleUploadedFile("程序.pdf", b"MZ\x90\x00" * 64),
            "intent": "draft",
        },
    )
    assert response.status_code == 400
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert "写了一半的进展。" in response.content.decode()
    assert table_counts() == before


FORBIDDEN = {
    # (who, url name, object, POST data): a user who sees the page but may not do this
    "co-unit receives": ("frank", "tracker:assignment-receive", "lead", {}),
    "co-unit reports": (
        "frank",
        "tracker:report-create",
        "lead",
        {"new-progress": "x", "new-percent": "10", "intent": "submit"},
    ),
    "co-unit asks an extension": (
        "frank",
        "tracker:extension-request",
        "lead",
        {"ext-requested_due_date": "2030-06-28", "ext-reason": "来不及"},
    ),
    "support unit asks to close": ("frank", "tracker:task-request-close", "support", {}),
    "staff plans": (
        "dave",
        "tracker:assignment-plan",
        "lead",
        {"plan-report_cycle": "quarterly", "plan-report_day": "10", "plan-due_date": "2030-06-28"},
    ),
    "staff closes": ("dave", "tracker:task-close", "lead", {}),
    "staff accepts": ("dave", "tracker:report-accept", "report", {}),
    "staff signs off": ("dave", "tracker:report-sign-off", "report", {}),
    "leader accepts": ("erin", "tracker:report-accept", "report", {}),
    "supervisor edits": (
        "alice",
        "tracker:report-update",
        "report",
        {"rREPORT-progress": "改写", "rREPORT-percent": "90", "rREPORT-version": "2"},
    ),
    "staff approves": ("dave", "tracker:extension-approve", "extension", {}),
}


@pytest.mark.parametrize("case", FORBIDDEN)
def test_forbidden_actions_are_refused_and_change_nothing(client, world, case):
    who, name, target, data = FORBIDDEN[case]
    Assignment.objects.filter(pk=world.lead.pk).update(needs_sign_off=True)
    report = world.report(submit=True)
    extension = services.request_extension(
        assignment=world.lead, by=world.dave, requested_due_date=FUTURE, reason="需要更多时间"
    )
    obj = {"lead": world.lead, "support": world.support, "report": report, "extension": extension}
    data = {k.replace("REPORT", str(report.pk)): v for k, v in data.items()}
    client.force_login(getattr(world, who))
    before = table_counts()
    response = client.post(reverse(name, args=[obj[target].pk]), data)
    assert response.status_code in (403, 409), response.status_code
    assert table_counts() == before
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


@pytest.mark.parametrize(
    ("who", "name", "target"),
    [
        ("carol", "tracker:assignment-receive", "lead"),
        ("bob", "tracker:task-close", "lead"),
        ("frank", "tracker:report-submit", "report"),
        ("bob", "tracker:report-accept", "report"),
        ("frank", "tracker:extension-approve", "extension"),
    ],
)
def test_actions_on_objects_out_of_scope_answer_404(client, world, who, name, target):
    report = world.report()
    extension = services.request_extension(
        assignment=world.lead, by=world.dave, requested_due_date=FUTURE, reason="需要更多时间"
    )
    obj = {"lead": world.lead, "report": report, "extension": extension}
    client.force_login(getattr(world, who))
    before = table_counts()
    assert client.post(reverse(name, args=[obj[target].pk])).status_code == 404
    assert table_counts() == before


def test_a_stale_edit_is_refused_with_409_and_keeps_the_users_text(client, world):
    report = world.report(progress="初稿。")
    seen_version = report.version
    # Meanwhile a colleague saves their own edit.
    services.update_report(
        report=report,
        by=world.dave,
        data=ReportInput(progress="同事的修改。"),
        version=seen_version,
    )
    client.force_login(world.dave)
    prefix = f"r{report.pk}"
    response = client.post(
        reverse("tracker:report-update", args=[report.pk]),
        {
            f"{prefix}-version": str(seen_version),
            f"{prefix}-progress": "我的修改，不能丢。",
            f"{prefix}-percent": "50",
            "intent": "draft",
        },
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "我的修改，不能丢。" in html, "the user's text is kept in the form"
    assert "同事的修改。" in html, "next to what is saved now"
    [message] = response.context["messages"]
    assert message.level_tag == "error" and str(seen_version + 1) in str(message)
    report.refresh_from_db()
    assert report.progress == "同事的修改。"
    # The form now carries the current version: saving again is a deliberate choice.
    assert f'name="{prefix}-version" value="{report.version}"' in html
    response = client.post(
        reverse("tracker:report-update", args=[report.pk]),
        {
            f"{prefix}-version": str(report.version),
            f"{prefix}-progress": "我的修改，不能丢。",
            f"{prefix}-percent": "50",
            "intent": "submit",
        },
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.progress, report.status) == ("我的修改，不能丢。", ReportStatus.SUBMITTED)


def test_an_htmx_refusal_answers_the_page_for_the_swap(client, world):
    report = world.report(submit=True)
    client.force_login(world.alice)
    response = client.post(
        reverse("tracker:report-return", args=[report.pk]), {}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 400  # a return needs a comment
    assert 'id="assignment"' in response.content.decode()


def test_review_and_closure_through_the_pages(client, world):
    report = world.report(submit=True)
    client.force_login(world.alice)
    response = client.post(
        reverse("tracker:report-return", args=[report.pk]),
        {f"review{report.pk}-comment": "请补充数据。"},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.review_comment) == (ReportStatus.RETURNED, "请补充数据。")
    client.force_login(world.dave)
    response = client.post(
        reverse("tracker:task-request-close", args=[world.lead.pk]), {"closereq-comment": "已完成"}
    )
    assert response.status_code == 302
    client.force_login(world.alice)
    assert client.post(reverse("tracker:task-close", args=[world.lead.pk])).status_code == 302
    world.task2.refresh_from_db()
    assert world.task2.closed_at is not None
    response = client.post(reverse("tracker:task-reopen", args=[world.lead.pk]), {})
    assert response.status_code == 400  # a reason is required
    response = client.post(
        reverse("tracker:task-reopen", args=[world.lead.pk]), {"reopen-reason": "数据有误"}
    )
    assert response.status_code == 302
    world.task2.refresh_from_db()
    assert world.task2.closed_at is None


def test_supervisor_plans_one_assignment(client, world):
    client.force_login(world.alice)
    response = client.post(
        reverse("tracker:assignment-plan", args=[world.lead.pk]),
        {
            "plan-version": str(world.lead.version),
            "plan-due_date": "2030-06-28",
            "plan-report_cycle": "quarterly",
            "plan-report_day": "10",
            "plan-needs_sign_off": "on",
        },
    )
    assert response.status_code == 302
    world.lead.refresh_from_db()
    assert (world.lead.due_date, world.lead.report_cycle, world.lead.needs_sign_off) == (
        FUTURE,
        "quarterly",
        True,
    )


# --- attachments --------------------------------------------------------------------------


@pytest.fixture
def attachment(world):
    report = world.report(attachments=[("证明材料.pdf", SimpleUploadedFile("a.pdf", small_pdf()))])
    return report.attachments.get()


@pytest.mark.parametrize("who", ["dave", "erin", "alice"])
def test_attachment_is_served_to_its_unit_and_the_supervisor(client, world, attachment, who):
    response = page(
        client, getattr(world, who), reverse("tracker:attachment", args=[attachment.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize("who", ["frank", "bob", "carol"])
def test_attachment_is_404_to_everyone_else(client, world, attachment, who):
    url = reverse("tracker:attachment", args=[attachment.pk])
    assert page(client, getattr(world, who), url).status_code == 404


# --- queues -------------------------------------------------------------------------------


def test_review_queue_lists_reports_awaiting_review_oldest_first(client, world):
    Assignment.objects.filter(pk=world.lead.pk).update(needs_sign_off=False)
    first = world.report(progress="第一份报告。", submit=True)
    Assignment.objects.filter(pk=world.support.pk).update(needs_sign_off=False)
    other = services.create_report(  # the co-unit copies the lead unit's text
        assignment=world.support,
        by=world.frank,
        data=ReportInput(progress="第一份报告。", percent=20),
        submit=True,
    )
    response = page(client, world.alice, reverse("tracker:review-queue"))
    assert response.status_code == 200
    assert [r.pk for r in response.context["reports"]] == [first.pk, other.pk]
    html = response.content.decode()
    assert 'class="flag"' in html, "the second report copies the first (疑似照搬)"
    assert 'class="text similar-text"' in html
    assert [r.pk for r in page(client, world.bob, "/review/").context["reports"]] == []


def test_review_queue_waits_for_the_sign_off_where_needed(client, world):
    Assignment.objects.filter(pk=world.lead.pk).update(needs_sign_off=True)
    report = world.report(submit=True)
    assert list(page(client, world.alice, "/review/").context["reports"]) == []
    services.sign_off_report(report=report, by=world.erin)
    assert [r.pk for r in client.get("/review/").context["reports"]] == [report.pk]


def test_accept_inline_from_the_queue_returns_to_the_queue(client, world):
    report = world.report(submit=True)
    client.force_login(world.alice)
    response = client.post(
        reverse("tracker:report-accept", args=[report.pk]), {"next": "/review/?page=1"}
    )
    assert response.status_code == 302 and response["Location"] == "/review/?page=1"
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED


@pytest.mark.parametrize("url", ["/review/", "/extensions/"])
@pytest.mark.parametrize("who", ["dave", "erin", "carol"])
def test_queues_are_refused_to_staff(client, world, url, who):
    assert page(client, getattr(world, who), url).status_code == 403


def test_extension_queue_lists_pending_requests_and_approves(client, world):
    extension = services.request_extension(
        assignment=world.lead, by=world.dave, requested_due_date=FUTURE, reason="需要更多时间"
    )
    response = page(client, world.alice, reverse("tracker:extension-queue"))
    assert [e.pk for e in response.context["requests"]] == [extension.pk]
    assert [e.pk for e in page(client, world.bob, "/extensions/").context["requests"]] == []
    client.force_login(world.alice)
    response = client.post(
        reverse("tracker:extension-approve", args=[extension.pk]), {"next": "/extensions/"}
    )
    assert response.status_code == 302
    extension.refresh_from_db()
    world.lead.refresh_from_db()
    assert extension.status == ExtensionStatus.APPROVED and world.lead.due_date == FUTURE


# --- notifications ------------------------------------------------------------------------


def test_notifications_list_and_mark_all_read(client, world):
    report = world.report(submit=True)
    services.return_report(report=report, by=world.alice, comment="请补充。")
    mine = Notification.objects.filter(recipient=world.dave)
    assert mine.filter(read_at__isnull=True).exists()
    response = page(client, world.dave, reverse("tracker:notifications"))
    assert response.status_code == 200
    assert {n.pk for n in response.context["notifications"]} == set(
        mine.values_list("pk", flat=True)
    )
    assert list(page(client, world.frank, "/notifications/").context["notifications"]) == []
    client.force_login(world.dave)
    assert client.post(reverse("tracker:notifications-read")).status_code == 302
    assert not mine.filter(read_at__isnull=True).exists()


NAVIGATION = "tracker.context_processors.navigation"


@pytest.fixture
def navigation(settings):
    """The navigation context processor in TEMPLATES, whether settings have it yet or not."""
    options = settings.TEMPLATES[0]["OPTIONS"]
    if NAVIGATION not in options["context_processors"]:
        settings.TEMPLATES = [
            {
                **settings.TEMPLATES[0],
                "OPTIONS": {
                    **options,
                    "context_processors": [*options["context_processors"], NAVIGATION],
                },
            }
        ]


def test_nav_shows_the_unread_badge_and_role_links(client, world, navigation):
    report = world.report(submit=True)
    services.return_report(report=report, by=world.alice, comment="请补充。")
    unread = Notification.objects.filter(recipient=world.dave, read_at__isnull=True).count()
    assert unread
    html = page(client, world.dave, reverse("tracker:my-tasks")).content.decode()
    assert '<span class="badge"' in html and f">{unread}</span>" in html
    assert 'href="/review/"' not in html
    html = page(client, world.alice, reverse("tracker:my-tasks")).content.decode()
    assert 'href="/review/"' in html and 'href="/extensions/"' in html


# --- the document page (breakdown table) --------------------------------------------------


def test_document_page_shows_lights_and_the_bulk_plan_form_to_supervisors(client, world):
    url = reverse("clauses:document-detail", args=[world.document.pk])
    html = page(client, world.alice, url).content.decode()
    assert 'id="bulk-plan-form"' in html
    assert detail_url(world.lead) in html and 'class="light green"' in html
    staff = page(client, world.frank, url).content.decode()
    assert 'id="bulk-plan-form"' not in staff
    assert detail_url(world.support) in staff
    # task 1 is not frank's unit's: he sees the table, not links to its units' pages
    other = Assignment.objects.filter(task=world.task1).first()
    assert detail_url(other) not in staff


def test_bulk_plan_plans_every_task(client, world):
    client.force_login(world.alice)
    response = client.post(
        reverse("tracker:document-plan", args=[world.document.pk]),
        {
            "bulk-due_date": "2030-06-28",
            "bulk-report_cycle": "quarterly",
            "bulk-needs_sign_off": "yes",
        },
    )
    assert response.status_code == 302
    assert set(Assignment.objects.values_list("due_date", "report_cycle", "needs_sign_off")) == {
        (FUTURE, "quarterly", True)
    }


def test_bulk_plan_with_nothing_filled_in_is_refused(client, world):
    client.force_login(world.alice)
    before = table_counts()
    response = client.post(reverse("tracker:document-plan", args=[world.document.pk]), {})
    assert response.status_code == 400
    assert table_counts() == before


@pytest.mark.parametrize(("who", "status"), [("dave", 403), ("bob", 404)])
def test_bulk_plan_is_refused_to_others(client, world, who, status):
    client.force_login(getattr(world, who))
    before = table_counts()
    response = client.post(
        reverse("tracker:document-plan", args=[world.document.pk]),
        {"bulk-report_cycle": "quarterly"},
    )
    assert response.status_code == status
    assert table_counts() == before


# --- query counts -------------------------------------------------------------------------


def _bulk(world, n):
    """A document of ``n`` tasks, each assigned to dave's unit, with a submitted report and a
    pending extension request (built directly: only the number of rows matters here)."""
    jurisdiction = world.document.jurisdiction
    unit = world.lead.unit
    document = PolicyDocument.objects.create(
        jurisdiction=jurisdiction,
        lineage=uuid.uuid4(),
        title=f"批量文件{n}",
        source_name="bulk.txt",
        content_hash=uuid.uuid4().hex,
    )
    today = timezone.localdate()
    previous = None
    for i in range(n):
        clause = Clause.objects.create(document=document, order=i, fingerprint=str(i))
        task = Task.objects.create(
            document=document, clause=clause, order=i, title=f"任务{i}", due_date=FUTURE
        )
        assignment = Assignment.objects.create(
            task=task, unit=unit, due_date=FUTURE, next_report_due=today, light=Light.YELLOW
        )
        report = ProgressReport.objects.create(
            assignment=assignment,
            period_start=today.replace(day=1),
            period_end=today,
            due_on=today,
            status=ReportStatus.SUBMITTED,
            submitted_at=timezone.now() + timedelta(seconds=i),
            progress="同样的进展。",
            percent=10,
            author=world.dave,
            similar_to=previous,
            similarity=0.99 if previous else None,
        )
        ReportAttachment.objects.create(
            report=report,
            file="attachments/x.pdf",
            name="x.pdf",
            content_type="application/pdf",
            size=1,
            sha256="0" * 64,
        )
        ExtensionRequest.objects.create(
            assignment=assignment, requested_due_date=FUTURE, reason="原因", requested_by=world.dave
        )
        previous = report
    return document


# Every page also runs: the session, the user, and (navigation) is_supervisor and the unread
# count; at its end the session is renewed (SESSION_SAVE_EVERY_REQUEST): savepoint, UPDATE, release.
EVERY_PAGE = 2 + 2 + 3


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.fixture
def sized(world, navigation):
    """Measure a page's queries with 5 rows of bulk data, then with 50."""

    def measure(user, url_of):
        client = Client()
        client.force_login(user)
        small = _bulk(world, 5)
        at_5 = _queries(client, url_of(small))
        large = _bulk(world, 45)  # 50 rows in all for the lists; 45 tasks in one document
        at_50 = _queries(client, url_of(large))
        return at_5, at_50, client

    return measure


def test_my_tasks_runs_a_constant_number_of_queries(world, sized):
    # document choices of the filter, count, one page of rows (assignment, task, document, unit)
    at_5, at_50, _client = sized(world.dave, lambda d: reverse("tracker:my-tasks"))
    assert at_5 == at_50 == EVERY_PAGE + 3


def test_review_queue_runs_a_constant_number_of_queries(world, sized):
    # is_supervisor (the view's check), count, rows (report, assignment, task, document, unit,
    # author, similar report and its unit joined), their attachments
    at_5, at_50, _client = sized(world.alice, lambda d: reverse("tracker:review-queue"))
    assert at_5 == at_50 == EVERY_PAGE + 4


def test_extension_queue_runs_a_constant_number_of_queries(world, sized):
    # is_supervisor (the view's check), count, rows (request, assignment, task, document, unit,
    # requester joined)
    at_5, at_50, _client = sized(world.alice, lambda d: reverse("tracker:extension-queue"))
    assert at_5 == at_50 == EVERY_PAGE + 3


def test_document_page_runs_a_constant_number_of_queries(world, sized):
    # the document, its tasks, their assignments with units, supervises(), the ids of the
    # assignments the user may open
    at_5, at_50, _client = sized(
        world.alice, lambda d: reverse("clauses:document-detail", args=[d.pk])
    )
    assert at_5 == at_50 == EVERY_PAGE + 5


def test_my_tasks_filtered_by_document_stays_constant(world, sized):
    # as above, plus the check that the chosen document is one of the user's
    at_5, at_50, _client = sized(
        world.dave, lambda d: reverse("tracker:my-tasks") + f"?document={d.pk}&light=yellow"
    )
    assert at_5 == at_50

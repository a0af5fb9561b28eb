"""The whole life of a task, driven through the pages in a real Chromium by the real personas.

Each persona signs in through the login form in a browser context of their own; every step
clicks the page's own buttons (HTMX swaps the page; the forms would work without JS too).
Afterwards the audit trail of the objects must read exactly as the story.
"""

import os
from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse

from accounts.choices import Role
from accounts.models import Membership, User
from clauses.choices import AssignmentRole
from clauses.services import import_document
from tests.conftest import REPO, plan_file, platform_clause
from tracker.models import Assignment, AuditEvent, ExtensionRequest, ProgressReport, Task

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = REPO / "var" / "test-artifacts" / "browser"
PASSWORD = "Duban-2026-pass"
DUE = date(2030, 6, 28)
EXTENDED = date(2030, 12, 27)
TIMEOUT_MS = 15_000

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM), reason=f"the system Chromium ({CHROMIUM}) is not installed"
    ),
]

EXPECTED_AUDIT = [
    "assignment.planned",  # supervisor: due date, quarterly, sign-off
    "assignment.received",  # staff: 签收
    "report.created",  # staff: report with an attachment…
    "report.submitted",  # …submitted at once
    "report.signed_off",  # unit leader
    "report.returned",  # supervisor, with a comment
    "report.updated",  # staff edits…
    "report.submitted",  # …and resubmits
    "report.signed_off",  # unit leader again
    "report.accepted",  # supervisor
    "extension.requested",  # staff
    "extension.approved",  # supervisor, from the extension queue
    "assignment.extended",  # the approval moves the due date
    "task.close_requested",  # lead-unit staff
    "task.closed",  # supervisor
    "task.reopened",  # supervisor, with a reason
]


def _person(username, *, role, unit=None, jurisdiction=None):
    user = User.objects.create_user(username=username, password=PASSWORD)
    Membership.objects.create(
        user=user, role=role, unit=unit, jurisdiction=jurisdiction or unit.jurisdiction
    )
    return user


def _pdf(path: Path) -> Path:
    """A small real PDF, as a unit would attach as evidence."""
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path))
    pdf.drawString(72, 720, "Evidence of progress")
    pdf.showPage()
    pdf.save()
    return path


@pytest.fixture
def story(transactional_db, shenzhen, tmp_path, settings):
    """An imported 深圳市 plan, its supervisor, and the lead unit's staff and leader."""
    settings.MEDIA_ROOT = tmp_path / "media"
    path = plan_file(
        tmp_path,
        platform_clause("市科技创新委"),
        "（二）扩大融资规模。到2026年，服务科技企业不少于100家。"
        "（牵头单位：市地方金融监管局；配合单位：中国人民银行深圳市分行）",
    )
    document = import_document(data=path.read_bytes(), filename="plan.txt").documents[0].document
    task = Task.objects.get(document=document, order=2)
    assignment = Assignment.objects.get(task=task, role=AssignmentRole.LEAD)
    return {
        "assignment": assignment,
        "task": task,
        "target": task.clause.targets.get(),
        "pdf": _pdf(tmp_path / "进展证明.pdf"),
        "alice": _person("alice", role=Role.SUPERVISOR, jurisdiction=shenzhen),
        "dave": _person("dave", role=Role.STAFF, unit=assignment.unit),
        "erin": _person("erin", role=Role.UNIT_LEADER, unit=assignment.unit),
    }


def _sign_in(browser, base_url, username):
    """A browser context of its own for the persona, signed in through the login form."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(f"{base_url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(lambda url: "/login/" not in url)
    return page


def _report_status(page, status):
    page.wait_for_selector(f"#reports article.report[data-status={status}]")


def test_the_life_of_a_task(live_server, story):
    from playwright.sync_api import sync_playwright

    assignment, task = story["assignment"], story["task"]
    url = live_server.url + reverse("tracker:assignment-detail", args=[assignment.pk])
    first_event = (AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()) or 0

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        try:
            supervisor = _sign_in(browser, live_server.url, "alice")
            staff = _sign_in(browser, live_server.url, "dave")
            leader = _sign_in(browser, live_server.url, "erin")

            # The supervisor plans: a due date, a quarterly cycle, the leader's sign-off.
            supervisor.goto(url)
            supervisor.fill("#id_plan-due_date", DUE.isoformat())
            supervisor.select_option("#id_plan-report_cycle", "quarterly")
            supervisor.check("#id_plan-needs_sign_off")
            supervisor.click("[data-action=plan]")
            supervisor.wait_for_selector("#messages .success")

            # Staff receive (签收) and write a report with an attachment, submitted at once.
            staff.goto(url)
            staff.click("[data-action=receive]")
            staff.wait_for_selector("[data-action=receive]", state="detached")
            form = staff.locator("#new-report-form")
            form.locator("#id_new-progress").fill("已完成平台需求调研，对接银行12家。")
            form.locator("#id_new-percent").fill("30")
            form.locator("#id_new-problems").fill("部门数据共享不足。")
            form.locator("#id_new-next_steps").fill("推动数据接口联调。")
            form.locator(f"#id_new-target_{story['target'].pk}").fill("45")
            form.locator("#id_new-attachments").set_input_files(str(story["pdf"]))
            form.locator("[data-action=submit-report]").click()
            _report_status(staff, "submitted")
            assert staff.locator("#reports ul.attachments a", has_text="进展证明.pdf").count() == 1

            # The unit leader signs off; the supervisor returns it with a comment.
            leader.goto(url)
            leader.click("[data-action=sign-off]")
            _report_status(leader, "signed_off")
            # (No ORM inside Playwright's event loop: the report's id comes from the page.)
            report_pk = int(
                leader.get_attribute("#reports article.report", "id").removeprefix("report-")
            )
            supervisor.goto(url)
            supervisor.fill(f"#id_review{report_pk}-comment", "请补充对接银行名单。")
            supervisor.click("[data-action=return]")
            _report_status(supervisor, "returned")

            # Staff edit the returned report and submit it again.
            staff.goto(url)
            assert "请补充对接银行名单。" in staff.inner_text(".review-comment")
            staff.click("details.edit-report > summary")
            edit = staff.locator(f"#edit-report-{report_pk}")
            edit.locator(f"#id_r{report_pk}-progress").fill(
                "已完成平台需求调研，对接银行12家：工商银行、建设银行等。"
            )
            edit.locator(f"#id_r{report_pk}-percent").fill("35")
            edit.locator("[data-action=submit-report]").click()
            _report_status(staff, "submitted")

            # Signed off again, then accepted.
            leader.goto(url)
            leader.click("[data-action=sign-off]")
            _report_status(leader, "signed_off")
            supervisor.goto(url)
            supervisor.click("[data-action=accept]")
            _report_status(supervisor, "accepted")

            # Staff ask for an extension; the supervisor approves it from the queue.
            staff.goto(url)
            staff.click("#actions details:has(#extension-form) > summary")
            staff.fill("#id_ext-requested_due_date", EXTENDED.isoformat())
            staff.fill("#id_ext-reason", "配套资金下达推迟。")
            staff.click("[data-action=request-extension]")
            staff.wait_for_selector("#extensions tr[data-status=pending]")
            supervisor.goto(live_server.url + reverse("tracker:extension-queue"))
            supervisor.click("#extension-queue [data-action=approve-extension]")
            supervisor.wait_for_selector("#messages .success")
            assert supervisor.locator("#extension-queue tr[data-extension]").count() == 0

            # The lead unit asks to close; the supervisor closes, then reopens with a reason.
            staff.goto(url)
            staff.click("#actions details:has(#request-close-form) > summary")
            staff.fill("#id_closereq-comment", "任务已全部完成。")
            staff.click("[data-action=request-close]")
            staff.wait_for_selector("#request-close-form", state="detached")
            supervisor.goto(url)
            supervisor.fill("#id_close-comment", "同意办结。")
            supervisor.click("[data-action=close-task]")
            supervisor.wait_for_selector("[data-action=reopen-task]")
            supervisor.fill("#id_reopen-reason", "复核发现数据口径有误。")
            supervisor.click("[data-action=reopen-task]")
            supervisor.wait_for_selector("[data-action=close-task]", state="attached")

            # Screenshots of the assignment page on a laptop and on a phone.
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            supervisor.goto(url)
            supervisor.screenshot(path=str(ARTIFACTS / "assignment-1366x768.png"), full_page=True)
            supervisor.set_viewport_size({"width": 390, "height": 844})
            supervisor.goto(url)
            supervisor.screenshot(path=str(ARTIFACTS / "assignment-390x844.png"), full_page=True)
            # On a phone the page does not scroll sideways.
            assert supervisor.evaluate(
                "document.documentElement.scrollWidth <= window.innerWidth + 1"
            )
        finally:
            browser.close()

    assignment.refresh_from_db()
    task.refresh_from_db()
    assert assignment.due_date == EXTENDED and assignment.original_due_date == DUE
    assert task.closed_at is None and assignment.received_at is not None
    report = ProgressReport.objects.get(assignment=assignment)
    assert report.pk == report_pk and report.status == "accepted"
    assert report.attachments.get().name == "进展证明.pdf"
    extension = ExtensionRequest.objects.get(assignment=assignment)
    objects = {
        ("tracker.assignment", str(assignment.pk)),
        ("tracker.task", str(task.pk)),
        ("tracker.progressreport", str(report.pk)),
        ("tracker.extensionrequest", str(extension.pk)),
    }
    actions = [
        action
        for action, object_type, object_id in AuditEvent.objects.filter(id__gt=first_event)
        .order_by("id")
        .values_list("action", "object_type", "object_id")
        if (object_type, object_id) in objects
    ]
    assert actions == EXPECTED_AUDIT

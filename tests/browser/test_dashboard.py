"""督办看板 in a real Chromium: the supervisor's overview draws every chart with data and logs
no console error, a unit's bar opens the unit's page, the red list's 催办 reaches the staff's
notifications, and every page passes axe-core with no serious or critical violation.

Screenshots of each page at 1366×768 and at phone width go to var/test-artifacts/dashboard/.
"""

import io
import os
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from tests.conftest import REPO
from tracker.choices import Light, ReportStatus, Status
from tracker.models import Assignment, Notification, ProgressReport
from tracker.services import rebuild_tallies

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = REPO / "var" / "test-artifacts" / "dashboard"
AXE = Path(__file__).parent / "assets" / "axe.min.js"
PASSWORD = "Duban-2026-pass"
TIMEOUT_MS = 15_000
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM), reason=f"the system Chromium ({CHROMIUM}) is not installed"
    ),
]


@pytest.fixture
def demo(transactional_db, settings):
    """The demo data with red, overdue and reported work in 深圳市; the oldest red assignment
    belongs to the unit of the staff persona ``sz_jrj_staff``."""
    settings.REMINDER_CHANNELS = ["in_app"]
    call_command("load_demo", verbosity=0)
    for user in User.objects.all():
        user.set_password(PASSWORD)
        user.must_change_password = False
        user.save()
    today = timezone.localdate()
    staff = User.objects.get(username="sz_jrj_staff")
    sz = Assignment.objects.filter(task__document__jurisdiction__name="深圳市").order_by("pk")
    oldest = sz.filter(unit__memberships__user=staff).first()
    Assignment.objects.filter(pk=oldest.pk).update(
        status=Status.OVERDUE, light=Light.RED, due_date=today - timedelta(days=40)
    )
    others = list(sz.exclude(unit=oldest.unit)[:12])
    for n, a in enumerate(others[:6]):
        Assignment.objects.filter(pk=a.pk).update(
            status=Status.OVERDUE, light=Light.RED, due_date=today - timedelta(days=3 + 7 * n)
        )
    Assignment.objects.filter(pk__in=[a.pk for a in others[6:8]]).update(status=Status.DONE)
    for n, a in enumerate([oldest, *others[8:]]):
        sent = date(2026, 2, 3 if n % 2 == 0 else 9)  # every other one late
        report = ProgressReport.objects.create(
            assignment=a,
            period_start=date(2026, 1, 1),
            period_end=date(2026, 1, 31),
            due_on=date(2026, 2, 5),
            status=ReportStatus.SUBMITTED,
            progress="按计划推进，已完成阶段性目标。",
            percent=30 + 10 * n,
            author=staff,
            first_submitted_at=timezone.make_aware(datetime(sent.year, sent.month, sent.day, 9)),
        )
        Assignment.objects.filter(pk=a.pk).update(
            last_report=report,
            percent=report.percent,
            reports_sent=1,  # the counters the services keep: sent, and on time or not
            reports_on_time=int(sent.day <= 5),
        )
    rebuild_tallies()  # the states above were written past the services
    from reports.models import period_code_of
    from reports.services import rollup_period

    period = rollup_period(
        jurisdiction=oldest.task.document.jurisdiction,
        code=period_code_of(today),
        now=timezone.now(),
        force=True,
    )
    return {
        "tasks": oldest.task.document.tasks.filter(is_active=True).count(),
        "period": period.pk,
        "oldest": oldest.pk,
        "document": oldest.task.document_id,
        "staff": staff,
        "notifications": Notification.objects.filter(recipient=staff).count(),
    }


def _sign_in(browser, base_url, username, viewport=DESKTOP):
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(f"{base_url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(lambda url: "/login/" not in url)
    return page


def _wait_for_charts(page) -> list[dict]:
    """Every chart drawn: its canvas exists and its series hold data."""
    page.wait_for_function(
        "[...document.querySelectorAll('[data-chart]')]"
        ".every(el => el.dataset.rendered === 'true' && el.querySelector('canvas'))"
    )
    return page.evaluate(
        """() => [...document.querySelectorAll('[data-chart]')].map(el => {
            const chart = echarts.getInstanceByDom(el);
            const canvas = el.querySelector('canvas');
            const points = chart.getOption().series.reduce((n, s) => n + s.data.length, 0);
            return {id: el.id, label: el.getAttribute('aria-label'), width: canvas.width,
                    points: points, count: Number(el.dataset.count)};
        })"""
    )


def _axe(page, name):
    page.evaluate(AXE.read_text(encoding="utf-8"))  # no <script> tag: the CSP refuses it
    result = page.evaluate("async () => await axe.run(document)")
    bad = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == [], f"{name}: {bad}"


def _shots(page, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(ARTIFACTS / f"{name}-1366x768.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.wait_for_timeout(300)  # the charts resize on the window's resize event
    page.screenshot(path=str(ARTIFACTS / f"{name}-phone.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def test_the_supervisor_reads_the_dashboard_and_urges(live_server, demo):
    from openpyxl import load_workbook
    from playwright.sync_api import sync_playwright

    base = live_server.url
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        try:
            page = _sign_in(browser, base, "sz_supervisor")
            errors = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))

            # the overview: every chart drawn with data, an accessible name, a text alternative
            page.goto(base + reverse("dashboards:overview"))
            charts = _wait_for_charts(page)
            assert {c["id"] for c in charts} == {"chart-documents", "chart-trend", "chart-units"}
            for chart in charts:
                assert chart["width"] > 0 and chart["points"] > 0 and chart["label"], chart
            assert page.locator("#table-units tbody tr").count() > 0
            _axe(page, "overview")
            _shots(page, "overview")

            # a click on the first unit's bar opens that unit's page
            page.locator("#chart-units").scroll_into_view_if_needed()
            point = page.evaluate(
                """() => {
                    const el = document.getElementById('chart-units');
                    const chart = echarts.getInstanceByDom(el);
                    const value = chart.getOption().series[0].data[0];
                    const [x, y] = chart.convertToPixel({seriesIndex: 0}, [value / 2, 0]);
                    const box = el.getBoundingClientRect();
                    return {x: box.left + x, y: box.top + y};
                }"""
            )
            page.mouse.click(point["x"], point["y"])
            page.wait_for_url("**/dashboard/units/*/")
            assert page.locator("h1#unit-name").inner_text()
            _wait_for_charts(page)
            _axe(page, "unit")
            _shots(page, "unit")

            # the document page
            oldest = demo["oldest"]
            page.goto(base + reverse("dashboards:document", args=[demo["document"]]))
            charts = _wait_for_charts(page)
            assert charts[0]["points"] > 0
            assert page.locator(f"#breakdown tr[data-assignment='{oldest}']").count() == 1
            _axe(page, "document")
            _shots(page, "document")

            # the half-year evaluation of the period
            page.goto(base + reverse("reports:period-detail", args=[demo["period"]]))
            assert page.locator("h1").count() == 1
            _axe(page, "period")
            _shots(page, "period")
            page.goto(base + reverse("dashboards:document", args=[demo["document"]]))

            # the breakdown table downloads, one row per task of the document
            with page.expect_download() as download:
                page.click("#download-breakdown")
            path = download.value.path()
            sheet = load_workbook(io.BytesIO(Path(path).read_bytes())).active
            assert sheet["A3"].value and download.value.suggested_filename.endswith(".xlsx")
            tasks = demo["tasks"]  # counted before the browser: no ORM inside its event loop
            merged = {r.min_row for r in sheet.merged_cells.ranges}
            task_rows = [
                r for r in range(4, sheet.max_row + 1) if r not in merged and sheet.cell(r, 1).value
            ]
            assert len(task_rows) == tasks

            # 催办 from the red list: the oldest red assignment is first
            page.goto(base + reverse("dashboards:overview"))
            first = page.locator("#red-list tbody tr").first
            assert first.get_attribute("data-assignment") == str(oldest)
            first.locator("button[data-action=urge]").click()
            page.wait_for_selector(".messages li.success")
            assert errors == []

            staff = _sign_in(browser, base, "sz_jrj_staff")
            staff.goto(base + reverse("tracker:notifications"))
            shown = staff.locator("[data-notification]").evaluate_all(
                "els => els.map(el => Number(el.dataset.notification))"
            )
            _shots(staff, "staff-notifications")
        finally:
            browser.close()

    # the 催办 reached the staff in-app, and their notifications page shows it
    urged = Notification.objects.filter(recipient=demo["staff"]).order_by("-pk")
    assert urged.count() == demo["notifications"] + 1
    assert urged[0].pk in shown

"""A document's task breakdown table (.xlsx) and progress summary (.docx), and their API."""

import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from clauses.services import import_document
from reports.exports import chinese_date
from reports.exports.breakdown_xlsx import (
    HEADER_ROW,
    LIGHT_STYLES,
    breakdown_headers,
    build_breakdown_xlsx,
)
from reports.exports.progress_docx import build_progress_docx, progress_title
from tests.conftest import api_client, seed
from tracker import services
from tracker.models import Assignment, Task

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

PROGRESS = "融资服务平台已上线试运行，接入银行十二家，服务企业一百八十家。"
PROBLEMS = "部分银行数据接口尚未打通。"
NEXT_STEPS = "推进与税务、社保数据共享。"
SUPPORT_PROGRESS = "已组织辖内银行对接平台，开展政策宣讲三场。"

ENGLISH_HEADERS = [
    "No.",
    "Key task",
    "Content",
    "Lead units",
    "Support units",
    "Due date",
    "Reporting cycle",
    "Latest progress",
    "Status",
]
# the headers the catalog already translates, by column
CHINESE_HEADERS = {1: "序号", 3: "具体内容", 4: "牵头单位", 5: "配合单位", 6: "完成时限"}
CHINESE_HEADERS |= {7: "报送周期", 9: "状态"}


def _day(days: int):
    return timezone.localdate() + timedelta(days=days)


@pytest.fixture
def reported(world):
    """Task （一） planned; the lead's and the support unit's reports both accepted."""
    services.plan_task(task=world.task, by=world.supervisor, plan={"due_date": _day(60)})
    lead = services.create_report(
        assignment=world.lead,
        by=world.staff,
        data=services.ReportInput(
            progress=PROGRESS, percent=40, problems=PROBLEMS, next_steps=NEXT_STEPS
        ),
        submit=True,
    )
    support = services.create_report(
        assignment=world.support,
        by=world.co_staff,
        data=services.ReportInput(progress=SUPPORT_PROGRESS, percent=30),
        submit=True,
    )
    world.lead_report = services.accept_report(report=lead, by=world.supervisor)
    world.support_report = services.accept_report(report=support, by=world.supervisor)
    world.task.refresh_from_db()
    world.other_task.refresh_from_db()
    return world


@pytest.fixture
def seeded(world):
    """Seed 002 (广州市, seven sections, 32 tasks) with a yellow and a red task."""
    document = import_document(data=seed("002").read_bytes(), filename=seed("002").name)
    document = document.documents[0].document
    Task.objects.filter(document=document, order=2).update(light="yellow", status="in_progress")
    Task.objects.filter(document=document, order=3).update(light="red", status="overdue")
    return document


def _sheet(content: bytes):
    return load_workbook(io.BytesIO(content)).active


def _merged_rows(ws) -> dict[int, str]:
    """First row → range of every merged range."""
    return {r.min_row: r.coord for r in ws.merged_cells.ranges}


def _task_rows(ws) -> list[tuple]:
    """The rows below the header that are not merged section rows: one per task."""
    merged = _merged_rows(ws)
    return [
        row
        for number, row in enumerate(
            ws.iter_rows(min_row=HEADER_ROW + 1, values_only=True), start=HEADER_ROW + 1
        )
        if number not in merged
    ]


def _section_rows(ws) -> list[str]:
    merged = _merged_rows(ws)
    return [ws.cell(row=n, column=1).value for n in sorted(merged) if n > HEADER_ROW]


def _names(task, role) -> str:
    return "、".join(
        Assignment.objects.filter(task=task, role=role, is_active=True)
        .order_by("order", "pk")
        .values_list("unit__name", flat=True)
    )


def _fill(cell) -> str:
    return cell.fill.fgColor.rgb[-6:]


# --- the breakdown table -------------------------------------------------------------------


def test_breakdown_lists_each_task_with_its_units_section_and_latest_accepted_progress(reported):
    w = reported
    ws = _sheet(build_breakdown_xlsx(w.document, user=w.supervisor))

    assert ws["A1"].value == f"《{w.document.title}》{_('Task breakdown table')}"
    assert w.document.jurisdiction.name in ws["A2"].value
    assert [c.value for c in ws[HEADER_ROW]] == breakdown_headers()
    for column, text in CHINESE_HEADERS.items():
        assert ws.cell(row=HEADER_ROW, column=column).value == text

    # one merged full-width section row, then one row per task
    assert _merged_rows(ws) == {1: "A1:I1", 2: "A2:I2", 4: "A4:I4"}
    assert ws["A4"].value == "一、主要任务"
    rows = _task_rows(ws)
    assert len(rows) == 2
    first, second = rows
    assert first[:5] == (
        "（一）",
        w.task.title,
        w.task.description,
        _names(w.task, "lead"),
        _names(w.task, "support"),
    )
    assert first[3] == w.lead_unit.name and first[4] == w.support_unit.name
    assert first[5] == chinese_date(w.task.due_date)
    assert first[6] == w.task.get_report_cycle_display()
    assert PROGRESS in first[7] and chinese_date(w.lead_report.period_end) in first[7]
    assert SUPPORT_PROGRESS not in first[7]  # 最新进展 quotes the lead unit
    assert first[8] == w.task.get_status_display()
    assert second[:5] == (
        "（二）",
        w.other_task.title,
        w.other_task.description,
        _names(w.other_task, "lead"),
        None,
    )
    assert second[3] == w.unrelated.unit.name
    assert second[7] is None  # no accepted report

    # the status cells are filled with the task's light
    for row, task in ((5, w.task), (6, w.other_task)):
        fill, colour = LIGHT_STYLES[task.light]
        assert _fill(ws.cell(row=row, column=9)) == fill
        assert ws.cell(row=row, column=9).font.color.rgb[-6:] == colour


def test_breakdown_headers_are_the_nine_columns_of_the_table():
    with translation.override("en"):
        assert breakdown_headers() == ENGLISH_HEADERS


def test_breakdown_sheet_freezes_the_header_and_prints_a4_landscape_one_page_wide(world):
    ws = _sheet(build_breakdown_xlsx(world.document, user=world.supervisor))

    assert ws.freeze_panes == f"A{HEADER_ROW + 1}"
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert int(ws.page_setup.fitToWidth) == 1 and int(ws.page_setup.fitToHeight) == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$3:$3"
    assert [ws.column_dimensions[c].width for c in "ABCDEFGHI"] == [7, 20, 52, 20, 18, 13, 9, 40, 9]
    body = ws.cell(row=5, column=3)
    assert body.alignment.wrap_text and body.border.left.style == "thin"


def test_breakdown_of_a_real_document_has_its_sections_and_each_tasks_units(seeded, world):
    document = seeded
    ws = _sheet(build_breakdown_xlsx(document, user=world.other_supervisor))

    tasks = list(document.tasks.filter(is_active=True).order_by("order"))
    assert len(tasks) == 32
    sections = list(dict.fromkeys(t.section for t in tasks))
    assert len(sections) == 7
    assert _section_rows(ws) == sections
    rows = _task_rows(ws)
    assert len(rows) == len(tasks)
    for row, task in zip(rows, tasks, strict=True):
        assert row[0] == task.label and row[1] == task.title
        assert row[3] == _names(task, "lead") and row[3]
        assert (row[4] or "") == _names(task, "support")
    # every task row sits under its own section row
    current = None
    for number in range(HEADER_ROW + 1, ws.max_row + 1):
        value = ws.cell(row=number, column=1).value
        if f"A{number}:I{number}" in _merged_rows(ws).values():
            current = value
        else:
            title = ws.cell(row=number, column=2).value
            assert next(t for t in tasks if t.title == title).section == current
    # the status fills follow the lights
    for number in range(HEADER_ROW + 1, ws.max_row + 1):
        title = ws.cell(row=number, column=2).value
        if title:
            task = next(t for t in tasks if t.title == title)
            assert _fill(ws.cell(row=number, column=9)) == LIGHT_STYLES[task.light][0]
    assert {t.light for t in tasks} == {"green", "yellow", "red"}


def test_staff_get_only_the_tasks_their_units_share(reported):
    w = reported
    own = _task_rows(_sheet(build_breakdown_xlsx(w.document, user=w.other_staff)))
    assert [r[1] for r in own] == [w.other_task.title]

    ws = _sheet(build_breakdown_xlsx(w.document, user=w.staff))
    assert [r[1] for r in _task_rows(ws)] == [w.task.title]
    assert _("Only the tasks of your units are listed.") in ws["A2"].value
    assert PROGRESS in _task_rows(ws)[0][7]

    # the support unit sees the task, not the lead unit's report (a co-unit's stays private)
    co = _task_rows(_sheet(build_breakdown_xlsx(w.document, user=w.co_staff)))
    assert [r[1] for r in co] == [w.task.title] and co[0][7] is None


def test_breakdown_bytes_depend_on_the_data_only(reported):
    first = build_breakdown_xlsx(reported.document, user=reported.supervisor)
    assert build_breakdown_xlsx(reported.document, user=reported.supervisor) == first


# --- the progress summary ------------------------------------------------------------------


def _texts(content: bytes) -> list[str]:
    return [p.text for p in Document(io.BytesIO(content)).paragraphs]


def test_progress_summary_of_a_document_has_one_entry_per_task_with_its_accepted_reports(
    reported,
):
    w = reported
    content = build_progress_docx(document=w.document, user=w.supervisor)
    doc = Document(io.BytesIO(content))
    texts = [p.text for p in doc.paragraphs]

    assert texts[0] == progress_title(f"《{w.document.title}》")
    assert "一、主要任务" in texts
    entries = [t for t in texts if t in (f"（一）{w.task.title}", f"（二）{w.other_task.title}")]
    assert entries == [f"（一）{w.task.title}", f"（二）{w.other_task.title}"]
    first, second = texts.index(entries[0]), texts.index(entries[1])
    task_one = "\n".join(texts[first:second])
    assert f"{_('Lead units')}：{w.lead_unit.name}" in task_one
    assert f"{_('Support units')}：{w.support_unit.name}" in task_one
    assert f"{_('Due date')}：{chinese_date(w.task.due_date)}" in task_one
    assert f"{_('Progress')}：{PROGRESS}" in task_one
    assert f"{_('Problems')}：{PROBLEMS}" in task_one
    assert f"{_('Next steps')}：{NEXT_STEPS}" in task_one
    assert f"{_('Percent')}40%" in task_one
    assert chinese_date(w.lead_report.period_start) in task_one
    assert task_one.index(PROGRESS) < task_one.index(SUPPORT_PROGRESS)  # lead first
    task_two = "\n".join(texts[second:])
    assert _("No accepted progress report yet.") in task_two

    # A4, 仿宋 body, 黑体 section heading
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    heading = next(p for p in doc.paragraphs if p.text == "一、主要任务")
    assert heading.runs[0].element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
    body = next(p for p in doc.paragraphs if p.text.endswith(PROGRESS))
    assert body.runs[-1].element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"


def test_progress_summary_for_staff_holds_their_tasks_and_their_own_reports(reported):
    w = reported
    texts = "\n".join(_texts(build_progress_docx(document=w.document, user=w.staff)))
    assert w.task.title in texts and w.other_task.title not in texts
    assert PROGRESS in texts and SUPPORT_PROGRESS not in texts

    texts = "\n".join(_texts(build_progress_docx(document=w.document, user=w.other_staff)))
    assert w.other_task.title in texts and w.task.title not in texts


def test_progress_summary_of_a_unit_quotes_the_units_own_report(reported):
    w = reported
    texts = _texts(build_progress_docx(unit=w.support_unit, user=w.supervisor))
    joined = "\n".join(texts)
    assert texts[0] == progress_title(w.support_unit.name)
    assert f"一、《{w.document.title}》" in texts
    assert f"（一）{w.task.title}" in texts and w.other_task.title not in joined
    assert SUPPORT_PROGRESS in joined and PROGRESS not in joined

    texts = "\n".join(_texts(build_progress_docx(unit=w.unrelated.unit, user=w.other_staff)))
    assert w.other_task.title in texts and _("No accepted progress report yet.") in texts


def test_progress_summary_needs_a_document_or_a_unit(world):
    with pytest.raises(TypeError):
        build_progress_docx(user=world.supervisor)


def test_progress_bytes_depend_on_the_data_only(reported):
    first = build_progress_docx(document=reported.document, user=reported.supervisor)
    assert build_progress_docx(document=reported.document, user=reported.supervisor) == first


# --- queries -------------------------------------------------------------------------------


def _queries(build) -> int:
    with CaptureQueriesContext(connection) as captured:
        build()
    return len(captured.captured_queries)


def test_exports_take_the_same_number_of_queries_for_2_tasks_and_for_32(reported, seeded):
    w = reported
    small = _queries(lambda: build_breakdown_xlsx(w.document, user=w.supervisor))
    large = _queries(lambda: build_breakdown_xlsx(seeded, user=w.other_supervisor))
    assert small == large <= 6
    small = _queries(lambda: build_progress_docx(document=w.document, user=w.supervisor))
    large = _queries(lambda: build_progress_docx(document=seeded, user=w.other_supervisor))
    assert small == large <= 6
    unit = Assignment.objects.filter(task__document=seeded).first().unit
    small = _queries(lambda: build_progress_docx(unit=w.lead_unit, user=w.supervisor))
    large = _queries(lambda: build_progress_docx(unit=unit, user=w.other_supervisor))
    assert small == large <= 6


# --- the API -------------------------------------------------------------------------------


def test_api_downloads_the_breakdown_and_the_progress_summary(reported):
    w = reported
    client = api_client(w.supervisor)

    response = client.get(reverse("document-breakdown-xlsx", args=[w.document.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    disposition = response["Content-Disposition"]
    assert disposition.startswith(f'attachment; filename="document-{w.document.pk}-breakdown.xlsx"')
    assert "filename*=UTF-8''" in disposition
    assert len(_task_rows(_sheet(response.content))) == 2

    response = client.get(reverse("document-progress-docx", args=[w.document.pk]))
    assert response.status_code == 200 and response["Content-Type"] == DOCX
    assert PROGRESS in "\n".join(_texts(response.content))

    response = client.get(reverse("unit-progress-docx", args=[w.lead_unit.pk]))
    assert response.status_code == 200 and response["Content-Type"] == DOCX
    assert PROGRESS in "\n".join(_texts(response.content))


def test_api_scopes_the_files_and_hides_what_the_user_does_not_see(reported):
    w = reported
    staff = api_client(w.other_staff)
    response = staff.get(reverse("document-breakdown-xlsx", args=[w.document.pk]))
    assert response.status_code == 200
    assert [r[1] for r in _task_rows(_sheet(response.content))] == [w.other_task.title]
    # staff see their own unit, not a co-unit's
    assert staff.get(reverse("unit-progress-docx", args=[w.lead_unit.pk])).status_code == 404

    other = api_client(w.other_supervisor)
    for name in ("document-breakdown-xlsx", "document-progress-docx"):
        assert other.get(reverse(name, args=[w.document.pk])).status_code == 404
    assert other.get(reverse("unit-progress-docx", args=[w.lead_unit.pk])).status_code == 404

    anonymous = api_client()
    response = anonymous.get(reverse("document-breakdown-xlsx", args=[w.document.pk]))
    assert response.status_code in (401, 403)


def test_api_takes_the_same_number_of_queries_for_2_tasks_and_for_32(world, seeded):
    def count(user, document):
        client = api_client(user)
        url = reverse("document-breakdown-xlsx", args=[document.pk])
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    assert count(world.supervisor, world.document) == count(world.other_supervisor, seeded)


def test_openapi_schema_with_the_downloads_is_valid_without_warnings(tmp_path):
    from django.core.management import call_command

    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    text = target.read_text(encoding="utf-8")
    for path in (
        "/api/v1/documents/{id}/breakdown.xlsx",
        "/api/v1/documents/{id}/progress.docx",
        "/api/v1/units/{id}/progress.docx",
    ):
        assert f"  {path}:" in text

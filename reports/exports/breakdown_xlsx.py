"""A document's task breakdown table (任务分解表) as an .xlsx workbook.

One sheet: a title row (《document》任务分解表) and a line with the jurisdiction and 文号, a
header row with the nine columns of the table as supervisors print it, then for every
section of the document a merged full-width row ("一、主要任务") followed by one row per task:
number, key task, content, lead units, support units, deadline, reporting cycle, the latest
accepted progress of the lead units, and the status, whose cell is filled with the task's
light. Panes are frozen below the header; the sheet prints on A4 landscape, one page wide,
repeating the header on every page. Plain fills, borders and fonts only, so WPS and Excel
show the same thing.

Rows follow the user's scope: staff get the tasks their units share (``Task.visible_to``),
supervisors of the jurisdiction every task; a report is quoted only where the user may read
it (``ProgressReport.visible_to``: a co-unit's reports stay private). The data is loaded in a
constant number of queries and the same data gives the same bytes.
"""

import io
import re
import zipfile
from datetime import UTC

from django.db.models import OuterRef, Prefetch, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from accounts.scoping import supervised_jurisdictions
from clauses.choices import AssignmentRole
from tracker.choices import Light, ReportStatus
from tracker.models import Assignment, ProgressReport, Task

from . import chinese_date, stable_zip

TITLE_ROW = 1
INFO_ROW = 2
HEADER_ROW = 3
EXCERPT_LENGTH = 150  # characters of a report quoted in 最新进展

_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
_SECTION_FILL = PatternFill("solid", fgColor="F2F2F2")
_FONT = "宋体"
_HEADING_FONT = "黑体"

# light → (cell fill, text colour): Excel's own "good / neutral / bad" pairs, readable in
# colour and in greyscale print.
LIGHT_STYLES = {
    Light.GREEN: ("C6EFCE", "006100"),
    Light.YELLOW: ("FFEB9C", "9C5700"),
    Light.RED: ("FFC7CE", "9C0006"),
}

# (header, column width in characters, horizontal alignment)
COLUMNS = (
    (lambda: _("No."), 7, "center"),
    (lambda: _("Key task"), 20, "left"),
    (lambda: _("Content"), 52, "left"),
    (lambda: _("Lead units"), 20, "left"),
    (lambda: _("Support units"), 18, "left"),
    (lambda: _("Due date"), 13, "center"),
    (lambda: _("Reporting cycle"), 9, "center"),
    (lambda: _("Latest progress"), 40, "left"),
    (lambda: _("Status"), 9, "center"),
)
STATUS_COLUMN = len(COLUMNS)


def breakdown_headers() -> list[str]:
    """The nine column headers in the active language (序号 … 状态)."""
    return [header() for header, _width, _align in COLUMNS]


# --- the data ------------------------------------------------------------------------------


def latest_accepted_reports(user):
    """Each assignment's latest accepted report (by period), where ``user`` may read it.

    One query for any number of assignments: a correlated subquery picks the latest report
    of the row's own assignment, so only those rows are loaded.
    """
    latest = (
        ProgressReport.objects.filter(
            assignment_id=OuterRef("assignment_id"), status=ReportStatus.ACCEPTED
        )
        .order_by("-period_end", "-reviewed_at", "-pk")
        .values("pk")[:1]
    )
    return ProgressReport.objects.visible_to(user).filter(
        status=ReportStatus.ACCEPTED, pk=Subquery(latest)
    )


def with_assignments(tasks, user):
    """Prefetch on ``tasks``: ``active_assignments`` (unit selected, in printed order), each
    with ``latest_accepted`` (a list of at most one report the user may read)."""
    assignments = (
        Assignment.objects.filter(is_active=True)
        .select_related("unit")
        .order_by("order", "pk")
        .prefetch_related(
            Prefetch("reports", queryset=latest_accepted_reports(user), to_attr="latest_accepted")
        )
    )
    return tasks.prefetch_related(
        Prefetch("assignments", queryset=assignments, to_attr="active_assignments")
    )


def document_tasks(document, user) -> list[Task]:
    """The active tasks of ``document`` that ``user`` sees, in document order (3 queries)."""
    tasks = (
        Task.objects.visible_to(user)
        .filter(document=document, is_active=True)
        .select_related("clause")
        .order_by("order", "pk")
    )
    return list(with_assignments(tasks, user))


def sees_whole_document(document, user) -> bool:
    """True when ``user`` supervises the document's jurisdiction (every task is listed)."""
    return user.is_superuser or (
        supervised_jurisdictions(user).filter(pk=document.jurisdiction_id).exists()
    )


def units_of(task, role) -> list[str]:
    return [a.unit.name for a in task.active_assignments if a.role == role]


def deadline_text(task, due=None) -> str:
    """The due date as printed in an official document, or the clause's deadline as written."""
    due = due or task.due_date
    if due:
        return chinese_date(due)
    return task.clause.deadline_text if task.clause_id else ""


def excerpt(text: str, length: int = EXCERPT_LENGTH) -> str:
    text = re.sub(r"\s+", " ", text or "").strip()
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def latest_progress(task) -> str:
    """The latest accepted report of each lead unit, one line each (unit named when several)."""
    leads = [a for a in task.active_assignments if a.role == AssignmentRole.LEAD]
    lines = []
    for a in leads:
        for report in a.latest_accepted:
            line = _("As of {date}: {text}").format(
                date=chinese_date(report.period_end), text=excerpt(report.progress)
            )
            lines.append(f"{a.unit.name}：{line}" if len(leads) > 1 else line)
    return "\n".join(lines)


def data_time(document, tasks):
    """A timestamp for the file's properties that depends on the data only (UTC, naive)."""
    moments = [document.updated_at]
    for task in tasks:
        moments.append(task.updated_at)
        moments.extend(r.reviewed_at for a in task.active_assignments for r in a.latest_accepted)
    moment = max(m for m in moments if m is not None)
    return timezone.localtime(moment, UTC).replace(tzinfo=None, microsecond=0)


def safe_sheet_title(title: str) -> str:
    """An Excel sheet name: at most 31 characters, none of []:*?/\\."""
    return re.sub(r"[\[\]:*?/\\]", " ", title)[:31]


def document_line(document) -> str:
    """The jurisdiction and the 文号 under a title."""
    return "　".join(filter(None, [document.jurisdiction.name, document.doc_number]))


# --- the sheet -----------------------------------------------------------------------------


def _title_rows(ws, title: str, line: str):
    width = len(COLUMNS)
    cell = ws.cell(row=TITLE_ROW, column=1, value=title)
    cell.font = Font(name=_HEADING_FONT, size=16)
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.merge_cells(start_row=TITLE_ROW, start_column=1, end_row=TITLE_ROW, end_column=width)
    ws.row_dimensions[TITLE_ROW].height = 30
    cell = ws.cell(row=INFO_ROW, column=1, value=line)
    cell.font = Font(name=_FONT, size=10, color="555555")
    cell.alignment = Alignment(horizontal="center", vertical="center")
    ws.merge_cells(start_row=INFO_ROW, start_column=1, end_row=INFO_ROW, end_column=width)


def _header(ws):
    for column, text in enumerate(breakdown_headers(), start=1):
        cell = ws.cell(row=HEADER_ROW, column=column, value=text)
        cell.font = Font(name=_HEADING_FONT, bold=True)
        cell.fill = _HEADER_FILL
        cell.border = _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.row_dimensions[HEADER_ROW].height = 30


def _section_row(ws, row: int, text: str):
    width = len(COLUMNS)
    for column in range(1, width + 1):
        cell = ws.cell(row=row, column=column)
        cell.border = _BORDER
        cell.fill = _SECTION_FILL
    cell = ws.cell(row=row, column=1, value=text)
    cell.font = Font(name=_HEADING_FONT, bold=True)
    cell.alignment = Alignment(horizontal="left", vertical="center")
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    ws.row_dimensions[row].height = 22


def _task_row(ws, row: int, values: list, light: str):
    for column, (value, (_header, _width, align)) in enumerate(
        zip(values, COLUMNS, strict=True), start=1
    ):
        cell = ws.cell(row=row, column=column, value=value)
        cell.font = Font(name=_FONT)
        cell.border = _BORDER
        cell.alignment = Alignment(horizontal=align, vertical="top", wrap_text=True)
    fill, colour = LIGHT_STYLES.get(light, LIGHT_STYLES[Light.GREEN])
    status = ws.cell(row=row, column=STATUS_COLUMN)
    status.fill = PatternFill("solid", fgColor=fill)
    status.font = Font(name=_FONT, bold=True, color=colour)
    status.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _print_setup(ws, title: str):
    for column, (_header, width, _align) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=1)
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    setup = ws.page_setup
    setup.orientation = "landscape"
    setup.paperSize = ws.PAPERSIZE_A4
    setup.fitToWidth, setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.oddHeader.center.text = title
    ws.oddFooter.center.text = _("Page &P of &N")


def breakdown_title(document) -> str:
    return "《" + document.title + "》" + _("Task breakdown table")


def build_breakdown_xlsx(document, *, user) -> bytes:
    """The task breakdown table of ``document`` as ``user`` may see it, as .xlsx bytes."""
    tasks = document_tasks(document, user)
    title = breakdown_title(document)
    line = document_line(document)
    if not sees_whole_document(document, user):
        line = "　".join(filter(None, [line, _("Only the tasks of your units are listed.")]))

    wb = Workbook()
    ws = wb.active
    ws.title = safe_sheet_title(_("Task breakdown table"))
    _title_rows(ws, title, line)
    _header(ws)
    row, section = HEADER_ROW, None
    for number, task in enumerate(tasks, start=1):
        if task.section and task.section != section:
            row += 1
            _section_row(ws, row, task.section)
        section = task.section
        row += 1
        values = [
            task.label or str(number),
            task.title,
            task.description,
            "、".join(units_of(task, AssignmentRole.LEAD)),
            "、".join(units_of(task, AssignmentRole.SUPPORT)),
            deadline_text(task),
            task.get_report_cycle_display(),
            latest_progress(task),
            task.get_status_display(),
        ]
        _task_row(ws, row, values, task.light)
    _print_setup(ws, title)

    moment = data_time(document, tasks)
    wb.properties.title = title
    wb.properties.subject = document.doc_number or document.title
    wb.properties.creator = document.jurisdiction.name
    wb.properties.lastModifiedBy = document.jurisdiction.name
    wb.properties.created = moment
    wb.properties.modified = moment
    out = io.BytesIO()
    # ExcelWriter rather than Workbook.save, which stamps "modified" with the clock
    ExcelWriter(wb, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, allowZip64=True)).save()
    return stable_zip(out.getvalue())

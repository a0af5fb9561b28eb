"""The snapshot rows of an evaluation period as an .xlsx workbook.

Two sheets: the units' overall rows in rank order, and the rows per unit and document. Each
has a title row (jurisdiction, period, status, figures as of), a frozen header with an
autofilter, number formats for rates (percent) and scores, and an A4 landscape print setup
repeating the header on every page. Numbers stay numbers, so the sheet can be re-sorted.
"""

import io
import re
import zipfile
from datetime import timedelta

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from reports.models import EvaluationSnapshot

from . import chinese_date, document_time, figures_as_of, stable_zip

HEADER_ROW = 3
RATE_FORMAT = "0.0%"
SCORE_FORMAT = "0.00"
COUNT_FORMAT = "0"

_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
_FONT = "宋体"

# (snapshot field, number format, column width)
FIGURES = (
    ("tasks_assigned", COUNT_FORMAT, 9),
    ("tasks_done", COUNT_FORMAT, 9),
    ("tasks_overdue", COUNT_FORMAT, 9),
    ("reports_due", COUNT_FORMAT, 9),
    ("reports_on_time", COUNT_FORMAT, 9),
    ("reports_late", COUNT_FORMAT, 9),
    ("reports_missing", COUNT_FORMAT, 9),
    ("on_time_rate", RATE_FORMAT, 10),
    ("completion_rate", RATE_FORMAT, 10),
    ("target_attainment", RATE_FORMAT, 10),
    ("score", SCORE_FORMAT, 9),
)


def _label(name: str) -> str:
    return str(EvaluationSnapshot._meta.get_field(name).verbose_name)


def sheet_titles() -> tuple[str, str]:
    """The two sheet names (Excel: at most 31 characters, none of []:*?/\\)."""
    return tuple(
        re.sub(r"[\[\]:*?/\\]", " ", title)[:31]
        for title in (_("Summary by unit"), _("By document"))
    )


def overall_headers() -> list[str]:
    return [
        _label("rank"),
        _label("unit"),
        *(_label(name) for name, _fmt, _w in FIGURES),
        _label("corrected"),
        _label("correction_note"),
    ]


def document_headers() -> list[str]:
    return [
        _label("document"),
        _label("rank"),
        _label("unit"),
        *(_label(name) for name, _fmt, _w in FIGURES),
        _label("corrected"),
        _label("correction_note"),
    ]


def _title_rows(ws, period, title: str, width: int):
    ws.cell(row=1, column=1, value=title).font = Font(name=_FONT, bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    as_of = timezone.localdate(figures_as_of(period) - timedelta(microseconds=1))
    line = _("{period} · {status} · figures as of {date}").format(
        period=f"{period.jurisdiction.name} {period.code}",
        status=period.get_status_display(),
        date=chinese_date(as_of),
    )
    ws.cell(row=2, column=1, value=line).font = Font(name=_FONT, size=10, color="555555")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    ws.row_dimensions[1].height = 24


def _header(ws, headers: list[str]):
    for column, text in enumerate(headers, start=1):
        cell = ws.cell(row=HEADER_ROW, column=column, value=text)
        cell.font = Font(name=_FONT, bold=True)
        cell.fill = _HEADER_FILL
        cell.border = _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.row_dimensions[HEADER_ROW].height = 32


def _body_row(ws, row: int, values: list, formats: list):
    for column, (value, fmt) in enumerate(zip(values, formats, strict=True), start=1):
        cell = ws.cell(row=row, column=column, value=value)
        cell.font = Font(name=_FONT)
        cell.border = _BORDER
        if fmt:
            cell.number_format = fmt
        if isinstance(value, str) and "\n" in value:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _finish(ws, title: str, widths: list[int], last_row: int, *, frozen_columns: int):
    for column, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
    last_column = get_column_letter(len(widths))
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=frozen_columns + 1)
    ws.auto_filter.ref = f"A{HEADER_ROW}:{last_column}{max(last_row, HEADER_ROW)}"
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


def _row_values(s) -> tuple[list, list]:
    values = [getattr(s, name) for name, _fmt, _w in FIGURES]
    formats = [fmt for _name, fmt, _w in FIGURES]
    tail = [_("yes") if s.corrected else "", s.correction_note or ""]
    return [*values, *tail], [*formats, None, None]


def build_snapshots_xlsx(period) -> bytes:
    """The period's snapshot rows as .xlsx bytes; the same data gives the same bytes."""
    title = _("{jurisdiction} {code} tracking evaluation").format(
        jurisdiction=period.jurisdiction.name, code=period.code
    )
    overall_title, document_title = sheet_titles()
    figure_widths = [w for _name, _fmt, w in FIGURES]

    wb = Workbook()
    ws = wb.active
    ws.title = overall_title
    headers = overall_headers()
    _title_rows(ws, period, title, len(headers))
    _header(ws, headers)
    row = HEADER_ROW
    for s in (
        EvaluationSnapshot.objects.filter(period=period, document__isnull=True)
        .select_related("unit")
        .order_by(F("rank").asc(nulls_last=True), "unit__name", "unit_id")
    ):
        row += 1
        values, formats = _row_values(s)
        _body_row(ws, row, [s.rank, s.unit.name, *values], [COUNT_FORMAT, None, *formats])
    _finish(ws, title, [7, 30, *figure_widths, 8, 40], row, frozen_columns=2)

    ws = wb.create_sheet(document_title)
    headers = document_headers()
    _title_rows(ws, period, title, len(headers))
    _header(ws, headers)
    row = HEADER_ROW
    for s in (
        EvaluationSnapshot.objects.filter(period=period, document__isnull=False)
        .select_related("unit", "document")
        .order_by("document__title", "document_id", F("rank").asc(nulls_last=True), "unit_id")
    ):
        row += 1
        values, formats = _row_values(s)
        _body_row(
            ws,
            row,
            [s.document.title, s.rank, s.unit.name, *values],
            [None, COUNT_FORMAT, None, *formats],
        )
    _finish(ws, title, [36, 7, 30, *figure_widths, 8, 40], row, frozen_columns=3)

    moment = document_time(period)
    wb.properties.title = title
    wb.properties.creator = period.jurisdiction.name
    wb.properties.lastModifiedBy = period.jurisdiction.name
    wb.properties.created = moment
    wb.properties.modified = moment
    out = io.BytesIO()
    # ExcelWriter rather than Workbook.save, which stamps "modified" with the clock
    ExcelWriter(wb, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, allowZip64=True)).save()
    return stable_zip(out.getvalue())

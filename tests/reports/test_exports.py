"""The bulletin (.docx) and the snapshot table (.xlsx) of an evaluation period, and their API."""

import io
import shutil
import subprocess
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt
from openpyxl import load_workbook

from reports import services
from reports.choices import AppealStatus
from reports.exports import chinese_date, percent
from reports.exports.bulletin import (
    build_bulletin,
    bulletin_title,
    chinese_number,
    default_issuer,
    ranking_headers,
)
from reports.exports.snapshots_xlsx import (
    HEADER_ROW,
    build_snapshots_xlsx,
    document_headers,
    overall_headers,
    sheet_titles,
)
from reports.models import EvaluationSnapshot
from tests.conftest import REPO, api_client

from .scenario import NOW, build

ARTIFACTS = REPO / "var" / "test-artifacts" / "bulletin"
NOTE = "经核实三月报告已线下报送"


@pytest.fixture
def period(world):
    """The scenario's 2026H1, rolled up on 5 July, with one corrected and one upheld appeal."""
    build(world)
    period = services.rollup_period(jurisdiction=world.shenzhen, code="2026H1", now=NOW)
    support_doc = EvaluationSnapshot.objects.get(unit=world.support_unit, document=world.document)
    appeal = services.file_appeal(
        snapshot=support_doc, by=world.co_staff, reason="三月报告已报送", now=NOW
    )
    services.decide_appeal(
        appeal=appeal,
        by=world.supervisor,
        uphold=False,
        corrections={"reports_late": 2, "reports_missing": 0},
        comment=NOTE,
        now=NOW,
    )
    lead_row = EvaluationSnapshot.objects.get(unit=world.lead_unit, document=None)
    appeal = services.file_appeal(snapshot=lead_row, by=world.staff, reason="理由", now=NOW)
    services.decide_appeal(appeal=appeal, by=world.supervisor, uphold=True, comment="", now=NOW)
    period.refresh_from_db()
    return period


def _overall(period):
    return list(
        EvaluationSnapshot.objects.filter(period=period, document__isnull=True)
        .select_related("unit")
        .order_by("rank")
    )


def _texts(doc) -> list[str]:
    return [p.text for p in doc.paragraphs]


# --- the bulletin -------------------------------------------------------------------------


def test_chinese_numbers_and_dates():
    assert [chinese_number(n) for n in (1, 5, 10, 11, 20, 23)] == [
        "一",
        "五",
        "十",
        "十一",
        "二十",
        "二十三",
    ]
    assert chinese_date(datetime(2026, 7, 1).date()) == "2026年7月1日"
    assert percent(Decimal("0.8125")) == "81.3%" and percent(None) == "—"


def test_bulletin_holds_title_addressees_ranking_overdue_and_notes(world, period):
    doc = Document(io.BytesIO(build_bulletin(period)))
    texts = _texts(doc)
    # 标题 first, centred; 主送 after a blank line
    assert texts[0] == bulletin_title(period)
    assert doc.paragraphs[0].alignment == 1  # centre
    assert texts[2] == _("All units concerned") + "："
    # the parts are numbered 一、 to 五、
    headings = [t for t in texts if len(t) > 1 and t[1] == "、" and t[0] in "一二三四五"]
    assert [h[0] for h in headings] == list("一二三四五")

    # the ranking table: header, then the units in rank order with their scores
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells] == ranking_headers()
    rows = _overall(period)
    body = [[c.text for c in row.cells] for row in table.rows[1:]]
    assert [r[1] for r in body] == [s.unit.name for s in rows]
    assert [r[1] for r in body] == [
        world.unrelated.unit.name,
        world.lead_unit.name,
        world.support_unit.name,
    ]
    assert [r[0] for r in body] == ["1", "2", "3"]
    assert [r[2] for r in body] == ["100.00", "36.00", "10.00"]
    assert body[0][3:] == ["100.0%", "100.0%", "0"]
    assert body[2][3:] == ["60.0%", "0.0%", "1"]

    # the overdue list: the support unit's task (一), due 31 May
    at = texts.index(f"（一）{world.support_unit.name}")
    assert world.task.title in texts[at + 1] and "2026年5月31日" in texts[at + 1]
    assert sum(1 for t in texts if t.startswith("（") and world.lead_unit.name in t) == 0
    # full on-time reporting: the unrelated unit only
    full = next(t for t in texts if world.unrelated.unit.name in t and "：" not in t[:3])
    assert world.support_unit.name not in full

    # the notes: the weights of the formula, both decisions and the correction note
    joined = "\n".join(texts)
    assert "0.40" in joined and "0.20" in joined
    assert NOTE in joined
    row = EvaluationSnapshot.objects.get(unit=world.support_unit, document=None)
    for line in row.correction_note.splitlines():
        assert f"{world.support_unit.name}：{line}" in texts
    upheld = str(AppealStatus.UPHELD.label)
    assert any(t.startswith("2. " + world.lead_unit.name) and upheld in t for t in texts)

    # 落款 and 日期, right-aligned: the period was computed on 5 July
    assert texts[-2] == default_issuer(period)
    assert texts[-1] == "2026年7月5日"
    assert doc.paragraphs[-1].alignment == 2  # right


def test_bulletin_layout_follows_gb_t_9704(period):
    doc = Document(io.BytesIO(build_bulletin(period, issuer="深圳市督查室", addressees=["各区"])))
    section = doc.sections[0]
    mm = [
        round(length.mm, 1)
        for length in (
            section.page_width,
            section.page_height,
            section.top_margin,
            section.bottom_margin,
            section.left_margin,
            section.right_margin,
        )
    ]
    assert mm == [210, 297, 37, 35, 28, 26]  # A4; stored in twips, hence the rounding
    title, body = doc.paragraphs[0], doc.paragraphs[3]
    assert title.runs[0].font.size == Pt(22)
    assert title.runs[0]._r.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    assert body.runs[0].font.size == Pt(16)
    assert body.runs[0]._r.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert body.paragraph_format.line_spacing == Pt(28)
    heading = next(p for p in doc.paragraphs if p.text.startswith("一、"))
    assert heading.runs[0]._r.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
    assert doc.paragraphs[2].text == "各区："
    assert doc.paragraphs[-2].text == "深圳市督查室"
    # page numbers are a PAGE field between dashes, on odd and even pages
    for footer in (section.footer, section.even_page_footer):
        xml = footer.paragraphs[0]._p.xml
        assert "PAGE" in xml and footer.paragraphs[0].text.startswith("— ")
    # GB fonts carry an alternative name for machines without them
    font_table = next(
        r.target_part for r in doc.part.rels.values() if r.reltype.endswith("/fontTable")
    )
    assert "仿宋_GB2312".encode() in font_table.blob and 'w:altName w:val="仿宋"'.encode() in (
        font_table.blob
    )


def test_bulletin_is_deterministic_and_queries_are_constant(period):
    first = build_bulletin(period)
    with CaptureQueriesContext(connection) as queries:
        second = build_bulletin(period)
    assert first == second
    assert len(queries) <= 6
    doc = Document(io.BytesIO(first))
    assert doc.core_properties.created == datetime(
        2026, 7, 5, 1, 0, tzinfo=UTC
    )  # 09:00 in Shanghai


def test_bulletin_of_a_period_without_rows(world):
    period = services.rollup_period(jurisdiction=world.guangzhou, code="2026H1", now=NOW)
    doc = Document(io.BytesIO(build_bulletin(period)))
    assert len(doc.tables[0].rows) == 1
    assert _("No task was overdue at the end of the period.") in _texts(doc)


@pytest.mark.skipif(
    shutil.which("soffice") is None and shutil.which("libreoffice") is None,
    reason="LibreOffice is not installed",
)
def test_bulletin_renders_to_pdf_with_libreoffice(period):
    office = shutil.which("soffice") or shutil.which("libreoffice")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    source = ARTIFACTS / "bulletin-2026H1.docx"
    source.write_bytes(build_bulletin(period))
    subprocess.run(
        [office, "--headless", "--convert-to", "pdf", "--outdir", str(ARTIFACTS), str(source)],
        check=True,
        timeout=180,
        capture_output=True,
    )
    pdf = ARTIFACTS / "bulletin-2026H1.pdf"
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")


# --- the xlsx -----------------------------------------------------------------------------


def test_snapshots_xlsx(world, period):
    content = build_snapshots_xlsx(period)
    assert content == build_snapshots_xlsx(period)  # byte-identical re-export
    wb = load_workbook(io.BytesIO(content))
    assert wb.sheetnames == list(sheet_titles())

    ws = wb[sheet_titles()[0]]
    assert world.shenzhen.name in ws["A1"].value and "2026H1" in ws["A1"].value
    assert [c.value for c in ws[HEADER_ROW]] == overall_headers()
    assert ws.freeze_panes == f"C{HEADER_ROW + 1}"
    assert ws.auto_filter.ref.startswith(f"A{HEADER_ROW}:")
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
    headers = overall_headers()
    body = [
        dict(zip(headers, (c.value for c in row), strict=True))
        for row in ws.iter_rows(min_row=HEADER_ROW + 1)
    ]
    rows = _overall(period)
    assert len(body) == len(rows) == 3
    label = {
        name: str(EvaluationSnapshot._meta.get_field(name).verbose_name)
        for name in ("rank", "unit", "reports_late", "on_time_rate", "score", "corrected")
    }
    for got, s in zip(body, rows, strict=True):
        assert got[label["rank"]] == s.rank
        assert got[label["unit"]] == s.unit.name
        assert got[label["reports_late"]] == s.reports_late
        assert Decimal(str(got[label["on_time_rate"]])) == s.on_time_rate
        assert Decimal(str(got[label["score"]])) == s.score
        assert bool(got[label["corrected"]]) == s.corrected
    support = body[2]
    assert support[label["unit"]] == world.support_unit.name and support[label["corrected"]]
    assert (
        ws.cell(row=HEADER_ROW + 1, column=headers.index(label["on_time_rate"]) + 1).number_format
        == "0.0%"
    )

    ws = wb[sheet_titles()[1]]
    assert [c.value for c in ws[HEADER_ROW]] == document_headers()
    documents = [row[0].value for row in ws.iter_rows(min_row=HEADER_ROW + 1)]
    assert documents == [world.document.title] * 3
    assert ws.page_setup.orientation == "landscape"


# --- the API ------------------------------------------------------------------------------

BULLETIN = "/api/v1/periods/2026H1/bulletin.docx"
XLSX = "/api/v1/periods/2026H1/snapshots.xlsx"


def test_api_downloads_for_the_supervisor(world, period):
    client = api_client(world.supervisor)
    response = client.get(BULLETIN, HTTP_ACCEPT="application/octet-stream")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="2026H1-bulletin.docx"')
    assert "filename*=UTF-8''" in disposition and "%E6%B7%B1%E5%9C%B3" in disposition  # 深圳
    assert Document(io.BytesIO(response.content)).tables
    response = client.get(XLSX)
    assert response.status_code == 200
    assert load_workbook(io.BytesIO(response.content)).sheetnames == list(sheet_titles())
    assert 'filename="2026H1-snapshots.xlsx"' in response["Content-Disposition"]


def test_api_scope(world, period, monkeypatch):
    # unit staff wait for publication; other jurisdictions and anonymous users get nothing
    response = api_client(world.staff).get(BULLETIN)
    assert response.status_code == 403 and response.json()["code"] == "period_not_published"
    assert api_client(world.staff).get(XLSX).status_code == 403
    assert api_client(world.other_supervisor).get(BULLETIN).status_code == 404
    assert api_client().get(BULLETIN).status_code in (401, 403)
    assert api_client(world.admin).get(BULLETIN).status_code == 200
    assert (
        api_client(world.supervisor).get("/api/v1/periods/2026H9/bulletin.docx").json()["code"]
        == "bad_period_code"
    )
    # once published, everyone who sees the period may download
    later = timezone.make_aware(datetime.combine(period.appeal_deadline, datetime.min.time()))
    services.publish_period(period=period, by=world.supervisor, now=later, before_deadline=True)
    for user in (world.staff, world.co_staff):
        assert api_client(user).get(BULLETIN).status_code == 200
        assert api_client(user).get(XLSX).status_code == 200

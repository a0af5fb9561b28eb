"""Fixtures for the reader tests: every document is built here, none is checked in."""

import io
import os
import sys
import zipfile

import django
import pytest
from django.conf import settings
from django.utils import translation

# A no-op under the project's settings: lazy messages only need the i18n machinery.
if not settings.configured and not os.environ.get("DJANGO_SETTINGS_MODULE"):
    settings.configure(USE_I18N=True)
    django.setup()

CHINESE_LINES = [
    "关于加快推进金融科技发展的实施意见",
    "一、总体要求",
    "（一）市地方金融监管局牵头，2025年底前完成。",
    "二、重点任务",
    "（二）中国人民银行深圳市分行配合，持续推进。",
]


@pytest.fixture(autouse=True)
def _english():
    """Messages in their English source text, whatever LANGUAGE_CODE the project sets."""
    with translation.override("en"):
        yield


@pytest.fixture
def read(monkeypatch):
    """read_document, with a pass-through cleanup while the real one is not written yet."""
    try:
        import clauses.readers.cleanup  # noqa: F401
    except ModuleNotFoundError:
        stub = type(sys)("clauses.readers.cleanup")
        stub.clean_text = lambda text: text
        monkeypatch.setitem(sys.modules, "clauses.readers.cleanup", stub)
    from clauses.readers import read_document

    return read_document


@pytest.fixture
def docx_bytes() -> bytes:
    """A Word document: title, empty paragraph, a task table with merges, a nested table."""
    from docx import Document

    document = Document()
    document.add_paragraph("关于加快推进金融科技发展的实施意见")
    document.add_paragraph("")
    document.add_paragraph("一、重点任务")
    table = document.add_table(rows=4, cols=3)
    for cell, text in zip(table.rows[0].cells, ["序号", "任务", "牵头单位"], strict=True):
        cell.text = text
    for row, values in ((1, ["1", "推进数字人民币试点", "市地方金融监管局"]),):
        for cell, text in zip(table.rows[row].cells, values, strict=True):
            cell.text = text
    table.cell(2, 0).text = "2"
    table.cell(2, 1).text = "完善金融基础设施"
    # Vertical merge: the lead unit of task 2 spans rows 2 and 3.
    table.cell(2, 2).merge(table.cell(3, 2)).text = "中国人民银行深圳市分行"
    table.cell(3, 0).text = "3"
    table.cell(3, 1).text = "优化跨境金融服务"
    document.add_paragraph("二、保障措施")
    summary = document.add_table(rows=2, cols=2)
    # Horizontal merge: one heading cell across both columns.
    summary.cell(0, 0).merge(summary.cell(0, 1)).text = "任务汇总"
    summary.cell(1, 0).text = "左"
    nested = summary.cell(1, 1).add_table(rows=1, cols=2)
    nested.cell(0, 0).text = "嵌套甲"
    nested.cell(0, 1).text = "嵌套乙"
    document.add_paragraph("三、附则")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _pdf_canvas():
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buffer = io.BytesIO()
    return buffer, canvas.Canvas(buffer)


@pytest.fixture
def chinese_pdf_bytes() -> bytes:
    """Four pages of Chinese text in STSong-Light with a running header and page numbers."""
    buffer, pdf = _pdf_canvas()
    for number, line in enumerate(CHINESE_LINES[1:], start=1):
        pdf.setFont("STSong-Light", 10)
        pdf.drawString(72, 800, "深圳市人民政府办公厅文件")
        pdf.setFont("STSong-Light", 14)
        if number == 1:
            pdf.drawString(72, 740, CHINESE_LINES[0])
        pdf.drawString(72, 700, line)
        pdf.setFont("STSong-Light", 10)
        pdf.drawString(280, 40, f"— {number} —")
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


@pytest.fixture
def scanned_pdf_bytes() -> bytes:
    """Two pages with drawings only, like a scan: no text layer at all."""
    buffer, pdf = _pdf_canvas()
    for _ in range(2):
        pdf.rect(72, 72, 400, 600, fill=1)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def encrypt_pdf(data: bytes, *, user_password: str) -> bytes:
    """Re-save a PDF with AES-128 encryption and the given user password."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="AES-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def blank_pdf(pages: int) -> bytes:
    """A PDF of empty pages, to test the page limit cheaply."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def zip_of_spaces(megabytes: int) -> bytes:
    """A .docx-shaped zip whose document.xml is `megabytes` MB of spaces, streamed in."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = b" " * (1024 * 1024)
            for _ in range(megabytes):
                member.write(chunk)
    return buffer.getvalue()


@pytest.fixture(scope="session")
def zip_bomb_docx() -> bytes:
    """300 MB of spaces in about 1.3 MB: over the 200 MB unpacked limit."""
    return zip_of_spaces(300)

"""The same policy text read from .docx, .html and .pdf gives the same breakdown as the .txt."""

import io

import pytest
from docx import Document

from clauses.parsing import to_gold_dict
from clauses.services import parse_file
from tests.conftest import seed


def _tasks(data: bytes, filename: str) -> list[tuple]:
    _result, parsed = parse_file(data=data, filename=filename)
    return [
        (doc["title"], task["label"], task["title"], tuple(task["units"]))
        for doc in to_gold_dict(parsed)["documents"]
        for task in doc["tasks"]
    ]


@pytest.fixture(scope="module")
def lines():
    return [line for line in seed("002").read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def expected():
    path = seed("002")
    tasks = _tasks(path.read_bytes(), path.name)
    assert len(tasks) == 32
    return tasks


def test_docx_paragraphs(lines, expected):
    document = Document()
    for line in lines:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    assert _tasks(buffer.getvalue(), "意见.docx") == expected


def test_html_page_with_chrome(lines, expected):
    body = "".join(f"<p>{line}</p>\n" for line in lines)
    page = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>政策文件</title>"
        "<script>var x = '（一）不是条款';</script><style>p{}</style></head><body>"
        "<nav>首页 &gt; 政策文件 &gt; 正文</nav>"
        "<div class='breadcrumb'>您当前所在位置：首页 &gt; 政务公开 &gt; 政策文件</div>"
        "<div>发布时间：2021-06-01　来源：市科技局　浏览次数：1024</div>"
        f"<article>{body}</article>"
        "<footer>主办单位：某市人民政府办公厅　联系电话：020-12345678　粤ICP备12345678号</footer>"
        "</body></html>"
    )
    assert _tasks(page.encode("utf-8"), "page.html") == expected


def test_pdf_with_hard_line_wraps_and_page_breaks(lines, expected):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    width = 38  # characters per printed line: paragraphs wrap as they do on paper
    y, page = 800, 1

    def new_page():
        nonlocal y, page
        pdf.setFont("STSong-Light", 9)
        pdf.drawCentredString(297, 30, f"— {page} —")
        pdf.showPage()
        page += 1
        y = 800

    for line in lines:
        for start in range(0, len(line), width):
            if y < 60:
                new_page()
            pdf.setFont("STSong-Light", 11)
            pdf.drawString(50, y, line[start : start + width])
            y -= 16
        y -= 8
    new_page()
    pdf.save()
    assert _tasks(buffer.getvalue(), "意见.pdf") == expected

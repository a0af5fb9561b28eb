"""PDFs: a Chinese text layer, running headers, encryption, scans, page limits."""

import pytest

from clauses.readers import ReaderError
from clauses.readers.pdf import drop_running_lines, extract_pdf

from .conftest import CHINESE_LINES, blank_pdf, encrypt_pdf


def test_chinese_text_layer_is_extracted(chinese_pdf_bytes):
    text = extract_pdf(chinese_pdf_bytes)
    for line in CHINESE_LINES:
        assert line in text
    # The running header and the page numbers are gone; every page starts a new line.
    assert "办公厅文件" not in text
    assert "—" not in text
    assert text.index("一、总体要求") < text.index("二、重点任务")


def test_read_document_on_pdf(read, chinese_pdf_bytes):
    result = read(chinese_pdf_bytes, "意见.pdf")
    assert result.format == "pdf"
    assert result.encoding is None
    assert "市地方金融监管局牵头" in result.text


def test_pdf_content_wins_over_a_docx_name(read, chinese_pdf_bytes):
    assert read(chinese_pdf_bytes, "意见.docx").format == "pdf"


def test_owner_password_only_is_readable(chinese_pdf_bytes):
    text = extract_pdf(encrypt_pdf(chinese_pdf_bytes, user_password=""))
    assert "二、重点任务" in text


def test_user_password_is_refused(read, chinese_pdf_bytes):
    with pytest.raises(ReaderError) as info:
        read(encrypt_pdf(chinese_pdf_bytes, user_password="secret"), "locked.pdf")
    assert info.value.code == "pdf_encrypted"
    assert str(info.value.message)


def test_scan_without_text_layer_needs_ocr(read, scanned_pdf_bytes):
    with pytest.raises(ReaderError) as info:
        read(scanned_pdf_bytes, "scan.pdf")
    assert info.value.code == "pdf_no_text"
    assert "OCR" in str(info.value.message)


def test_too_many_pages(read):
    with pytest.raises(ReaderError) as info:
        read(blank_pdf(2001), "huge.pdf")
    assert info.value.code == "pdf_too_many_pages"
    assert "2000" in str(info.value.message)


def test_page_limit_is_a_parameter():
    with pytest.raises(ReaderError) as info:
        extract_pdf(blank_pdf(4), max_pages=3)
    assert info.value.code == "pdf_too_many_pages"


@pytest.mark.parametrize(
    "data",
    [b"%PDF-1.7\n" + b"garbage " * 100, b"%PDF-1.4\n%%EOF"],
    ids=["garbage", "truncated"],
)
def test_damaged_pdf_is_invalid(read, data):
    with pytest.raises(ReaderError) as info:
        read(data, "damaged.pdf")
    assert info.value.code in {"pdf_invalid", "pdf_no_text"}
    assert str(info.value.message)


def test_pdf_name_on_other_content_is_invalid(read):
    with pytest.raises(ReaderError) as info:
        read("这不是PDF文件".encode(), "fake.pdf")
    assert info.value.code == "pdf_invalid"


def test_running_lines_need_most_pages():
    bodies = ["一、总体要求", "二、重点任务", "三、保障措施", "四、附则"]
    pages = [f"页眉\n{body}\n第 {n} 页" for n, body in enumerate(bodies, start=1)]
    assert drop_running_lines(pages) == bodies
    two = ["页眉\n甲", "页眉\n乙"]
    assert drop_running_lines(two) == two

"""Word documents: paragraphs and tables in order, merged cells, zip-bomb guard."""

import pytest

from clauses.readers import ReaderError
from clauses.readers.docx import check_archive, extract_docx

from .conftest import zip_of_spaces


def test_paragraphs_and_tables_in_document_order(docx_bytes):
    lines = extract_docx(docx_bytes).split("\n")
    assert lines == [
        "关于加快推进金融科技发展的实施意见",
        "一、重点任务",
        "序号 | 任务 | 牵头单位",
        "1 | 推进数字人民币试点 | 市地方金融监管局",
        "2 | 完善金融基础设施 | 中国人民银行深圳市分行",
        "3 | 优化跨境金融服务 | 中国人民银行深圳市分行",
        "二、保障措施",
        "任务汇总",
        "左",
        "嵌套甲 | 嵌套乙",
        "三、附则",
    ]


def test_horizontally_merged_cell_appears_once(docx_bytes):
    assert extract_docx(docx_bytes).count("任务汇总") == 1


def test_read_document_on_docx(read, docx_bytes):
    result = read(docx_bytes, "实施意见.docx")
    assert result.format == "docx"
    assert result.encoding is None
    assert "推进数字人民币试点" in result.text
    assert "嵌套乙" in result.text


def test_docx_content_wins_over_a_txt_name(read, docx_bytes):
    assert read(docx_bytes, "misnamed.txt").format == "docx"


def test_zip_bomb_is_refused_before_unpacking(read, zip_bomb_docx):
    assert len(zip_bomb_docx) < 2 * 1024 * 1024
    with pytest.raises(ReaderError) as info:
        read(zip_bomb_docx, "bomb.docx")
    assert info.value.code == "docx_too_large"
    assert "200" in str(info.value.message)


def test_absurd_compression_ratio_is_refused_under_the_size_limit():
    with pytest.raises(ReaderError) as info:
        check_archive(zip_of_spaces(20))
    assert info.value.code == "docx_too_large"
    assert str(info.value.message)


def test_size_limit_is_a_parameter(docx_bytes):
    with pytest.raises(ReaderError) as info:
        extract_docx(docx_bytes, max_uncompressed=1000)
    assert info.value.code == "docx_too_large"


def test_docx_with_broken_xml_is_invalid(read, docx_bytes):
    import io
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(docx_bytes))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "word/document.xml":
                data = data[: len(data) // 2]
            target.writestr(item, data)
    with pytest.raises(ReaderError) as info:
        read(buffer.getvalue(), "broken.docx")
    assert info.value.code == "docx_invalid"
    assert str(info.value.message)

"""Plain-text files in the encodings Chinese offices actually produce."""

import time

import pytest

from clauses.readers.text import decode_text, tidy_lines

from .conftest import CHINESE_LINES

TEXT = "\r\n".join(CHINESE_LINES) + "\r\n"


@pytest.mark.parametrize(
    ("raw", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (TEXT.encode("utf-8-sig"), "utf-8-sig"),
        (TEXT.encode("gb18030"), "gb18030"),
        (TEXT.encode("gbk"), "gb18030"),
        (TEXT.encode("gb2312"), "gb18030"),
        (TEXT.encode("utf-16"), "utf-16-le"),  # Python writes a LE BOM
        (b"\xfe\xff" + TEXT.encode("utf-16-be"), "utf-16-be"),
        (TEXT.encode("utf-16-le"), "utf-16-le"),
        (TEXT.encode("utf-16-be"), "utf-16-be"),
    ],
    ids=[
        "utf8",
        "utf8-bom",
        "gb18030",
        "gbk",
        "gb2312",
        "utf16le-bom",
        "utf16be-bom",
        "utf16le",
        "utf16be",
    ],
)
def test_encodings_decode_to_the_same_text(read, raw, encoding):
    result = read(raw, "意见.txt")
    assert result.format == "txt"
    assert result.encoding == encoding
    for line in CHINESE_LINES:
        assert line in result.text
    assert "\r" not in result.text


def test_bomless_utf16_with_few_ascii_characters():
    # 一, 开 and 最 are U+xx00 characters: their NUL byte sits on the "wrong" side.
    text = "一开最统一部署，进一步开展工作。" * 200 + "\n"
    for encoding in ("utf-16-le", "utf-16-be"):
        assert decode_text(text.encode(encoding)) == (text, encoding)


def test_gb18030_four_byte_characters():
    text = "㐀䶵 深圳市𠀀\n"  # CJK extension A and B need GB18030, not GBK
    assert decode_text(text.encode("gb18030")) == (text, "gb18030")


def test_sha256_is_of_the_raw_bytes(read):
    import hashlib

    raw = TEXT.encode("gbk")
    assert read(raw, "a.txt").sha256 == hashlib.sha256(raw).hexdigest()


def test_tidy_lines_normalises_breaks_and_debris():
    raw = "\ufeff标题\r\n\r\n\r\n\r\n第一段\x00\u3000 \r第二段\x0c第三段\n\n"
    assert tidy_lines(raw) == "标题\n\n第一段\n第二段\n第三段"


def test_tidy_lines_keeps_indentation():
    assert tidy_lines("　　一、总体要求\n　　二、重点任务") == "　　一、总体要求\n　　二、重点任务"


def test_reading_60_kb_of_text_is_fast(read):
    raw = ("（一）市地方金融监管局牵头，各区人民政府配合，2025年底前完成。\n" * 700).encode()
    assert 55_000 < len(raw) < 70_000
    read(raw, "a.txt")  # warm up imports
    start = time.perf_counter()
    for _ in range(10):
        decode_text(raw)
        tidy_lines(raw.decode())
    assert (time.perf_counter() - start) / 10 < 0.02


def test_file_cut_mid_character_is_kept():
    raw = "\n".join(CHINESE_LINES * 20).encode("utf-8")[:-1]
    text, encoding = decode_text(raw)
    assert encoding == "utf-8"
    assert text.endswith("\ufffd")
    assert CHINESE_LINES[0] in text


def test_gbk_with_one_damaged_byte_is_kept():
    raw = bytearray("\n".join(CHINESE_LINES * 20).encode("gbk"))
    raw[100] = 0xFF
    text, encoding = decode_text(bytes(raw))
    assert encoding == "gb18030"
    assert 1 <= text.count("\ufffd") <= 2  # one damaged character, one or two marks

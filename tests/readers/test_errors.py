"""Bad input: every failure is a ReaderError with a stable code and a readable message."""

import io
import random
import zipfile

import pytest
from django.utils import translation

from clauses.readers import MAX_BYTES, ReaderError, read_path
from clauses.readers.errors import MESSAGES

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _zip(**members: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name.replace("__", "/"), data)
    return buffer.getvalue()


BAD_INPUTS = {
    "empty": (b"", "a.txt", "empty"),
    "whitespace only": (b" \r\n\t\r\n", "a.txt", "empty"),
    "random bytes": (random.Random(1).randbytes(64 * 1024), "a.txt", "binary"),
    "random bytes no name": (random.Random(2).randbytes(4096), "", "binary"),
    "docx not a zip": ("这是纯文本，不是Word文档。".encode(), "意见.docx", "not_docx"),
    "docx truncated zip": (b"PK\x03\x04" + b"\x00" * 100, "意见.docx", "not_docx"),
    "zip not a docx": (_zip(**{"xl__workbook.xml": b"<workbook/>"}), "意见.docx", "docx_invalid"),
    "xlsx": (_zip(**{"xl__workbook.xml": b"<workbook/>"}), "分解表.xlsx", "unsupported_type"),
    "old doc": (OLE2 + random.Random(3).randbytes(4096), "意见.doc", "unsupported_type"),
    "old doc renamed docx": (OLE2 + b"\x00" * 4096, "意见.docx", "unsupported_type"),
    "wps by name": ("文字".encode(), "意见.wps", "unsupported_type"),
    "rtf": (rb"{\rtf1\ansi\deff0 {\fonttbl} hello}", "意见.doc", "unsupported_type"),
    "encrypted docx": (
        OLE2 + b"\x00" * 512 + "EncryptedPackage".encode("utf-16-le"),
        "意见.docx",
        "docx_encrypted",
    ),
    "bad utf-8 after bom": (b"\xef\xbb\xbf\xff\xfe\xfa", "a.txt", "unknown_encoding"),
}


@pytest.mark.parametrize(("data", "filename", "code"), BAD_INPUTS.values(), ids=BAD_INPUTS)
def test_bad_input(read, data, filename, code):
    with pytest.raises(ReaderError) as info:
        read(data, filename)
    assert info.value.code == code
    assert str(info.value.message).strip()


def test_unsupported_type_names_the_type(read):
    with pytest.raises(ReaderError) as info:
        read(OLE2 + b"\x00" * 4096, "意见.docx")
    assert ".doc)" in str(info.value.message)


def test_one_byte_over_the_limit_is_refused_before_parsing(read):
    data = b"%PDF-1.7\n" + b"a" * (MAX_BYTES + 1 - 9)
    assert len(data) == 20 * 1024 * 1024 + 1
    with pytest.raises(ReaderError) as info:
        read(data, "big.pdf")
    assert info.value.code == "too_large"
    assert "20 MB" in str(info.value.message)


def test_exactly_the_limit_is_accepted(read):
    assert read(b"x" * 1000, "a.txt", max_bytes=1000).text == "x" * 1000
    with pytest.raises(ReaderError) as info:
        read(b"x" * 1001, "a.txt", max_bytes=1000)
    assert info.value.code == "too_large"


def test_read_path_checks_size_without_reading(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as file:
        file.truncate(MAX_BYTES + 1)  # sparse: nothing is written to disk
    with pytest.raises(ReaderError) as info:
        read_path(path)
    assert info.value.code == "too_large"


def test_read_path_reads_a_file(tmp_path, read):
    path = tmp_path / "意见.txt"
    path.write_bytes("一、总体要求\n".encode("gbk"))
    assert read_path(path).text == "一、总体要求"


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_every_message_renders(code):
    error = ReaderError(code, limit="20", ext=".doc")
    rendered = str(error.message)
    assert rendered.strip()
    assert "{" not in rendered


def test_messages_are_lazy():
    error = ReaderError("too_large", limit="20")
    with translation.override("zh-hans"):
        assert str(error.message).strip()
    assert str(error.message) == "The file is larger than 20 MB."


def test_unknown_code_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown reader error code"):
        ReaderError("nope")


def _mutations(data: bytes, seed: int, count: int = 25):
    rng = random.Random(seed)
    for _ in range(count):
        mutated = bytearray(data)
        choice = rng.random()
        if choice < 0.4:
            del mutated[rng.randrange(len(mutated)) :]
        else:
            for _ in range(rng.randint(1, 20)):
                mutated[rng.randrange(len(mutated))] = rng.randrange(256)
        yield bytes(mutated)


@pytest.mark.parametrize("fixture", ["docx_bytes", "chinese_pdf_bytes"])
def test_damaged_files_raise_only_reader_errors(read, request, fixture):
    data = request.getfixturevalue(fixture)
    name = "x.docx" if fixture == "docx_bytes" else "x.pdf"
    for mutated in _mutations(data, seed=7):
        try:
            read(mutated, name)
        except ReaderError as error:
            assert str(error.message).strip()

"""Attachments are checked by content: real files pass, renamed or hostile ones are refused."""

import hashlib
import io
import struct
import zipfile
import zlib

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from reportlab.pdfgen import canvas

from tracker.attachments import CheckedFile, check_attachment, safe_name
from tracker.errors import DomainError

MB = 1024 * 1024
LIMIT = 20 * MB


@pytest.fixture(autouse=True)
def english():
    """Messages are compared with their English msgids, whatever LANGUAGE_CODE says."""
    with translation.override("en"):
        yield


def make_pdf() -> bytes:
    """A one-page PDF drawn by reportlab."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(100, 750, "Progress report")
    page.save()
    return buffer.getvalue()


def make_docx() -> bytes:
    """A Word document written by python-docx."""
    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("Progress report")
    document.save(buffer)
    return buffer.getvalue()


def make_zip(members: dict[str, bytes]) -> bytes:
    """A deflated zip holding ``members`` in the given order."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def make_xlsx() -> bytes:
    """The smallest zip that looks like a workbook: content types and the workbook part."""
    return make_zip(
        {
            "[Content_Types].xml": b'<?xml version="1.0"?><Types/>',
            "xl/workbook.xml": b'<?xml version="1.0"?><workbook/>',
        }
    )


def make_png() -> bytes:
    """A valid 1×1 red PNG built from its chunks."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def make_jpeg() -> bytes:
    """The start of a JFIF JPEG and its end marker; enough for a content check."""
    app0 = b"\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    return b"\xff\xd8" + app0 + b"\xff\xd9"


class CountingFile(io.BytesIO):
    """A file without ``.size`` that remembers how many bytes were read from it."""

    bytes_read = 0

    def read(self, size=-1):
        data = super().read(size)
        self.bytes_read += len(data)
        return data


class HugeUpload:
    """An upload that declares 30 MB and must never be read."""

    size = 30 * MB

    def read(self, size=-1):
        raise AssertionError("a declared oversize upload must not be read")

    def seek(self, offset, whence=0):
        raise AssertionError("a declared oversize upload must not be touched")


def refused(name: str, content: bytes, max_bytes: int = LIMIT) -> DomainError:
    """Check ``content`` under ``name`` and return the DomainError it must raise."""
    with pytest.raises(DomainError) as caught:
        check_attachment(name=name, file=io.BytesIO(content), max_bytes=max_bytes)
    return caught.value


@pytest.mark.parametrize(
    ("name", "build", "content_type", "extension"),
    [
        ("报告.pdf", make_pdf, "application/pdf", "pdf"),
        (
            "进展情况.docx",
            make_docx,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "docx",
        ),
        (
            "台账.xlsx",
            make_xlsx,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ),
        ("现场.png", make_png, "image/png", "png"),
        ("现场.jpg", make_jpeg, "image/jpeg", "jpg"),
        ("现场.JPEG", make_jpeg, "image/jpeg", "jpeg"),
    ],
)
def test_real_files_of_every_allowed_kind_pass(name, build, content_type, extension):
    content = build()
    checked = check_attachment(name=name, file=io.BytesIO(content), max_bytes=LIMIT)
    assert checked == CheckedFile(
        name=safe_name(name),
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        extension=extension,
    )


def test_django_upload_passes_and_is_rewound_for_saving():
    content = make_pdf()
    upload = SimpleUploadedFile("报告.pdf", content, content_type="text/plain")
    upload.read(10)
    checked = check_attachment(name=upload.name, file=upload, max_bytes=LIMIT)
    assert checked.content_type == "application/pdf"  # the browser's claim is ignored
    assert checked.sha256 == hashlib.sha256(content).hexdigest()
    assert upload.tell() == 0
    assert upload.read() == content


def test_file_is_rewound_after_a_refusal():
    file = io.BytesIO(b"MZ" + b"\x00" * 200)
    with pytest.raises(DomainError):
        check_attachment(name="report.pdf", file=file, max_bytes=LIMIT)
    assert file.tell() == 0


def test_windows_program_renamed_pdf_is_refused():
    error = refused("report.pdf", b"MZ\x90\x00" + b"\x00" * 500)
    assert error.code == "attachment_type"
    assert "report.pdf" in str(error.message)
    assert "PDF, DOCX, XLSX, JPG, PNG" in str(error.message)


def test_text_file_renamed_png_is_refused():
    assert refused("photo.png", "这不是图片。".encode() * 50).code == "attachment_type"


def test_real_png_named_pdf_is_refused_for_the_mismatch():
    error = refused("report.pdf", make_png())
    assert error.code == "attachment_type"
    assert "named .pdf but its content is a PNG file" in str(error.message)


def test_file_without_extension_is_refused_even_with_good_content():
    error = refused("report", make_pdf())
    assert error.code == "attachment_type"
    assert "no file extension" in str(error.message)


def test_workbook_named_docx_is_refused():
    assert refused("report.docx", make_xlsx()).code == "attachment_type"


def test_plain_zip_named_docx_is_refused():
    content = make_zip({"[Content_Types].xml": b"<Types/>", "notes.txt": b"hello"})
    error = refused("report.docx", content)
    assert error.code == "attachment_type"
    assert "not a valid Word or Excel file" in str(error.message)


def test_truncated_docx_is_refused():
    assert refused("report.docx", make_docx()[:3000]).code == "attachment_type"


def test_zip_bomb_docx_is_refused():
    content = make_zip(
        {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"\x00" * (10 * MB)}
    )
    assert len(content) < 100_000
    error = refused("report.docx", content, max_bytes=200_000)
    assert error.code == "attachment_type"
    assert "unpacks to more than" in str(error.message)


def test_empty_file_is_refused():
    error = refused("report.pdf", b"")
    assert error.code == "attachment_empty"
    assert "report.pdf" in str(error.message)


def test_declared_oversize_upload_is_refused_without_reading_it():
    with pytest.raises(DomainError) as caught:
        check_attachment(name="scan.pdf", file=HugeUpload(), max_bytes=LIMIT)
    assert caught.value.code == "attachment_too_large"
    assert str(caught.value.message) == "scan.pdf is 30 MB; the limit is 20 MB."


def test_oversize_stream_is_read_only_one_byte_past_the_limit():
    file = CountingFile(make_pdf() + b"\x00" * (5 * MB))
    with pytest.raises(DomainError) as caught:
        check_attachment(name="scan.pdf", file=file, max_bytes=MB)
    assert caught.value.code == "attachment_too_large"
    assert file.bytes_read == MB + 1
    assert str(caught.value.message) == "scan.pdf is larger than the limit of 1 MB."


def test_file_of_exactly_the_limit_passes():
    content = make_pdf()
    checked = check_attachment(name="a.pdf", file=io.BytesIO(content), max_bytes=len(content))
    assert checked.size == len(content)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\x\\报告.pdf", "报告.pdf"),
        ("/tmp/../报告 (终稿).docx", "报告 (终稿).docx"),
        ("re\x00po\x1frt\u202e.pdf", "report.pdf"),
        ("...hidden.pdf", "hidden.pdf"),
        ("..", "attachment"),
        ("", "attachment"),
        ("\x07\x08.pdf", "attachment.pdf"),
        (".pdf", "attachment.pdf"),
        ("Report.PDF", "Report.pdf"),
        ('a<b>:c|d?"e*.xlsx', "a_b__c_d__e_.xlsx"),
        ("trailing dots. . .", "trailing dots"),
    ],
)
def test_safe_name_keeps_only_a_harmless_base_name(name, expected):
    assert safe_name(name) == expected


def test_safe_name_shortens_long_names_to_100_characters_keeping_the_extension():
    result = safe_name("关于" * 150 + ".docx")
    assert len(result) == 100
    assert result == "关于" * 47 + "关.docx"


def test_safe_name_does_not_mistake_a_long_suffix_for_an_extension():
    result = safe_name("a." + "b" * 300)
    assert len(result) == 100
    assert result.startswith("a.bbb")

"""Uploads under attack: size limits at the proxy and in Django, page-count and zip bombs,
hostile file names, and attachments that only their readers can download.

Limits are lowered per test (settings are read at request time), so no test sends megabytes.
"""

import io
import math
import re
import shutil
import subprocess
import zipfile
import zlib
from datetime import UTC, datetime, timedelta

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import encode_multipart
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfgen import canvas

from tests.conftest import REPO, api_client, has_chinese, table_counts
from tests.tracker.helpers import pdf_bytes
from tracker import attachments
from tracker.attachments import (
    FileNameSafeStorage,
    RequestSizeLimitHandler,
    RequestTooLarge,
    check_attachment,
    safe_name,
)
from tracker.errors import DomainError
from tracker.models import ProgressReport
from tracker.services import ReportInput, create_report

NGINX_CONF = REPO / "deploy" / "nginx.conf"
MB = 1024 * 1024
LIMIT = 20 * MB


@pytest.fixture
def media(settings, tmp_path):
    """Uploads land in an empty folder of their own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def refused(name: str, content: bytes, **kwargs) -> DomainError:
    """Check ``content`` under ``name`` (English messages) and return the error it must raise."""
    with translation.override("en"), pytest.raises(DomainError) as caught:
        check_attachment(name=name, file=io.BytesIO(content), max_bytes=LIMIT, **kwargs)
    return caught.value


def accepted(name: str, content: bytes, **kwargs):
    return check_attachment(name=name, file=io.BytesIO(content), max_bytes=LIMIT, **kwargs)


@pytest.fixture
def no_pypdf(monkeypatch):
    """Fail the test if the check opens the file with pypdf (the costly path)."""

    def forbidden(*args, **kwargs):
        raise AssertionError("pypdf must not be needed for this file")

    monkeypatch.setattr(attachments, "PdfReader", forbidden)


@pytest.fixture
def no_page_walk(monkeypatch):
    """Fail the test if pypdf is asked for the pages themselves (walking the page tree)."""
    from pypdf import PdfReader

    def walk(self):
        raise AssertionError("the page tree must not be walked")

    monkeypatch.setattr(PdfReader, "pages", property(walk))


# --- PDF builders ------------------------------------------------------------------------------


def pdf_of(objects: list[bytes]) -> bytes:
    """A PDF with a classic cross-reference table holding ``objects`` (1 is the catalog)."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1))
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"


def pdf_claiming(pages: int) -> bytes:
    """One real page under a page tree that declares ``pages``."""
    return pdf_of([CATALOG, b"<< /Type /Pages /Kids [3 0 R] /Count %d >>" % pages, PAGE])


def pdf_with_pages(pages: int) -> bytes:
    """``pages`` real pages in one flat page tree (keys in the order reportlab writes them)."""
    kids = b" ".join(b"%d 0 R" % (3 + n) for n in range(pages))
    tree = b"<< /Count %d /Kids [%s] /Type /Pages >>" % (pages, kids)
    return pdf_of([CATALOG, tree, *[PAGE] * pages])


def pdf_compressed(pages: int) -> bytes:
    """A PDF 1.5 whose page tree sits in a compressed object stream (as Word exports it),
    found through a cross-reference stream: invisible in the raw bytes."""
    inner = [(2, b"<< /Type /Pages /Kids [3 0 R] /Count %d >>" % pages), (3, PAGE)]
    body, index = b"", []
    for number, obj in inner:
        index.append(b"%d %d" % (number, len(body)))
        body += obj + b" "
    head = b" ".join(index) + b" "
    stream = zlib.compress(head + body)
    out = io.BytesIO()
    out.write(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    catalog_at = out.tell()
    out.write(b"1 0 obj\n%s\nendobj\n" % CATALOG)
    objstm_at = out.tell()
    out.write(
        b"4 0 obj\n<< /Type /ObjStm /N 2 /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
        % (len(head), len(stream))
        + stream
        + b"\nendstream\nendobj\n"
    )
    xref_at = out.tell()
    rows = [(0, 0, 65535), (1, catalog_at, 0), (2, 4, 0), (2, 4, 1), (1, objstm_at, 0)]
    rows.append((1, xref_at, 0))
    table = b"".join(bytes([t]) + a.to_bytes(4, "big") + b.to_bytes(2, "big") for t, a, b in rows)
    out.write(
        b"5 0 obj\n<< /Type /XRef /Size 6 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n"
        % len(table)
        + table
        + b"\nendstream\nendobj\n"
    )
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref_at)
    return out.getvalue()


def reportlab_pdf(pages: int = 1, encrypt=None) -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, encrypt=encrypt)
    for n in range(pages):
        page.drawString(72, 720, f"第{n + 1}页")
        page.showPage()
    page.save()
    return buffer.getvalue()


# --- PDF page-count bombs ----------------------------------------------------------------------


def test_a_pdf_declaring_ten_million_pages_is_refused_from_its_page_tree(no_pypdf):
    error = refused("报告.pdf", pdf_claiming(10_000_000), max_pages=2000)
    assert error.code == "attachment_too_many_pages"
    assert str(error.message) == "报告.pdf has 10000000 pages; the limit is 2000."
    assert error.extra == {"name": "报告.pdf", "pages": 10_000_000, "limit": 2000}


def test_a_pdf_of_100000_real_pages_is_refused_without_reading_the_pages(no_pypdf):
    content = pdf_with_pages(100_000)
    assert len(content) > 5 * MB
    error = refused("扫描件.pdf", content, max_pages=2000)
    assert error.code == "attachment_too_many_pages"
    assert error.extra["pages"] == 100_000


def test_a_compressed_page_tree_is_read_with_pypdf_without_walking_it(no_page_walk):
    error = refused("导出.pdf", pdf_compressed(10_000_000), max_pages=2000)
    assert error.code == "attachment_too_many_pages"
    assert error.extra["pages"] == 10_000_000
    # the same structure with one page is a normal PDF 1.5 file
    assert accepted("导出.pdf", pdf_compressed(1), max_pages=2000).content_type == "application/pdf"


def test_the_page_limit_counts_real_pages_and_defaults_to_the_setting(settings):
    content = reportlab_pdf(pages=3)
    assert accepted("a.pdf", content, max_pages=3).size == len(content)
    assert refused("a.pdf", content, max_pages=2).extra["pages"] == 3
    settings.ATTACHMENT_MAX_PAGES = 2
    assert refused("a.pdf", content).code == "attachment_too_many_pages"


def test_a_pdf_that_needs_a_password_is_refused_but_a_permissions_only_one_passes():
    locked = reportlab_pdf(encrypt=StandardEncryption("secret", "owner"))
    error = refused("加密.pdf", locked)
    assert error.code == "attachment_type"
    assert "protected by a password" in str(error.message)
    # an owner password alone (printing or copying restricted) opens without asking
    assert accepted("受限.pdf", reportlab_pdf(encrypt=StandardEncryption("", "owner")))


def test_a_damaged_pdf_is_refused():
    error = refused("坏.pdf", b"%PDF-1.4\n" + b"garbage " * 100)
    assert error.code == "attachment_type"
    assert "damaged or not a valid PDF" in str(error.message)


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.4\n" + b"<</Count 1>>" * 30_000,  # keys enough to make a slow scan
        b"%PDF-1.4\n" + b"1 0 obj\n" * 30_000,  # objects enough to make pypdf slow
        b"%PDF-1.4\n" + b"0000000000 00000 n\r\n" * 30_000,  # cross-reference entries
        b"%PDF-1.4\n<< /Type /XRef /Size 99999999 >>\n",  # declared objects
    ],
    ids=["count-keys", "object-headers", "xref-entries", "declared-size"],
)
def test_pdfs_built_to_be_slow_to_check_are_refused_before_any_parsing(no_pypdf, content):
    error = refused("炸弹.pdf", content)
    assert error.code == "attachment_type"
    assert "too complex to be checked" in str(error.message)


def test_megabytes_of_junk_after_a_pdf_header_are_refused_without_pypdf(no_pypdf):
    # no cross-reference table where startxref points: pypdf would scan it all to rebuild one
    junk = b"%PDF-1.4\n" + b"/Type/Pages garbage " * 50_000 + b"\nstartxref\n9\n%%EOF\n"
    assert "damaged" in str(refused("垃圾.pdf", junk).message)


# --- zip bombs as Word and Excel files ---------------------------------------------------------


def make_zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_a_zip_bomb_xlsx_over_twenty_times_the_limit_is_refused():
    content = make_zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": bytes(10 * MB)})
    with translation.override("en"), pytest.raises(DomainError) as caught:
        check_attachment(name="台账.xlsx", file=io.BytesIO(content), max_bytes=200_000)
    assert caught.value.code == "attachment_type"
    assert "unpacks to more than" in str(caught.value.message)


def test_a_docx_with_thousands_of_members_is_refused_before_its_directory_is_read(monkeypatch):
    # given a smaller bound, to keep the test small (the real one is 1 MB of directory)
    monkeypatch.setattr(attachments, "_ZIP_DIRECTORY_MAX", 4096)
    members = {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<document/>"}
    members.update({f"word/media/{n}.png": b"" for n in range(200)})

    def no_directory_read(*args, **kwargs):
        raise AssertionError("the central directory must not be parsed")

    monkeypatch.setattr(zipfile.ZipFile, "_RealGetContents", no_directory_read)
    error = refused("报告.docx", make_zip(members))
    assert error.code == "attachment_type"
    assert "too many files" in str(error.message)


def test_a_real_word_document_is_far_below_the_directory_bound():
    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("进展情况")
    document.save(buffer)
    end = zipfile._EndRecData(io.BytesIO(buffer.getvalue()))
    assert end[zipfile._ECD_SIZE] * 100 < attachments._ZIP_DIRECTORY_MAX
    assert accepted("进展.docx", buffer.getvalue()).extension == "docx"


# --- file names --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\Windows\\System32\\cmd.exe", "cmd.exe"),
        ("/var/lib/duban/../../报告.pdf", "报告.pdf"),
        ("报\x00告.pdf", "报告.pdf"),
        ("a\r\nb\x1b[31m.pdf", "ab[31m.pdf"),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),  # right-to-left override removed
        ("CON.pdf", "_CON.pdf"),
        ("nul.docx", "_nul.docx"),
        ("com1.xlsx", "_com1.xlsx"),
        ("LPT9.pdf", "_LPT9.pdf"),
        ("con.tar.gz", "_con.tar.gz"),
        ("CON .pdf", "_CON.pdf"),
        ("CONIN$.pdf", "_CONIN$.pdf"),
        ("console.pdf", "console.pdf"),  # only the exact device names
        ("AUX", "_AUX"),
        (". .", "attachment"),
    ],
)
def test_safe_name_neutralises_hostile_names(name, expected):
    assert safe_name(name) == expected


@pytest.mark.parametrize(
    "name",
    [
        "关于" * 300 + ".docx",
        "𠮷" * 300 + ".pdf",  # CJK Extension B: four bytes each
        "a" * 5000,
        "/" * 300 + "x.pdf",
        "\x00" * 300,
        "CON." + "b" * 300,
    ],
)
def test_safe_name_is_short_plain_and_never_a_path(name):
    result = safe_name(name)
    assert 0 < len(result) <= 100
    assert not set(result) & set('/\\\x00<>:"|?*') and result not in (".", "..")
    assert result.isprintable()


def test_stored_names_fit_the_file_system_in_bytes(media):
    # Django cuts stored names to 100 characters; 80 four-byte characters are 320 bytes,
    # more than ext4 allows in a name
    storage = FileNameSafeStorage(location=media)
    name = storage.save(f"attachments/2026/11/{'𠮷' * 95}.pdf", io.BytesIO(b"%PDF-1.4"))
    stored = name.rsplit("/", 1)[1]
    assert len(stored.encode()) <= 200 and stored.endswith(".pdf") and stored.startswith("𠮷")
    again = storage.save(f"attachments/2026/11/{'𠮷' * 95}.pdf", io.BytesIO(b"%PDF-1.4"))
    assert again != name and len(again.rsplit("/", 1)[1].encode()) <= 255


def test_an_attachment_with_a_long_rare_character_name_is_stored(world, media):
    content = pdf_bytes()
    report = create_report(
        assignment=world.lead,
        by=world.staff,
        data=ReportInput(
            progress="平台已上线。",
            percent=30,
            attachments=[("𠮷" * 120 + ".pdf", SimpleUploadedFile("x.pdf", content))],
        ),
    )
    item = report.attachments.get()
    assert item.name == "𠮷" * 96 + ".pdf"  # shown and downloaded under its full safe name
    assert item.file.read() == content


# --- request size limits -----------------------------------------------------------------------


def nginx_directive(name: str) -> list[str]:
    text = NGINX_CONF.read_text(encoding="utf-8")
    return re.findall(rf"^\s*{name}\s+([^;]+);", text, re.M)


def test_nginx_body_limit_matches_the_django_setting(settings):
    megabytes = math.ceil(settings.MAX_REQUEST_BYTES / MB)
    assert nginx_directive("client_max_body_size") == [f"{megabytes}m"]
    # the Chinese refusals nginx answers with name the same figure
    text = NGINX_CONF.read_text(encoding="utf-8")
    assert re.findall(r"超过 (\d+) MB", text) == [str(megabytes)] * 2


def test_the_request_limit_fits_a_full_report_and_a_document(settings):
    assert (
        settings.MAX_REQUEST_BYTES > settings.ATTACHMENT_MAX_BYTES * settings.ATTACHMENTS_PER_REPORT
    )
    assert settings.MAX_REQUEST_BYTES > settings.MAX_UPLOAD_BYTES


def test_nginx_sets_the_headers_django_trusts_and_leaves_security_headers_to_django():
    headers = dict(h.split(None, 1) for h in nginx_directive("proxy_set_header"))
    assert headers["X-Forwarded-Proto"] == "$scheme"
    assert headers["X-Forwarded-For"] == "$proxy_add_x_forwarded_for"
    added = " ".join(nginx_directive("add_header"))
    for header in ("Strict-Transport-Security", "Content-Security-Policy", "X-Frame-Options"):
        assert header not in added
    text = NGINX_CONF.read_text(encoding="utf-8")
    assert re.search(r"location /media/ \{\s*return 404;", text)


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed")
def test_nginx_accepts_the_configuration(tmp_path):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "duban.example.gov.cn")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    (tmp_path / "c.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "k.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    site = (
        NGINX_CONF.read_text(encoding="utf-8")
        .replace("web:8000", "127.0.0.1:8000")  # no "web" host to resolve here
        .replace("/etc/nginx/tls/duban.crt", str(tmp_path / "c.pem"))
        .replace("/etc/nginx/tls/duban.key", str(tmp_path / "k.pem"))
    )
    (tmp_path / "duban.conf").write_text(site, encoding="utf-8")
    temp = " ".join(f"{kind}_temp_path {tmp_path / kind};" for kind in ("proxy", "fastcgi"))
    (tmp_path / "main.conf").write_text(
        f"pid {tmp_path / 'nginx.pid'}; error_log {tmp_path / 'error.log'};\n"
        f"events {{}}\nhttp {{ client_body_temp_path {tmp_path / 'body'}; {temp}\n"
        f"uwsgi_temp_path {tmp_path / 'uwsgi'}; scgi_temp_path {tmp_path / 'scgi'};\n"
        f"include {tmp_path / 'duban.conf'}; }}\n"
    )
    result = subprocess.run(
        ["nginx", "-t", "-p", str(tmp_path), "-c", str(tmp_path / "main.conf")],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr


def multipart(size: int, **fields) -> tuple[bytes, str]:
    """A multipart body with one ``size``-byte PDF-looking file, and its content type."""
    boundary = "BoUnDaRy"
    files = {"attachments": SimpleUploadedFile("证明.pdf", b"%PDF-1.4\n" + bytes(size))}
    body = encode_multipart(boundary, {**fields, **files})
    return body, f"multipart/form-data; boundary={boundary}"


def test_an_api_body_over_the_request_limit_gets_413_and_nothing_is_written(world, media, settings):
    settings.MAX_REQUEST_BYTES = 64 * 1024
    body, content_type = multipart(100 * 1024, progress="平台已上线。", percent="30")
    before = table_counts()

    response = api_client(world.staff).generic(
        "POST", f"/api/v1/assignments/{world.lead.pk}/reports/", body, content_type
    )

    assert response.status_code == 413
    payload = response.json()
    assert payload["code"] == "request_too_large"
    assert has_chinese(payload["detail"]) and "0.1 MB" in payload["detail"]
    assert table_counts() == before
    assert not media.exists() or not any(media.rglob("*.pdf"))


def test_a_page_body_over_the_request_limit_gets_400_not_500(world, client, media, settings):
    settings.MAX_REQUEST_BYTES = 64 * 1024
    client.force_login(world.supervisor)
    body, content_type = multipart(100 * 1024, jurisdiction="深圳市")
    before = table_counts()
    response = client.generic("POST", reverse("clauses:upload"), body, content_type)
    assert response.status_code == 400
    assert table_counts() == before


def test_the_limit_is_checked_on_the_declared_length_before_reading(settings):
    settings.MAX_REQUEST_BYTES = 1000

    class Unreadable:
        def read(self, *args):
            raise AssertionError("the body must not be read")

    handler = RequestSizeLimitHandler()
    with pytest.raises(RequestTooLarge):
        handler.handle_raw_input(Unreadable(), {}, 1001, b"x")
    assert handler.handle_raw_input(Unreadable(), {}, 1000, b"x") is None


def test_an_attachment_over_its_limit_is_refused_by_the_api_in_chinese(world, media, settings):
    settings.ATTACHMENT_MAX_BYTES = 64 * 1024
    big = SimpleUploadedFile("证明材料.pdf", pdf_bytes() + bytes(100 * 1024))
    before = table_counts()
    response = api_client(world.staff).post(
        f"/api/v1/assignments/{world.lead.pk}/reports/",
        {"progress": "平台已上线。", "percent": 30, "attachments": [big]},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "attachment_too_large"
    assert has_chinese(response.json()["detail"])
    assert table_counts() == before
    assert not ProgressReport.objects.exists()


def test_a_document_over_the_import_limit_is_refused_in_chinese(world, client, settings):
    settings.MAX_UPLOAD_BYTES = 64 * 1024
    text = (
        "深圳市关于促进科技金融的若干措施\n\n一、主要任务\n\n" + "（一）建设平台。" * 10_000
    ).encode()
    assert len(text) > 64 * 1024
    before = table_counts()

    api = api_client(world.supervisor).post(
        "/api/v1/documents/preview/",
        {"file": SimpleUploadedFile("plan.txt", text)},
        format="multipart",
    )
    assert api.status_code == 400
    assert api.json()["code"] == "too_large" and has_chinese(api.json()["detail"])

    client.force_login(world.supervisor)
    page = client.post(reverse("clauses:upload"), {"file": SimpleUploadedFile("plan.txt", text)})
    assert page.status_code == 400
    messages = [str(m) for m in page.context["messages"]]
    assert len(messages) == 1 and has_chinese(messages[0])
    assert table_counts() == before


# --- who may download an attachment ------------------------------------------------------------


@pytest.fixture
def attachment(world, media):
    report = create_report(
        assignment=world.lead,
        by=world.staff,
        data=ReportInput(
            progress="平台已上线。",
            percent=30,
            attachments=[("证明材料.pdf", SimpleUploadedFile("a.pdf", pdf_bytes()))],
        ),
    )
    return report.attachments.get()


def test_the_unit_downloads_its_attachment_as_a_file_not_a_page(world, client, attachment):
    client.force_login(world.staff)
    response = client.get(reverse("tracker:attachment", args=[attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_an_anonymous_visitor_is_sent_to_sign_in_and_gets_no_bytes(client, attachment):
    url = reverse("tracker:attachment", args=[attachment.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not getattr(response, "streaming", False)


@pytest.mark.parametrize("who", ["other_staff", "co_staff", "other_supervisor"])
def test_someone_outside_the_reports_scope_gets_404(world, client, attachment, who):
    # the co-unit reads the lead unit's status but not its reports, hence its attachments
    client.force_login(getattr(world, who))
    assert client.get(reverse("tracker:attachment", args=[attachment.pk])).status_code == 404


def test_no_url_serves_the_media_folder(world, client, attachment, settings):
    stored = attachment.file.name  # e.g. attachments/2026/11/证明材料.pdf
    assert (settings.MEDIA_ROOT / stored).exists()
    client.force_login(world.admin)
    for path in (
        f"/{settings.MEDIA_URL}{stored}",
        f"/static/../{settings.MEDIA_URL}{stored}",
        f"/{settings.STATIC_URL}{stored}",
    ):
        assert client.get(path).status_code == 404, path
    with pytest.raises(Resolver404):
        resolve(f"/{settings.MEDIA_URL}{stored}")

"""Checking report attachments by their content, not by their name.

Units upload evidence (scans, Word and Excel files, photos) that supervisors open on office
computers. A renamed program, a damaged or booby-trapped Office file or a PDF page-count bomb
must be refused at upload, with a message that tells the clerk what to do instead. Also here:
the request size limit every upload passes first, and the storage that keeps stored file names
within what the file system allows.
"""

import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadhandler import FileUploadHandler
from django.utils.translation import gettext
from pypdf import PdfReader
from rest_framework import status
from rest_framework.exceptions import APIException

from tracker.errors import DomainError

# Kind -> canonical content type. jpg and jpeg are the same kind.
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "jpg": "image/jpeg",
    "png": "image/png",
}
_EXTENSION_KIND = {
    "pdf": "pdf",
    "docx": "docx",
    "xlsx": "xlsx",
    "jpg": "jpg",
    "jpeg": "jpg",
    "png": "png",
}
# What filetype.guess may answer for each kind; OOXML files are decided by their zip members.
_GUESSED_KIND = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/apng": "png",  # an animated PNG is still a valid PNG
    "application/zip": "zip",
    CONTENT_TYPES["docx"]: "zip",
    CONTENT_TYPES["xlsx"]: "zip",
}
_OOXML_MAIN_PART = {"word/document.xml": "docx", "xl/workbook.xml": "xlsx"}
_KINDS_TEXT = "PDF, DOCX, XLSX, JPG, PNG"
_HEAD_BYTES = 8192
_CHUNK = 64 * 1024
_MB = 1024 * 1024
_ZIP_RATIO = 20
# A zip's central directory lists its members; zipfile reads all of it into objects. Real Word
# and Excel files need a few kilobytes; 200,000 empty members in 17 MB would cost seconds of CPU
# and 100 MB of memory before any other check could refuse them.
_ZIP_DIRECTORY_MAX = 1024 * 1024
_MAX_NAME = 100
_UNSAFE_CHARS = re.compile(r'[<>:"/\\|?*]')
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,10}$")
# Names Windows reserves for devices, whatever the extension: a download named CON.pdf or
# nul.docx cannot be saved there.
_WINDOWS_RESERVED = re.compile(
    r"^(CON|PRN|AUX|NUL|CONIN\$|CONOUT\$|COM[0-9¹²³]|LPT[0-9¹²³])\s*(\.|$)", re.IGNORECASE
)
# PDF tokens read from the raw bytes: a page-tree node (/Type /Pages), its /Count, an /Encrypt
# entry, the declared number of objects (/Size), and the angle brackets that delimit dictionaries.
_PDF_PAGES_TYPE = re.compile(rb"/Type\s*/Pages(?![A-Za-z])")
_PDF_COUNT = re.compile(rb"/Count\s+(\d{1,15})")
_PDF_ENCRYPTED = re.compile(rb"/Encrypt\s*[0-9<]")
_PDF_SIZE = re.compile(rb"/Size\s+(\d{1,15})")
_BRACKET = re.compile(rb"[<>]")
# Bounds that keep the check of a hostile PDF to a fraction of a second. Real documents have a
# /Count per page-tree node and per bookmark with children, one /Size per saved revision.
_PDF_MAX_COUNT_KEYS = 20_000
_PDF_MAX_SIZE_KEYS = 200
# pypdf reads every cross-reference entry (tens of microseconds each): a PDF it must open may
# have or declare at most this many objects.
_PDF_MAX_OBJECTS = 20_000
# The end of a PDF, where "startxref" gives the offset of the cross-reference table (a table,
# "xref", or a stream object, "12 0 obj").
_PDF_TAIL = 64 * 1024
_PDF_STARTXREF = re.compile(rb"startxref\s+(\d{1,15})")
_PDF_XREF_AT = re.compile(rb"\s*(xref|\d{1,10}\s+\d{1,5}\s+obj)")


@dataclass(frozen=True)
class CheckedFile:
    """An attachment that passed the checks: safe name, real content type, size and digest."""

    name: str
    content_type: str
    size: int
    sha256: str
    extension: str


def safe_name(name: str) -> str:
    """Reduce an uploaded file name to a harmless base name of at most 100 characters.

    Browsers may send full client paths, and hostile clients send "../" or control
    characters; Chinese names are the norm and are kept. The extension is kept (lowercased)
    when shortening, and a name left empty becomes "attachment" plus the extension.
    """
    base = re.split(r"[/\\]", unicodedata.normalize("NFC", name))[-1]
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C")
    match = _EXTENSION.search(base)
    extension = match.group().lower() if match else ""
    stem = base[: match.start()] if match else base
    stem = _UNSAFE_CHARS.sub("_", stem).strip().lstrip(".").rstrip(". ")
    stem = stem[: _MAX_NAME - len(extension)].rstrip(". ") or "attachment"
    if _WINDOWS_RESERVED.match(stem):
        stem = "_" + stem[: _MAX_NAME - len(extension) - 1]
    return stem + extension


def _megabytes(size: int) -> str:
    """Format a byte count as megabytes for messages, e.g. "30" or "2.5".

    Clerks think in MB; one decimal is plenty and tiny limits do not show as "0".
    """
    return f"{max(size / _MB, 0.1):.1f}".removesuffix(".0")


def _too_large(name: str, max_bytes: int, size: int | None) -> DomainError:
    """Build the error for a file over the limit; ``size`` is None when it was not read fully.

    A file refused by its declared size is never read, so its exact size may be unknown.
    """
    limit = _megabytes(max_bytes)
    if size is None:
        text = gettext("{name} is larger than the limit of {limit} MB.").format(
            name=name, limit=limit
        )
    else:
        text = gettext("{name} is {size} MB; the limit is {limit} MB.").format(
            name=name, size=_megabytes(size), limit=limit
        )
    return DomainError("attachment_too_large", text, name=name, max_bytes=max_bytes, size=size)


def _wrong_type(name: str, text: str) -> DomainError:
    """Build the ``attachment_type`` error, always listing the accepted kinds.

    Every type refusal tells the clerk what would have been accepted.
    """
    accepted = gettext("Accepted file types: {kinds}.").format(kinds=_KINDS_TEXT)
    return DomainError("attachment_type", f"{text} {accepted}", name=name, kinds=_KINDS_TEXT)


def _read(file, name: str, max_bytes: int) -> tuple[bytes, int, str]:
    """Read ``file`` in chunks, returning (head bytes, size, sha256 hex digest).

    Stops one byte past ``max_bytes`` so an oversized stream is never read to its end.
    """
    file.seek(0)
    digest, head, size = hashlib.sha256(), b"", 0
    while size <= max_bytes:
        chunk = file.read(min(_CHUNK, max_bytes + 1 - size))
        if not chunk:
            break
        if len(head) < _HEAD_BYTES:
            head += chunk[: _HEAD_BYTES - len(head)]
        digest.update(chunk)
        size += len(chunk)
    if size > max_bytes:
        raise _too_large(name, max_bytes, None)
    return head, size, digest.hexdigest()


def _ooxml_kind(file, name: str, max_bytes: int) -> str:
    """Return "docx" or "xlsx" from the zip's members, refusing damaged or bomb-like zips.

    A zip whose contents claim more than 20 times the upload limit would exhaust memory in
    whoever opens it later; zipfile readers stop at the declared sizes, so checking those
    is enough.
    """
    file.seek(0)
    try:
        # zipfile's own reader of the end record (private, but the very record ZipFile() will
        # use), so an oversized directory is refused before ZipFile() parses it.
        end = zipfile._EndRecData(file)
        if end is not None and end[zipfile._ECD_SIZE] > _ZIP_DIRECTORY_MAX:
            text = gettext("{name} holds too many files to be a Word or Excel document.")
            raise _wrong_type(name, text.format(name=name))
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError):
        members = []
    if sum(member.file_size for member in members) > _ZIP_RATIO * max_bytes:
        text = gettext("{name} unpacks to more than {limit} MB and looks unsafe.")
        raise _wrong_type(name, text.format(name=name, limit=_megabytes(_ZIP_RATIO * max_bytes)))
    names = {member.filename for member in members}
    kinds = [kind for part, kind in _OOXML_MAIN_PART.items() if part in names]
    if len(kinds) != 1:
        text = gettext("{name} is not a valid Word or Excel file.").format(name=name)
        raise _wrong_type(name, text)
    return kinds[0]


def _page_tree_counts(data: bytes) -> list[int]:
    """The /Count of every uncompressed page-tree node (/Type /Pages dictionary) in ``data``.

    A key belongs to the dictionary level around it: the bytes between the nearest angle
    brackets before and after it. Each level is searched once however many keys it holds, so
    the scan is linear in the size; the caller bounds the number of keys.
    """
    counts, end, is_tree = [], -1, False
    for match in _PDF_COUNT.finditer(data):
        at = match.start()
        if at > end:  # a level not seen yet
            start = max(data.rfind(b"<", end + 1, at), data.rfind(b">", end + 1, at), end)
            after = _BRACKET.search(data, at)
            end = after.start() if after else len(data)
            is_tree = _PDF_PAGES_TYPE.search(data, start + 1, end) is not None
        if is_tree:
            counts.append(int(match.group(1)))
    return counts


def _too_many_objects(data: bytes) -> bool:
    """Whether a PDF has or declares more objects than pypdf may be asked to read.

    Byte counts (C speed) and a scan bounded by one of them: a file made of nothing but
    "/Size 1" or "1 0 obj" costs no more to refuse than a real one costs to pass.
    """
    if data.count(b"/Size") > _PDF_MAX_SIZE_KEYS:
        return True
    if any(int(size.group(1)) > _PDF_MAX_OBJECTS for size in _PDF_SIZE.finditer(data)):
        return True
    headers = data.count(b" obj") + data.count(b"\tobj")
    # cross-reference entries: "0000012345 00000 n" and a two-byte end of line
    entries = sum(
        data.count(kind + eol) for kind in (b" n", b" f") for eol in (b"\r\n", b" \n", b" \r")
    )
    return max(headers, entries) > _PDF_MAX_OBJECTS


def _has_cross_references(data: bytes) -> bool:
    """Whether the last startxref points at a cross-reference table or stream.

    Without one pypdf rebuilds the table by scanning the whole file for objects, which takes
    seconds on megabytes of junk; such a file is damaged anyway.
    """
    tail_start = max(0, len(data) - _PDF_TAIL)
    found = _PDF_STARTXREF.findall(data, tail_start)
    if not found:
        return False
    offset = int(found[-1])
    return offset < len(data) and _PDF_XREF_AT.match(data, offset) is not None


def _pdf_page_count(data: bytes, name: str) -> int:
    """The page count a PDF declares in its page tree, read without walking the tree.

    Viewers and converters allocate per declared page, so a PDF claiming ten million pages is
    a bomb whatever it really holds. The root of an uncompressed page tree is found in the raw
    bytes. Only a PDF whose tree sits in compressed object streams, or an encrypted one, is
    opened with pypdf, which reads the cross-reference table and the catalog but never the
    pages. A PDF that is too complex to check cheaply, needs a password to open or cannot be
    read is refused: the supervisor could not open it either.
    """
    too_complex = gettext("{name} is too complex to be checked. Save it again as a simple PDF.")
    if data.count(b"/Count") > _PDF_MAX_COUNT_KEYS:
        raise _wrong_type(name, too_complex.format(name=name))
    counts = _page_tree_counts(data)
    if counts and not _PDF_ENCRYPTED.search(data):
        return max(counts)
    if _too_many_objects(data):
        raise _wrong_type(name, too_complex.format(name=name))
    damaged = gettext("{name} is damaged or not a valid PDF file.").format(name=name)
    if not _has_cross_references(data):
        raise _wrong_type(name, damaged)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            text = gettext("{name} is protected by a password. Upload it without the password.")
            raise _wrong_type(name, text.format(name=name))
        count = int(reader.trailer["/Root"]["/Pages"]["/Count"])
    except DomainError:
        raise
    except Exception:  # whatever a damaged or hostile file makes the parser raise
        raise _wrong_type(name, damaged) from None
    return max([count, *counts])


def check_attachment(
    *, name: str, file, max_bytes: int, max_pages: int | None = None
) -> CheckedFile:
    """Check an uploaded attachment by content and return its safe name, type, size and digest.

    ``file`` is a Django UploadedFile or any binary file with read(), seek() and tell(); its
    position is back at 0 afterwards so the caller can save it. Raises DomainError with code
    ``attachment_empty``, ``attachment_too_large``, ``attachment_type`` or
    ``attachment_too_many_pages`` (a PDF over ``max_pages``, by default
    settings.ATTACHMENT_MAX_PAGES): names lie (a program renamed .pdf), content does not.
    """
    if max_pages is None:
        max_pages = settings.ATTACHMENT_MAX_PAGES
    clean = safe_name(name)
    declared = getattr(file, "size", None)
    if declared is not None and declared > max_bytes:
        raise _too_large(clean, max_bytes, declared)
    try:
        head, size, sha256 = _read(file, clean, max_bytes)
        if size == 0:
            text = gettext("{name} is empty. Choose the file again.").format(name=clean)
            raise DomainError("attachment_empty", text, name=clean)
        guessed = filetype.guess(head)
        kind = _GUESSED_KIND.get(guessed.mime) if guessed else None
        if kind is None:
            text = gettext("{name} is not a file type we accept.").format(name=clean)
            raise _wrong_type(clean, text)
        if kind == "zip":
            kind = _ooxml_kind(file, clean, max_bytes)
        extension = PurePath(clean).suffix.lower().lstrip(".")
        if _EXTENSION_KIND.get(extension) != kind:
            if extension:
                text = gettext("{name} is named .{extension} but its content is a {kind} file.")
            else:
                text = gettext("{name} has no file extension but its content is a {kind} file.")
            text = text.format(name=clean, extension=extension, kind=kind.upper())
            hint = gettext("Upload the intended file or correct its name.")
            raise _wrong_type(clean, f"{text} {hint}")
        if kind == "pdf":
            file.seek(0)
            pages = _pdf_page_count(file.read(), clean)
            if pages > max_pages:
                text = gettext("{name} has {pages} pages; the limit is {limit}.").format(
                    name=clean, pages=pages, limit=max_pages
                )
                raise DomainError(
                    "attachment_too_many_pages", text, name=clean, pages=pages, limit=max_pages
                )
    finally:
        file.seek(0)
    return CheckedFile(clean, CONTENT_TYPES[kind], size, sha256, extension)


class RequestTooLarge(RequestDataTooBig, APIException):
    """A request body over settings.MAX_REQUEST_BYTES, refused before it is read.

    Both kinds at once: pages answer Django's SuspiciousOperation with HTTP 400, and the API
    answers this APIException with 413 and ``{"code": "request_too_large", "detail": …}``.
    """

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "request_too_large"

    def __init__(self, limit: int):
        text = gettext(
            "The upload is larger than the limit of {limit} MB. Send fewer or smaller files "
            "at a time."
        ).format(limit=_megabytes(limit))
        APIException.__init__(self, {"code": self.default_code, "detail": text})


class RequestSizeLimitHandler(FileUploadHandler):
    """Refuse a multipart request larger than settings.MAX_REQUEST_BYTES before reading it.

    Django limits a form's fields (DATA_UPLOAD_MAX_MEMORY_SIZE) but streams files of any size
    to disk; the services refuse a large file only after that. First in FILE_UPLOAD_HANDLERS,
    this looks at the declared length only, for when no proxy in front enforces the limit.
    """

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length > settings.MAX_REQUEST_BYTES:
            raise RequestTooLarge(settings.MAX_REQUEST_BYTES)

    def receive_data_chunk(self, raw_data, start):
        return raw_data  # the next handler stores the data

    def file_complete(self, file_size):
        return None


class FileNameSafeStorage(FileSystemStorage):
    """The file system storage, with stored names that fit any file system's name limit.

    Django shortens a stored name to the field's 100 characters, but file systems count
    bytes (255 on ext4): 80 characters of CJK Extension B (𠮷, 4 bytes each in UTF-8) do not
    fit and the upload failed with an error 500. The stored file name is cut to 200 bytes,
    keeping its extension, which leaves room for the suffix Django adds to a name taken.
    """

    max_name_bytes = 200

    def get_available_name(self, name, max_length=None):
        folder, _slash, base = name.rpartition("/")
        if len(base.encode()) > self.max_name_bytes:
            stem, dot, extension = base.rpartition(".")
            suffix = f".{extension}" if dot and stem and len(extension) <= 10 else ""
            stem = base[: len(base) - len(suffix)]
            budget = self.max_name_bytes - len(suffix.encode())
            base = stem.encode()[:budget].decode(errors="ignore") + suffix  # whole characters
            name = f"{folder}/{base}" if folder else base
        return super().get_available_name(name, max_length=max_length)

"""Checking report attachments by their content, not by their name.

Units upload evidence (scans, Word and Excel files, photos) that supervisors open on office
computers. A renamed program or a damaged or booby-trapped Office file must be refused at
upload, with a message that tells the clerk what to do instead.
"""

import hashlib
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

import filetype
from django.utils.translation import gettext

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
_MAX_NAME = 100
_UNSAFE_CHARS = re.compile(r'[<>:"/\\|?*]')
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,10}$")


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
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
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


def check_attachment(*, name: str, file, max_bytes: int) -> CheckedFile:
    """Check an uploaded attachment by content and return its safe name, type, size and digest.

    ``file`` is a Django UploadedFile or any binary file with read(), seek() and tell(); its
    position is back at 0 afterwards so the caller can save it. Raises DomainError with code
    ``attachment_empty``, ``attachment_too_large`` or ``attachment_type``: names lie (a
    program renamed .pdf), content does not.
    """
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
    finally:
        file.seek(0)
    extension = PurePath(clean).suffix.lower().lstrip(".")
    if _EXTENSION_KIND.get(extension) != kind:
        if extension:
            text = gettext("{name} is named .{extension} but its content is a {kind} file.")
        else:
            text = gettext("{name} has no file extension but its content is a {kind} file.")
        text = text.format(name=clean, extension=extension, kind=kind.upper())
        hint = gettext("Upload the intended file or correct its name.")
        raise _wrong_type(clean, f"{text} {hint}")
    return CheckedFile(clean, CONTENT_TYPES[kind], size, sha256, extension)

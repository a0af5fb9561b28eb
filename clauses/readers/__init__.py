"""Readers: turn an uploaded policy document (.txt, .docx, .pdf, .html) into plain text.

The format is detected from the content, extracted by the matching reader, normalised, then
passed through ``clean_text`` (page-break and web-chrome repair) for ``clauses.parsing``.
Every problem with the file is a ``ReaderError`` with a stable ``code`` and a translated
``message`` that can be shown to the supervisor as is.
"""

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .detect import detect_format
from .errors import ReaderError, megabytes
from .text import decode_text, tidy_lines

__all__ = ["MAX_BYTES", "ReadResult", "ReaderError", "read_document", "read_path"]

MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class ReadResult:
    """The text of a document with what is known about its source bytes.

    ``sha256`` is of the raw upload so that importing the same file twice can be recognised;
    ``encoding`` is None for formats that carry their own (docx, pdf).
    """

    text: str
    format: str
    encoding: str | None
    sha256: str


def read_document(data: bytes, filename: str, *, max_bytes: int = MAX_BYTES) -> ReadResult:
    """Read an uploaded document and return its cleaned text.

    The size is checked before anything parses the bytes; ``filename`` is only a hint, the
    content decides the format. Raises ReaderError and nothing else for a bad file.
    """
    data = bytes(data)
    if len(data) > max_bytes:
        raise ReaderError("too_large", limit=megabytes(max_bytes))
    if not data:
        raise ReaderError("empty")
    fmt = detect_format(data, filename)
    text, encoding = _EXTRACTORS[fmt](data)
    text = tidy_lines(text)
    if not text.strip():
        raise ReaderError("empty")
    # Imported here: cleanup is written separately and this package must import without it.
    from .cleanup import clean_text

    return ReadResult(
        text=clean_text(text),
        format=fmt,
        encoding=encoding,
        sha256=hashlib.sha256(data).hexdigest(),
    )


def read_path(path: str | os.PathLike[str], *, max_bytes: int = MAX_BYTES) -> ReadResult:
    """Read a document from disk, as for management commands and tests.

    The size is checked on the open file before it is read, so a huge file is refused
    without loading it; an unreadable path raises OSError as usual.
    """
    path = Path(path)
    with path.open("rb") as file:
        if os.fstat(file.fileno()).st_size > max_bytes:
            raise ReaderError("too_large", limit=megabytes(max_bytes))
        data = file.read(max_bytes + 1)
    return read_document(data, path.name, max_bytes=max_bytes)


def _read_txt(data: bytes) -> tuple[str, str | None]:
    return decode_text(data)


def _read_docx(data: bytes) -> tuple[str, str | None]:
    from .docx import extract_docx

    return extract_docx(data), None


def _read_pdf(data: bytes) -> tuple[str, str | None]:
    from .pdf import extract_pdf

    return extract_pdf(data), None


def _read_html(data: bytes) -> tuple[str, str | None]:
    from .html import extract_html

    return extract_html(data)


_EXTRACTORS: dict[str, Callable[[bytes], tuple[str, str | None]]] = {
    "txt": _read_txt,
    "docx": _read_docx,
    "pdf": _read_pdf,
    "html": _read_html,
}

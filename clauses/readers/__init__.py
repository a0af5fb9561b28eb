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

__all__ = [
    "MAX_BYTES",
    "MAX_ITEMS",
    "MAX_LINES",
    "MAX_TEXT_CHARS",
    "ReadResult",
    "ReaderError",
    "check_text_size",
    "read_document",
    "read_path",
]

MAX_BYTES = 20 * 1024 * 1024
# Limits on the extracted text, well above any policy document (the longest plans run to some
# 100,000 characters, a few thousand lines and a few hundred numbered items), so that a file
# made to be expensive is refused at once instead of occupying a worker: the cleanup and the
# parser do real work per line and per numbered item.
MAX_TEXT_CHARS = 1_000_000
MAX_LINES = 10_000
MAX_ITEMS = 1_000


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
    check_text_size(text)
    # Imported here: cleanup is written separately and this package must import without it.
    from .cleanup import clean_text

    text = clean_text(text)
    if not text:
        raise ReaderError("empty")  # nothing but page numbers or web-page chrome
    return ReadResult(
        text=text,
        format=fmt,
        encoding=encoding,
        sha256=hashlib.sha256(data).hexdigest(),
    )


def check_text_size(text: str) -> None:
    """Refuse a text too long, or with too many lines or numbered items, to be one document.

    Runs before the cleanup and the parser, whose cost grows with the lines and numbered items
    (each clause has its note, units, dates and targets read), so that their time stays small
    whatever the file holds. Raises ReaderError "text_too_long", "too_many_lines" or
    "too_many_items".
    """
    if len(text) > MAX_TEXT_CHARS:
        raise ReaderError("text_too_long", limit=f"{MAX_TEXT_CHARS:,}")
    lines = [line for line in text.split("\n") if line.strip()]
    if len(lines) > MAX_LINES:
        raise ReaderError("too_many_lines", limit=f"{MAX_LINES:,}")
    from clauses.parsing.text import match_label

    items = 0
    for line in lines:
        line = line.strip()
        if match_label(line) is not None or _is_table_row(line):
            items += 1
            if items > MAX_ITEMS:
                raise ReaderError("too_many_items", limit=f"{MAX_ITEMS:,}")


def _is_table_row(line: str) -> bool:
    """A row of a flattened table, as the readers write it (cells joined by tabs or bars)."""
    return "\t" in line or line.count("|") >= 2 or line.count("｜") >= 2


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

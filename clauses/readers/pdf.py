"""PDF reader: the text layer, page by page, without the running headers and footers.

Pages are joined with a newline so that the cleanup step can mend a sentence the page
break cut in two. Scans have no text layer and are refused with a hint to OCR them: an
empty document would otherwise look like a document without tasks.
"""

import io
import re
from collections import Counter

from .errors import ReaderError

MAX_PAGES = 2000
# Below this many visible characters a PDF is treated as a scan (a scanner app's
# watermark or a stamp's caption is all such a file has).
_MIN_TEXT_CHARS = 20
# A header or footer line repeats on at least this share of the pages (and on 3 or more).
_REPEAT_SHARE = 0.6
_EDGE_LINES = 2
_DIGITS_RE = re.compile(r"\d+")


def extract_pdf(data: bytes, *, max_pages: int = MAX_PAGES) -> str:
    """Return the text layer of a PDF, one page after the other.

    Raises ReaderError "pdf_invalid", "pdf_encrypted" (a password is needed to open it),
    "pdf_too_many_pages" or "pdf_no_text"; an owner password that only restricts printing
    or copying does not stop reading.
    """
    from pypdf import PasswordType, PdfReader

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise ReaderError("pdf_encrypted")
        page_count = len(reader.pages)
    except ReaderError:
        raise
    except Exception as exc:  # pypdf raises many types, and DependencyError for odd ciphers
        code = "pdf_encrypted" if _is_encryption_error(exc) else "pdf_invalid"
        raise ReaderError(code) from exc
    if page_count > max_pages:
        raise ReaderError("pdf_too_many_pages", limit=max_pages)
    pages = []
    for page in reader.pages:
        try:
            pages.append(page.extract_text() or "")
        except Exception as exc:  # a broken page must not silently drop its tasks
            raise ReaderError("pdf_invalid") from exc
    pages = drop_running_lines(pages)
    text = "\n".join(page.rstrip("\n") for page in pages)
    if sum(not char.isspace() for char in text) < _MIN_TEXT_CHARS:
        raise ReaderError("pdf_no_text")
    return text


def drop_running_lines(pages: list[str]) -> list[str]:
    """Remove header and footer lines that repeat at the top or bottom of most pages.

    Digits are ignored when comparing, so "第 3 页" and "- 12 -" count as the same line on
    every page; only the first and last two lines of a page are candidates, so a sentence
    of the body that happens to repeat is kept.
    """
    if len(pages) < 3:
        return pages
    split = [[line for line in page.splitlines() if line.strip()] for page in pages]
    counts: Counter[str] = Counter()
    for lines in split:
        counts.update({_key(line) for line in _edges(lines)})
    threshold = max(3, _REPEAT_SHARE * len(pages))
    running = {key for key, count in counts.items() if key and count >= threshold}
    if not running:
        return pages
    result = []
    for lines in split:
        top = len(lines[:_EDGE_LINES])
        bottom = max(top, len(lines) - _EDGE_LINES)
        kept = [
            line
            for index, line in enumerate(lines)
            if top <= index < bottom or _key(line) not in running
        ]
        result.append("\n".join(kept))
    return result


def _edges(lines: list[str]) -> list[str]:
    return lines[:_EDGE_LINES] + lines[_EDGE_LINES:][-_EDGE_LINES:]


def _key(line: str) -> str:
    return _DIGITS_RE.sub("#", "".join(line.split()))


def _is_encryption_error(exc: Exception) -> bool:
    from pypdf.errors import DependencyError, FileNotDecryptedError, WrongPasswordError

    return isinstance(exc, DependencyError | FileNotDecryptedError | WrongPasswordError)

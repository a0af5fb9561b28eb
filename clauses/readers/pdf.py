"""PDF reader: the text layer, page by page, without the running headers and footers.

Pages are joined with a newline so that the cleanup step can mend a sentence the page
break cut in two. Scans have no text layer and are refused with a hint to OCR them: an
empty document would otherwise look like a document without tasks.
"""

import io
import itertools
import re
from array import array
from collections import Counter

from .errors import ReaderError, megabytes

MAX_PAGES = 2000
# Decoded page content (drawing instructions) of the whole file. pypdf reads it in pure Python
# at a few microseconds per byte, and a content stream compresses a thousandfold, so a small
# file can hold minutes of work; a text page of a policy document holds some 10-20 KB.
MAX_CONTENT_BYTES = 2 * 1024 * 1024
# Nesting of dictionaries and arrays, and depth of the page tree: real files stay in single
# digits, while a file nested thousands deep sends pypdf into slow recovery.
_MAX_NESTING = 64
# Page-tree nodes visited before the file is refused: pages plus the nodes that group them.
_MAX_TREE_NODES = 4 * MAX_PAGES + 100
_STREAM_RE = re.compile(rb"stream\r?\n.*?endstream", re.DOTALL)
# Possessive: a run of plain bytes is taken at once, so a long string costs no backtracking.
_STRING_RE = re.compile(rb"\((?:[^\\()]++|\\.)*+\)", re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"{}[]")
_DEPTH_STEPS = bytes.maketrans(b"{[}]", b"\x01\x01\xff\xff")  # +1 and -1 as signed bytes
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

    if too_deeply_nested(data):
        raise ReaderError("pdf_invalid")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise ReaderError("pdf_encrypted")
        check_page_tree(reader, max_pages=max_pages)
        page_count = len(reader.pages)
    except ReaderError:
        raise
    except Exception as exc:  # pypdf raises many types, and DependencyError for odd ciphers
        code = "pdf_encrypted" if _is_encryption_error(exc) else "pdf_invalid"
        raise ReaderError(code) from exc
    if page_count > max_pages:
        raise ReaderError("pdf_too_many_pages", limit=max_pages)
    pages = []
    content_bytes = 0
    try:
        # Decoding is fast and bounded by pypdf; reading the instructions is what costs, so
        # the whole file's budget is checked before any page is read.
        for page in reader.pages:
            content_bytes += _content_size(page)
            if content_bytes > MAX_CONTENT_BYTES:
                raise ReaderError("pdf_too_complex", limit=megabytes(MAX_CONTENT_BYTES))
        for page in reader.pages:
            pages.append(page.extract_text() or "")
    except ReaderError:
        raise
    except Exception as exc:  # a broken page must not silently drop its tasks
        raise ReaderError("pdf_invalid") from exc
    pages = drop_running_lines(pages)
    text = "\n".join(page.rstrip("\n") for page in pages)
    if sum(not char.isspace() for char in text) < _MIN_TEXT_CHARS:
        raise ReaderError("pdf_no_text")
    return text


def too_deeply_nested(data: bytes, *, limit: int = _MAX_NESTING) -> bool:
    """Whether the file's dictionaries and arrays (outside streams) nest deeper than ``limit``.

    Works on the raw bytes at C speed: stream bodies and literal strings (whose UTF-16 text
    holds bracket bytes) are dropped and everything but the brackets deleted. Rounds that
    remove the innermost pairs shrink a real file to almost nothing, each lowering the depth
    by one; the running depth of what is left is then scanned.
    """
    marks = _STREAM_RE.sub(b" ", data)
    marks = _STRING_RE.sub(b" ", marks).replace(b"<<", b"{").replace(b">>", b"}")
    marks = marks.translate(None, _NOT_BRACKETS)
    rounds = 0
    while marks and rounds < 8:
        shorter = marks.replace(b"{}", b"").replace(b"[]", b"")
        if len(shorter) == len(marks):
            break
        rounds, shrunk, marks = rounds + 1, len(shorter) * 4 < len(marks) * 3, shorter
        if not shrunk:
            break  # deep, not wide: rounds would each take one level off a long string
    left = limit - rounds
    if len(marks) <= left:
        return False
    depths = itertools.accumulate(array("b", marks.translate(_DEPTH_STEPS)))
    # left.__ge__ keeps the scan in C; it stops at the first depth over the limit.
    return next(itertools.dropwhile(left.__ge__, depths), None) is not None


def check_page_tree(reader, *, max_pages: int = MAX_PAGES) -> None:
    """Walk the page tree before pypdf does, refusing a file with too many pages quickly.

    pypdf flattens the whole tree first, which for tens of thousands of pages (or a declared
    count of billions) takes far longer than reading a real document; a loop or an absurd
    depth in the tree makes the file invalid.
    """
    from pypdf.generic import DictionaryObject, IndirectObject

    root = reader.trailer["/Root"].get_object()
    tree = root["/Pages"].get_object()
    declared = tree.get("/Count")
    if isinstance(declared, int) and declared > max_pages:
        raise ReaderError("pdf_too_many_pages", limit=max_pages)
    # Kids are resolved only when visited, so a refusal never reads more than the limit.
    stack = [(tree, 0)]
    seen: set[int] = set()
    pages = nodes = 0
    while stack:
        node, depth = stack.pop()
        if isinstance(node, IndirectObject):
            if node.idnum in seen:
                raise ReaderError("pdf_invalid")  # a loop in the tree
            seen.add(node.idnum)
            node = node.get_object()
        nodes += 1
        if depth > _MAX_NESTING or nodes > _MAX_TREE_NODES:
            raise ReaderError("pdf_invalid")
        kids = node.get("/Kids") if isinstance(node, DictionaryObject) else None
        if kids is None or node.get("/Type") == "/Page":
            pages += 1
            if pages > max_pages:
                raise ReaderError("pdf_too_many_pages", limit=max_pages)
            continue
        stack.extend((kid, depth + 1) for kid in reversed(kids.get_object()))


def _content_size(page) -> int:
    """Decoded bytes of a page's content streams and of the form XObjects it draws."""
    from pypdf.generic import ArrayObject

    size = 0
    contents = page.get("/Contents")
    contents = contents.get_object() if contents is not None else None
    streams = contents if isinstance(contents, ArrayObject) else [contents]
    for stream in streams:
        stream = stream.get_object() if stream is not None else None
        if stream is not None and hasattr(stream, "get_data"):
            size += len(stream.get_data())
    resources = page.get("/Resources")
    resources = resources.get_object() if resources is not None else None
    xobjects = resources.get("/XObject") if hasattr(resources, "get") else None
    xobjects = xobjects.get_object() if xobjects is not None else None
    for ref in (xobjects or {}).values():
        xobject = ref.get_object()
        if hasattr(xobject, "get_data") and xobject.get("/Subtype") == "/Form":
            size += len(xobject.get_data())
    return size


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

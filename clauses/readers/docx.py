"""Word (.docx) reader: body paragraphs and tables in document order.

Policy documents carry their task breakdown in tables, so a table row becomes one line with
its cells joined by " | " and the columns stay readable for the parser. The zip is checked
before python-docx opens it, because an upload is untrusted and a .docx is an archive.
"""

import io
import zipfile

import docx
from docx.oxml.ns import qn

from .errors import ReaderError, megabytes

MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
# Real document parts compress at most ~50:1; a zip bomb of spaces reaches ~1000:1.
_MAX_RATIO = 200
_RATIO_MIN_SIZE = 5 * 1024 * 1024
_MAX_MEMBERS = 10_000

CELL_SEPARATOR = " | "

_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
W_P, W_TBL, W_TR, W_TC, W_T = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc"), qn("w:t")
# Containers that only wrap blocks, rows, cells or runs (content controls, custom XML,
# smart tags, tracked insertions, hyperlinks, simple fields).
_WRAPPERS = frozenset(
    qn(f"w:{name}")
    for name in ("sdt", "sdtContent", "customXml", "smartTag", "ins", "hyperlink", "fldSimple")
)
_RUN_SPECIALS = {
    qn("w:tab"): "\t",
    qn("w:ptab"): "\t",
    qn("w:br"): "\n",
    qn("w:cr"): "\n",
    qn("w:noBreakHyphen"): "-",
}
# Never text of the paragraph itself: properties, deleted text, and drawings or text boxes,
# whose content Word stores twice (modern and VML fallback).
_SKIPPED = frozenset(
    [
        *(qn(f"w:{name}") for name in ("pPr", "rPr", "sdtPr", "sdtEndPr", "del", "drawing")),
        *(qn(f"w:{name}") for name in ("pict", "object", "instrText", "delText")),
        f"{_MC}AlternateContent",
    ]
)


def extract_docx(data: bytes, *, max_uncompressed: int = MAX_UNCOMPRESSED_BYTES) -> str:
    """Return the text of a .docx: one line per paragraph, one line per table row.

    Empty paragraphs are skipped; nested tables and single-cell "frame" tables are read as
    blocks so their paragraphs keep their own lines. Raises ReaderError "docx_invalid" or
    "docx_too_large"; no other exception escapes for a bad file.
    """
    check_archive(data, max_uncompressed=max_uncompressed)
    try:
        body = docx.Document(io.BytesIO(data)).element.body
        lines: list[str] = []
        _read_blocks(body, lines)
    except ReaderError:
        raise
    except Exception as exc:  # python-docx raises many types for a damaged package
        raise ReaderError("docx_invalid") from exc
    return "\n".join(lines)


def check_archive(data: bytes, *, max_uncompressed: int = MAX_UNCOMPRESSED_BYTES) -> None:
    """Refuse a zip that would unpack to too much, before anything decompresses it.

    The sizes come from the central directory, which zipfile also enforces when reading, so
    a member cannot expand past what it declares; a huge declared total or an absurd
    compression ratio is the signature of a zip bomb.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except Exception:  # zipfile raises BadZipFile, NotImplementedError, EOFError, struct.error …
        raise ReaderError("docx_invalid") from None
    if len(members) > _MAX_MEMBERS:
        raise ReaderError("docx_invalid")
    too_large = ReaderError("docx_too_large", limit=megabytes(max_uncompressed))
    if sum(member.file_size for member in members) > max_uncompressed:
        raise too_large
    for member in members:
        if member.file_size > _RATIO_MIN_SIZE and member.file_size > _MAX_RATIO * max(
            member.compress_size, 1
        ):
            raise too_large


def _read_blocks(container, lines: list[str]) -> None:
    for child in container:
        if child.tag == W_P:
            text = _paragraph_text(child).strip()
            if text:
                lines.append(text)
        elif child.tag == W_TBL:
            _read_table(child, lines)
        elif child.tag in _WRAPPERS:
            _read_blocks(child, lines)


def _paragraph_text(element) -> str:
    parts: list[str] = []
    _collect_runs(element, parts)
    return "".join(parts)


def _collect_runs(element, parts: list[str]) -> None:
    for child in element:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIPPED:
            continue  # comments and processing instructions have a function as tag
        if tag == W_T:
            parts.append(child.text or "")
        elif tag in _RUN_SPECIALS:
            parts.append(_RUN_SPECIALS[tag])
        else:
            _collect_runs(child, parts)


def _read_table(tbl, lines: list[str]) -> None:
    """Emit one line per row; a vertically merged cell repeats its text in every row it spans.

    Repeating keeps each row self-contained ("1 | 任务 | 市金融局"), which is what the parser
    needs from a task breakdown table; a horizontally merged cell is one w:tc and appears once.
    """
    merged_above: dict[int, str] = {}
    for tr in _children(tbl, W_TR):
        column = _int_prop(tr.find(qn("w:trPr")), "w:gridBefore", 0)
        cells: list[tuple[object | None, str]] = []
        for tc in _children(tr, W_TC):
            props = tc.find(qn("w:tcPr"))
            span = _int_prop(props, "w:gridSpan", 1)
            vmerge = _merge_value(props, "w:vMerge")
            if _merge_value(props, "w:hMerge") == "continue":
                pass  # legacy horizontal merge: the first cell holds the text
            elif vmerge == "continue":
                cells.append((None, merged_above.get(column, "")))
            else:
                text = _cell_text(tc)
                if vmerge == "restart":
                    merged_above[column] = text
                else:
                    merged_above.pop(column, None)
                cells.append((tc, text))
            column += span
        own = [tc for tc, _ in cells if tc is not None]
        if len(cells) == 1 or any(tc.find(f".//{W_TBL}") is not None for tc in own):
            # A frame or layout row: its paragraphs and nested tables keep their own lines.
            for tc in own:
                _read_blocks(tc, lines)
        elif any(text for _, text in cells):
            lines.append(CELL_SEPARATOR.join(text for _, text in cells))


def _cell_text(tc) -> str:
    parts: list[str] = []
    _read_blocks(tc, parts)
    return " ".join(" ".join(part.split("\n")) for part in parts).strip()


def _children(element, tag: str):
    """Yield the children with `tag`, looking through content-control and custom-XML wrappers."""
    for child in element:
        if child.tag == tag:
            yield child
        elif child.tag in _WRAPPERS:
            yield from _children(child, tag)


def _int_prop(props, name: str, default: int) -> int:
    element = props.find(qn(name)) if props is not None else None
    try:
        return int(element.get(qn("w:val")))
    except (AttributeError, TypeError, ValueError):
        return default


def _merge_value(props, name: str) -> str | None:
    """Return "restart", "continue" or None; a bare <w:vMerge/> means "continue"."""
    element = props.find(qn(name)) if props is not None else None
    if element is None:
        return None
    return element.get(qn("w:val"), "continue")

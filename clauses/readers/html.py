"""HTML reader: the visible text of a saved web page, with the site's chrome left out.

Supervisors save notices from government portals, so pages arrive with navigation, footers,
scripts and hidden widgets around the document; only what a reader of the page sees, in
block order, is kept. Table rows keep their cells on one line joined by " | ".
"""

import re

from .errors import ReaderError
from .text import decode_declared

CELL_SEPARATOR = " | "

_META_CHARSET_RE = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([a-z0-9_:.-]+)""", re.IGNORECASE
)
_XML_ENCODING_RE = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([a-z0-9_:.-]+)""", re.IGNORECASE)

_DROPPED = frozenset(
    {"script", "style", "noscript", "template", "head", "title", "nav", "aside", "form"}
    | {"iframe", "frame", "frameset", "noframes", "svg", "math", "canvas", "object"}
    | {"embed", "audio", "video", "map", "button", "select", "option", "input", "textarea"}
    | {"dialog"}
)
# Page chrome, unless it belongs to the article itself (<article><header><h1>…).
_CHROME = frozenset({"header", "footer"})
_CONTENT = frozenset({"article", "main"})
_BLOCKS = frozenset(
    {"p", "div", "br", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5"}
    | {"h6", "table", "caption", "tr", "section", "article", "main", "blockquote", "pre"}
    | {"address", "figure", "figcaption", "hr", "center", "fieldset", "details", "summary"}
)
_HIDDEN_STYLE_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_HIDDEN_CLASSES = frozenset({"hidden", "hide", "d-none", "sr-only", "visually-hidden", "invisible"})
_SPACE_RE = re.compile(r"[ \t\n\r\f\v]+")
# A source line break between two Chinese characters is not a space (CSS Text 3 segment
# break rule): "牵头，\n    2025年" must not become "牵头， 2025年".
_WIDE = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
_SEGMENT_BREAK_RE = re.compile(f"(?<=[{_WIDE}])[ \t\r\f\v]*\n[ \t\n\r\f\v]*(?=[{_WIDE}0-9])")
_BREAK = object()
# Building the tree costs real time per tag (BeautifulSoup is pure Python): a saved portal page
# has a few thousand tags, so a page with many more is refused before it is parsed.
MAX_TAGS = 20_000
_TAG_RE = re.compile(r"<[A-Za-z!/?]")
# Columns of one table row: task tables have a dozen; row and column spans beyond this are
# cut, so that a table of spans cannot widen every row below it.
_MAX_COLUMNS = 100


def extract_html(data: bytes) -> tuple[str, str]:
    """Return ``(text, encoding)`` for the bytes of an HTML page.

    The charset declared in a meta tag is used when the bytes agree with it, otherwise the
    text detection of plain files decides. Raises ReaderError for undecodable or unparsable
    input.
    """
    text, encoding = decode_declared(data, declared_charset(data))
    return html_to_text(text), encoding


def declared_charset(data: bytes) -> str | None:
    """Return the charset named by a <meta> tag or an XML declaration near the top, if any."""
    head = data[:4096]
    match = _META_CHARSET_RE.search(head) or _XML_ENCODING_RE.search(head)
    return match.group(1).decode("ascii") if match else None


def html_to_text(markup: str) -> str:
    """Render decoded HTML as plain text, one block per line.

    Block elements and <br> break lines, whitespace collapses as a browser would, and
    invisible elements (scripts, navigation, display:none …) are skipped entirely. Raises
    ReaderError "html_too_complex" for a page with more than MAX_TAGS tags.
    """
    if len(_TAG_RE.findall(markup)) > MAX_TAGS:
        raise ReaderError("html_too_complex", limit=f"{MAX_TAGS:,}")
    from bs4 import BeautifulSoup

    try:
        soup = BeautifulSoup(markup, "lxml")
        pieces: list[str] = []
        _render(soup, pieces, in_content=False)
    except Exception as exc:  # lxml and bs4 rarely fail, but a reader raises ReaderError only
        raise ReaderError("html_invalid") from exc
    lines = (line.strip() for line in "".join(pieces).split("\n"))
    return "\n".join(line for line in lines if line)


def _render(root, pieces: list[str], *, in_content: bool) -> None:
    """Walk the tree with an explicit stack: pages nest deep enough to break recursion."""
    from bs4.element import NavigableString, PreformattedString, Tag

    stack: list[tuple[object, bool, bool]] = [(root, in_content, False)]
    while stack:
        node, content, pre = stack.pop()
        if node is _BREAK:
            pieces.append("\n")
        elif isinstance(node, NavigableString):
            if not isinstance(node, PreformattedString):  # comments, CDATA, doctype
                text = str(node).replace("\xa0", " ")
                if not pre:
                    text = _SPACE_RE.sub(" ", _SEGMENT_BREAK_RE.sub("", text))
                pieces.append(text)
        elif isinstance(node, Tag) and not _invisible(node, content):
            name = node.name
            if name == "br":
                pieces.append("\n")
            elif name == "table":
                pieces.append("\n")
                _render_table(node, pieces, in_content=content)
                pieces.append("\n")
            else:
                content = content or name in _CONTENT
                pre = pre or name == "pre"
                block = name in _BLOCKS
                if block:
                    stack.append((_BREAK, content, pre))
                stack.extend((child, content, pre) for child in reversed(node.contents))
                if block:
                    stack.append((_BREAK, content, pre))


def _render_table(table, pieces: list[str], *, in_content: bool) -> None:
    """Data rows become "a | b | c"; layout rows (one cell, or nested tables) become blocks.

    Older portals lay out the whole page with tables, and flattening such a row into one
    line would glue every paragraph of the document together. A cell with rowspan repeats
    its text in the rows it spans, as the .docx reader does for vertical merges, so that each
    row of a task table names its unit.
    """
    caption = table.find("caption", recursive=False)
    if caption is not None:
        _render(caption, pieces, in_content=in_content)
    carried: dict[int, tuple[int, str, int]] = {}  # column -> (rows left, text, colspan)
    for row in _own_rows(table):
        cells = [
            cell
            for cell in row.find_all(["td", "th"], recursive=False)
            if not _invisible(cell, in_content)
        ]
        if (len(cells) == 1 and not carried) or any(cell.find("table") for cell in cells):
            for cell in cells:
                _render(cell, pieces, in_content=in_content)
                pieces.append("\n")
            continue
        texts = _row_texts(cells, carried, in_content=in_content)
        if any(texts):
            pieces.append("\n" + CELL_SEPARATOR.join(texts) + "\n")


def _row_texts(cells, carried: dict[int, tuple[int, str, int]], *, in_content: bool) -> list[str]:
    """Lay the row's own cells and the cells spanning down from above into column order."""
    from_above = dict(carried)
    carried.clear()
    texts: list[str] = []
    column = 0
    pending = iter(cells)
    while column < _MAX_COLUMNS:
        if column in from_above:
            left, text, span = from_above.pop(column)
        else:
            cell = next(pending, None)
            if cell is None:
                break
            cell_pieces: list[str] = []
            _render(cell, cell_pieces, in_content=in_content)
            text = " ".join("".join(cell_pieces).split())
            left, span = _span(cell, "rowspan"), _span(cell, "colspan")
        if left > 1:
            carried[column] = (left - 1, text, span)
        texts.append(text)
        column += span
    # Spans to the right of the last own cell; a span that a colspan jumped over (a malformed
    # table) only counts down.
    for later, (left, text, span) in sorted(from_above.items()):
        if left > 1:
            carried[later] = (left - 1, text, span)
        if later >= column:
            texts.append(text)
    return texts


def _span(cell, name: str) -> int:
    try:
        return min(max(int(cell.get(name, 1)), 1), 1000)
    except (TypeError, ValueError):
        return 1


def _own_rows(table):
    """Yield the rows of this table, not of tables nested in its cells."""
    for child in table.find_all(["tr", "thead", "tbody", "tfoot"], recursive=False):
        if child.name == "tr":
            yield child
        else:
            yield from child.find_all("tr", recursive=False)


def _invisible(tag, in_content: bool) -> bool:
    name = tag.name
    if name in _DROPPED or (name in _CHROME and not in_content):
        return True
    attrs = tag.attrs
    if "hidden" in attrs or attrs.get("aria-hidden") == "true":
        return True
    if _HIDDEN_STYLE_RE.search(attrs.get("style") or ""):
        return True
    classes = attrs.get("class") or ()
    return any(cls in _HIDDEN_CLASSES for cls in classes)

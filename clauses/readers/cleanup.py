"""Noise removal that every reader runs on extracted text before the parser sees it.

Web pages bring breadcrumbs, meta lines and footers; PDF and Word bring page numbers, bookmark
artifacts and page breaks that cut a sentence or a unit name in two. The parser expects one
paragraph per line, so this module removes the noise and mends the cuts, keeping headings
(一、…, （一）…, short title lines) on lines of their own. Pure Python, linear time.
"""

import re

from clauses.parsing.text import (
    CLOSERS,
    bracket_depth,
    ends_sentence,
    match_label,
    strip_closing_quotes,
)
from clauses.parsing.units import looks_like_unit

__all__ = ["clean_text"]

_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060\u00ad"), None)
_SPACES = re.compile(r"[ \u00a0\u3000\u2002-\u200a\u202f\u205f\x0b\x0c]+")
_BOOKMARK = re.compile(r"\[bookmark:[^\]\n]{0,200}\]")

_BREADCRUMB = re.compile(r"^(?:您(?:当前)?(?:所在)?的?位置|当前位置|所在位置|位置)\s*[:：]")
_META = re.compile(
    r"^[【\[]?(?:更新时间|发布时间|发布日期|成文日期|信息来源|来源|浏览次数|访问次数|点击数|点击率|"
    r"阅读次数|阅读量|作者|责任编辑|编辑|字号|字体|分享到|索引号|主题分类|文章来源)\s*[:：]"
)
_PRINT_TOKENS = re.compile(
    r"[【\[]?(?:打印本页|打印本文|打印|关闭窗口|关闭本页|关闭|返回顶部|返回|收藏|分享|保存|"
    r"字体|大|中|小|默认|分享到)[】\]]?"
)
_STRONG_FOOTER = re.compile(
    r"版权所有|Copyright|©|ICP备|ICP证|网站标识码|公网安备|技术支持\s*[:：]|"
    r"网站地图|联系我们\s*$|隐私政策|免责声明"
)
# 主办单位：/承办单位： name a web site's owner in a footer, but also the units of a clause;
# only a footer run that holds a strong signal too is dropped.
_SITE_OWNER = re.compile(r"(?:主办|承办)单位\s*[:：]")
_CONTACT = re.compile(
    r"[\w.+-]{1,64}@[\w-]{1,63}\.[\w.-]{1,63}|(?:电话|传真|热线|邮编|邮箱|E-?mail)\s*[:：]|"
    r"^\+?\d{2,4}[- ]?\d{7,8}$|\d{3,4}-\d{7,8}",
    re.IGNORECASE,
)
_PAGE_DECORATED = re.compile(
    r"^(?:[-—–－_~]{1,3}\s*\d{1,4}\s*[-—–－_~]{1,3}|第\s*\d{1,4}\s*页(?:\s*[/，,]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4}|共\s*\d{1,4}\s*页\s*第\s*\d{1,4}\s*页|[Pp]age\s*\d{1,4}(?:\s*of\s*\d{1,4})?)$"
)
_HOME = re.compile(r"首页|主页|当前位置")
_BARE_NUMBER = re.compile(r"^\d{1,4}$")
_TITLE_END = re.compile(
    r"(?:通知|意见|方案|办法|规定|措施|举措|政策|细则|计划|规划|决定|纲要|指引|清单|公告|要点|条例|实施细则|"
    r"分解表|任务表|一览表|台账)"
    r"(?:[（(][^（()）]{1,20}[)）])?$"
)
_MARKER = re.compile(
    r"^[【\[（(]?(?:责任单位|责任部门|牵头单位|牵头部门|配合单位|配合部门|负责单位|负责部门)"
)
_DATE_LINE = re.compile(r"^(?:\d{4}|[〇○零一二三四五六七八九]{4})\s*年.{1,8}日$")
_DOC_NUMBER = re.compile(r"^[\u4e00-\u9fff]{1,12}\s*[〔\[［【(（]\s*\d{4}")


def clean_text(text: str) -> str:
    """Remove web chrome, page numbers and artifacts, and mend cut lines.

    Readers call this after turning a file into text, so that the parser sees one paragraph
    or heading per line whatever the source format was.
    """
    if not isinstance(text, str):
        text = str(text or "")
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_INVISIBLE)
    text = _BOOKMARK.sub("", text)
    lines = [_SPACES.sub(" ", line).strip(" ") for line in text.split("\n")]
    lines = _drop_footer(lines)  # first, while the footer's strong lines are still there
    lines = _drop_chrome(lines)
    lines = _join_cut_lines(lines)
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)


def _is_chrome(line: str) -> bool:
    if _BREADCRUMB.match(line) or _META.match(line):
        return True
    if len(line) <= 120 and any(ch in line for ch in ">＞»") and _HOME.search(line):
        return True
    if len(line) <= 40 and not _PRINT_TOKENS.sub("", line).strip(" |·/"):
        return line.strip() != ""
    if len(line) <= 120 and _STRONG_FOOTER.search(line):
        return True
    return bool(_PAGE_DECORATED.match(line))


def _drop_chrome(lines: list[str]) -> list[str]:
    out = []
    for i, line in enumerate(lines):
        if not line:
            out.append(line)
            continue
        if _is_chrome(line):
            continue
        if _BARE_NUMBER.match(line):
            # A number alone between blank lines is a page number; inside a flattened table
            # the serial numbers sit between cells and stay.
            before = lines[i - 1] if i > 0 else ""
            after = lines[i + 1] if i + 1 < len(lines) else ""
            if not before and not after:
                continue
        out.append(line)
    return out


def _drop_footer(lines: list[str]) -> list[str]:
    """Cut the trailing run of short chrome-like lines from its first contact/footer line."""
    first_signal = None
    owner_lines: list[int] = []
    i = len(lines) - 1
    while i >= 0:
        line = lines[i]
        if line:
            signal = len(line) <= 120 and bool(_CONTACT.search(line) or _STRONG_FOOTER.search(line))
            if signal:
                first_signal = i
            elif len(line) <= 120 and _SITE_OWNER.search(line):
                owner_lines.append(i)
            elif len(line) > 50 or "。" in line:
                break
        i -= 1
    if first_signal is None:
        return lines
    return lines[: min([first_signal, *owner_lines])]


def _looks_like_heading(line: str) -> bool:
    label = match_label(line)
    if label is not None:
        return len(line) <= 60 and "。" not in line
    return len(line) <= 100 and bool(_TITLE_END.search(line))


class _Paragraph:
    """A line being mended, with what the join rule needs kept up to date.

    Joining keeps a list of parts and running counts, so that mending a text of thousands
    of cut lines stays linear.
    """

    def __init__(self, line: str):
        self.parts = [line]
        self.length = len(line)
        self.depth = bracket_depth(line)
        self.has_comma = any(ch in line for ch in "，,；;。")
        self.cells = "\t" in line or "|" in line
        self.marker = bool(_MARKER.match(line))
        self.heading = _looks_like_heading(line)

    def add(self, line: str) -> None:
        self.parts.append(line)
        self.length += len(line)
        self.depth += bracket_depth(line)
        self.has_comma = self.has_comma or any(ch in line for ch in "，,；;。")
        self.heading = False

    @property
    def last(self) -> str:
        return self.parts[-1]

    def text(self) -> str:
        return "".join(self.parts)


def _should_join(prev: _Paragraph, nxt: str) -> bool:
    if match_label(nxt) or _MARKER.match(nxt) or _DATE_LINE.match(nxt) or _DOC_NUMBER.match(nxt):
        return False
    if prev.depth > 0 and prev.length + len(nxt) < 5000:
        return len(nxt) > 100 or not _TITLE_END.search(nxt)
    if ends_sentence(prev.last) or prev.cells:
        return False
    tail = strip_closing_quotes(prev.last)[-1:]
    if prev.marker:
        return tail in "、，," or _name_cut(prev.last, nxt)
    if tail in "、，,":
        return True
    if prev.heading:
        return False
    if prev.length >= 40:
        return True
    # A short line with a comma is a paragraph cut by a page break when the rest follows;
    # a short line after it is a table cell or an item of its own.
    cut = prev.has_comma and tail not in CLOSERS
    return cut and (len(nxt) >= 20 or ends_sentence(nxt))


_NAME_SEPARATORS = re.compile(r"[、，,：:]")


def _name_cut(line: str, nxt: str) -> bool:
    """Whether a marker line ends inside a name (责任单位：区科技局、区 / 市场监管局): its last
    fragment is no name, and the next line is short and no sentence."""
    fragment = _NAME_SEPARATORS.split(line)[-1].strip()
    if not fragment or looks_like_unit(fragment) or len(nxt) > 40:
        return False
    return not re.search(r"[。；;：:]", nxt[:-1])


def _join_cut_lines(lines: list[str]) -> list[str]:
    out: list[_Paragraph | None] = []  # None stands for a blank line
    last: _Paragraph | None = None
    for line in lines:
        if not line:
            out.append(None)
            continue
        if last is not None and _should_join(last, line):
            while out and out[-1] is None:
                out.pop()
            last.add(line)
            continue
        last = _Paragraph(line)
        out.append(last)
    return ["" if p is None else p.text() for p in out]

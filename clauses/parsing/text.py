"""Character-level helpers shared by the parser: numerals, labels, brackets, sentences."""

import functools
import re
from dataclasses import dataclass

CN_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
CN_DIGITS |= {"六": 6, "七": 7, "八": 8, "九": 9}
CN_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_NUMERAL_CHARS = "零〇○一二三四五六七八九十百千两"

OPENERS = "（(【[〈［"
CLOSERS = "）)】]〉］"
SENTENCE_END = "。！？!?；;"
QUOTE_CLOSERS = "”’\"'」』"

_LABEL_RE = re.compile(
    r"(?:"
    r"(?P<cn_dun>[一二三四五六七八九十百零〇]{1,4})\s*[、．.]"
    r"|[（(]\s*(?P<cn_par>[一二三四五六七八九十百零〇]{1,4})\s*[)）]"
    r"|[（(]\s*(?P<ar_par>\d{1,3})\s*[)）]"
    r"|(?P<ar_dot>\d{1,3})\s*[.．](?!\d)"
    r"|(?P<ar_dun>\d{1,3})\s*、"
    r"|第(?P<art>[一二三四五六七八九十百零〇\d]{1,5})条"
    r"|第(?P<chap>[一二三四五六七八九十百零〇\d]{1,4})[章节部分]{1,2}"
    r"|(?P<circ>[①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳])"
    r")"
)

_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_LABEL_START = frozenset("一二三四五六七八九十百零〇（(0123456789０１２３４５６７８９第" + _CIRCLED)


def cn_to_int(text: str) -> int | None:
    """Read a Chinese or Arabic numeral (十二, 二十三, 一百零五, 15); None if it is not one.

    Labels and durations (有效期三年) are printed either way, so both must give a number.
    """
    text = text.strip()
    if not text:
        return None
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for ch in text:
        if ch in CN_DIGITS:
            current = CN_DIGITS[ch]
        elif ch in CN_UNITS:
            total += (current or 1) * CN_UNITS[ch]
            current = 0
        elif ch == "万":
            total = (total + current) * 10000
            current = 0
        else:
            return None
    return total + current


@dataclass(frozen=True)
class Label:
    """A clause or section number at the start of a line, as printed."""

    text: str  # as printed, without trailing space: "（一）", "(十二)", "1."
    style: tuple[str, str]  # (numeral kind, punctuation shape)
    number: int | None
    rest: str  # the line after the label


_SHAPES = {
    "cn_dun": ("cn", "dun"),
    "cn_par": ("cn", "par"),
    "ar_par": ("ar", "par"),
    "ar_dot": ("ar", "dot"),
    "ar_dun": ("ar", "dun"),
    "art": ("art", "art"),
    "chap": ("chap", "chap"),
    "circ": ("circ", "circ"),
}


# Cached: the cleanup, the segmenter, the outline and the table finder each ask for the label
# of every line, so a line is matched once instead of about seven times. The cache holds more
# lines than the readers let a document have (clauses.readers.MAX_LINES).
@functools.lru_cache(maxsize=16384)
def match_label(line: str) -> Label | None:
    """The label a line starts with, or None.

    The style tells outline levels apart: documents mix 一、/（一）/1./（1）, and the same
    style always means the same level.
    """
    if not line or line[0] not in _LABEL_START:
        return None
    m = _LABEL_RE.match(line)
    if not m:
        return None
    kind = m.lastgroup
    raw = m.group(kind)
    number = _CIRCLED.index(raw) + 1 if kind == "circ" else cn_to_int(raw)
    rest = line[m.end() :].strip()
    if kind == "ar_dot" and rest[:1] in "%％":
        return None
    if kind == "cn_dun" and line[m.end() - 1] in ".．" and not rest:
        return None
    return Label(text=m.group(0).strip(), style=_SHAPES[kind], number=number, rest=rest)


def strip_closing_quotes(text: str) -> str:
    """The text without closing quotes at its end, to look at the punctuation before them."""
    return text.rstrip(QUOTE_CLOSERS + " ")


def ends_sentence(line: str) -> bool:
    """Whether a line ends where a sentence or a bracketed note ends."""
    core = strip_closing_quotes(line)
    if not core:
        return False
    return core[-1] in SENTENCE_END + "：:…" or core[-1] in CLOSERS


def bracket_depth(text: str) -> int:
    """Openers minus closers of round and square brackets: >0 means a note was cut."""
    depth = 0
    for ch in text:
        if ch in OPENERS:
            depth += 1
        elif ch in CLOSERS:
            depth -= 1
    return depth


def final_bracket_group(text: str) -> tuple[int, int] | None:
    """Start and end of the bracketed group that closes ``text`` (nesting respected).

    Trailing whitespace and sentence punctuation after the group are allowed. Returns
    (index of opener, index after closer) or None. Scans backwards once, so it is linear.
    """
    end = len(text)
    while end and text[end - 1] in " \t。.；;，,、":
        end -= 1
    if not end or text[end - 1] not in CLOSERS:
        return None
    depth = 0
    for i in range(end - 1, -1, -1):
        ch = text[i]
        if ch in CLOSERS:
            depth += 1
        elif ch in OPENERS:
            depth -= 1
            if depth == 0:
                return i, end
    return None


def split_top_level(text: str, separators: str) -> list[str]:
    """Split on separator characters that are not inside brackets."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in OPENERS:
            depth += 1
        elif ch in CLOSERS:
            depth = max(0, depth - 1)
        elif depth == 0 and ch in separators:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


def first_sentence(text: str) -> tuple[str, str]:
    """The text up to the first full stop outside brackets and quotes, and what follows."""
    depth = 0
    quote = 0
    for i, ch in enumerate(text):
        if ch in OPENERS:
            depth += 1
        elif ch in CLOSERS:
            depth = max(0, depth - 1)
        elif ch == "“":
            quote += 1
        elif ch == "”":
            quote = max(0, quote - 1)
        elif ch in "。！？!?" and depth == 0 and quote == 0:
            return text[:i], text[i + 1 :]
    return text, ""


def squash(text: str) -> str:
    """The text with all white space removed, for names and comparisons."""
    return "".join(text.split())

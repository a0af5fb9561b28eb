"""Decoding plain-text files: BOMs, UTF-16 without BOM, UTF-8, GB18030/GBK, then a guess.

Files reach us from Windows Notepad (UTF-16 LE or GBK), from WPS and from web forms, so the
order matters: the strict decoders, which are practically never wrong on Chinese text, come
first, and the statistical guess of charset-normalizer only last, because a guess can pick
a wrong East Asian encoding on a short text.
"""

import codecs
import re

from .errors import ReaderError

_BOMS = (
    # UTF-32 first: its LE BOM starts with the UTF-16 LE BOM.
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Bytes no ASCII-compatible text file contains (tab, LF, VT, FF, CR and ESC are allowed).
_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x1B), *range(0x1C, 0x20)])
_SAMPLE = 64 * 1024
_MAX_CONTROL_RATIO = 0.01
# UTF-8 first: GBK bytes are almost never valid UTF-8, while UTF-8 bytes often pass as GB18030.
_CANDIDATES = ("utf-8", "gb18030")
_MAX_DAMAGE_RATIO = 0.002

# Characters that do not belong in a document: C0/C1 controls other than tab and newline,
# and BOM/zero-width no-break space inside the text. The replacement character is kept in
# the text (it shows the supervisor where bytes were damaged) but counts as debris.
_JUNK_RE = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufeff]")
_DEBRIS_RE = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufffd\ufeff]")
_MAX_JUNK_RATIO = 0.05
_LINE_BREAK_RE = re.compile("\r\n|[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_TRAILING_SPACE_RE = re.compile(r"[ \t\u3000\xa0]+$", re.MULTILINE)
_BLANK_LINES_RE = re.compile(r"\n{3,}")

# Characters a Chinese policy document is made of: ASCII, Latin-1 signs, general punctuation,
# Roman numerals, arrows, maths, circled numbers, box drawing, shapes, CJK punctuation and
# ideographs, full-width forms.
_PLAUSIBLE_RE = re.compile(
    "[\t\n\r\x20-\x7e\xa0-\xff\u2000-\u206f\u2100-\u22ff\u2460-\u24ff\u2500-\u26ff"
    "\u3000-\u303f\u3200-\u32ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f"
    "\uff00-\uffef]"
)
_MIN_PLAUSIBLE = 0.85


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode the bytes of a text file and return ``(text, encoding)``.

    Strict decoders run first so that a valid UTF-8 or GB18030 file is never "guessed";
    raises ReaderError "binary" for data that is not text and "unknown_encoding" when no
    decoder fits.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _decode_known(data[len(bom) :], encoding), encoding
    utf16 = _bomless_utf16(data)
    if utf16 is not None:
        return utf16
    if _control_ratio(data) > _MAX_CONTROL_RATIO:
        raise ReaderError("binary")
    for encoding in _CANDIDATES:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    # A file cut mid-character or with a few damaged bytes: the right encoding leaves rare
    # errors, the wrong one errors everywhere.
    for encoding in _CANDIDATES:
        text = _tolerant(data, encoding)
        if text is not None:
            return text, encoding
    return _guess(data)


def decode_declared(data: bytes, declared: str | None) -> tuple[str, str]:
    """Decode with a charset declared by the document itself (HTML meta), else detect.

    A declaration is only trusted when the bytes decode strictly with it: web pages that
    say UTF-8 but are saved as GBK are common on older government sites.
    """
    encoding = _normalise_label(declared) if declared else None
    if encoding and not any(data.startswith(bom) for bom, _ in _BOMS):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            pass
    return decode_text(data)


def looks_binary(text: str) -> bool:
    """Tell whether decoded text is mostly control or replacement characters.

    A decoder that "succeeds" on random bytes (UTF-16, a single-byte guess) leaves this kind
    of debris, which no real document has.
    """
    if not text:
        return False
    sample = text[:_SAMPLE]
    return len(_DEBRIS_RE.findall(sample)) / len(sample) > _MAX_JUNK_RATIO


def tidy_lines(text: str) -> str:
    """Normalise line breaks and drop control characters, trailing spaces and extra blank lines.

    Every reader ends here so that the cleanup step and the parser see one convention: LF
    between lines, at most one blank line in a row, no invisible debris. Leading spaces are
    kept: in text from a PDF or a .txt an indent is the sign of a new paragraph.
    """
    text = _LINE_BREAK_RE.sub("\n", text)
    text = _JUNK_RE.sub("", text)
    text = _TRAILING_SPACE_RE.sub("", text)
    text = _BLANK_LINES_RE.sub("\n\n", text)
    return text.strip("\n")


def _decode_known(data: bytes, encoding: str) -> str:
    """Decode after a BOM: the encoding is known, so only heavy damage is an error."""
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        text = _tolerant(data, encoding)
        if text is None:
            raise ReaderError("unknown_encoding") from None
    if looks_binary(text):
        raise ReaderError("binary")
    return text


def _tolerant(data: bytes, encoding: str) -> str | None:
    """Decode marking damaged bytes with U+FFFD, or return None if the damage is not rare.

    The replacement characters stay in the text so that the supervisor sees where bytes
    were lost instead of silently missing characters.
    """
    text = data.decode(encoding, errors="replace")
    if text.count("\ufffd") <= max(1, len(text) * _MAX_DAMAGE_RATIO):
        return text
    return None


def _bomless_utf16(data: bytes) -> tuple[str, str] | None:
    """Recognise UTF-16 without BOM (Notepad's "Unicode") by its NUL bytes, then check it.

    ASCII characters in UTF-16 carry a NUL byte, so a text with newlines or digits has NULs;
    but so do CJK characters such as 一 (U+4E00), so the NUL side alone does not tell the
    byte order. Each order is decoded on a sample and kept only when almost every character
    is one a Chinese document uses; random binary data fails this in both orders.
    """
    sample = data[: _SAMPLE & ~1]
    if len(data) % 2 or sample.count(0) < 2:
        return None
    best, best_score = None, 0.0
    for encoding in ("utf-16-le", "utf-16-be"):
        text = sample.decode(encoding, errors="replace")
        score = len(_PLAUSIBLE_RE.findall(text)) / len(text)
        if score > best_score:
            best, best_score = encoding, score
    if best is None or best_score < _MIN_PLAUSIBLE:
        return None
    try:
        return data.decode(best), best
    except UnicodeDecodeError:
        return None


def _control_ratio(data: bytes) -> float:
    sample = data[:_SAMPLE]
    if not sample:
        return 0.0
    return (len(sample) - len(sample.translate(None, _CONTROL_BYTES))) / len(sample)


def _guess(data: bytes) -> tuple[str, str]:
    from charset_normalizer import from_bytes  # imported late: it is slow to import

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise ReaderError("unknown_encoding")
    text = str(best)
    if looks_binary(text):
        raise ReaderError("binary")
    return text, best.encoding


def _normalise_label(label: str) -> str | None:
    """Map a declared charset to a Python codec, widening GB2312/GBK to GB18030 as browsers do."""
    label = label.strip().strip("\"'").lower()
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    if name in {"gb2312", "gbk", "gb18030"}:
        return "gb18030"
    return name

"""Finding the responsible-unit note of a clause and reading the units and time limit in it.

A note is recognised by its own structure, never by a list of known names: a bracketed group,
a line, or the tail of a paragraph that starts with a marker (责任单位：, 牵头单位：, 责任主体：…),
or a group that ends with a verb of assignment (负责, 牵头, 按职责分工落实 …), or a closing group
whose every item has the shape of an organisation name.
"""

import re
from dataclasses import dataclass, field

from .text import CLOSERS, OPENERS, SENTENCE_END, final_bracket_group, split_top_level, squash
from .units import is_unit_list, looks_like_unit, split_units, strip_verbs

_ROLES = "责任|牵头|配合|协办|主办|负责|实施|参与|协助|承办|落实"
_MARKER_WORD = rf"(?:主要)?(?:{_ROLES})(?:单位|部门|处室|机构|主体)"
_TIME_WORD = r"(?:完成时限|完成时间|完成期限|时间节点|时间要求|时限要求|时限)"
_MARKER_KEYS = re.compile(
    rf"^(?P<key>{_MARKER_WORD}(?:\s*[和及/、]\s*(?:责任|牵头|配合|协办|参与)?(?:单位|部门))?)"
    r"\s*[：:]?\s*"
)
_KEY_ONLY = re.compile(r"^(?P<key>[\u4e00-\u9fff]{2,8})\s*[：:]\s*")
_TIME_KEY = re.compile(rf"^[【\[]?{_TIME_WORD}[】\]]?\s*[：:]")
_LINE_MARKER = re.compile(rf"^[【\[]?(?:{_MARKER_WORD}|{_TIME_WORD})[】\]]?\s*[：:]")
# A marker after a full stop: the note runs in the paragraph (…给予补助。责任单位：市科技局。).
_INLINE_MARKER = re.compile(rf"(?<=[。；;！？!?])\s*[【\[]?{_MARKER_WORD}[】\]]?\s*[：:]")
_BRACKETED_KEY = re.compile(rf"^[【\[]({_MARKER_WORD}|{_TIME_WORD})[】\]]")
_TIME_GROUP = re.compile(rf"[（(]\s*{_TIME_WORD}\s*[：:]\s*(?P<when>[^（()）]{{1,40}})[)）]")
_LEAD_VERB = re.compile(r"(?:牵头(?:负责|落实|推进)?|为牵头单位|主责)$")
_CO_VERB = re.compile(r"(?:配合|参与|协助|协同|协办|共同参与|按职责配合|等配合)$")
_PLAIN_VERB = re.compile(
    r"(?:负责|落实|分工负责|按职责分工落实|按职责分工负责|按职责落实|共同负责)$"
)
# A time limit printed as a part of a note without a key: 2025年6月底前完成, 长期坚持.
_TIME_PART = re.compile(
    r"^(?:于|在|到|至)?(?:\d{4}|[〇○零一二三四五六七八九]{4})年[\d一二三四五六七八九十月日底末上下半年季度第]{0,10}"
    r"(?:前|之前|以前)?(?:完成|实现|落实到位|落实|见效)?$|^(?:长期坚持|持续推进|常态化推进|年内完成|长期)$"
)
# The longest note read: real notes name a few dozen units at most. A "note" that runs on
# for pages is cut here, so that reading it stays cheap whatever the text holds.
MAX_NOTE = 2000
# Consecutive marker lines read as one note (牵头单位：/配合单位：/完成时限：…).
_MAX_MARKER_LINES = 8

# A role printed after a name: 市发展改革委（牵头）、市财政局.
_ROLE_MARK = re.compile(r"[（(](?P<role>牵头(?:单位|部门)?|主责|配合|协办|参与)[)）]$")


@dataclass
class UnitNote:
    """A responsible-unit note as found in the clause, split into names."""

    raw: str
    units: list[str] = field(default_factory=list)
    lead: list[str] | None = None
    co: list[str] | None = None
    deadline: str | None = None


def is_unit_note(content: str, *, bare_ok: bool) -> bool:
    """Whether a bracketed group or line is a responsible-unit note.

    ``bare_ok`` allows a group that holds only names, without marker or verb; it is only
    trusted where such a group stands after the clause's last sentence.
    """
    content = squash(content)
    if not content or len(content) > MAX_NOTE:
        return False
    if _MARKER_KEYS.match(content):
        return True
    if re.search(r"(?:单位|部门)[：:]", content):
        return True
    content = _drop_time_parts(content)[0]
    stripped = strip_verbs(content)
    if stripped != content.strip(" 、，,；;。") and stripped:
        body = stripped.replace("会同", "、")
        if is_unit_list(body):
            return True
        parts = split_top_level(content, "，,；;")
        if len(parts) > 1 and all(is_unit_list(strip_verbs(p)) for p in parts if p.strip()):
            return True
    return bare_ok and is_unit_list(content.replace("会同", "、"))


def _drop_time_parts(text: str) -> tuple[str, str | None]:
    """The note without comma-separated time limits (…负责，2025年6月底前完成), and the last
    time limit dropped."""
    parts = split_top_level(text, "，,")
    kept = [p for p in parts if not _TIME_PART.match(p.strip())]
    if len(kept) == len(parts) or not kept:
        return text, None
    times = [p.strip() for p in parts if _TIME_PART.match(p.strip())]
    return "，".join(kept), times[-1]


def _role_marked(part: str) -> tuple[list[str], list[str]] | None:
    """Lead and co units of a list whose names carry role marks (X（牵头）、Y), or None."""
    items = split_top_level(part, "、，,")
    marks = [_ROLE_MARK.search(item) for item in items]
    if not any(marks):
        return None
    lead: list[str] = []
    co: list[str] = []
    unmarked: list[str] = []
    for item, mark in zip(items, marks, strict=True):
        if mark is None:
            unmarked += split_units(item)
        elif mark.group("role") in ("配合", "协办", "参与"):
            co += split_units(item[: mark.start()])
        else:
            lead += split_units(item[: mark.start()])
    # Names without a mark take the role the marked ones do not have.
    if lead:
        co = unmarked + co if not co else co + unmarked
    else:
        lead = unmarked
    return lead, co


def _parse_plain(text: str) -> tuple[list[str], list[str] | None, list[str] | None]:
    """Units of a note without keys: X负责 / X牵头，Y配合 / X会同Y负责 / X、Y按职责分工落实."""
    lead: list[str] = []
    co: list[str] = []
    plain: list[str] = []
    split = role_marks = False
    for part in split_top_level(text, "，,；;"):
        part = part.strip()
        if not part:
            continue
        marked = _role_marked(strip_verbs(part))
        if marked is not None:
            lead += marked[0]
            co += marked[1]
            split = role_marks = True
        elif "会同" in part:
            first, _, rest = part.partition("会同")
            lead += split_units(first)
            co += split_units(rest)
            split = True
        elif _LEAD_VERB.search(part):
            lead += split_units(_LEAD_VERB.sub("", part))
            split = True
        elif _CO_VERB.search(part) and not _PLAIN_VERB.search(part):
            co += split_units(_CO_VERB.sub("", part))
            split = True
        else:
            plain += split_units(part)
    if split:
        # Beside role marks (X（牵头）、Y，Z) an unmarked name co-operates, as in _role_marked.
        if role_marks and lead:
            co += plain
        else:
            lead += plain
        units = list(dict.fromkeys(lead + co))
        return units, list(dict.fromkeys(lead)), [u for u in dict.fromkeys(co) if u not in lead]
    return list(dict.fromkeys(plain)), None, None


def _unwrap(part: str) -> str:
    group = final_bracket_group(part)
    if part[:1] in OPENERS and group is not None and group[0] == 0:
        return part[1 : group[1] - 1].strip()
    return _BRACKETED_KEY.sub(r"\1", part)


def parse_note(raw: str) -> UnitNote:
    """Split a note's text into units, and lead and co-operating units where it says so.

    Keys such as 牵头单位：/配合单位：/负责部门： name the role of what follows; other keys
    (适用范围：, 完成时限：) are not units, but a time limit is kept as the deadline.
    """
    note = UnitNote(raw=raw)
    text = squash(raw)
    # A time limit in brackets inside the note: (完成时限：2025年底前).
    for m in _TIME_GROUP.finditer(text):
        note.deadline = m.group("when").strip() or None
    text = _TIME_GROUP.sub("", text)
    lead: list[str] = []
    co: list[str] = []
    plain: list[str] = []
    keyed_split = False
    plain_split: tuple[list[str] | None, list[str] | None] = (None, None)
    for part in split_top_level(text, "；;。"):
        part = _unwrap(part)
        if not part:
            continue
        m = _MARKER_KEYS.match(part)
        key = m.group("key") if m else None
        value = part[m.end() :] if m else part
        if not m:
            km = _KEY_ONLY.match(part)
            if km:
                key_text = km.group("key")
                if re.search(r"时限|时间|期限|完成", key_text):
                    note.deadline = part[km.end() :].strip() or None
                    continue
                if not re.search(r"单位|部门", key_text):
                    continue
                key, value = key_text, part[km.end() :]
        if key and ("牵头" in key or "主办" in key) and "配合" not in key:
            lead += split_units(value)
            keyed_split = True
        elif key and re.search(r"配合|协办|参与|协助", key) and "牵头" not in key:
            co += split_units(value)
            keyed_split = True
        else:
            value, when = _drop_time_parts(value)
            note.deadline = when or note.deadline
            units, p_lead, p_co = _parse_plain(value)
            plain += units
            if p_lead is not None:
                plain_split = (p_lead, p_co)
    if keyed_split:
        lead = list(dict.fromkeys(lead + plain))
        note.lead = lead
        note.co = [u for u in dict.fromkeys(co) if u not in lead]
        note.units = note.lead + note.co
    else:
        note.units = list(dict.fromkeys(plain))
        if plain_split[0] is not None:
            note.lead, note.co = plain_split[0], plain_split[1] or []
    return note


@dataclass
class FoundNote:
    """Where a clause's note sits: the line it ends and the body text left on that line."""

    line_index: int
    body_before: str
    raw: str
    extra_lines: int = 0  # lines before it that belong to the same note
    after: str = ""  # text after the note on its line (a closing sentence)


def _is_note_part(part: str) -> bool:
    part = _unwrap(squash(part))
    if not part:
        return True
    m = _MARKER_KEYS.match(part)
    if m:
        return True
    return bool(_TIME_KEY.match(part) or _TIME_GROUP.fullmatch(part)) or is_unit_list(part)


def _cut_note(raw: str) -> tuple[str, str]:
    """The note and what follows it: a note runs to the end of its paragraph, or to the first
    sentence after it that is neither a keyed part nor a list of names (and at MAX_NOTE)."""
    pos = 0
    for part in split_top_level(raw[: MAX_NOTE + 1], "。；;"):
        if pos and not _is_note_part(part):
            return raw[:pos].rstrip("。；; "), raw[pos:].strip()
        pos += len(part) + 1
    if len(raw) > MAX_NOTE:
        return raw[:MAX_NOTE].strip(), raw[MAX_NOTE:].strip()
    return raw.strip(), ""


def _inline_note(line: str) -> tuple[str, str, str] | None:
    """A marker note in the running text of a paragraph: (body before, note, text after)."""
    depth, scanned, tries = 0, 0, 0
    for m in _INLINE_MARKER.finditer(line):
        if tries >= 3:
            break  # a paragraph has one note; bounded so a long line stays linear
        for ch in line[scanned : m.start()]:
            if ch in OPENERS:
                depth += 1
            elif ch in CLOSERS and depth:
                depth -= 1
        scanned = m.start()
        if depth:
            continue  # inside a bracketed note, which the bracket rule reads
        tries += 1
        raw, after = _cut_note(line[m.start() :].strip())
        value = _MARKER_KEYS.sub("", _unwrap(squash(raw)), count=1)
        first = split_top_level(value, "；;。")[0]
        if any(looks_like_unit(name) for name in split_units(first)):
            return line[: m.start()].rstrip(), raw, after
    return None


def _bracket_note(line: str, is_last: bool) -> tuple[str, str] | None:
    """Closing bracketed groups that form the note: the units and any time limit beside them."""
    rest, parts, has_units = line, [], False
    for _ in range(4):
        group = final_bracket_group(rest)
        if group is None:
            break
        a, b = group
        content, before = rest[a + 1 : b - 1].strip(), rest[:a].rstrip()
        if _TIME_KEY.match(squash(content)):
            parts.insert(0, content)
        elif has_units:
            break
        else:
            # A group of bare names is only trusted at the very end of the clause.
            ends = not before or before[-1] in SENTENCE_END or before[-1] == "”"
            if not is_unit_note(content, bare_ok=is_last and ends):
                break
            parts.insert(0, content)
            has_units = True
        rest = before
    if not parts or (not has_units and not is_last):
        return None
    return rest, "；".join(parts)


def _note_in_line(line: str, is_last: bool) -> tuple[str, str, str] | None:
    inline = _inline_note(line)
    if inline is not None:
        return inline
    found = _bracket_note(line, is_last)
    return (found[0], found[1], "") if found else None


def find_note(lines: list[str]) -> FoundNote | None:
    """The last unit note of a clause's lines, if any.

    Lines after the note belong to the document (a closing paragraph, a news article), not
    to the clause; consecutive marker lines (牵头单位：…／配合单位：…) form one note, and a
    time-limit line joins the note that ends the paragraph above it.
    """
    last = True
    for i in range(len(lines) - 1, -1, -1):
        line = lines[i].strip()
        if not line:
            continue
        is_last, last = last, False
        if _LINE_MARKER.match(line):
            start = i
            while (
                start > 0
                and i - start < _MAX_MARKER_LINES - 1
                and _LINE_MARKER.match(lines[start - 1].strip())
            ):
                start -= 1
            own = [_BRACKETED_KEY.sub(r"\1", x.strip()[:MAX_NOTE]) for x in lines[start : i + 1]]
            own[-1], after = _cut_note(own[-1])
            raw = "；".join(own)
            if start > 0 and all(_TIME_KEY.match(x) for x in own):
                above = _note_in_line(lines[start - 1].strip(), True)
                if above is not None:
                    before, unit_raw, _ = above
                    return FoundNote(i, before, unit_raw + "；" + raw, i - start + 1, after)
            return FoundNote(i, "", raw, i - start, after)
        found = _note_in_line(line, is_last)
        if found is not None:
            return FoundNote(i, found[0], found[1], 0, found[2])
    return None

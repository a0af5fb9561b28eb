"""Finding the responsible-unit note of a clause and splitting it into unit names.

A note is recognised by its own structure, never by a list of known names: a bracketed group
or a line that starts with a marker (责任单位：, 牵头单位：, 负责部门：…), or a group that ends with
a verb of assignment (负责, 牵头, 按职责分工落实 …), or a closing group whose every item has the
shape of an organisation name (ends in 局, 委, 办, 行, 政府, 管委会 … or starts with 各).
"""

import re
from dataclasses import dataclass, field

from .text import CLOSERS, OPENERS, SENTENCE_END, final_bracket_group, split_top_level, squash

MAX_NAME = 40

# Endings of organisation names. Generic vocabulary of Chinese administrative naming.
UNIT_SUFFIXES = (
    "管委会",
    "委员会",
    "联合会",
    "领导小组",
    "工作组",
    "小组",
    "监管局",
    "监管分局",
    "分局",
    "分行",
    "支行",
    "银行",
    "营管部",
    "营业管理部",
    "交易所",
    "集团",
    "公司",
    "政府",
    "中心",
    "法院",
    "检察院",
    "协会",
    "学会",
    "商会",
    "单位",
    "部门",
    "机构",
    "组织",
    "街道",
    "大学",
    "学院",
    "局",
    "委",
    "办",
    "厅",
    "处",
    "科",
    "室",
    "司",
    "行",
    "部",
    "院",
    "会",
    "所",
    "署",
    "站",
    "队",
    "社",
    "馆",
    "区",
    "县",
    "市",
    "省",
    "镇",
    "团",
)
SUBDIVISION_SUFFIXES = ("处", "科", "室", "司", "股")
# Characters that make a name an organisation of its own rather than a bare sub-division.
_HEAD_CHARS = "局行委厅府团院办部署"

_MARKER_KEYS = re.compile(
    r"^(?P<key>(?:主要)?(?:责任|牵头|配合|协办|主办|负责|实施|参与|协助|承办|落实)(?:单位|部门|处室|机构)"
    r"(?:\s*[和及/、]\s*(?:责任|牵头|配合|协办|参与)?(?:单位|部门))?)\s*[：:]?\s*"
)
_KEY_ONLY = re.compile(r"^(?P<key>[\u4e00-\u9fff]{2,8})\s*[：:]\s*")
_TRAILING_VERB = re.compile(
    r"(?:等)?(?:(?:按照?|根据)?(?:各自)?职责(?:分工)?(?:负责|落实|推进|实施|抓好落实)?|分工负责|分别负责|"
    r"共同负责|共同推进|负责落实|负责推进|负责实施|抓好落实|组织实施|负责|落实|牵头|配合|参与|协助|协同|"
    r"按职责分工落实)$"
)
_LEAD_VERB = re.compile(r"(?:牵头(?:负责|落实|推进)?|为牵头单位|主责)$")
_CO_VERB = re.compile(r"(?:配合|参与|协助|协同|协办|共同参与|按职责配合|等配合)$")
_PLAIN_VERB = re.compile(
    r"(?:负责|落实|分工负责|按职责分工落实|按职责分工负责|按职责落实|共同负责)$"
)
_CONNECTIVES = ("以及", "和", "及", "与", "并")
_NOTE_WORDS = re.compile(r"含|包括|下同|不含|除外|以下|简称|[，,、；;]")
_ETC = re.compile(r"等(?:有关|相关)?(?:单位|部门|机构)?$")


@dataclass
class UnitNote:
    """A responsible-unit note as found in the clause, split into names."""

    raw: str
    units: list[str] = field(default_factory=list)
    lead: list[str] | None = None
    co: list[str] | None = None
    deadline: str | None = None


def looks_like_unit(name: str) -> bool:
    """Whether a string has the shape of an organisation name (not a list of known names)."""
    if len(name) > MAX_NAME * 2:
        return False
    name = squash(name)
    if not 2 <= len(name) <= MAX_NAME:
        return False
    if any(ch in name for ch in "。！？；;，,：:“”《》的") or name[0] in "（(":
        return False
    if name.startswith("各"):
        return True
    if len(name) < 3:
        return False
    return name.endswith(UNIT_SUFFIXES)


def _strip_verbs(text: str) -> str:
    text = text.strip(" 、，,；;。")
    for _ in range(3):
        new = _TRAILING_VERB.sub("", text).strip(" 、，,；;。")
        if new == text:
            break
        text = new
    return text


def _drop_nested_notes(text: str) -> str:
    """Remove bracketed remarks inside a list: 各区(含大鹏新区、深汕特别合作区，下同) → 各区.

    A short bracket inside a name such as 各区县(市)政府 is part of the name and stays.
    """
    out, depth, start, pieces = [], 0, 0, []
    for i, ch in enumerate(text):
        if ch in OPENERS:
            if depth == 0:
                start = i
            depth += 1
        elif ch in CLOSERS and depth:
            depth -= 1
            if depth == 0:
                pieces.append((start, i + 1))
    last = 0
    for a, b in pieces:
        inner = text[a + 1 : b - 1]
        after = text[b : b + 1]
        at_end = not after or after in "、，,；;和及等" or after in SENTENCE_END
        if _NOTE_WORDS.search(inner) or (at_end and len(inner) > 2):
            out.append(text[last:a])
            last = b
    out.append(text[last:])
    return "".join(out)


def _split_connectives(item: str) -> list[str]:
    """Split 甲局和乙局 where both sides are names; 市工业和信息化局 stays whole."""
    out: list[str] = []
    while len(item) <= MAX_NAME * 4:
        cut = None
        for word in _CONNECTIVES:
            pos = item.find(word)
            while pos > 0 and cut is None:
                left, right = item[:pos], item[pos + len(word) :]
                if looks_like_unit(left) and looks_like_unit(_ETC.sub("", right) or right):
                    cut = (left, right)
                pos = item.find(word, pos + 1)
            if cut:
                break
        if cut is None:
            break
        out.append(cut[0])
        item = cut[1]
    out.append(item)
    return out


def _head_of(name: str) -> str | None:
    """The organisation a sub-division belongs to: 人行河南省分行信贷政策管理处 → 人行河南省分行."""
    if not name.endswith(SUBDIVISION_SUFFIXES):
        return None
    for i in range(len(name) - 2, 0, -1):
        if name[i] in _HEAD_CHARS:
            return name[: i + 1]
    return None


def _is_bare_subdivision(name: str) -> bool:
    return name.endswith(SUBDIVISION_SUFFIXES) and not any(ch in _HEAD_CHARS for ch in name)


def split_units(text: str) -> list[str]:
    """Split a list of unit names as printed into clean names, in order.

    Separators 、，,；; and connectives 和/及/以及/与 between names; a trailing 等, verbs of
    assignment and bracketed remarks are dropped; names elided by a shared prefix
    (…分行信贷政策管理处、货币政策处) are written out; a name cut by a line break is joined.
    """
    text = _drop_nested_notes(squash(text))
    names: list[str] = []
    for part in split_top_level(text, "、，,；;/"):
        part = _strip_verbs(part)
        part = _ETC.sub("", part) if len(part) > 2 else part
        part = _strip_verbs(part)
        if not part:
            continue
        for name in _split_connectives(part):
            name = _ETC.sub("", _strip_verbs(name)) or name
            if not name or len(name) > MAX_NAME:
                continue
            if names and _is_bare_subdivision(name):
                head = _head_of(names[-1])
                if head:
                    name = head + name
            names.append(name)
    return list(dict.fromkeys(names))


def _is_unit_list(text: str) -> bool:
    names = split_units(text)
    return bool(names) and all(looks_like_unit(n) for n in names)


def is_unit_note(content: str, *, bare_ok: bool) -> bool:
    """Whether a bracketed group or line is a responsible-unit note.

    ``bare_ok`` allows a group that holds only names, without marker or verb; it is only
    trusted where such a group stands after the clause's last sentence.
    """
    content = squash(content)
    if not content or len(content) > 2000:
        return False
    if _MARKER_KEYS.match(content):
        return True
    if re.search(r"(?:单位|部门)[：:]", content):
        return True
    stripped = _strip_verbs(content)
    if stripped != content.strip(" 、，,；;。") and stripped:
        body = stripped.replace("会同", "、")
        if _is_unit_list(body):
            return True
        parts = split_top_level(content, "，,；;")
        if len(parts) > 1 and all(_is_unit_list(_strip_verbs(p)) for p in parts if p.strip()):
            return True
    return bare_ok and _is_unit_list(content.replace("会同", "、"))


def _parse_plain(text: str) -> tuple[list[str], list[str] | None, list[str] | None]:
    """Units of a note without keys: X负责 / X牵头，Y配合 / X会同Y负责 / X、Y按职责分工落实."""
    lead: list[str] = []
    co: list[str] = []
    plain: list[str] = []
    split = False
    for part in split_top_level(text, "，,；;"):
        part = part.strip()
        if not part:
            continue
        if "会同" in part:
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
        lead += plain
        units = list(dict.fromkeys(lead + co))
        return units, list(dict.fromkeys(lead)), [u for u in dict.fromkeys(co) if u not in lead]
    return list(dict.fromkeys(plain)), None, None


def parse_note(raw: str) -> UnitNote:
    """Split a note's text into units, and lead and co-operating units where it says so.

    Keys such as 牵头单位：/配合单位：/负责部门： name the role of what follows; other keys
    (适用范围：, 完成时限：) are not units, but a time limit is kept as the deadline.
    """
    note = UnitNote(raw=raw)
    text = squash(raw)
    lead: list[str] = []
    co: list[str] = []
    plain: list[str] = []
    keyed_split = False
    plain_split: tuple[list[str] | None, list[str] | None] = (None, None)
    for part in split_top_level(text, "；;。"):
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
    extra_lines: int = 0  # marker lines before it that belong to the same note


_LINE_MARKER = re.compile(
    r"^[【\[]?(?:(?:主要)?(?:责任|牵头|配合|协办|主办|负责|实施|参与)(?:单位|部门|处室)|完成时限|完成时间)"
    r"[】\]]?\s*[：:]"
)


def find_note(lines: list[str]) -> FoundNote | None:
    """The last unit note of a clause's lines, if any.

    Lines after the note belong to the document (a closing paragraph, a news article), not
    to the clause; consecutive marker lines (牵头单位：…／配合单位：…) form one note.
    """
    last = True
    for i in range(len(lines) - 1, -1, -1):
        line = lines[i].strip()
        if not line:
            continue
        is_last, last = last, False
        if _LINE_MARKER.match(line):
            start = i
            while start > 0 and _LINE_MARKER.match(lines[start - 1].strip()):
                start -= 1
            raw = "；".join(x.strip().strip("【】[]") for x in lines[start : i + 1])
            return FoundNote(line_index=i, body_before="", raw=raw, extra_lines=i - start)
        group = final_bracket_group(line)
        if group is None:
            continue
        a, b = group
        content = line[a + 1 : b - 1]
        before = line[:a].rstrip()
        # A group of bare names is only trusted at the very end of the clause.
        bare_ok = is_last and (not before or before[-1] in SENTENCE_END or before[-1] in "”")
        if is_unit_note(content, bare_ok=bare_ok):
            return FoundNote(line_index=i, body_before=before, raw=content.strip())
    return None

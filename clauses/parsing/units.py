"""Unit names: whether a string has the shape of an organisation name, and splitting a list.

Names are recognised by their own shape, never by a list of known names: they end in 局, 委,
办, 行, 政府, 管委会 … or start with 各. Finding the note that holds them is ``notes``' job.
"""

import re

from .text import CLOSERS, OPENERS, SENTENCE_END, split_top_level, squash

MAX_NAME = 40
# The longest list read: a few dozen names fill a few hundred characters, and the work per
# name is real, so a list that runs on for pages is cut here.
MAX_LIST = 4000

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
_TRAILING_VERB = re.compile(
    r"(?:等)?(?:(?:按照?|根据)?(?:各自)?职责(?:分工)?(?:负责|落实|推进|实施|抓好落实)?|分工负责|分别负责|"
    r"共同负责|共同推进|负责落实|负责推进|负责实施|抓好落实|组织实施|负责|落实|牵头|配合|参与|协助|协同|"
    r"按职责分工落实)$"
)
_CONNECTIVES = ("以及", "和", "及", "与", "并")
_NOTE_WORDS = re.compile(r"含|包括|下同|不含|除外|以下|简称|[，,、；;]")
# Administrative levels in brackets (（市、区）) and a level that continues a collective name
# (各区、县（市）人民政府): the fragment after 各区 cannot stand alone.
_LEVELS = re.compile(r"^[市区县旗](?:[、，,][市区县旗]){0,3}$")
_LEVEL_TAIL = re.compile(
    r"^[市区县旗]{1,2}(?:[（(][市区县旗、，,]{1,7}[)）])?(?:人民政府|政府|党委|党委和政府)?$"
)
_COLLECTIVE_HEAD = re.compile(r"^各[市区县旗]{1,3}$")
_ETC = re.compile(r"等(?:有关|相关)?(?:单位|部门|机构)?$")


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


def strip_verbs(text: str) -> str:
    """The text without trailing verbs of assignment (负责, 牵头, 按职责分工落实 …)."""
    text = text.strip(" 、，,；;。")
    for _ in range(3):
        new = _TRAILING_VERB.sub("", text).strip(" 、，,；;。")
        if new == text:
            break
        text = new
    return text


def _drop_nested_notes(text: str) -> str:
    """Remove bracketed remarks inside a list: 各区(含大鹏新区、深汕特别合作区，下同) → 各区.

    A short bracket inside a name such as 各区县(市)政府 or 各县（市、区）人民政府 is part of
    the name and stays.
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
        if _LEVELS.match(inner):
            continue
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
    text = _drop_nested_notes(squash(text[: MAX_LIST * 2])[:MAX_LIST])
    names: list[str] = []
    pos = 0
    for part in split_top_level(text, "、，,；;/"):
        sep, pos = (text[pos - 1] if pos else ""), pos + len(part) + 1
        part = strip_verbs(part)
        part = _ETC.sub("", part) if len(part) > 2 else part
        part = strip_verbs(part)
        if not part:
            continue
        for k, name in enumerate(_split_connectives(part)):
            name = _ETC.sub("", strip_verbs(name)) or name
            if not name or len(name) > MAX_NAME:
                continue
            # 各区、县（市）人民政府: the level after 各区 cannot stand alone.
            if k == 0 and names and _COLLECTIVE_HEAD.match(names[-1]) and _LEVEL_TAIL.match(name):
                names[-1] += sep + name
                continue
            if names and _is_bare_subdivision(name):
                head = _head_of(names[-1])
                if head:
                    name = head + name
            names.append(name)
    return list(dict.fromkeys(names))


def is_unit_list(text: str) -> bool:
    """Whether every name of a printed list has the shape of an organisation name."""
    names = split_units(text)
    return bool(names) and all(looks_like_unit(n) for n in names)

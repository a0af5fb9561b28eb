"""Document-level facts: title and kind, notice wrapper, 文号, issuers, addressees, jurisdiction."""

import re
from datetime import date

from .places import (
    AMBIGUOUS,
    CITIES,
    MUNICIPALITIES,
    PROVINCES,
    district_at_head,
    first_place,
    province_name,
)
from .tables import column_kind
from .text import match_label, squash
from .units import UNIT_SUFFIXES, looks_like_unit, split_units
from .values import find_date

KINDS = (
    "实施意见",
    "指导意见",
    "若干意见",
    "行动方案",
    "实施方案",
    "工作方案",
    "行动计划",
    "工作计划",
    "若干政策",
    "若干措施",
    "政策措施",
    "实施细则",
    "管理办法",
    "实施办法",
    "工作要点",
    "若干规定",
    "意见",
    "方案",
    "措施",
    "举措",
    "政策",
    "办法",
    "规定",
    "细则",
    "计划",
    "规划",
    "决定",
    "纲要",
    "指引",
    "清单",
    "要点",
    "条例",
    "通知",
    "任务分解表",
    "分解表",
    "任务表",
    "一览表",
    "台账",
)
_KIND_ALT = "|".join(sorted(set(KINDS), key=len, reverse=True))
_TITLE_LAST = frozenset(k[-1] for k in KINDS) | frozenset(")）")
_TITLE_RE = re.compile(r"(?:" + _KIND_ALT + r")(?P<suffix>\s*[（(][^（()）]{1,24}[)）])?$")
_NOTICE_RE = re.compile(
    r"(?:印发|转发|颁布|下发|发布)[^。；]{0,120}的?(?:通知|通告|函)(?:[（(][^（()）]{1,24}[)）])?$"
)
_DOC_NUMBER = re.compile(r"^[\u4e00-\u9fff]{1,12}\s*[〔\[［【(（]\s*\d{4}(?:[^\s。，]{0,12})$")
_DATE_LINE = re.compile(
    r"^(?:\d{4}|[〇○零一二三四五六七八九]{4})\s*年\s*[\d一二三四五六七八九十]{1,3}\s*月\s*"
    r"[\d一二三四五六七八九十]{1,3}\s*日$"
)
_SENTENCE_PUNCT = re.compile(r"[。；;！？!?，,：:“”]")


def title_kind(title: str) -> str | None:
    """The kind of document a title names (实施意见, 行动方案, 若干政策 …), best effort."""
    core = re.sub(r"\s*[（(][^（()）]{1,24}[)）]$", "", title.strip())
    for kind in sorted(KINDS, key=len, reverse=True):
        if core.endswith(kind):
            return kind
    return None


def is_title_line(line: str) -> bool:
    """Whether a line looks like a document title: short, no sentence, ends with a kind.

    Lines that quote a title (ending in 》), list attachments (附件：) or start with a clause
    label are not titles.
    """
    if not 6 <= len(line) <= 120 or line[-1] not in _TITLE_LAST or match_label(line):
        return False
    if column_kind(line):
        return False
    if line.startswith(("附件", "附：", "附:")) or line.endswith("》"):
        return False
    if re.search(r"[。；;！？!?：:]", line):
        return False
    return bool(_TITLE_RE.search(line))


def is_notice_title(line: str) -> bool:
    """Whether a title is a notice that forwards another document (关于印发《X》的通知)."""
    return is_title_line(line) and bool(_NOTICE_RE.search(line))


def is_title_head(line: str) -> bool:
    """Whether a line can be the first half of a title cut in two (深圳…科技金融 / 高质量发展行动方案)."""
    if not 2 <= len(line) <= 30 or match_label(line) or _SENTENCE_PUNCT.search(line):
        return False
    if _DATE_LINE.match(line) or _DOC_NUMBER.match(line) or re.search(r"[（()）《》\d]", line):
        return False
    return not squash(line).endswith(UNIT_SUFFIXES)


_TAIL_RE = re.compile(r"^的?(?:" + _KIND_ALT + r")(?:[（(][^（()）]{1,24}[)）])?$")


def is_title_tail(line: str) -> bool:
    """Whether a line is only the end of a title cut before its kind (… / 实施方案, … / 的通知)."""
    return len(line) <= 16 and bool(_TAIL_RE.match(line))


def wrapped_title(notice: str) -> str | None:
    """The title a notice forwards: 《X》 when quoted, else the words between 印发 and 的通知."""
    m = re.search(r"《([^《》]{2,120})》", notice)
    if m:
        return m.group(1)
    m = re.search(r"(?:印发|转发)(.{2,120}?)的?(?:通知|通告)", notice)
    return m.group(1).strip() if m else None


def notice_issuer(notice: str) -> list[str]:
    """Issuers named before 关于 in a notice title (郑州市人民政府 中国人民银行河南省分行 关于…)."""
    head = notice.split("关于", 1)[0].strip()
    if not head or head == notice:
        return []
    parts = [p for p in re.split(r"\s+|、", head) if p]
    return [p for p in parts if looks_like_unit(p)]


def is_doc_number(line: str) -> bool:
    """Whether a line is a 文号 such as 郑政文〔2025〕66号 (printed as is, even if cut)."""
    return len(line) <= 30 and bool(_DOC_NUMBER.match(line))


def is_date_line(line: str) -> bool:
    """Whether a line is a date alone, as under a signature."""
    return bool(_DATE_LINE.match(line.strip()))


def _first_lines(lines: list[str], count: int):
    """The first ``count`` non-empty lines, stripped: where a header's facts are printed."""
    found = 0
    for line in lines:
        line = line.strip()
        if line:
            found += 1
            if found > count:
                return
            yield line


def header_facts(lines: list[str]) -> tuple[str | None, list[str]]:
    """文号 and addressees (主送) from the lines right after a title.

    The addressee line ends with a colon and comes before the body; only the first few lines
    are looked at, so a colon deep in the text is never taken for one.
    """
    doc_number = None
    addressees: list[str] = []
    for line in _first_lines(lines, 4):
        if match_label(line):
            break
        if doc_number is None and is_doc_number(line):
            doc_number = line
            continue
        if line[-1] in "：:" and len(line) <= 300 and "。" not in line:
            names = split_units(line[:-1])
            if names and all(looks_like_unit(n) or n.startswith("各") for n in names):
                addressees = names
            break
        if is_title_line(line):
            continue
        if len(line) > 30:
            break
    return doc_number, addressees


_BRACKETED_DATE = re.compile(
    r"^[（(]\s*(?P<date>[^（()）]{6,20}日)\s*(?:印发|发布|公布|签发)?\s*[)）]$"
)


def header_date(lines: list[str]) -> date | None:
    """The issue date printed under a title, in brackets: （2024年3月5日）, (2024年3月5日印发)."""
    for line in _first_lines(lines, 3):
        m = _BRACKETED_DATE.match(line)
        if m and is_date_line(m.group("date")):
            return find_date(m.group("date"))
    return None


def signature(lines: list[str]) -> tuple[list[str], date | None]:
    """Issuers and date of the last signature block (names on lines above a date line)."""
    for i in range(len(lines) - 1, -1, -1):
        line = lines[i].strip()
        if not is_date_line(line):
            continue
        issued = find_date(line)
        names: list[str] = []
        j = i - 1
        while j >= 0 and len(names) < 6:
            prev = lines[j].strip()
            j -= 1
            if not prev:
                if names:
                    break
                continue
            parts = [p for p in re.split(r"\s+", prev) if p]
            if not parts or not all(looks_like_unit(p) for p in parts):
                break
            names = parts + names
        return names, issued
    return [], None


def _levels(units: list[str]) -> tuple[int, int, int]:
    """How many unit names are provincial, municipal and district-level (省… / 市… / 区…)."""
    prov = city = dist = 0
    for u in units:
        # A collective names the level below its author: 各市 in a province, 各区 in a city.
        head = (
            u[:1]
            if not u.startswith("各")
            else {"市": "省", "区": "市", "县": "市"}.get(u[1:2], "街")
        )
        if head == "省" or re.search(r"省分行|省分局|省监管局", u):
            prov += 1
        elif head == "市":
            city += 1
        elif head in ("区", "县", "街", "镇", "乡"):
            dist += 1
    return prov, city, dist


def _head_place(title: str, issuers: list[str]) -> tuple[str, str] | None:
    """The first place named where the issuing body names itself: the title, then issuers."""
    for text in (title.split("关于", 1)[0] or title, title, *issuers):
        place = first_place(text)
        if place is not None:
            return place
    return None


def jurisdiction(title: str, issuers: list[str], units: list[str], text: str) -> str | None:
    """The province, city or district whose units the document names.

    The place the title (or else an issuer) names first decides, so a city's plan that cites
    北京 or 上海 stays with its city; a district (南山区…, 深圳市南山区人民政府) wins when the
    units are district-level (区发改局, 各街道办事处), written 深圳市南山区 when the city is
    printed with it and 南山区 otherwise. Without a place in the title or issuers, the text is
    counted with a gazetteer, and a province wins when most unit names are provincial.
    """
    prov_units, city_units, dist_units = _levels(units)
    district = next((d for d in map(district_at_head, [title, *issuers]) if d), None)
    if district and dist_units > city_units:
        for prefix in (title, *issuers, text[:100_000]):
            m = re.search(r"([\u4e00-\u9fff]{2,4})市" + district, prefix)
            if m:
                place = first_place(m.group(1) + "市")
                if place and place[0] == "city":
                    return place[1] + "市" + district
        return district
    head = _head_place(title, issuers)
    if head is not None:
        kind, name = head
        return name + "市" if kind == "city" else province_name(name)
    # The first 100,000 characters tell the place as well as the whole text would.
    weighted = title * 3 + "\n" + "\n".join(issuers) * 3 + "\n" + text[:100_000]
    # A name whose first character is not in the text cannot occur: most of the gazetteer is
    # skipped without scanning the text (a file may hold thousands of small documents).
    present = set(weighted)
    best_city, city_count = None, 0
    for city in CITIES:
        if city[0] not in present:
            continue
        count = weighted.count(city + "市") * 2
        if city not in AMBIGUOUS:
            count += weighted.count(city)
        if count > city_count:
            best_city, city_count = city, count
    if best_city and city_units >= prov_units:
        return best_city + "市"
    best_prov, prov_count = None, 0
    for prov in PROVINCES:
        if prov[0] not in present:
            continue
        count = weighted.count(prov)
        if prov in MUNICIPALITIES and prov_units:
            continue  # a provincial document that cites 北京 or 上海 is not about them
        if count > prov_count:
            best_prov, prov_count = prov, count
    if best_prov:
        return province_name(best_prov)
    return best_city + "市" if best_city else None


_ABBREVIATIONS = (("中国人民银行", "人行"), ("中国人民银行", "人民银行"), ("人民政府", "政府"))


def _is_abbreviation(short: str, long: str) -> bool:
    if len(short) < 3 or len(short) >= len(long) or short[-1] != long[-1]:
        return False
    it = iter(long)
    if not all(ch in it for ch in short):
        return False
    # The short form keeps the head of the name: same first character or a standard short.
    return short[0] == long[0] or any(
        long.startswith(a) and short.startswith(b) for a, b in _ABBREVIATIONS
    )


def same_unit_groups(names: list[str], text: str) -> list[list[str]]:
    """Groups of names in a document that denote one body (市人社局 / 市人力资源社会保障局).

    Only groups the text itself shows: both spellings must appear in it. Bounded, so an
    adversarial list of thousands of names stays fast.
    """
    names = [n for n in dict.fromkeys(names) if 3 <= len(n) <= 30][:300]
    candidates = list(names)
    for name in names:
        for full, short in _ABBREVIATIONS:
            if full in name:
                alt = name.replace(full, short, 1)
                # The short form must occur on its own, not only inside the full name.
                alone = text.count(alt) - (text.count(name) if alt in name else 0)
                if alt != name and alone > 0 and alt not in candidates:
                    candidates.append(alt)
    groups: list[list[str]] = []
    for long in sorted(candidates, key=len, reverse=True):
        for short in candidates:
            if short != long and _is_abbreviation(short, long):
                for group in groups:
                    if long in group or short in group:
                        for n in (long, short):
                            if n not in group:
                                group.append(n)
                        break
                else:
                    groups.append([long, short])

    def first_seen(name: str) -> int:
        pos = text.find(name)
        return pos if pos >= 0 else len(text)

    groups = [sorted(group, key=first_seen) for group in groups]
    return sorted(groups, key=lambda group: first_seen(group[0]))

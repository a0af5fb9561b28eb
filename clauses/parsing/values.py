"""Dates, deadlines, validity periods and quantitative targets printed in policy text."""

import bisect
import calendar
import itertools
import re
from datetime import date
from decimal import Decimal, InvalidOperation

from .model import ParsedTarget
from .text import cn_to_int

_CN_NUM = "零〇○一二三四五六七八九十百千两"
_YEAR = r"(?P<y>\d{4}|[〇○零一二三四五六七八九]{4})\s{0,3}年"

_DATE_RE = re.compile(
    _YEAR
    + r"\s{0,3}(?P<m>\d{1,2}|[一二三四五六七八九十]{1,3})\s{0,3}月\s{0,3}(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3})\s{0,3}日"
)
_EFFECTIVE_DATE = re.compile(
    r"自\s{0,3}"
    + _YEAR
    + r"\s{0,3}(?P<m>\d{1,2}|[一二三四五六七八九十]{1,3})\s{0,3}月\s{0,3}(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3})"
    r"\s{0,3}日\s{0,3}起?\s{0,3}(?:正式)?(?:施行|生效|实施|执行)"
)
_EFFECTIVE_ISSUE = re.compile(
    r"自\s{0,3}(?:印发|发布|公布|下发|颁布|签发)\s{0,3}之日\s{0,3}起\s{0,3}(?:施行|生效|实施|执行)"
)
_VALID_YEARS = re.compile(
    r"(?:有效期|试行期?)\s{0,3}(?:为|是)?\s{0,3}(?P<n>\d{1,2}|[一二三四五六七八九十两]{1,3})\s{0,3}(?:个)?\s{0,3}年"
)
_VALID_UNTIL = re.compile(
    r"有效期\s{0,3}(?:至|到|截至|截止)\s{0,3}"
    + _YEAR
    + r"\s{0,3}(?P<m>\d{1,2}|[一二三四五六七八九十]{1,3})\s{0,3}月"
    r"\s{0,3}(?:(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3})\s{0,3}日)?"
)

_DEADLINE_RE = re.compile(
    r"(?:(?:到|至|截至|截止到?|力争)\s{0,3})?"
    + _YEAR
    + r"(?:\s{0,3}(?P<m>\d{1,2}|[一二三四五六七八九十]{1,3})\s{0,3}月(?:\s{0,3}(?P<d>\d{1,2})\s{0,3}日)?)?"
    r"\s{0,3}(?P<part>上半年|下半年|年底|年末|底|末|第[一二三四1-4]季度)?\s{0,3}(?P<before>前|之前|以前)?"
)
_RELATIVE = re.compile(
    r"^(?:年内|年底前|长期坚持|长期|持续推进|持续|常态化推进|常态化|立即|即时|每年|每半年|每季度|每月)"
)


def _num(text: str | None) -> int | None:
    if text is None:
        return None
    if text.isdigit():
        return int(text)
    if all(ch in "〇○零一二三四五六七八九" for ch in text) and len(text) == 4:
        return int("".join(str(cn_to_int(ch)) for ch in text))
    return cn_to_int(text)


def make_date(y: int | None, m: int | None, d: int | None) -> date | None:
    """A date from parts, or None when the parts do not make one."""
    try:
        return date(y, m, d) if y and m and d else None
    except ValueError:
        return None


def _month_end(y: int, m: int) -> date | None:
    if not 1 <= m <= 12:
        return None
    return date(y, m, calendar.monthrange(y, m)[1])


def find_date(text: str) -> date | None:
    """The first full date (2025年6月3日, 二〇二五年六月三日) in a text."""
    m = _DATE_RE.search(text)
    if not m:
        return None
    return make_date(_num(m.group("y")), _num(m.group("m")), _num(m.group("d")))


def parse_deadline(text: str, *, relative: bool = False) -> tuple[str | None, date | None]:
    """A deadline phrase in the text and its date when unambiguous.

    2025年底前 → 2025-12-31, 到2027年 → 2027-12-31, 2026年6月底前 → 2026-06-30,
    年内 / 长期 → the phrase without a date (only with ``relative``, for a column or a
    note that holds nothing but the time limit). A bare year counts only with 到/前/底/末, since
    "2025年" alone is usually a reference, not a deadline.
    """
    if not text:
        return None, None
    rel = _RELATIVE.match(text.strip()) if relative else None
    if rel:
        return rel.group(0), None
    for m in _DEADLINE_RE.finditer(text):
        lead = m.group(0)[:1] in "到至截力"
        part, before = m.group("part"), m.group("before")
        if not (lead or part or before):
            continue
        y = _num(m.group("y"))
        if not y or not 1900 < y < 2200:
            continue
        month = _num(m.group("m"))
        day = _num(m.group("d"))
        phrase = m.group(0).strip()
        if month and day:
            return phrase, make_date(y, month, day)
        if month:
            if part in ("底", "末") or before or lead:
                return phrase, _month_end(y, month)
            continue
        if part == "上半年":
            return phrase, date(y, 6, 30)
        if part and part.startswith("第"):
            q = _num(part[1:-2]) or 0
            return phrase, _month_end(y, q * 3) if 1 <= q <= 4 else None
        return phrase, date(y, 12, 31)
    return None, None


def find_validity(text: str) -> tuple[date | None, bool, int | None, date | None]:
    """Effective date, whether it is the issue date, validity in years and end of validity.

    Closing paragraphs say 自2023年11月1日起施行, 自印发之日起施行, 有效期5年 / 有效期三年 /
    有效期至2027年12月31日; the last statement in the document wins, since that is where
    the closing paragraph sits.
    """
    effective = None
    from_issue = False
    for m in _EFFECTIVE_DATE.finditer(text):
        effective = make_date(_num(m.group("y")), _num(m.group("m")), _num(m.group("d")))
        from_issue = False
    last_issue = None
    for m in _EFFECTIVE_ISSUE.finditer(text):
        last_issue = m
    if last_issue is not None and effective is None:
        from_issue = True
    years = None
    for m in _VALID_YEARS.finditer(text):
        years = _num(m.group("n"))
    until = None
    for m in _VALID_UNTIL.finditer(text):
        y, mo = _num(m.group("y")), _num(m.group("m"))
        d = _num(m.group("d"))
        if y and mo:
            until = make_date(y, mo, d) if d else _month_end(y, mo)
    return effective, from_issue, years, until


# Quantitative targets ----------------------------------------------------------------------

# Targets read from one clause: real clauses promise a handful; a text of thousands of numbers
# is no list of targets, and each one costs a look back for its metric and deadline.
MAX_TARGETS = 50

_NUMBER = r"(?P<num>\d+(?:\.\d+)?|[零〇一二三四五六七八九十百千两]{1,6})"
_MEASURE = (
    r"(?P<unit>(?:万|千|百)?(?:个|家|户|人|件|套|台|笔|项|款|座)|个百分点|百分点|%|％|‰|万亿元|千亿元|亿元|千万元|百万元|万元|元|亿美元|万美元|万户|万家|家|款|个|项|户|"
    r"只|笔|次|倍|个月|年|人次|人|件|条|支|座|所|亩|平方米|吨|场)"
)
_GTE = "不低于|不少于|至少|超过|突破|高于|多于|达到|达|提高至|提高到|提升至|提升到|增至|增加至|扩大至|扩大到"
_LTE = "不超过|不高于|最高不超过|最长不超过|最多|最高|最长可达|最长|最高可达|可达到|可达|降至|降低至|降到|控制在|压降至|低于"
_EQ = "总规模|规模为|规模达|共计"
_TARGET_RE = re.compile(
    r"(?P<cmp>"
    + _LTE
    + "|"
    + _GTE
    + "|"
    + _EQ
    + r")\s{0,3}(?:(?:约|近|超)\s{0,3})?"
    + _NUMBER
    + r"\s{0,3}"
    + _MEASURE
    + r"\s{0,3}(?P<suffix>以上|以下|以内|左右)?"
    r"|"
    + _NUMBER.replace("num", "num2")
    + r"\s{0,3}"
    + _MEASURE.replace("unit", "unit2")
    + r"\s{0,3}(?P<suffix2>以上|以下|以内)"
)
# Targets whose number does not follow a comparator: 累计培育…200家 (a total to reach, gte)
# and changes in points, 提高2个百分点 / 下降1个百分点 (a change of at least so much, gte).
_CHANGE_RE = re.compile(
    r"(?P<cmp>累计)[^\d，,。；;、]{0,16}"
    + _NUMBER
    + r"\s{0,3}"
    + _MEASURE
    + r"(?P<suffix>以上)?|(?:提高|提升|增加|增长|下降|降低|压降|减少)\s{0,3}"
    + _NUMBER.replace("num", "num2")
    + r"\s{0,3}(?P<unit2>个百分点|百分点)"
)
_METRIC_SKIP = re.compile(
    r"^(?:力争|确保|争取|推动|实现|使|全市|全省|全区|每年|年均|其中|并|且|到\d{4}年(?:底|末)?|\d{4}年(?:底|末)?)+"
)
_LTE_WORDS = set(_LTE.split("|"))
_GTE_WORDS = set(_GTE.split("|"))


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:
        value = cn_to_int(text)
        return Decimal(value) if value is not None else None


def find_targets(text: str) -> list[ParsedTarget]:
    """Numbers a clause promises: 不低于15%, 不少于60家, 10款以上, 总规模200亿元, 最长可达15年.

    Each gets a comparator (gte/lte/eq), its value and measure, the noun phrase before it as
    a best-effort metric, and the deadline printed earlier in the same sentence.
    """
    targets: list[ParsedTarget] = []
    matches = list(itertools.islice(_TARGET_RE.finditer(text), MAX_TARGETS))
    # Comparator matches do not overlap and come in order, so one bisection tells whether a
    # change match overlaps one of them (a scan of all of them made this quadratic).
    starts = [m.start() for m in matches]
    ends = [m.end() for m in matches]
    for m in itertools.islice(_CHANGE_RE.finditer(text), MAX_TARGETS):
        i = bisect.bisect_left(starts, m.end())
        if not (i and ends[i - 1] > m.start()):
            matches.append(m)
    # Past the cap only the first matches in reading order are kept: beyond them a change
    # match may overlap a comparator match that was not looked for.
    for m in sorted(matches, key=lambda x: x.start())[:MAX_TARGETS]:
        if m.group("num") is not None:
            cmp_word, num, unit, suffix = (
                m.group("cmp"),
                m.group("num"),
                m.group("unit"),
                m.group("suffix"),
            )
        else:
            cmp_word, num, unit = None, m.group("num2"), m.group("unit2")
            suffix = m.groupdict().get("suffix2") or "以上"
        value = _decimal(num)
        if value is None:
            continue
        if suffix in ("以下", "以内"):
            comparator = "lte"
        elif suffix == "以上":
            comparator = "gte"
        elif cmp_word in _LTE_WORDS:
            comparator = "lte"
        elif cmp_word in _GTE_WORDS or cmp_word == "累计":
            comparator = "gte"
        else:
            comparator = "eq"
        # Look back a bounded window: the metric and the deadline are in the same sentence.
        window = text[max(0, m.start() - 120) : m.start()]
        start = max(window.rfind(ch) for ch in "。；;，,：:")
        sentence_start = max(window.rfind(ch) for ch in "。；;")
        metric = _METRIC_SKIP.sub("", window[start + 1 :].strip())[-30:] or None
        if cmp_word == "累计" and m.start("num") > m.start() + 2:
            metric = text[m.start() + 2 : m.start("num")].strip() or metric
        deadline, deadline_date = parse_deadline(window[sentence_start + 1 :])
        targets.append(
            ParsedTarget(
                text=m.group(0).strip(),
                metric=metric,
                comparator=comparator,
                value=value,
                unit=unit.replace("％", "%"),
                deadline=deadline,
                deadline_date=deadline_date,
            )
        )
    return targets

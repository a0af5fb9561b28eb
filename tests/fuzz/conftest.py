"""Fuzzing the readers and the parser: bounded hypothesis runs, a hang guard, case counts.

Every property test runs a fixed number of examples chosen from a fixed seed (derandomize),
so CI is reproducible and its time bounded; the number of cases each test tried is printed
in the terminal summary ("fuzz: <test> tried N cases"), without needing ``pytest -s``.
"""

import functools
import signal
from collections import Counter

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# A test that runs longer than this is hung (catastrophic backtracking, a quadratic loop), not
# slow: every case here finishes in a second or two. Not a timing assertion, a guard.
HANG_GUARD_SECONDS = 60
ADVERSARIAL_GUARD_SECONDS = 10

FUZZ = settings(
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

_CASES: Counter[str] = Counter()


def counted(test):
    """Count the examples hypothesis runs through ``test`` (apply under ``@given``)."""

    @functools.wraps(test)
    def wrapper(*args, **kwargs):
        _CASES[test.__name__] += 1
        return test(*args, **kwargs)

    return wrapper


def pytest_terminal_summary(terminalreporter):
    for name, count in sorted(_CASES.items()):
        terminalreporter.write_line(f"fuzz: {name} tried {count} cases")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    """Fail a test of this folder that hangs, instead of letting it stall CI.

    A hook rather than an autouse fixture: hypothesis warns about function-scoped fixtures
    around @given tests. SIGALRM exists on the Linux and macOS machines the suite runs on.
    """
    seconds = ADVERSARIAL_GUARD_SECONDS if "test_adversarial" in item.nodeid else HANG_GUARD_SECONDS

    def hung(signum, frame):
        raise TimeoutError(f"{item.nodeid} ran longer than {seconds} s: a hang, not slowness")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


# Strategies for text that looks like a Chinese policy document -------------------------------

CN_NUMBERS = "一二三四五六七八九十"
UNITS = [
    "市科技局",
    "市财政局",
    "市发展改革委",
    "市工业和信息化局",
    "市地方金融监管局",
    "中国人民银行深圳市分行",
    "人行某省分行信贷政策管理处",
    "货币政策处",
    "国家金融监督管理总局深圳监管局",
    "各区人民政府",
    "各区、县（市）人民政府",
    "市人力资源社会保障局",
    "市人社局",
    "深交所",
    "市中小企业服务局",
]
PHRASES = [
    "加强组织领导",
    "完善科技金融服务体系",
    "推动银行机构加大信贷投放",
    "各区要建立工作机制",
    "银行保险机构应当优化服务",
    "支持企业上市融资",
    "到2025年底，科技贷款余额不低于1000亿元",
    "新增融资担保规模不少于60家",
    "力争培育10款以上金融产品",
    "累计服务企业200家",
    "不良率提高2个百分点",
    "2026年6月底前完成",
    "长期坚持",
    "本方案自印发之日起施行，有效期3年",
    "由市地方金融监管局负责解释",
    "指导思想",
    "总体要求",
    "保障措施",
]
PUNCTUATION = "，。；：、！？（）【】“”《》…—"


def _numbered(style: str, n: int) -> str:
    cn = CN_NUMBERS[(n - 1) % 10]
    return {
        "cn_dun": f"{cn}、",
        "cn_par": f"（{cn}）",
        "ar_dot": f"{n}.",
        "ar_par": f"（{n}）",
        "ar_dun": f"{n}、",
        "circ": "①②③④⑤⑥⑦⑧⑨⑩"[(n - 1) % 10],
        "art": f"第{cn}条",
        "chap": f"第{cn}章",
    }[style]


# Strategies are built once: hypothesis spends far more time building a strategy inside a
# draw than drawing from it, which would make these tests five times slower.
_NAMES = st.lists(st.sampled_from(UNITS), min_size=1, max_size=5)
_SEPARATORS = st.sampled_from(["、", "，", "和", "及"])
_NOTE_SHAPES = (
    "（责任单位：{all}）",
    "（{all}负责）",
    "（{first}牵头，{all}配合）",
    "（牵头单位：{first}；配合单位：{all}）",
    "。责任单位：{all}。",
    "【责任单位】{all}",
    "\n牵头单位：{first}\n配合单位：{all}\n完成时限：2025年底前",
    "（{all}按职责分工负责，2025年6月底前完成）",
    "（{first}（牵头）、{all}）",
    "（责任单位：{all}（含下同，各区）",  # cut: unbalanced bracket
    "（责任单位：",
)
_PHRASE = st.sampled_from(PHRASES)
_PHRASES = st.lists(_PHRASE, min_size=1, max_size=4)
_UNIT = st.sampled_from(UNITS)
_ENDS = st.sampled_from(["。", "；", "", "：", "。。"])
_SMALL = st.integers(0, 9)
_COLUMNS = ("序号", "重点任务", "具体内容", "牵头单位", "配合单位", "完成时限")
_TITLES = st.sampled_from(
    [
        "关于加快推进科技金融高质量发展的实施意见",
        "深圳市关于印发《科技金融行动方案》的通知",
        "郑州市支持企业上市若干措施",
        "实施方案",
        "任务分解表",
    ]
)
_STYLES = st.lists(
    st.sampled_from(["cn_dun", "cn_par", "ar_dot", "ar_par", "ar_dun", "circ", "art"]),
    min_size=1,
    max_size=4,
    unique=True,
)
_NOISE = st.sampled_from([*PUNCTUATION, "\n", " ", "\u3000", "\n\n", "第 3 页"])


@st.composite
def unit_notes(draw) -> str:
    """A responsible-unit note in one of the shapes documents print."""
    names = draw(_NAMES)
    listed = draw(_SEPARATORS).join(names)
    shape = _NOTE_SHAPES[draw(st.integers(0, len(_NOTE_SHAPES) - 1))]
    return shape.format(all=listed, first=names[0])


_NOTE = unit_notes()


def _clause_line(draw, style: str, n: int) -> str:
    body = "，".join(draw(_PHRASES))
    note = _note_or_nothing(draw)
    label = _numbered(style, n)
    shape = draw(_SMALL) % 3
    if shape == 0:
        return f"{label}{draw(_PHRASE)}。{body}{draw(_ENDS)}{note}"
    if shape == 1:
        return f"{label}{draw(_PHRASE)}\n{body}{draw(_ENDS)}{note}"
    return f"{label}{body}{draw(_ENDS)}{note}"


def _note_or_nothing(draw) -> str:
    return draw(_NOTE) if draw(_SMALL) < 6 else ""


def _table(draw) -> list[str]:
    """A task table flattened with bars or tabs, or one cell per line."""
    columns = [c for c in _COLUMNS if draw(_SMALL) < 6] or ["重点任务", "牵头单位"]
    rows = []
    for i in range(1, draw(_SMALL) % 7 + 1):
        cells = {
            "序号": str(i),
            "重点任务": draw(_PHRASE),
            "具体内容": draw(_PHRASE),
            "牵头单位": draw(_UNIT),
            "配合单位": "、".join(draw(_NAMES)[: draw(_SMALL) % 4]),
            "完成时限": ("2025年底前", "长期坚持", "2026年6月", "")[draw(_SMALL) % 4],
        }
        rows.append([cells[c] for c in columns])
    layout = draw(_SMALL) % 3
    if layout == 0:
        return [*columns, *(cell for row in rows for cell in row)]
    join = " | " if layout == 1 else "\t"
    return [join.join(columns), *(join.join(row) for row in rows)]


@st.composite
def policy_documents(draw) -> str:
    """Text shaped like a policy document: title, 文号, addressees, outline, notes, signature.

    Outline levels are drawn from the label styles documents use (一、/（一）/1./（1）/①/第一条),
    at random depths, with numbering that may restart, skip or repeat, so the outline builder,
    the note finder, the unit splitter, the table reader and the metadata readers all run.
    """
    lines: list[str] = []
    if draw(_SMALL) < 3:
        lines.append(("深圳市人民政府办公厅关于印发", "某某市")[draw(_SMALL) % 2])
    lines.append(draw(_TITLES))
    if draw(_SMALL) < 5:
        lines.append(("深府办〔2024〕12号", "（2024年3月5日）")[draw(_SMALL) % 2])
    if draw(_SMALL) < 5:
        lines.append("各区人民政府，市政府直属各单位：")
    styles = draw(_STYLES)
    counters = [0] * len(styles)
    for _ in range(draw(_SMALL) + draw(_SMALL) // 2 + 1):
        level = draw(_SMALL) % len(styles)
        counters[level] = (counters[level] + 1, 1, counters[level] + 2)[draw(_SMALL) % 5 // 3]
        for deeper in range(level + 1, len(styles)):
            counters[deeper] = 0
        if draw(_SMALL) == 0:
            lines += _table(draw)
        elif level == 0 and len(styles) > 1:
            lines.append(_numbered(styles[0], counters[0]) + draw(_PHRASE))
        else:
            lines.append(_clause_line(draw, styles[level], counters[level]))
        if draw(_SMALL) < 2:
            lines.append(draw(_PHRASE) + ("。", "，", "")[draw(_SMALL) % 3])
    if draw(_SMALL) < 5:
        lines += ["本方案自2024年4月1日起施行，有效期三年。", "市科技局  市财政局", "2024年3月5日"]
    text = "\n".join(lines)
    # Noise: full-width punctuation, spaces and breaks where a page break or a web page puts them.
    for _ in range(draw(_SMALL) % 4):
        pos = draw(st.integers(0, len(text)))
        text = text[:pos] + draw(_NOISE) + text[pos:]
    return text


_ALPHABET = st.sampled_from(
    list("一二三四五六七八九十（）()【】[]、，。；：:责任单位牵头配合负责局委办区各市和及等")
    + list("年月日底前0123456789.%\n \t|《》“”")
    + UNITS
    + PHRASES
)
_POLICY_LIKE = st.one_of(policy_documents(), st.lists(_ALPHABET, max_size=80).map("".join))


def policy_like_text() -> st.SearchStrategy[str]:
    """Structured documents, and arbitrary text over the alphabet such documents use."""
    return _POLICY_LIKE

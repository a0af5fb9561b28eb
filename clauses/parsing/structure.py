"""Documents in a file, the outline of numbered items in a document, and clause text.

The outline is inferred from the labels alone: each label style (一、 / （一） / 1. / （1） …)
keeps the level it had when first seen, a style not yet open with the next number of an
open level of the same shape continues that level (a document that mixes （2） and （三）),
and any other new style opens a deeper level. Leaves are clauses; inner nodes are sections.
"""

import difflib
import re
from dataclasses import dataclass, field

from .metadata import (
    is_notice_title,
    is_title_head,
    is_title_line,
    is_title_tail,
    wrapped_title,
)
from .notes import find_note
from .tables import find_table
from .text import Label, first_sentence, match_label, squash

# Words of headings that state aims or scope rather than ask for action.
NON_TASK_WORDS = (
    "指导思想",
    "总体要求",
    "基本要求",
    "主要目标",
    "工作目标",
    "发展目标",
    "总体目标",
    "具体目标",
    "预期目标",
    "目标任务",
    "基本原则",
    "工作原则",
    "主要原则",
    "支持领域",
    "支持范围",
    "适用范围",
    "适用对象",
    "支持对象",
    "总体思路",
    "工作思路",
    "基本思路",
    "重要意义",
    "总则",
    "附则",
    "其他",
    "其它",
    "名词解释",
    "术语定义",
    "定义",
    "实施期限",
    "有效期",
    "政策依据",
    "编制依据",
    "目标",
    "原则",
    "要求",
    "思路",
    "范围",
)
_NON_TASK_RE = re.compile(
    "^(?:" + "|".join(sorted(NON_TASK_WORDS, key=len, reverse=True)) + r"|和|与|及|、|\s)+$"
)
_MODAL = re.compile(
    r"(?<![重主需纲摘提必只首概])要(?![素求点件闻])|应当|(?<![供适响对相效反呼理])应(?![用急对收付有])|"
    r"必须|务必|(?<!无)须|负责"
)
_TITLE_TAILS = (
    "体系",
    "机制",
    "体制",
    "建设",
    "服务",
    "保障",
    "作用",
    "模式",
    "能力",
    "水平",
    "环境",
    "平台",
    "试点",
    "合作",
    "改革",
    "创新",
    "发展",
    "工程",
    "行动",
    "政策",
    "队伍",
    "产品",
    "渠道",
    "市场",
    "中心",
    "矩阵",
    "供给",
    "激励",
    "管理",
    "品牌",
    "制度",
    "功能",
    "布局",
    "生态",
    "融资",
    "支持",
    "力度",
    "质效",
    "效率",
    "覆盖面",
    "规模",
    "结构",
    "格局",
    "联动",
    "对接",
    "监管",
    "防控",
    "宣传",
    "领导",
    "督导",
    "考核",
    "推广",
    "引导",
    "培育",
    "风控",
    "风险",
    "流程",
    "标准",
    "应用",
    "转化",
)
_TAIL_RUN = re.compile("(?:" + "|".join(sorted(_TITLE_TAILS, key=len, reverse=True)) + ")+")
_ACTOR_START = (
    "各",
    "银行",
    "保险",
    "证券",
    "金融",
    "政策性",
    "商业",
    "国有",
    "地方",
    "市",
    "区",
    "县",
    "省",
    "政府",
    "有关",
    "相关",
    "企业",
    "机构",
    "中小",
    "法人",
    "我市",
    "全市",
    "本市",
    "再保险",
)


@dataclass
class Node:
    """A numbered line of the outline and the unnumbered lines under it."""

    label: Label
    line: str
    lines: list[str] = field(default_factory=list)
    parent: "Node | None" = None
    children: list["Node"] = field(default_factory=list)

    @property
    def heading(self) -> str:
        """The heading as printed, without a sentence that follows it on the same line."""
        if re.search(r"[。；;！？]", self.label.rest):
            return self.label.text + heading_title(self.label.rest)
        return self.line.strip()


@dataclass
class Segment:
    """Lines of one document candidate: its title and the lines after it."""

    title: str
    is_notice: bool
    lines: list[str]


def build_outline(lines: list[str]) -> tuple[list[str], list[Node]]:
    """Preamble lines and the numbered nodes of a document, in reading order."""
    preamble: list[str] = []
    nodes: list[Node] = []
    stack: list[tuple[tuple[str, str], int | None, Node]] = []
    for line in lines:
        label = match_label(line) if line else None
        if label is None:
            (nodes[-1].lines if nodes else preamble).append(line)
            continue
        pos = next((i for i, (style, _, _) in enumerate(stack) if style == label.style), None)
        if pos is None and label.number is not None:
            pos = next(
                (
                    i
                    for i, (style, number, _) in enumerate(stack)
                    if style[1] == label.style[1]
                    and number is not None
                    and label.number == number + 1
                ),
                None,
            )
        if pos is not None:
            del stack[pos:]
        parent = stack[-1][2] if stack else None
        node = Node(label=label, line=line, parent=parent)
        if parent is not None:
            parent.children.append(node)
        stack.append((label.style, label.number, node))
        nodes.append(node)
    return preamble, nodes


_ATTACHMENT = re.compile(r"^附\s*件\s*[\d一二三四五六七八九十]{0,3}\s*[：:．.、]?")


def attachment_lists(lines: list[str]) -> list[str]:
    """The lines with attachment lists blanked: 附件：1.重点任务分解表 / 2.指标体系 names files,
    it asks nothing, and its numbers are not clauses."""
    out = list(lines)
    i = 0
    while i < len(out):
        if not _ATTACHMENT.match(out[i]) or len(out[i]) > 80:
            i += 1
            continue
        out[i] = ""
        i += 1
        while i < len(out) and out[i] and match_label(out[i]) and len(out[i]) <= 60:
            if re.search(r"[。；;！？]", out[i]):
                break
            out[i] = ""
            i += 1
    return out


def split_segments(lines: list[str]) -> list[Segment]:
    """Cut a file into document candidates at title lines.

    A title inside a document's numbered text only starts a new document when it is a
    notice or when numbering restarts at one after it; text before the first title is
    dropped unless it holds numbered clauses (a document printed without a title).
    """
    labels = [match_label(line) if line else None for line in lines]
    next_label: list[Label | None] = [None] * (len(lines) + 1)
    for i in range(len(lines) - 1, -1, -1):
        next_label[i] = labels[i] if labels[i] is not None else next_label[i + 1]
    label_count = [0]
    for lab in labels:
        label_count.append(label_count[-1] + (lab is not None))
    starts: list[tuple[int, int, str]] = []  # (first line, title line, title)
    for i, line in enumerate(lines):
        if not line:
            continue
        head = _cut_title_head(lines, i, starts[-1][1] if starts else -1)
        if not is_title_line(line) and head is None:
            continue
        if starts:
            prev_title_line = starts[-1][1]
            has_labels = label_count[i] > label_count[prev_title_line + 1]
            if has_labels and not is_notice_title(line):
                nxt = next_label[i + 1]
                if nxt is None or nxt.number != 1:
                    continue
        first, title = i, line
        j = i - 1
        while j >= 0 and not lines[j]:
            j -= 1
        floor = starts[-1][1] if starts else -1
        if head is not None:
            first, title = head, lines[head] + line
        elif j > floor and is_title_head(lines[j]) and not is_title_line(lines[j]):
            first, title = j, lines[j] + line
        starts.append((first, i, title))
    segments: list[Segment] = []
    head_end = starts[0][0] if starts else len(lines)
    if any(labels[:head_end]) or find_table(lines[:head_end]) is not None:
        first_line = next((x for x in lines[:head_end] if x and not x.startswith("附")), "")
        guess = first_line if len(first_line) <= 60 and not match_label(first_line) else ""
        guess = "" if _cells_like(guess) else guess
        segments.append(Segment(title=guess, is_notice=False, lines=lines[:head_end]))
    for k, (_first, title_line, title) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else len(lines)
        segments.append(
            Segment(
                title=title, is_notice=is_notice_title(title), lines=lines[title_line + 1 : end]
            )
        )
    return segments


def _cut_title_head(lines: list[str], i: int, floor: int) -> int | None:
    """The line holding the first part of a title whose line ``i`` is only the kind (实施方案)."""
    if not is_title_tail(lines[i]):
        return None
    j = i - 1
    while j > floor and not lines[j]:
        j -= 1
    if j <= floor or i - j > 3 or match_label(lines[j]) or is_title_line(lines[j]):
        return None
    return j if is_title_line(lines[j] + lines[i]) else None


def _cells_like(line: str) -> bool:
    return "\t" in line or line.count("|") >= 2


def has_clauses(lines: list[str]) -> bool:
    """Whether any line of a segment starts with a clause label."""
    return any(line and match_label(line) for line in lines)


def wraps(notice: Segment, title: str) -> bool:
    """Whether a notice forwards the document titled ``title``."""
    wrapped = wrapped_title(notice.title) or notice.title
    a, b = squash(wrapped), squash(title)
    if not a or not b:
        return False
    if b in a or a in b:
        return True
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() >= 0.6


def heading_title(text: str) -> str:
    """The heading phrase of a heading line: up to the first full stop, without it."""
    sentence, _ = first_sentence(text)
    return sentence.strip().rstrip("。.：:；;")


def is_heading_phrase(text: str, *, max_len: int = 40) -> bool:
    """Whether a phrase reads as a clause heading rather than as the first sentence of a body.

    Headings are short verb phrases (优化科技信贷体制机制); a body sentence has a subject with
    a modal (各区要…, 银行机构应…) or runs on with commas.
    """
    text = text.strip().rstrip("。.：:")
    if not 2 <= len(text) <= max_len or re.search(r"[；;：:]", text):
        return False
    if _MODAL.search(text) or text.startswith(("各", "本", "对", "在", "为", "按照", "根据")):
        return False
    parts = re.split(r"[，,]", text)
    return len(parts) == 1 or (len(parts) <= 2 and all(len(p) <= 12 for p in parts))


def split_run_on_title(text: str) -> tuple[str, str] | None:
    """Split a heading printed without its full stop (健全组织架构体系各银行保险机构…).

    The heading ends with a heading noun (体系, 机制, 建设 …) and the body starts with an
    actor (各…, 银行…, 保险…); anything less certain is left without a title.
    """
    head = re.split(r"[，,。；;：:]", text[:60], maxsplit=1)[0][:24]
    for m in _TAIL_RUN.finditer(head):
        if m.start() < 2:
            continue
        title, rest = text[: m.end()], text[m.end() :]
        if rest.startswith(_ACTOR_START) and not _MODAL.search(title) and len(rest) > 4:
            return title, rest
    return None


def title_and_body(lines: list[str]) -> tuple[str | None, str]:
    """The heading phrase of a clause (None when it has none) and its body text."""
    lines = [line.strip() for line in lines]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    if not lines:
        return None, ""
    first, rest = lines[0], [x for x in lines[1:] if x]
    # A heading on a line of its own (its body follows on the next lines).
    alone = not re.search(r"[。！？!?]", first[:-1]) and (rest or first[-1:] not in "。.")
    # Over its body a heading may end with a semicolon (持续破除市场准入壁垒；).
    head = first.rstrip("；;") if rest else first
    if alone and is_heading_phrase(head, max_len=60):
        return head.rstrip("。.：:"), "\n".join(rest)
    sentence, after = first_sentence(first)
    if sentence != first and is_heading_phrase(sentence):
        body = "\n".join([after.strip(), *rest]) if after.strip() else "\n".join(rest)
        return sentence.strip(), body
    split = split_run_on_title(first)
    if split is not None:
        return split[0], "\n".join([split[1], *rest])
    return None, "\n".join([first, *rest])


_CLOSING = re.compile(
    r"施行|生效|有效期|失效|废止|负责解释|解释权|由[^。；;]{1,40}解释|(?:起|之日)(?:正式)?(?:实施|执行)|"
    r"为准|从其规定|不再执行|停止执行"
)
_SENTENCES = re.compile(r"[^。；;！？!?]+")
CLOSING_REASON = "closing clause: effective date, validity or interpretation"


def is_closing_text(text: str) -> bool:
    """Whether every sentence of a clause only says when it takes effect, how long it is valid,
    who interprets it or what it repeals (本措施自2024年4月1日起施行，有效期3年): nobody is
    asked to act."""
    sentences = [x.strip() for x in _SENTENCES.findall(text) if x.strip()]
    return bool(sentences) and all(
        _CLOSING.search(x) and not _MODAL.search(re.sub("负责解释", "", x)) for x in sentences
    )


_SHORT_ITEM = 150


def folds_children(node: Node) -> bool:
    """Whether a clause's numbered sub-items ((1)…；(2)… or ①…②…) are part of its body.

    The clause introduces them (its line carries a sentence or ends with a colon, or text
    stands between it and its first item) and either one note after the last item names the
    units of them all, or no item has a note and every item is short. A clause heading under
    a section folds its measures without an introduction only when one note on a line of its
    own closes them all. Top-level headings (一、重点任务) introduce nothing, so their
    clauses stay clauses.
    """
    kids = node.children
    if not kids or any(k.children for k in kids):
        return False
    rest = node.label.rest.strip()
    intro = rest.endswith(("：", ":")) or "。" in rest or any(x.strip() for x in node.lines)
    # A clause heading inside a section ((一)壮大科技信贷规模 / 1.… / 2.… / note) may list its
    # measures without an introduction; then only a note closing them all folds them.
    if not intro and node.parent is None:
        return False
    notes = [find_note([k.label.rest, *k.lines]) for k in kids]
    if any(notes[:-1]):
        return False
    last = notes[-1]
    if not intro and last is None:
        return False
    if last is not None:
        # The note must stand on a line of its own under the last item, not end that item.
        return last.line_index - last.extra_lines > 0 and not last.body_before
    return all(len(k.label.rest) + sum(map(len, k.lines)) <= _SHORT_ITEM for k in kids)


def non_task_reason(title: str | None) -> str | None:
    """Why a clause titled so is not a task (指导思想, 主要目标, 支持领域 …), or None."""
    if title and len(title) <= 30 and _NON_TASK_RE.match(title.strip()):
        return f"non-actionable heading: {title.strip()}"
    return None

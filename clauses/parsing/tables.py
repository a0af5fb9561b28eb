"""Task tables (任务分解表): rows of 序号 | 重点任务 | 具体内容 | 牵头单位 | 配合单位 | 完成时限.

Readers flatten a table either to one line per row with tab or "|" between cells, or to one
cell per line. The header row names the columns; the units come from the unit columns.
"""

import re
from dataclasses import dataclass, field

from .text import match_label, squash
from .units import looks_like_unit, split_units

_COLUMNS = (
    ("seq", ("序号", "编号", "序")),
    ("lead", ("牵头单位", "牵头部门", "主责单位", "牵头责任单位", "主办单位")),
    ("co", ("配合单位", "配合部门", "协办单位", "参与单位", "协同单位", "协助单位")),
    ("resp", ("责任单位", "责任部门", "负责单位", "负责部门", "实施单位", "承办单位", "责任主体")),
    (
        "time",
        (
            "完成时限",
            "完成时间",
            "时间节点",
            "时限",
            "进度安排",
            "时间安排",
            "完成期限",
            "时间要求",
        ),
    ),
    (
        "task",
        (
            "重点任务",
            "工作任务",
            "主要任务",
            "任务名称",
            "任务事项",
            "工作事项",
            "任务",
            "事项",
            "项目",
        ),
    ),
    (
        "detail",
        (
            "具体内容",
            "工作措施",
            "具体措施",
            "主要内容",
            "任务内容",
            "工作内容",
            "具体任务",
            "政策措施",
            "工作举措",
            "措施",
            "内容",
            "举措",
            "目标任务",
            "工作要求",
        ),
    ),
)
_UNIT_KINDS = ("lead", "co", "resp")
_SEQ_CELL = re.compile(r"^\d{1,3}[.、．]?$")
_TIME_CELL = re.compile(r"\d{4}\s*年|年底|年内|长期|持续|季度|月底|每年|每季度|每月|常态化")


@dataclass
class TableRow:
    """One task row, cells keyed by column kind, under the section heading it sits in."""

    cells: dict[str, str]
    section: str | None
    seq: str | None


@dataclass
class Table:
    """A task table found in a document and the sections its label rows open."""

    start: int
    end: int = 0  # the first line after the table
    rows: list[TableRow] = field(default_factory=list)
    sections: list[tuple[str, str]] = field(default_factory=list)  # (line, label text)


_EXACT = {name: kind for kind, names in _COLUMNS for name in names}
_CONTAINS = re.compile(
    "|".join(
        sorted((n for _, names in _COLUMNS for n in names if len(n) >= 2), key=len, reverse=True)
    )
)


def column_kind(cell: str) -> str | None:
    """The kind of a header cell (seq, task, detail, lead, co, resp, time), or None."""
    cell = squash(cell).strip("|")
    # A header names a column; 牵头单位：市科技局 is a note with its value.
    if not cell or len(cell) > 12 or any(ch in cell for ch in "：:。；;，,"):
        return None
    if cell in _EXACT:
        return _EXACT[cell]
    m = _CONTAINS.search(cell)
    if m is None or match_label(cell):
        return None
    # Prefer the earliest column family, as the exact table does (牵头 before 责任 …).
    found = [kind for kind, names in _COLUMNS if any(n in cell for n in names if len(n) >= 2)]
    return found[0] if found else None


def _cells(line: str) -> list[str] | None:
    if "\t" in line:
        return [c.strip() for c in line.split("\t")]
    if line.count("|") >= 2 or line.count("｜") >= 2:
        parts = re.split(r"[|｜]", line.strip())
        if parts and not parts[0].strip():
            parts = parts[1:]
        if parts and not parts[-1].strip():
            parts = parts[:-1]
        return [c.strip() for c in parts]
    return None


def _header_ok(kinds: list[str | None]) -> bool:
    known = [k for k in kinds if k]
    return (
        len(known) >= 3 and any(k in _UNIT_KINDS for k in known) and len(set(known)) == len(known)
    )


def find_table(lines: list[str]) -> Table | None:
    """The task table of a document, if its header row can be found."""
    for i, line in enumerate(lines):
        if not line:
            continue
        cells = _cells(line)
        if cells is not None:
            kinds = [column_kind(c) for c in cells]
            if _header_ok(kinds) and all(kinds[j] or not cells[j] for j in range(len(cells))):
                return _read_delimited(lines, i, kinds)
            continue
        if column_kind(line):
            j = i
            kinds: list[str | None] = []
            while j < len(lines) and lines[j] and column_kind(lines[j]):
                kinds.append(column_kind(lines[j]))
                j += 1
            if _header_ok(kinds):
                return _read_cell_lines(lines, i, j, kinds)
    return None


def _is_row(line: str) -> bool:
    cells = _cells(line)
    return cells is not None and sum(1 for c in cells if c) > 1


def _read_delimited(lines: list[str], start: int, kinds: list[str | None]) -> Table:
    # The table ends after its last row: text after it (保障措施, 附件) is the document's again.
    end = next((i + 1 for i in range(len(lines) - 1, start, -1) if _is_row(lines[i])), start + 1)
    table = Table(start=start, end=end)
    section = None
    for line in lines[start + 1 : end]:
        if not line:
            continue
        cells = _cells(line)
        if cells is not None and all(re.fullmatch(r"[-:：—\s]*", c) for c in cells):
            continue  # the rule under a Markdown header
        if cells is None or sum(1 for c in cells if c) <= 1:
            text = line if cells is None else next((c for c in cells if c), "")
            if match_label(text):
                section = text
                table.sections.append((text, match_label(text).text))
            elif table.rows:
                row = table.rows[-1].cells
                key = "detail" if "detail" in row else "task"
                row[key] = (row.get(key, "") + text).strip()
            continue
        row: dict[str, str] = {}
        for kind, cell in zip(kinds, cells, strict=False):
            if kind and cell:
                row[kind] = (row.get(kind, "") + " " + cell).strip()
        table.rows.append(TableRow(cells=row, section=section, seq=row.get("seq")))
    return table


def _fits(kind: str, cell: str) -> bool:
    if kind in _UNIT_KINDS:
        names = split_units(cell)
        return bool(names) and all(looks_like_unit(n) for n in names)
    if kind == "time":
        return len(cell) <= 20 and bool(_TIME_CELL.search(cell))
    return True


def _assign(cells: list[str], kinds: list[str | None]) -> dict[str, str]:
    """Map a row's cells to columns in order, skipping columns whose cell is missing.

    A column is skipped only when cells are fewer than columns and the cell fits a later
    unit or time column better than the current one.
    """
    columns = [k for k in kinds if k]
    row: dict[str, str] = {}
    col = 0
    for i, cell in enumerate(cells):
        if col >= len(columns):
            last = columns[-1] if columns else "detail"
            row[last] = (row.get(last, "") + cell).strip()
            continue
        slack = (len(columns) - col) - (len(cells) - i)
        if slack > 0:
            for j in range(col, min(len(columns), col + slack + 1)):
                if columns[j] in (*_UNIT_KINDS, "time") and _fits(columns[j], cell):
                    if not _fits(columns[col], cell) or columns[col] in ("task", "detail", "seq"):
                        col = j
                    break
        row[columns[col]] = cell
        col += 1
    return row


def _ends_cell_table(
    lines: list[str], i: int, current: list[str], has_seq: bool, width: int
) -> bool:
    """Whether line ``i`` is past a table flattened one cell per line.

    An attachment line ends it; with a serial column, so does a full row followed by more
    text, and a numbered heading that no serial number follows.
    """
    line = lines[i]
    if line.startswith(("附件", "附：", "附:")):
        return True
    if not has_seq:
        return False
    if len(current) >= width:
        return True
    label = match_label(line)
    # Inside a row a numbered line is a cell's sub-item, unless it is a part heading (三、…).
    if label and (not current or label.style == ("cn", "dun")):
        nxt = next((x for x in lines[i + 1 :] if x), "")
        return not _SEQ_CELL.match(nxt)
    return False


def _read_cell_lines(lines: list[str], start: int, end: int, kinds: list[str | None]) -> Table:
    table = Table(start=start)
    has_seq = "seq" in kinds
    body_kinds = [k for k in kinds if k != "seq"]
    section = None
    current: list[str] = []
    seq = None

    def flush() -> None:
        if current or seq is not None:
            row = _assign(current, body_kinds)
            if seq is not None:
                row["seq"] = seq
            if any(k != "seq" for k in row):
                table.rows.append(TableRow(cells=row, section=section, seq=seq))

    table.end = len(lines)
    for i in range(end, len(lines)):
        line = lines[i]
        if not line:
            continue
        label = match_label(line)
        if has_seq and _SEQ_CELL.match(line):
            flush()
            current, seq = [], line
            continue
        if _ends_cell_table(lines, i, current, has_seq, len(body_kinds)):
            table.end = i
            break
        if label and not current and len(line) <= 40:
            flush()
            current, seq = [], None
            section = line
            table.sections.append((line, label.text))
            continue
        current.append(line)
        if not has_seq and len(current) == len(body_kinds):
            flush()
            current = []
    flush()
    return table

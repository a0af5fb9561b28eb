"""Assembling ParsedDocuments: segments → outline → sections and clauses → document facts."""

import re

from .metadata import (
    header_date,
    header_facts,
    is_date_line,
    jurisdiction,
    notice_issuer,
    same_unit_groups,
    signature,
    title_kind,
    wrapped_title,
)
from .model import ParsedClause, ParsedDocument, ParsedFile, ParsedSection
from .notes import find_note, parse_note
from .structure import (
    CLOSING_REASON,
    Node,
    Segment,
    attachment_lists,
    build_outline,
    folds_children,
    has_clauses,
    heading_title,
    is_closing_text,
    non_task_reason,
    split_segments,
    title_and_body,
    wraps,
)
from .tables import Table, find_table
from .units import looks_like_unit
from .values import find_targets, find_validity, parse_deadline

_LEAD_RULE = re.compile(
    r"(?:排在|排|列在|列于|列|位列|名列)?(?:第一位|首位|第一个|第一家|首个)的?(?:单位|部门)?\s*(?:为|是|系)\s*"
    r"牵头(?:单位|部门)"
)
_SECTION_PARAGRAPH = "section paragraph without numbered clauses or a responsible unit"


def parse_lines(lines: list[str], source_name: str) -> ParsedFile:
    """Find the documents in a cleaned text's lines and read each one."""
    parsed = ParsedFile(source_name=source_name)
    pending: Segment | None = None
    for segment in split_segments(lines):
        clauses_here = has_clauses(segment.lines) or find_table(segment.lines) is not None
        if segment.is_notice and not clauses_here:
            pending = segment
            continue
        if not clauses_here:
            continue
        wrapper = pending if pending is not None and wraps(pending, segment.title) else None
        pending = None
        parsed.documents.append(_document(segment, wrapper))
    return parsed


def _document(segment: Segment, wrapper: Segment | None) -> ParsedDocument:
    title = segment.title.strip()
    if segment.is_notice and wrapper is None:
        wrapper = Segment(title=title, is_notice=True, lines=[])
        title = wrapped_title(title) or title
    doc = ParsedDocument(title=title, kind=title_kind(title))
    lines = attachment_lists([line.strip() for line in segment.lines])
    loose: list[str] = []

    table = find_table(lines)
    outline_lines = lines[: table.start] if table else lines
    preamble, nodes = build_outline(outline_lines)
    loose += preamble
    over_table = _heading_over_table(nodes) if table else None
    if over_table is not None:
        nodes.remove(over_table)
    styles = _read_outline(doc, nodes, loose)
    if table is not None:
        _read_table(doc, table, over_table)
        # Text after the table (保障措施, closing words) is read like any outline.
        tail, after_nodes = build_outline(lines[table.end :])
        loose += tail
        styles |= {n.label.style for n in (over_table, *after_nodes) if n and n.parent is None}
        _read_outline(doc, after_nodes, loose, styles)
    for i, clause in enumerate(doc.clauses, start=1):
        clause.order = i

    head_lines = lines[:6]
    doc_number, addressees = header_facts(head_lines)
    issuers, issued_on = signature(loose[-8:]) if loose else ([], None)
    if wrapper is not None:
        w_number, w_addressees = header_facts(wrapper.lines)
        w_issuers, w_issued = signature(wrapper.lines)
        doc_number = w_number or doc_number
        addressees = w_addressees or addressees
        issuers = w_issuers or notice_issuer(wrapper.title) or issuers
        issued_on = w_issued or issued_on
    issued_on = issued_on or header_date(head_lines)
    if wrapper is not None:
        issued_on = issued_on or header_date(wrapper.lines)
    doc.doc_number, doc.addressees, doc.issuers, doc.issued_on = (
        doc_number,
        addressees,
        issuers,
        issued_on,
    )

    full_text = "\n".join([*(wrapper.lines if wrapper else []), *lines])
    effective, from_issue, years, until = find_validity("\n".join(lines))
    doc.effective_from = doc.issued_on if from_issue else effective
    doc.valid_years = years
    doc.valid_until = until
    if doc.valid_until is None and doc.effective_from and years:
        try:
            end = doc.effective_from.replace(year=doc.effective_from.year + years)
            doc.valid_until = end.fromordinal(end.toordinal() - 1)
        except ValueError:
            doc.valid_until = None
    doc.lead_rule = bool(_LEAD_RULE.search(full_text))
    if doc.lead_rule:
        for clause in doc.clauses:
            if clause.units and clause.lead_units is None:
                clause.lead_units, clause.co_units = clause.units[:1], clause.units[1:]
    units = [u for c in doc.clauses for u in c.units]
    doc.jurisdiction = jurisdiction(title, doc.issuers, units, "\n".join(lines))
    names = [*doc.issuers, *doc.addressees, *units]
    doc.same_unit = same_unit_groups(names, full_text)
    return doc


def _heading_over_table(nodes: list[Node]) -> Node | None:
    """The numbered heading printed right above a task table (二、重点任务), if any."""
    last = nodes[-1] if nodes else None
    if last is None or last.children or any(x.strip() for x in last.lines):
        return None
    title, body = title_and_body([last.label.rest])
    return last if title and not body else None


def _read_outline(
    doc: ParsedDocument, nodes: list[Node], loose: list[str], styles: frozenset | set = frozenset()
) -> set:
    """Add the outline's sections and clauses to the document; return its heading styles."""
    folded = {id(node) for node in nodes if node.children and folds_children(node)}
    heading_styles = {n.label.style for n in nodes if n.children and id(n) not in folded}
    heading_styles |= styles
    inside = {id(kid) for node in nodes if id(node) in folded for kid in node.children}
    for node in nodes:
        if id(node) in inside:
            continue
        if id(node) in folded:
            lines = [*node.lines]
            for kid in node.children:
                lines += [kid.line, *kid.lines]
            node = Node(label=node.label, line=node.line, lines=lines, parent=node.parent)
        elif node.children:
            _add_section(doc, node)
            loose += node.lines
            continue
        clause = _clause(node, loose)
        if _reads_as_section(node, heading_styles) and clause.is_task and not clause.units:
            # Printed like a section but holding only a paragraph: a preamble or closing.
            clause.is_task = False
            clause.non_task_reason = _SECTION_PARAGRAPH
            if node.parent is None:
                doc.sections.append(
                    ParsedSection(
                        label=node.label.text,
                        title=clause.title or "",
                        heading=node.heading,
                        order=len(doc.sections) + 1,
                    )
                )
        doc.clauses.append(clause)
    return heading_styles


def _reads_as_section(node: Node, heading_styles: frozenset | set) -> bool:
    """Whether a childless node is printed in a heading style where that style heads parts.

    Under a parent whose items of this style are all childless ((一)加强组织领导 / (二)… under
    三、保障措施), the style numbers clauses there, even if it heads measures elsewhere.
    """
    if node.label.style not in heading_styles:
        return False
    if node.parent is None:
        return True
    same = [k for k in node.parent.children if k.label.style == node.label.style]
    return any(k.children for k in same)


def _clause(node: Node, loose: list[str]) -> ParsedClause:
    lines = [node.label.rest, *node.lines]
    while lines and not lines[-1].strip():
        lines.pop()
    signed = _pop_signature(lines)
    # A closing paragraph under the last clause (本方案自印发之日起施行。) is the document's.
    filled = sum(1 for x in lines if x.strip())
    closing: list[str] = []
    while filled > 1 and is_closing_text(lines[-1]):
        closing.append(lines.pop())
        filled -= 1
        while lines and not lines[-1].strip():
            lines.pop()
    found = find_note(lines)
    note = None
    if found is not None:
        loose += [found.after] if found.after else []
        loose += lines[found.line_index + 1 :]
        body_lines = lines[: found.line_index - found.extra_lines]
        if found.body_before:
            body_lines.append(found.body_before)
        note = parse_note(found.raw)
    else:
        body_lines = lines
    loose += closing[::-1] + signed
    title, body = title_and_body(body_lines)
    clause = ParsedClause(
        order=0,
        label=node.label.text,
        section_heading=node.parent.heading if node.parent else None,
        title=title,
        body=body,
        unit_text=found.raw if found else None,
    )
    if note is not None:
        clause.units, clause.lead_units, clause.co_units = note.units, note.lead, note.co
        if note.deadline:
            clause.deadline, clause.deadline_date = parse_deadline(note.deadline, relative=True)
    if clause.deadline is None:
        clause.deadline, clause.deadline_date = parse_deadline(body)
    clause.targets = find_targets(body)
    reason = non_task_reason(title)
    if reason:
        clause.is_task, clause.non_task_reason = False, reason
    elif is_closing_text(body or title or ""):
        clause.is_task, clause.non_task_reason = False, CLOSING_REASON
    elif not clause.units and _under_aims_section(node):
        # 一、总体要求 → （一）坚持市场主导: a principle, not work anybody can report on
        clause.is_task, clause.non_task_reason = False, _UNDER_AIMS
    return clause


_UNDER_AIMS = "under a section of aims or principles, naming no unit"


def _under_aims_section(node) -> bool:
    """Whether an ancestor section is headed by non-task words only (总体要求, 基本原则 …)."""
    parent = node.parent
    while parent is not None:
        if non_task_reason(heading_title(parent.label.rest.strip()) or parent.label.rest.strip()):
            return True
        parent = parent.parent
    return False


def _pop_signature(lines: list[str]) -> list[str]:
    """Take the signature block (issuer lines over a date line) off the end of the last
    clause: it is the document's, and its date is no deadline."""
    if len(lines) < 2 or not is_date_line(lines[-1]):
        return []
    k, names = len(lines) - 1, 0
    while k > 1 and names < 4:
        parts = lines[k - 1].split()
        if parts and not all(looks_like_unit(p) for p in parts):
            break
        names += bool(parts)
        k -= 1
    while k < len(lines) - 1 and not lines[k].strip():
        k += 1
    signed = lines[k:]
    del lines[k:]
    while lines and not lines[-1].strip():
        lines.pop()
    return signed


def _add_section(doc: ParsedDocument, node: Node) -> None:
    doc.sections.append(
        ParsedSection(
            label=node.label.text,
            title=heading_title(node.label.rest),
            heading=node.heading,
            order=len(doc.sections) + 1,
        )
    )


def _read_table(doc: ParsedDocument, table: Table, over: Node | None) -> None:
    if over is not None:
        _add_section(doc, over)
    for line, label in table.sections:
        doc.sections.append(
            ParsedSection(
                label=label,
                title=heading_title(line[len(label) :]),
                heading=line,
                order=len(doc.sections) + 1,
            )
        )
    for index, row in enumerate(table.rows, start=1):
        cells = row.cells
        task, detail = cells.get("task", ""), cells.get("detail", "")
        if task and detail:
            title, body = task.rstrip("。"), detail
        else:
            title, body = title_and_body([task or detail])
        raw_parts = []
        if cells.get("lead"):
            raw_parts.append("牵头单位：" + cells["lead"])
        if cells.get("co"):
            raw_parts.append("配合单位：" + cells["co"])
        if cells.get("resp"):
            raw_parts.append(("责任单位：" if raw_parts else "") + cells["resp"])
        raw = "；".join(raw_parts)
        note = parse_note(raw) if raw else None
        clause = ParsedClause(
            order=0,
            label=(row.seq or str(index)).strip(),
            section_heading=row.section or (over.heading if over else None),
            title=title,
            body=body,
            unit_text=raw or None,
        )
        if note is not None:
            clause.units, clause.lead_units, clause.co_units = note.units, note.lead, note.co
        if cells.get("time"):
            clause.deadline, clause.deadline_date = parse_deadline(cells["time"], relative=True)
            clause.deadline = clause.deadline or cells["time"]
        clause.targets = find_targets(body)
        reason = non_task_reason(title)
        if reason:
            clause.is_task, clause.non_task_reason = False, reason
        doc.clauses.append(clause)

"""Assembling ParsedDocuments: segments → outline → sections and clauses → document facts."""

import re

from .metadata import (
    header_facts,
    jurisdiction,
    notice_issuer,
    same_unit_groups,
    signature,
    title_kind,
    wrapped_title,
)
from .model import ParsedClause, ParsedDocument, ParsedFile, ParsedSection
from .structure import (
    Node,
    Segment,
    build_outline,
    has_clauses,
    heading_title,
    non_task_reason,
    split_segments,
    title_and_body,
    wraps,
)
from .tables import Table, find_table
from .units import find_note, parse_note
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
    lines = [line.strip() for line in segment.lines]
    loose: list[str] = []

    table = find_table(lines)
    outline_lines = lines[: table.start] if table else lines
    preamble, nodes = build_outline(outline_lines)
    loose += preamble
    _read_outline(doc, nodes, loose)
    if table is not None:
        _read_table(doc, table)
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


def _read_outline(doc: ParsedDocument, nodes: list[Node], loose: list[str]) -> None:
    heading_styles = {node.label.style for node in nodes if node.children}
    for node in nodes:
        if node.children:
            doc.sections.append(
                ParsedSection(
                    label=node.label.text,
                    title=heading_title(node.label.rest),
                    heading=node.heading,
                    order=len(doc.sections) + 1,
                )
            )
            loose += node.lines
            continue
        clause = _clause(node, loose)
        if node.label.style in heading_styles and clause.is_task and not clause.units:
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


def _clause(node: Node, loose: list[str]) -> ParsedClause:
    lines = [node.label.rest, *node.lines]
    while lines and not lines[-1].strip():
        lines.pop()
    found = find_note(lines)
    note = None
    if found is not None:
        loose += lines[found.line_index + 1 :]
        body_lines = lines[: found.line_index - found.extra_lines]
        if found.body_before:
            body_lines.append(found.body_before)
        note = parse_note(found.raw)
    else:
        body_lines = lines
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
    return clause


def _read_table(doc: ParsedDocument, table: Table) -> None:
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
            section_heading=row.section,
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

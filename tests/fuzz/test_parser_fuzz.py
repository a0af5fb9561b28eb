"""Property tests of the parser: any text ends in a well-formed parse, never in an exception.

``parse_text`` turns a failure inside the parser into ParseError("internal_error"), which the
importer does not expect, so these properties call it and require a ParsedFile every time.
"""

import json
from datetime import date
from decimal import Decimal

from hypothesis import event, given, settings
from hypothesis import strategies as st

from clauses.parsing import ParsedFile, parse_text, to_gold_dict
from clauses.parsing.notes import find_note, parse_note
from clauses.parsing.structure import build_outline
from clauses.parsing.text import match_label
from clauses.parsing.units import MAX_NAME, split_units
from clauses.parsing.values import find_targets, find_validity, parse_deadline
from clauses.readers.cleanup import clean_text

from .conftest import FUZZ, counted, policy_documents, policy_like_text, unit_notes


def _check_parse(text: str) -> ParsedFile:
    """Parse as the importer does, and check the result is complete and serialisable."""
    parsed = parse_text(clean_text(text), source_name="fuzz.txt")
    gold = to_gold_dict(parsed)
    json.dumps(gold, ensure_ascii=False)
    for doc in parsed.documents:
        assert isinstance(doc.title, str)
        assert [c.order for c in doc.clauses] == list(range(1, len(doc.clauses) + 1))
        for clause in doc.clauses:
            assert clause.label
            assert all(isinstance(u, str) and u for u in clause.units)
            if clause.lead_units is not None:
                assert set(clause.lead_units) <= set(clause.units)
            assert clause.deadline_date is None or isinstance(clause.deadline_date, date)
            assert all(isinstance(t.value, Decimal) for t in clause.targets)
    return parsed


@settings(FUZZ, max_examples=300)
@given(st.text(max_size=400))
@counted
def test_arbitrary_text_parses(text):
    _check_parse(text)


@settings(FUZZ, max_examples=250)
@given(policy_like_text())
@counted
def test_policy_like_text_parses(text):
    parsed = _check_parse(text)
    clauses = [c for d in parsed.documents for c in d.clauses]
    event(f"documents: {min(len(parsed.documents), 3)}")
    event("some clause has units" if any(c.units for c in clauses) else "no units")


@settings(FUZZ, max_examples=100)
@given(policy_documents())
@counted
def test_a_document_with_numbered_lines_has_clauses(text):
    # Given a structured document, every one of which has at least one numbered line
    parsed = _check_parse(text)

    # Then the parse finds a document, and notes printed in the clauses yield unit names
    cleaned = clean_text(text)
    if any(match_label(line.strip()) for line in cleaned.split("\n")):
        assert parsed.documents
        assert any(doc.clauses for doc in parsed.documents)


@settings(FUZZ, max_examples=300)
@given(st.text(max_size=300))
@counted
def test_clean_text_keeps_one_line_convention(text):
    cleaned = clean_text(text)

    assert "\r" not in cleaned
    assert "\n\n\n" not in cleaned
    assert cleaned == cleaned.strip("\n")
    assert all(line == line.strip(" ") for line in cleaned.split("\n"))


@settings(FUZZ, max_examples=200)
@given(st.one_of(unit_notes(), st.text(max_size=200)))
@counted
def test_notes_and_unit_lists_give_clean_names(note):
    found = find_note(note.split("\n"))
    parsed = parse_note(found.raw if found else note)

    for names in (parsed.units, split_units(note)):
        assert len(names) == len(set(names))
        assert all(name and len(name) <= 3 * MAX_NAME for name in names)


@settings(FUZZ, max_examples=300)
@given(
    st.text(
        alphabet="0123456789年月日底末前上下半第一二三四季度到至截止力争有效期自起施行为个 ",
        max_size=60,
    )
)
@counted
def test_dates_are_real_dates_or_none(text):
    phrase, when = parse_deadline(text)
    assert phrase is None or phrase.strip()
    assert when is None or 1900 < when.year < 2200
    effective, _, years, until = find_validity(text)
    assert effective is None or isinstance(effective, date)
    assert until is None or isinstance(until, date)
    assert years is None or years >= 0
    for target in find_targets(text):
        assert target.comparator in {"gte", "lte", "eq"}


@settings(FUZZ, max_examples=200)
@given(st.lists(st.text(alphabet="一二三（）()1234.、①第条章 x", max_size=8), max_size=30))
@counted
def test_outline_keeps_every_line(lines):
    preamble, nodes = build_outline(lines)

    # Every line is either in the preamble, a numbered node, or under one.
    assert len(preamble) + sum(1 + len(n.lines) for n in nodes) == len(lines)
    for node in nodes:
        assert node.parent is None or node in node.parent.children

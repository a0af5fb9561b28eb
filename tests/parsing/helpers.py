"""Small helpers for the parser tests: parse a snippet, pick a clause by label."""

from clauses.parsing import ParsedClause, ParsedDocument, parse_text
from clauses.readers.cleanup import clean_text


def parse_one(text: str) -> ParsedDocument:
    """The single document of a cleaned snippet."""
    parsed = parse_text(clean_text(text), source_name="snippet.txt")
    assert len(parsed.documents) == 1, [d.title for d in parsed.documents]
    return parsed.documents[0]


def clause(doc: ParsedDocument, label: str) -> ParsedClause:
    """The first clause printed with ``label``."""
    return next(c for c in doc.clauses if c.label == label)

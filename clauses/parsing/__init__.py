"""Policy-document parser: sections, clauses, responsible units, dates and targets.

Pure Python, standard library only, no Django: the readers turn a file into cleaned text,
``parse_text`` turns that text into dataclasses, ``to_gold_dict`` renders them in the gold
schema that the scorer and the preview use.
"""

from .documents import parse_lines
from .gold import to_gold_dict
from .model import (
    ParsedClause,
    ParsedDocument,
    ParsedFile,
    ParsedSection,
    ParsedTarget,
    ParseError,
)

__all__ = [
    "ParseError",
    "ParsedClause",
    "ParsedDocument",
    "ParsedFile",
    "ParsedSection",
    "ParsedTarget",
    "parse_text",
    "to_gold_dict",
]


def parse_text(text: str, source_name: str = "") -> ParsedFile:
    """Parse a cleaned policy text into its documents, sections and clauses.

    The text is what ``clauses.readers`` returns (after ``clean_text``). A text without
    clauses gives a ParsedFile without documents, which the importer reports; only input
    that is not text, or a failure inside the parser, raises ParseError.
    """
    if not isinstance(text, str):
        raise ParseError("invalid_input", "parse_text expects str, got " + type(text).__name__)
    try:
        lines = [
            line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        ]
        return parse_lines(lines, source_name)
    except (
        RecursionError
    ) as exc:  # pragma: no cover - defensive: the parser does not recurse deeply
        raise ParseError("internal_error", "the text is nested too deeply") from exc
    except Exception as exc:
        raise ParseError("internal_error", f"{type(exc).__name__}: {exc}") from exc

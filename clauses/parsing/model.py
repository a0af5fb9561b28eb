"""Dataclasses returned by the parser: plain data, no behaviour, no Django."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


class ParseError(Exception):
    """A text the parser refuses, with a stable ``code`` the caller can branch on.

    Raised only where the caller must know (input that is not text, an internal failure);
    a text without clauses is not an error but a result without clauses.
    """

    def __init__(self, code: str, message: str = ""):
        super().__init__(message or code)
        self.code = code
        self.message = message or code


@dataclass
class ParsedTarget:
    """A number a clause promises (不低于15%, 不少于60家), to be reported against."""

    text: str
    metric: str | None
    comparator: str  # "gte", "lte" or "eq"
    value: Decimal
    unit: str
    deadline: str | None = None
    deadline_date: date | None = None


@dataclass
class ParsedSection:
    """A numbered heading that groups clauses (一、完善科技金融服务体系)."""

    label: str
    title: str
    heading: str
    order: int


@dataclass
class ParsedClause:
    """One numbered item as printed, with its responsible units and what it promises."""

    order: int
    label: str
    section_heading: str | None
    title: str | None
    body: str
    unit_text: str | None = None
    units: list[str] = field(default_factory=list)
    lead_units: list[str] | None = None
    co_units: list[str] | None = None
    is_task: bool = True
    non_task_reason: str | None = None
    deadline: str | None = None
    deadline_date: date | None = None
    targets: list[ParsedTarget] = field(default_factory=list)


@dataclass
class ParsedDocument:
    """One policy document found in a file (a bulletin may carry several)."""

    title: str
    kind: str | None = None
    jurisdiction: str | None = None
    doc_number: str | None = None
    issuers: list[str] = field(default_factory=list)
    addressees: list[str] = field(default_factory=list)
    issued_on: date | None = None
    effective_from: date | None = None
    valid_years: int | None = None
    valid_until: date | None = None
    lead_rule: bool = False
    sections: list[ParsedSection] = field(default_factory=list)
    clauses: list[ParsedClause] = field(default_factory=list)
    same_unit: list[list[str]] = field(default_factory=list)


@dataclass
class ParsedFile:
    """Everything the parser read from one file."""

    source_name: str
    documents: list[ParsedDocument] = field(default_factory=list)

"""Document intake: preview a file's parse and import it as documents, clauses, tasks.

Views, API views, the admin and the ``import_document`` command all call these two functions;
none of them holds a rule of its own.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.choices import UnitKind
from accounts.models import Jurisdiction, Unit, UnitAlias, normalize_name
from accounts.scoping import supervised_jurisdictions
from tracker import audit
from tracker import services as tracker_services
from tracker.errors import DomainError, NotAllowed
from tracker.models import Assignment, Task

from .choices import AssignmentRole
from .models import Clause, ClauseUnit, PolicyDocument, Target
from .parsing import ParsedDocument, ParsedFile, parse_text, to_gold_dict
from .parsing.model import ParseError
from .readers import ReaderError, ReadResult, read_document
from .resolver import resolve_units
from .versioning import match_clauses


@dataclass(frozen=True)
class UnitDecision:
    """What the supervisor decided for a unit name the registry does not know.

    Either ``unit_id`` (the name is another spelling of that unit: an alias is recorded) or
    ``create`` (a new unit of ``kind`` with the name as its canonical name).
    """

    unit_id: int | None = None
    create: bool = False
    kind: str = UnitKind.OTHER


@dataclass
class TaskEdit:
    """A supervisor's correction of one parsed task before import (keyed by document and seq)."""

    title: str | None = None
    units: list[str] | None = None
    lead_units: list[str] | None = None
    due_date: date | None = None


@dataclass
class Intake:
    """A file read and parsed, with the jurisdiction of each document decided."""

    text_hash: str
    source_format: str
    gold: dict
    documents: list[tuple[ParsedDocument, Jurisdiction | None]]


@dataclass
class DocumentResult:
    """What importing one document did: its version and the clause-level difference."""

    document: PolicyDocument
    created: bool
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0


@dataclass
class ImportResult:
    """The outcome of ``import_document``: one entry per document found in the file."""

    documents: list[DocumentResult]

    @property
    def created(self) -> bool:
        return any(d.created for d in self.documents)


def read_and_parse(
    *, data: bytes, filename: str, jurisdiction: str | Jurisdiction | None = None
) -> Intake:
    """Read a file, parse it, and decide each document's jurisdiction.

    ``jurisdiction`` (a name or an instance), when given, applies to every document of the
    file; otherwise each document's own reading of its city is used. Raises DomainError for a
    file that cannot be read, holds no clause, or names a jurisdiction the system does not know.
    """
    result, parsed = parse_file(data=data, filename=filename)
    forced = _jurisdiction(jurisdiction) if jurisdiction else None
    known = {j.name: j for j in Jurisdiction.objects.all()}
    documents = [(doc, forced or known.get(doc.jurisdiction or "")) for doc in parsed.documents]
    gold = to_gold_dict(parsed)
    text_hash = hashlib.sha256(result.text.encode("utf-8")).hexdigest()
    return Intake(text_hash=text_hash, source_format=result.format, gold=gold, documents=documents)


def parse_file(*, data: bytes, filename: str) -> tuple[ReadResult, ParsedFile]:
    """Read and parse a file without touching the database; keep the documents that have clauses.

    Raises DomainError with the reader's code for a file that cannot be read, and
    ``no_clauses`` for a readable file in which no numbered clause was found.
    """
    try:
        result = read_document(data, filename, max_bytes=settings.MAX_UPLOAD_BYTES)
    except ReaderError as exc:
        raise DomainError(exc.code, exc.message) from exc
    try:
        parsed = parse_text(result.text, source_name=filename)
    except ParseError as exc:  # a text the parser cannot read is the user's to fix, not a 500
        raise DomainError(
            "parse_failed",
            _("The text could not be divided into clauses ({error}); check its numbering.").format(
                error=exc
            ),
        ) from exc
    # a title line with nothing numbered under it is not a document to track
    parsed = ParsedFile(
        source_name=parsed.source_name, documents=[d for d in parsed.documents if d.clauses]
    )
    if not parsed.documents:
        raise DomainError(
            "no_clauses",
            _(
                "No numbered clause was found in the file: is it a policy document (实施意见, 行动方案 …)?"
            ),
        )
    return result, parsed


def _jurisdiction(value: str | Jurisdiction) -> Jurisdiction:
    if isinstance(value, Jurisdiction):
        return value
    try:
        return Jurisdiction.objects.get(name=value.strip())
    except Jurisdiction.DoesNotExist:
        raise DomainError(
            "unknown_jurisdiction",
            _("Unknown jurisdiction “{name}”.").format(name=value),
        ) from None


def _unit_names(planned: list[_PlannedClause]) -> list[str]:
    """Every distinct unit name the planned clauses assign, in order of appearance."""
    return list(dict.fromkeys(name for p in planned for name, _role in p.units))


def _check_scope(intake: Intake, by) -> None:
    """Refuse a file with a document of a jurisdiction ``by`` does not supervise.

    ``by`` None is the system itself (commands, demo loading), which may import anywhere.
    """
    if by is None or by.is_superuser:
        return
    allowed = set(supervised_jurisdictions(by).values_list("pk", flat=True))
    for _doc, juris in intake.documents:
        if juris is not None and juris.pk not in allowed:
            raise NotAllowed(
                "jurisdiction_not_allowed",
                _("You do not supervise {jurisdiction}.").format(jurisdiction=juris.name),
            )


def _unknown(resolution) -> dict:
    """An unresolved name with its suggestions, as the preview and the refusal list it."""
    return {
        "name": resolution.name,
        "suggestions": [
            {"id": s.unit_id, "name": s.name, "score": round(s.score)}
            for s in resolution.suggestions
        ],
    }


def preview_document(
    *, data: bytes, filename: str, jurisdiction: str | Jurisdiction | None = None, by=None
) -> dict:
    """Return the parse in the gold schema, with unknown unit names and their suggestions.

    Writes nothing. Each document gets ``jurisdiction_known`` and ``unknown_units`` (names the
    registry does not resolve, each with up to five suggestions); each task gets
    ``proposed_units`` when the clause names no unit (the notice's addressees).
    """
    intake = read_and_parse(data=data, filename=filename, jurisdiction=jurisdiction)
    _check_scope(intake, by)
    for gold_doc, (doc, juris) in zip(intake.gold["documents"], intake.documents, strict=True):
        gold_doc["jurisdiction_known"] = juris is not None
        if juris is not None:
            gold_doc["jurisdiction"] = juris.name
        names = _unit_names(_plan(doc, {}))
        resolutions = resolve_units(jurisdiction=juris, names=names) if juris else {}
        gold_doc["unknown_units"] = [
            _unknown(res) for res in resolutions.values() if res.unit is None
        ]
        for task in gold_doc["tasks"]:
            if not task["units"]:
                task["proposed_units"] = list(doc.addressees)
    intake.gold["content_hash"] = intake.text_hash
    return intake.gold


def import_document(
    *,
    data: bytes,
    filename: str,
    jurisdiction: str | Jurisdiction | None = None,
    decisions: dict[str, UnitDecision] | None = None,
    edits: dict[tuple[int, int], TaskEdit] | None = None,
    by=None,
    ip_address: str | None = None,
) -> ImportResult:
    """Import a policy file in one transaction: documents, clauses, tasks, assignments, targets.

    The same text imported twice changes nothing (content hash). A document whose title (or
    文号) matches a current document of the jurisdiction becomes its next version: unchanged and
    reworded clauses keep their task ids and assignments; the difference is returned. Every
    unit name must resolve in the registry or have a decision in ``decisions``; otherwise
    DomainError ``unknown_units`` lists them and nothing is written. ``edits`` maps
    (document index, task seq) to a supervisor's correction.
    """
    intake = read_and_parse(data=data, filename=filename, jurisdiction=jurisdiction)
    _check_scope(intake, by)
    existing = list(PolicyDocument.objects.filter(content_hash=intake.text_hash, is_current=True))
    if existing:
        return ImportResult(documents=[DocumentResult(document=d, created=False) for d in existing])
    for doc, juris in intake.documents:
        if juris is None:
            raise DomainError(
                "jurisdiction_required",
                _("The jurisdiction of “{title}” could not be recognised: choose one.").format(
                    title=doc.title or filename
                ),
            )
    decisions = decisions or {}
    edits = edits or {}
    with transaction.atomic():
        results = []
        for index, (doc, juris) in enumerate(intake.documents):
            doc_edits = {seq: e for (i, seq), e in edits.items() if i == index}
            results.append(
                _import_one(
                    doc=doc,
                    jurisdiction=juris,
                    intake=intake,
                    filename=filename,
                    data=data,
                    decisions=decisions,
                    edits=doc_edits,
                    by=by,
                    ip_address=ip_address,
                )
            )
    return ImportResult(documents=results)


@dataclass
class _PlannedClause:
    order: int
    label: str
    section: str
    title: str
    body: str
    unit_text: str
    is_task: bool
    non_task_reason: str
    deadline_text: str
    deadline_date: date | None
    units: list[tuple[str, str]]  # (name as written, role)
    due_date: date | None
    targets: list
    fingerprint: str = ""

    def __post_init__(self):
        key = "\x1f".join([self.label, self.title, self.body, "、".join(n for n, _ in self.units)])
        self.fingerprint = hashlib.sha256(normalize_name(key).encode()).hexdigest()


def _plan(doc: ParsedDocument, edits: dict[int, TaskEdit]) -> list[_PlannedClause]:
    planned, seq = [], 0
    for order, clause in enumerate(doc.clauses, start=1):
        units: list[tuple[str, str]]
        title, due = clause.title or "", clause.deadline_date
        names, lead = list(clause.units), clause.lead_units
        if clause.is_task:
            seq += 1
            edit = edits.get(seq)
            if edit:
                title = edit.title if edit.title is not None else title
                names = edit.units if edit.units is not None else names
                lead = edit.lead_units if edit.lead_units is not None else lead
                due = edit.due_date or due
            if not names:
                names = list(doc.addressees)
        if lead:
            lead_set = set(lead)
            units = [
                (n, AssignmentRole.LEAD if n in lead_set else AssignmentRole.SUPPORT) for n in names
            ]
        else:
            units = [(n, AssignmentRole.LEAD) for n in names]
        planned.append(
            _PlannedClause(
                order=order,
                label=clause.label or "",
                section=clause.section_heading or "",
                title=title[:300],
                body=clause.body or "",
                unit_text=clause.unit_text or "",
                is_task=clause.is_task,
                non_task_reason=clause.non_task_reason or "",
                deadline_text=clause.deadline or "",
                deadline_date=clause.deadline_date,
                units=units,
                due_date=due,
                targets=list(clause.targets),
            )
        )
    return planned


def _resolve_all(*, jurisdiction, planned, decisions, by, ip_address) -> dict[str, Unit]:
    names = _unit_names(planned)
    resolutions = resolve_units(jurisdiction=jurisdiction, names=names)
    units: dict[str, Unit] = {}
    unknown = []
    for name in names:
        res = resolutions[name]
        if res.unit is not None:
            units[name] = res.unit
        elif name in decisions:
            units[name] = _apply_decision(
                name=name,
                decision=decisions[name],
                jurisdiction=jurisdiction,
                by=by,
                ip_address=ip_address,
            )
        else:
            unknown.append(_unknown(res))
    if unknown:
        raise DomainError(
            "unknown_units",
            _(
                "{count} unit name(s) are not in the registry of {jurisdiction}: map or create each one."
            ).format(count=len(unknown), jurisdiction=jurisdiction.name),
            unknown_units=unknown,
        )
    return units


def _apply_decision(*, name, decision: UnitDecision, jurisdiction, by, ip_address) -> Unit:
    """Carry out a supervisor's decision on an unknown name: record an alias or create a unit."""
    if decision.unit_id:
        unit = Unit.objects.filter(
            pk=decision.unit_id, jurisdiction=jurisdiction, is_active=True
        ).first()
        if unit is None:
            raise DomainError(
                "invalid_unit",
                _("Unit #{id} does not exist in {jurisdiction}.").format(
                    id=decision.unit_id, jurisdiction=jurisdiction.name
                ),
            )
        # the spelling may still point at a unit that was deactivated: it moves to this one
        alias, _created = UnitAlias.objects.update_or_create(
            jurisdiction=jurisdiction,
            normalized=normalize_name(name),
            defaults={"unit": unit, "name": name},
        )
        audit.record(
            action="unit.alias_added",
            obj=alias,
            actor=by,
            after={"alias": name, "unit": unit.name},
            ip_address=ip_address,
        )
        return unit
    if decision.create:
        if decision.kind not in UnitKind.values:
            raise DomainError(
                "invalid_kind", _("Unknown unit kind “{kind}”.").format(kind=decision.kind)
            )
        taken = UnitAlias.objects.filter(jurisdiction=jurisdiction, normalized=normalize_name(name))
        if taken.exists() or Unit.objects.filter(jurisdiction=jurisdiction, name=name).exists():
            raise DomainError(
                "unit_exists",
                _("A unit named “{name}” already exists (inactive): map the name to it.").format(
                    name=name
                ),
            )
        unit = Unit.objects.create(jurisdiction=jurisdiction, name=name, kind=decision.kind)
        UnitAlias.objects.create(unit=unit, jurisdiction=jurisdiction, name=name)
        audit.record(
            action="unit.created",
            obj=unit,
            actor=by,
            after={"name": name, "kind": decision.kind},
            ip_address=ip_address,
        )
        return unit
    raise DomainError(
        "invalid_decision", _("No decision was given for “{name}”.").format(name=name)
    )


def _previous_version(doc: ParsedDocument, jurisdiction) -> PolicyDocument | None:
    current = PolicyDocument.objects.current().filter(jurisdiction=jurisdiction)
    if doc.doc_number:
        found = current.filter(doc_number=doc.doc_number).first()
        if found:
            return found
    key = normalize_name(doc.title)
    for candidate in current.filter(title__startswith=(doc.title or "")[:10]).order_by("-id"):
        if normalize_name(candidate.title) == key:
            return candidate
    return None


def _import_one(
    *, doc, jurisdiction, intake, filename, data, decisions, edits, by, ip_address
) -> DocumentResult:
    planned = _plan(doc, edits)
    units = _resolve_all(
        jurisdiction=jurisdiction,
        planned=planned,
        decisions=decisions,
        by=by,
        ip_address=ip_address,
    )
    previous = _previous_version(doc, jurisdiction)
    if previous is not None:
        previous.is_current = False
        previous.save(update_fields=["is_current", "updated_at"])
    document = PolicyDocument.objects.create(
        jurisdiction=jurisdiction,
        lineage=previous.lineage if previous else uuid.uuid4(),
        version=previous.version + 1 if previous else 1,
        is_current=True,
        title=(doc.title or filename)[:300],
        kind=(doc.kind or "")[:30],
        doc_number=doc.doc_number or "",
        issuers=list(doc.issuers),
        addressees=list(doc.addressees),
        issued_on=doc.issued_on,
        effective_from=doc.effective_from,
        valid_years=doc.valid_years,
        valid_until=doc.valid_until,
        lead_rule=bool(doc.lead_rule),
        source_name=filename[:255],
        source_format=intake.source_format,
        content_hash=intake.text_hash,
        imported_by=by if by is not None and by.is_authenticated else None,
    )
    document.source_file.save(filename, ContentFile(data), save=True)
    clauses = Clause.objects.bulk_create(
        [
            Clause(
                document=document,
                order=p.order,
                label=p.label,
                section=p.section,
                title=p.title,
                body=p.body,
                unit_text=p.unit_text,
                is_task=p.is_task,
                non_task_reason=p.non_task_reason,
                deadline_text=p.deadline_text,
                deadline_date=p.deadline_date,
                fingerprint=p.fingerprint,
            )
            for p in planned
        ]
    )
    ClauseUnit.objects.bulk_create(
        [
            ClauseUnit(clause=c, order=i, name=name[:100], unit=units[name], role=role)
            for c, p in zip(clauses, planned, strict=True)
            for i, (name, role) in enumerate(p.units)
        ]
    )
    Target.objects.bulk_create(
        [
            Target(
                clause=c,
                order=i,
                text=t.text[:200],
                metric=(t.metric or "")[:200],
                comparator=t.comparator,
                value=t.value,
                unit=(t.unit or "")[:20],
                deadline_text=t.deadline or "",
                deadline_date=t.deadline_date,
            )
            for c, p in zip(clauses, planned, strict=True)
            for i, t in enumerate(p.targets)
        ]
    )
    result = DocumentResult(document=document, created=True)
    task_pairs = [(c, p) for c, p in zip(clauses, planned, strict=True) if p.is_task]
    if previous is None:
        new_assignments = _create_tasks(document, task_pairs, units)
    else:
        new_assignments = _carry_over(document, previous, clauses, planned, units, result)
    tracker_services.refresh_assignments(
        Assignment.objects.filter(task__document=document, is_active=True)
    )
    if previous is not None:  # tasks moved over, assignments dropped, a version retired
        tracker_services.refresh_document_tallies([previous.pk, document.pk])
    tracker_services.notify_assigned(new_assignments)
    audit.record(
        action="document.imported" if previous is None else "document.revised",
        obj=document,
        actor=by,
        ip_address=ip_address,
        after={
            "title": document.title,
            "version": document.version,
            "tasks": len(task_pairs),
            "added": result.added,
            "changed": result.changed,
            "removed": result.removed,
        },
    )
    return result


def _task_fields(clause: Clause, planned: _PlannedClause, order: int) -> dict:
    return {
        "clause": clause,
        "order": order,
        "label": planned.label,
        "section": planned.section,
        "title": planned.title,
        "description": planned.body,
        "due_date": planned.due_date,
    }


def _assignments_for(
    task: Task, planned: _PlannedClause, units: dict[str, Unit]
) -> list[Assignment]:
    seen, rows = set(), []
    for name, role in planned.units:
        unit = units[name]
        if unit.pk in seen:
            continue
        seen.add(unit.pk)
        rows.append(
            Assignment(
                task=task,
                unit=unit,
                role=role,
                order=len(rows),
                due_date=planned.due_date,
                original_due_date=planned.due_date,
            )
        )
    return rows


def _create_tasks(document, task_pairs, units) -> list[Assignment]:
    tasks = Task.objects.bulk_create(
        [
            Task(document=document, **_task_fields(c, p, order))
            for order, (c, p) in enumerate(task_pairs, start=1)
        ]
    )
    return Assignment.objects.bulk_create(
        [
            a
            for task, (_c, p) in zip(tasks, task_pairs, strict=True)
            for a in _assignments_for(task, p, units)
        ]
    )


def _carry_over(
    document, previous, clauses, planned, units, result: DocumentResult
) -> list[Assignment]:
    """Diff the clauses of two versions and move the previous version's tasks onto the new ones.

    Every clause counts in the listed difference (added, changed, removed). A task follows its
    clause: a matched clause that is still a task keeps its task id, assignments and history;
    a task whose clause disappeared or stopped asking for action is deactivated, not deleted.
    """
    old_clauses = list(previous.clauses.order_by("order"))
    old_tasks = {
        t.clause_id: t
        for t in Task.objects.filter(clause__document=previous, is_active=True).prefetch_related(
            "assignments"
        )
    }
    matches = match_clauses(
        old=[(c.label, c.title, c.fingerprint) for c in old_clauses],
        new=[(c.label, c.title, c.fingerprint) for c in clauses],
    )
    carried: set[int] = set()
    new_rows: list[Assignment] = []
    order = 0
    for index, (clause, plan) in enumerate(zip(clauses, planned, strict=True)):
        old = old_clauses[matches[index]] if index in matches else None
        if old is None:
            result.added.append(f"{plan.label}{plan.title}")
        elif old.fingerprint == clause.fingerprint:
            result.unchanged += 1
        else:
            result.changed.append(f"{plan.label}{plan.title}")
        if not plan.is_task:
            continue
        order += 1
        task = old_tasks.get(old.pk) if old is not None else None
        if task is None:
            task = Task.objects.create(document=document, **_task_fields(clause, plan, order))
            new_rows.extend(_assignments_for(task, plan, units))
            continue
        carried.add(task.pk)
        for name, value in _task_fields(clause, plan, order).items():
            setattr(task, name, value)
        task.document = document
        task.save()
        wanted = {a.unit_id: a for a in _assignments_for(task, plan, units)}
        for assignment in task.assignments.all():
            keep = wanted.pop(assignment.unit_id, None)
            assignment.is_active = keep is not None
            if keep is not None:
                assignment.role, assignment.order = keep.role, keep.order
            assignment.save(update_fields=["is_active", "role", "order", "updated_at"])
        new_rows.extend(wanted.values())
    Assignment.objects.bulk_create(new_rows)
    matched_old = set(matches.values())
    result.removed = [
        f"{c.label}{c.title}" for i, c in enumerate(old_clauses) if i not in matched_old
    ]
    for task in old_tasks.values():
        if task.pk not in carried:
            task.is_active = False
            task.save(update_fields=["is_active", "updated_at"])
    return new_rows

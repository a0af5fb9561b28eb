"""The parse in the gold-annotation schema of ../shared/gold/SCHEMA.md."""

from .model import ParsedClause, ParsedFile, ParsedTarget

_EDGE = 10


def _target(target: ParsedTarget) -> dict:
    return {
        "text": target.text,
        "metric": target.metric,
        "comparator": target.comparator,
        "value": str(target.value),
        "unit": target.unit,
        "deadline": target.deadline,
        "deadline_date": target.deadline_date.isoformat() if target.deadline_date else None,
    }


def _task(seq: int, clause: ParsedClause) -> dict:
    body = " ".join(clause.body.split("\n")).strip()
    task = {
        "seq": seq,
        "label": clause.label,
        "section": clause.section_heading,
        "title": clause.title,
        "units": list(clause.units),
    }
    if clause.lead_units is not None:
        task["lead_units"] = list(clause.lead_units)
        task["co_units"] = list(clause.co_units or [])
    task["body_starts"] = body[:_EDGE]
    task["body_ends"] = body[-_EDGE:]
    if clause.deadline:
        task["deadline"] = clause.deadline
        task["deadline_date"] = clause.deadline_date.isoformat() if clause.deadline_date else None
    if clause.targets:
        task["targets"] = [_target(t) for t in clause.targets]
    return task


def to_gold_dict(parsed: ParsedFile) -> dict:
    """The parse as a dict in the gold schema, for the scorer, previews and dry runs.

    Tasks are numbered from 1 in each document; clauses that are not tasks go to
    ``non_tasks`` with the reason. Extra keys (targets) are ignored by the scorer.
    """
    documents = []
    for doc in parsed.documents:
        tasks, non_tasks = [], []
        for clause in doc.clauses:
            if clause.is_task:
                tasks.append(_task(len(tasks) + 1, clause))
            else:
                non_tasks.append(
                    {
                        "label": clause.label,
                        "title": clause.title,
                        "why": clause.non_task_reason or "",
                    }
                )
        documents.append(
            {
                "title": doc.title,
                "jurisdiction": doc.jurisdiction,
                "doc_number": doc.doc_number,
                "issuers": list(doc.issuers),
                "addressees": list(doc.addressees),
                "effective_from": doc.effective_from.isoformat() if doc.effective_from else None,
                "valid_years": doc.valid_years,
                "tasks": tasks,
                "non_tasks": non_tasks,
                "same_unit": [list(group) for group in doc.same_unit],
            }
        )
    return {"file": parsed.source_name, "documents": documents}

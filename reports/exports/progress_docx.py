"""The progress summary (进展情况汇总) of a document or of a unit, as a .docx.

Laid out like the bulletin (A4, GB/T 9704 margins and fonts: title in 方正小标宋简体, body in
仿宋_GB2312 三号, parts in 黑体, items in 楷体, page numbers in the footer). One entry per
task, in document order: the label and title, the lead and support units, the deadline, the
status and light, then the latest accepted report (period, percent, 进展情况, 存在问题,
下一步举措) of each unit whose reports the reader may see, or "no accepted report yet".

For a document the entries are grouped by the document's sections; for a unit, its active
assignments are grouped by document and each entry quotes the unit's own report. The scope is
the reader's (``Task.visible_to``, ``ProgressReport.visible_to``); the data is loaded in a
constant number of queries and the same data gives the same bytes.
"""

import io
from datetime import UTC

from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH

from clauses.choices import AssignmentRole
from tracker.models import Assignment, Task

from . import chinese_date, stable_zip
from .breakdown_xlsx import (
    data_time,
    deadline_text,
    document_line,
    document_tasks,
    sees_whole_document,
    units_of,
    with_assignments,
)
from .bulletin import (
    BODY_FONT,
    HEADING_FONT,
    SUBHEADING_FONT,
    TITLE_FONT,
    TITLE_SIZE,
    _font_table,
    _para,
    _runs,
    _setup_page,
    chinese_number,
)


def progress_title(name: str) -> str:
    """ "《document》进展情况汇总" or "unit进展情况汇总" (``name`` as it is to be printed)."""
    return _("{name} progress summary").format(name=name)


def _number(n: int) -> str:
    return chinese_number(n) if n < 100 else str(n)


def _field(doc, label: str, text: str):
    """A "label：text" paragraph (label in 黑体); further lines of ``text`` as paragraphs."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()] or [""]
    _runs(_para(doc), [(f"{label}：", HEADING_FONT), (lines[0], BODY_FONT)])
    for line in lines[1:]:
        _para(doc, line)


def _report(doc, report, *, unit_name: str | None):
    """One accepted report: a 楷体 line naming the unit, the period and the percent, then the
    three texts."""
    period = f"{chinese_date(report.period_start)}—{chinese_date(report.period_end)}"
    head = period + "，" + _("Percent") + f"{report.percent}%"
    if unit_name:
        head = f"{unit_name}（{head}）"
    _para(doc, head, font=SUBHEADING_FONT)
    _field(doc, _("Progress"), report.progress)
    if report.problems:
        _field(doc, _("Problems"), report.problems)
    if report.next_steps:
        _field(doc, _("Next steps"), report.next_steps)


def _no_report(doc):
    _para(doc, _("No accepted progress report yet."))


def _task_entry(doc, task, *, due=None, status=None, light=None, unit=None):
    """The entry of one task; with ``unit``, only that unit's report is quoted."""
    _para(doc, f"{task.label}{task.title}", font=SUBHEADING_FONT)
    _field(doc, _("Lead units"), "、".join(units_of(task, AssignmentRole.LEAD)))
    support = units_of(task, AssignmentRole.SUPPORT)
    if support:
        _field(doc, _("Support units"), "、".join(support))
    _field(doc, _("Due date"), deadline_text(task, due) or "—")
    _field(doc, _("Status"), f"{status or task.get_status_display()}（{light}）")
    if unit is not None:
        reports = [
            r for a in task.active_assignments if a.unit_id == unit.pk for r in a.latest_accepted
        ]
        for report in reports:
            _report(doc, report, unit_name=None)
    else:
        reported = [a for a in task.active_assignments if a.latest_accepted]
        # lead units first, then support units, each in the order the clause names them
        reported.sort(key=lambda a: a.role != AssignmentRole.LEAD)
        reports = [(a.unit.name, a.latest_accepted[0]) for a in reported]
        for unit_name, report in reports:
            _report(doc, report, unit_name=unit_name)
    if not reports:
        _no_report(doc)


def _new_document(title: str, lines: list[str]):
    doc = Document()
    _setup_page(doc)
    _font_table(doc)
    _para(doc, title, font=TITLE_FONT, size=TITLE_SIZE, indent=0, align=WD_ALIGN_PARAGRAPH.CENTER)
    for line in lines:
        _para(doc, line, indent=0, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, indent=0)
    return doc


def _save(doc, *, title: str, author: str, subject: str, moment) -> bytes:
    props = doc.core_properties
    props.title = title
    props.author = author
    props.last_modified_by = author
    props.subject = subject
    props.comments = ""
    props.keywords = ""
    props.category = ""
    props.revision = 1
    props.created = moment
    props.modified = moment
    out = io.BytesIO()
    doc.save(out)
    return stable_zip(out.getvalue())


def _document_summary(document, user) -> bytes:
    tasks = document_tasks(document, user)
    title = progress_title(f"《{document.title}》")
    lines = [document_line(document)]
    if not sees_whole_document(document, user):
        lines.append(_("Only the tasks of your units are listed."))
    doc = _new_document(title, lines)
    section = None
    for task in tasks:
        if task.section and task.section != section:
            _para(doc, task.section, font=HEADING_FONT)
        section = task.section
        _task_entry(doc, task, light=task.get_light_display())
    if not tasks:
        _para(doc, _("No task to report on."))
    return _save(
        doc,
        title=title,
        author=document.jurisdiction.name,
        subject=document.doc_number or document.title,
        moment=data_time(document, tasks),
    )


def unit_tasks(unit, user) -> list[Task]:
    """The active tasks of current documents that assign ``unit`` and that ``user`` sees,
    grouped by document (4 queries)."""
    tasks = (
        Task.objects.visible_to(user)
        .filter(
            is_active=True,
            document__is_current=True,
            pk__in=Assignment.objects.filter(unit=unit, is_active=True).values("task_id"),
        )
        .select_related("clause", "document")
        .order_by("document__created_at", "document_id", "order", "pk")
    )
    return list(with_assignments(tasks, user))


def _unit_summary(unit, user) -> bytes:
    tasks = unit_tasks(unit, user)
    title = progress_title(unit.name)
    doc = _new_document(title, [unit.jurisdiction.name])
    documents = []
    for task in tasks:
        if not documents or documents[-1][0].pk != task.document_id:
            documents.append((task.document, []))
        documents[-1][1].append(task)
    for number, (document, items) in enumerate(documents, start=1):
        heading = f"{_number(number)}、《{document.title}》"
        if document.doc_number:
            heading += f"（{document.doc_number}）"
        _para(doc, heading, font=HEADING_FONT)
        for task in items:
            own = next(a for a in task.active_assignments if a.unit_id == unit.pk)
            _task_entry(
                doc,
                task,
                due=own.due_date,
                status=own.get_status_display(),
                light=own.get_light_display(),
                unit=unit,
            )
    if not tasks:
        _para(doc, _("No task to report on."))
    moments = [unit.updated_at] + [
        timezone.make_aware(data_time(document, items), UTC) for document, items in documents
    ]
    return _save(
        doc,
        title=title,
        author=unit.jurisdiction.name,
        subject=unit.name,
        moment=timezone.localtime(max(moments), UTC).replace(tzinfo=None, microsecond=0),
    )


def build_progress_docx(*, document=None, unit=None, user) -> bytes:
    """The progress summary of ``document`` or of ``unit`` (exactly one), as ``user`` may see
    it, as .docx bytes."""
    if (document is None) == (unit is None):
        raise TypeError("build_progress_docx needs a document or a unit, not both")
    if document is not None:
        return _document_summary(document, user)
    return _unit_summary(unit, user)

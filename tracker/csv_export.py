"""CSV downloads of list pages (UTF-8 with a BOM, so Excel and WPS read the Chinese)."""

import csv

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _


def csv_response(filename: str, header: list, rows) -> HttpResponse:
    """A CSV attachment of ``header`` and ``rows`` (any iterable of lists)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows(rows)
    return response


def assignments_csv(filename: str, assignments) -> HttpResponse:
    """Every assignment of a list (not one page), with the columns the pages show.

    ``assignments`` must select ``task__document`` and ``unit``: one query, streamed.
    """
    header = [
        _("Document"),
        _("Task"),
        _("Unit"),
        _("Role"),
        _("Due date"),
        _("Status"),
        _("Light"),
        _("Percent"),
        _("Next report due"),
    ]
    rows = (
        [
            a.task.document.title,
            str(a.task),
            a.unit.name,
            a.get_role_display(),
            a.due_date or "",
            a.get_status_display(),
            a.get_light_display(),
            "" if a.percent is None else a.percent,
            a.next_report_due or "",
        ]
        for a in assignments.iterator(chunk_size=500)
    )
    return csv_response(filename, header, rows)


def reports_csv(filename: str, reports) -> HttpResponse:
    """Reports of a list (``assignment__task__document`` and ``assignment__unit`` selected)."""
    header = [
        _("Document"),
        _("Task"),
        _("Unit"),
        _("Period"),
        _("Submitted at"),
        _("Percent"),
        _("Progress"),
        _("Similar to"),
    ]
    rows = (
        [
            r.assignment.task.document.title,
            str(r.assignment.task),
            r.assignment.unit.name,
            f"{r.period_start:%Y-%m-%d}–{r.period_end:%Y-%m-%d}",
            timezone.localtime(r.submitted_at).strftime("%Y-%m-%d %H:%M") if r.submitted_at else "",
            r.percent,
            r.progress,
            r.similar_to_id or "",
        ]
        for r in reports.iterator(chunk_size=500)
    )
    return csv_response(filename, header, rows)


def extension_requests_csv(filename: str, requests) -> HttpResponse:
    """Extension requests of a list (``assignment__task__document``, ``assignment__unit``)."""
    header = [
        _("Document"),
        _("Task"),
        _("Unit"),
        _("Current due date"),
        _("Requested due date"),
        _("Reason"),
        _("Requested at"),
    ]
    rows = (
        [
            r.assignment.task.document.title,
            str(r.assignment.task),
            r.assignment.unit.name,
            r.previous_due_date or "",
            r.requested_due_date,
            r.reason,
            timezone.localtime(r.created_at).strftime("%Y-%m-%d %H:%M"),
        ]
        for r in requests.iterator(chunk_size=500)
    )
    return csv_response(filename, header, rows)

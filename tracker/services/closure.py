"""Closure: the lead unit asks (申请办结), the supervisor closes (办结/销号) or reopens."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from clauses.choices import AssignmentRole
from tracker import audit
from tracker.choices import NotificationKind
from tracker.errors import Conflict, DomainError, NotAllowed
from tracker.models import Assignment, Task

from .access import is_member, require_supervisor
from .common import today_of
from .notifications import jurisdiction_supervisors, notify, unit_members
from .states import refresh_assignments


def _locked(task: Task) -> Task:
    return Task.objects.select_for_update().select_related("document").get(pk=task.pk)


def _document_url(task: Task) -> str:
    return reverse("clauses:document-detail", args=[task.document_id])


def _active_unit_ids(task: Task) -> list[int]:
    return list(task.assignments.filter(is_active=True).values_list("unit_id", flat=True))


def request_close(*, task: Task, by, note: str = "", now=None, ip_address=None) -> Task:
    """The lead unit reports the task finished and asks the supervisor to close it."""
    now = now or timezone.now()
    with transaction.atomic():
        task = _locked(task)
        leads = Assignment.objects.filter(task=task, is_active=True, role=AssignmentRole.LEAD)
        if not any(is_member(by, a.unit) for a in leads.select_related("unit")):
            raise NotAllowed("not_lead_unit", _("Only the lead unit can ask to close a task."))
        if task.closed_at:
            raise Conflict("invalid_transition", _("This task is already closed."))
        if task.close_requested_at:
            raise Conflict("invalid_transition", _("Closure has already been requested."))
        task.close_requested_at, task.close_requested_by = now, by
        task.close_request_note = (note or "").strip()
        task.version += 1
        task.save()
        audit.record(
            action="task.close_requested",
            obj=task,
            actor=by,
            after={"note": task.close_request_note},
            ip_address=ip_address,
        )
        notify(
            users=jurisdiction_supervisors(task.document.jurisdiction_id),
            kind=NotificationKind.CLOSE_REQUESTED,
            message=_("Closure of “{task}” is requested.").format(task=task),
            obj=task,
            url=_document_url(task),
        )
    return task


def close_task(*, task: Task, by, comment: str = "", now=None, ip_address=None) -> Task:
    """The supervisor closes the task: it is done, and so are its assignments."""
    now = now or timezone.now()
    with transaction.atomic():
        task = _locked(task)
        require_supervisor(by, task.document.jurisdiction_id)
        if task.closed_at:
            raise Conflict("invalid_transition", _("This task is already closed."))
        before = {"status": task.status}
        task.closed_at, task.closed_by = now, by
        task.version += 1
        task.save()
        audit.record(
            action="task.closed",
            obj=task,
            actor=by,
            before=before,
            after={"status": "done", "comment": (comment or "").strip()},
            ip_address=ip_address,
        )
        notify(
            users=unit_members(_active_unit_ids(task)),
            kind=NotificationKind.TASK_CLOSED,
            message=_("“{task}” is closed (办结).").format(task=task),
            obj=task,
            url=_document_url(task),
        )
        refresh_assignments(task.assignments.filter(is_active=True), today=today_of(now))
    task.refresh_from_db()
    return task


def reopen_task(*, task: Task, by, reason: str, now=None, ip_address=None) -> Task:
    """The supervisor reopens a closed task, with a reason; the closure request is cleared."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    with transaction.atomic():
        task = _locked(task)
        require_supervisor(by, task.document.jurisdiction_id)
        if not task.closed_at:
            raise Conflict("invalid_transition", _("Only a closed task can be reopened."))
        if not reason:
            raise DomainError("reason_required", _("Give a reason for reopening the task."))
        before = {"closed_at": task.closed_at}
        task.closed_at = task.closed_by = None
        task.close_requested_at = task.close_requested_by = None
        task.close_request_note = ""
        task.version += 1
        task.save()
        audit.record(
            action="task.reopened",
            obj=task,
            actor=by,
            before=before,
            after={"reason": reason},
            ip_address=ip_address,
        )
        notify(
            users=unit_members(_active_unit_ids(task)),
            kind=NotificationKind.TASK_REOPENED,
            message=_("“{task}” is reopened: {reason}").format(task=task, reason=reason),
            obj=task,
            url=_document_url(task),
        )
        refresh_assignments(task.assignments.filter(is_active=True), today=today_of(now))
    task.refresh_from_db()
    return task

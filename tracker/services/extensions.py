"""Extension requests (延期申请): asked by the unit, decided by the supervisor."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker import audit
from tracker.choices import ExtensionStatus, NotificationKind, Status
from tracker.errors import Conflict, DomainError
from tracker.models import Assignment, ExtensionRequest
from tracker.workdays import next_working_day

from .access import require_member, require_supervisor
from .common import today_of
from .notifications import assignment_url, notify
from .states import refresh_assignments


def request_extension(
    *, assignment: Assignment, by, requested_due_date, reason: str, now=None, ip_address=None
) -> ExtensionRequest:
    """Ask to move the assignment's due date to a later working day, with a reason."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    with transaction.atomic():
        assignment = (
            Assignment.objects.select_for_update()
            .select_related("task", "unit")
            .get(pk=assignment.pk)
        )
        require_member(by, assignment)
        if assignment.status == Status.DONE or assignment.task.closed_at:
            raise Conflict("task_closed", _("A finished task needs no extension."))
        if not reason:
            raise DomainError("reason_required", _("Give a reason for the extension."))
        if requested_due_date < today_of(now):
            raise DomainError(
                "due_date_past",
                _("The requested date {date} is in the past.").format(
                    date=requested_due_date.isoformat()
                ),
            )
        if assignment.due_date and requested_due_date <= assignment.due_date:
            raise DomainError(
                "not_later",
                _("The requested date must be later than the current due date {date}.").format(
                    date=assignment.due_date.isoformat()
                ),
            )
        if assignment.extension_requests.filter(status=ExtensionStatus.PENDING).exists():
            raise Conflict("extension_pending", _("An extension request is already pending."))
        try:
            with transaction.atomic():
                request = ExtensionRequest.objects.create(
                    assignment=assignment,
                    requested_due_date=requested_due_date,
                    previous_due_date=assignment.due_date,
                    reason=reason,
                    requested_by=by,
                )
        except IntegrityError:  # a concurrent request won the race
            raise Conflict(
                "extension_pending", _("An extension request is already pending.")
            ) from None
        audit.record(
            action="extension.requested",
            obj=request,
            actor=by,
            after={"requested_due_date": requested_due_date, "reason": reason},
            ip_address=ip_address,
        )
    return request


def _decide(request: ExtensionRequest, *, by, approve: bool, comment: str, now, ip_address):
    with transaction.atomic():
        request = (
            ExtensionRequest.objects.select_for_update()
            .select_related("assignment__task__document", "assignment__unit")
            .get(pk=request.pk)
        )
        assignment = request.assignment
        require_supervisor(by, assignment.task.document.jurisdiction_id)
        if request.status != ExtensionStatus.PENDING:
            raise Conflict(
                "invalid_transition",
                _("This request has already been decided ({status}).").format(
                    status=request.get_status_display()
                ),
            )
        if not approve and not comment:
            raise DomainError("comment_required", _("Say why the extension is rejected."))
        request.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REJECTED
        request.decided_at, request.decided_by = now, by
        request.decision_comment = comment
        request.save()
        audit.record(
            action="extension.approved" if approve else "extension.rejected",
            obj=request,
            actor=by,
            before={"status": ExtensionStatus.PENDING},
            after={"status": request.status, "comment": comment},
            ip_address=ip_address,
        )
        if approve:
            new_due = next_working_day(request.requested_due_date)
            before = {
                "due_date": assignment.due_date,
                "evaluation_due_date": assignment.evaluation_due_date,
            }
            original = assignment.original_due_date or assignment.due_date
            assignment.original_due_date = original
            assignment.due_date = new_due
            # Approved before the original date passed: the evaluation scores the new date.
            if original is None or today_of(now) <= original:
                assignment.evaluation_due_date = new_due
            assignment.version += 1
            assignment.save()
            audit.record(
                action="assignment.extended",
                obj=assignment,
                actor=by,
                before=before,
                after={
                    "due_date": assignment.due_date,
                    "evaluation_due_date": assignment.evaluation_due_date,
                },
                ip_address=ip_address,
            )
            refresh_assignments([assignment.pk], today=today_of(now))
        notify(
            users=[request.requested_by],
            kind=NotificationKind.EXTENSION_APPROVED
            if approve
            else NotificationKind.EXTENSION_REJECTED,
            message=(
                _("Your extension on “{task}” was approved: new due date {date}.")
                if approve
                else _("Your extension on “{task}” was rejected: {comment}")
            ).format(task=assignment.task, date=assignment.due_date, comment=comment),
            obj=request,
            url=assignment_url(assignment),
        )
    return request


def approve_extension(*, request: ExtensionRequest, by, comment="", now=None, ip_address=None):
    """Approve: the due date moves (to a working day), the original date is kept."""
    return _decide(
        request,
        by=by,
        approve=True,
        comment=(comment or "").strip(),
        now=now or timezone.now(),
        ip_address=ip_address,
    )


def reject_extension(*, request: ExtensionRequest, by, comment: str, now=None, ip_address=None):
    """Reject with a reason; the due date stays."""
    return _decide(
        request,
        by=by,
        approve=False,
        comment=(comment or "").strip(),
        now=now or timezone.now(),
        ip_address=ip_address,
    )

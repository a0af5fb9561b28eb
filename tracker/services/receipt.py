"""Receipt (签收): a unit acknowledges a new assignment; late receipts are flagged."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker import audit
from tracker.choices import NotificationKind
from tracker.errors import Conflict
from tracker.models import Assignment
from tracker.workdays import add_working_days

from .access import require_member
from .common import today_of
from .notifications import assignment_url, jurisdiction_supervisors, notify
from .states import refresh_assignments


def receive_assignment(*, assignment: Assignment, by, now=None, ip_address=None) -> Assignment:
    """Record that the unit has acknowledged its assignment."""
    now = now or timezone.now()
    with transaction.atomic():
        assignment = (
            Assignment.objects.select_for_update().select_related("unit").get(pk=assignment.pk)
        )
        require_member(by, assignment)
        if assignment.received_at is not None:
            raise Conflict("already_received", _("This assignment has already been received."))
        assignment.received_at, assignment.received_by = now, by
        assignment.version += 1
        assignment.save(update_fields=["received_at", "received_by", "version", "updated_at"])
        audit.record(
            action="assignment.received",
            obj=assignment,
            actor=by,
            after={"received_at": now},
            ip_address=ip_address,
        )
        refresh_assignments([assignment.pk], today=today_of(now))
    return assignment


def flag_unreceived(*, now=None) -> int:
    """Flag assignments not acknowledged within RECEIPT_WORKING_DAYS to their supervisors.

    Each assignment is claimed with a conditional UPDATE, so a second run (or a second worker)
    flags nothing twice. Returns the number flagged.
    """
    now = now or timezone.now()
    today = today_of(now)
    candidates = Assignment.objects.filter(
        is_active=True,
        received_at__isnull=True,
        receipt_flagged_at__isnull=True,
        task__closed_at__isnull=True,
    ).select_related("task__document", "unit")
    flagged = 0
    for assignment in candidates.iterator(chunk_size=500):
        assigned_on = timezone.localdate(assignment.created_at)
        if add_working_days(assigned_on, settings.RECEIPT_WORKING_DAYS) >= today:
            continue
        with transaction.atomic():
            won = Assignment.objects.filter(
                pk=assignment.pk, receipt_flagged_at__isnull=True, received_at__isnull=True
            ).update(receipt_flagged_at=now)
            if not won:
                continue
            audit.record(action="assignment.receipt_overdue", obj=assignment, after={"at": now})
            notify(
                users=jurisdiction_supervisors(assignment.task.document.jurisdiction_id),
                kind=NotificationKind.RECEIPT_OVERDUE,
                message=_("{unit} has not received “{task}” yet.").format(
                    unit=assignment.unit, task=assignment.task
                ),
                obj=assignment,
                url=assignment_url(assignment),
            )
            flagged += 1
    return flagged

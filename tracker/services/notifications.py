"""In-app notifications: who hears of what, and marking them read."""

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.models import Membership, User
from tracker.choices import NotificationKind
from tracker.models import Notification


def notify(*, users, kind: str, message: str, obj=None, url: str = "") -> int:
    """Create one notification per distinct user; returns how many were created."""
    recipients = {u.pk: u for u in users if u is not None}
    Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=pk,
                kind=kind,
                message=message[:500],
                object_type=obj._meta.label_lower if obj is not None else "",
                object_id=str(obj.pk) if obj is not None else "",
                url=url[:200],
            )
            for pk in recipients
        ]
    )
    return len(recipients)


def unit_members(unit_ids, *, roles=(Role.STAFF, Role.UNIT_LEADER)):
    """Active users who work in any of the units with one of the roles."""
    return User.objects.filter(
        is_active=True, memberships__unit_id__in=list(unit_ids), memberships__role__in=roles
    ).distinct()


def jurisdiction_supervisors(jurisdiction_id):
    """Active supervisors of a jurisdiction."""
    return User.objects.filter(
        is_active=True,
        memberships__role=Role.SUPERVISOR,
        memberships__jurisdiction_id=jurisdiction_id,
    ).distinct()


def assignment_url(assignment) -> str:
    return reverse("tracker:assignment-detail", args=[assignment.pk])


def notify_assigned(assignments) -> int:
    """Tell each unit's people of their new tasks: one notification per person and document.

    Two queries whatever the size of the import: the members of every unit, one insert.
    """
    counts: dict[tuple[int, int], int] = {}
    documents = {}
    for a in assignments:
        documents[a.task.document_id] = a.task.document
        key = (a.task.document_id, a.unit_id)
        counts[key] = counts.get(key, 0) + 1
    people: dict[int, set[int]] = {}
    for user_id, unit_id in Membership.objects.filter(
        unit_id__in={unit_id for _doc, unit_id in counts},
        role__in=(Role.STAFF, Role.UNIT_LEADER),
        user__is_active=True,
    ).values_list("user_id", "unit_id"):
        people.setdefault(unit_id, set()).add(user_id)
    rows, seen = [], set()
    for (document_id, unit_id), count in counts.items():
        document = documents[document_id]
        for user_id in people.get(unit_id, ()):
            if (document_id, user_id) in seen:  # one per person and document
                continue
            seen.add((document_id, user_id))
            rows.append(
                Notification(
                    recipient_id=user_id,
                    kind=NotificationKind.ASSIGNED,
                    message=_("{count} new task(s) for your unit from “{title}”.").format(
                        count=count, title=document.title
                    )[:500],
                    object_type=document._meta.label_lower,
                    object_id=str(document.pk),
                    url=reverse("tracker:my-tasks") + f"?document={document.pk}",
                )
            )
    Notification.objects.bulk_create(rows)
    return len(rows)


def mark_read(*, user, ids=None, now=None) -> int:
    """Mark the user's notifications read (all unread ones when ``ids`` is None)."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(Q(pk__in=list(ids)))
    return qs.update(read_at=now or timezone.now())

"""Who may see and act on what: the one place that turns a user into a scope."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from .choices import Role
from .models import Jurisdiction, Unit


def supervised_jurisdictions(user):
    """Jurisdictions the user supervises (every jurisdiction for a superuser)."""
    if not user.is_authenticated:
        return Jurisdiction.objects.none()
    if user.is_superuser:
        return Jurisdiction.objects.all()
    return Jurisdiction.objects.filter(
        memberships__user=user, memberships__role=Role.SUPERVISOR
    ).distinct()


def member_units(user):
    """Units the user works in as staff or unit leader."""
    if not user.is_authenticated:
        return Unit.objects.none()
    return Unit.objects.filter(
        memberships__user=user, memberships__role__in=[Role.STAFF, Role.UNIT_LEADER]
    ).distinct()


def is_supervisor(user) -> bool:
    """True for a superuser or a user with a supervisor membership."""
    return user.is_authenticated and (user.is_superuser or supervised_jurisdictions(user).exists())


def unit_scope(user) -> Q:
    """A filter on units: those of supervised jurisdictions, and the user's own units."""
    if user.is_superuser:
        return Q()
    return Q(jurisdiction__in=supervised_jurisdictions(user)) | Q(pk__in=member_units(user))


def require_supervisor(user) -> None:
    """For supervisors' pages (queues, escalations, imports): anyone else is told no (403),
    not shown an empty list."""
    if not is_supervisor(user):
        raise PermissionDenied

"""Role checks shared by the workflow services.

Views answer 404 for what a user cannot see (querysets ``visible_to``); these checks answer
403 for what a user can see but may not change, e.g. a co-unit's assignment on a shared task.
"""

from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.models import Membership
from tracker.errors import NotAllowed


def is_member(user, unit, *, roles=(Role.STAFF, Role.UNIT_LEADER)) -> bool:
    """True when the user works in ``unit`` with one of ``roles`` (a superuser always)."""
    if user.is_superuser:
        return True
    return Membership.objects.filter(user=user, unit=unit, role__in=roles).exists()


def supervises(user, jurisdiction_id) -> bool:
    """True when the user supervises the jurisdiction (a superuser always)."""
    if user.is_superuser:
        return True
    return Membership.objects.filter(
        user=user, role=Role.SUPERVISOR, jurisdiction_id=jurisdiction_id
    ).exists()


def require_member(user, assignment) -> None:
    """Staff and unit leaders act only on their own unit's assignments."""
    if not is_member(user, assignment.unit):
        raise NotAllowed(
            "not_your_unit", _("Only staff of {unit} can do this.").format(unit=assignment.unit)
        )


def require_leader(user, assignment) -> None:
    """Only the unit's leader signs its reports off."""
    if not is_member(user, assignment.unit, roles=(Role.UNIT_LEADER,)):
        raise NotAllowed(
            "not_unit_leader",
            _("Only the leader of {unit} can sign this report off.").format(unit=assignment.unit),
        )


def require_supervisor(user, jurisdiction_id) -> None:
    """Planning, review, extensions and closure belong to the jurisdiction's supervisors."""
    if not supervises(user, jurisdiction_id):
        raise NotAllowed("not_supervisor", _("Only a supervisor of this jurisdiction can do this."))

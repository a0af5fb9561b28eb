"""Helpers shared by the tracker pages: the caller's address, safe redirects, role checks."""

from dataclasses import dataclass

from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.choices import Role
from accounts.scoping import supervised_jurisdictions
from tracker.services.access import is_member, supervises


def ip_of(request) -> str | None:
    """The client's address for the audit trail."""
    return request.META.get("REMOTE_ADDR")


def back_to(request, fallback):
    """Redirect to the form's ``next`` when it is a local URL, else to ``fallback``."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(fallback)


def supervised_ids(user) -> list[int]:
    """Ids of the jurisdictions the user supervises (one query)."""
    return list(supervised_jurisdictions(user).values_list("pk", flat=True))


@dataclass(frozen=True)
class Abilities:
    """What the user's roles allow on one assignment, to render only the forms they may use.

    Only roles are decided here; whether an action fits the current state is shown from the
    stored state and always decided again by the service.
    """

    member: bool
    leader: bool
    supervisor: bool

    @classmethod
    def of(cls, user, assignment) -> "Abilities":
        """The user's roles on ``assignment`` (three small queries)."""
        return cls(
            member=is_member(user, assignment.unit),
            leader=is_member(user, assignment.unit, roles=(Role.UNIT_LEADER,)),
            supervisor=supervises(user, assignment.task.document.jurisdiction_id),
        )

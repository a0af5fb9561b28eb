"""API permissions of login security (listed in REST_FRAMEWORK's DEFAULT_PERMISSION_CLASSES)."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from rest_framework.permissions import BasePermission

PASSWORD_CHANGE_REQUIRED = "password_change_required"  # noqa: S105 - an error code  # nosec B105


def password_change_required_message() -> str:
    """The sentence that tells someone with an initial password what to do, in their language."""
    return _("You must change your initial password before you continue: {url}").format(
        url=reverse("password_change")
    )


def must_change_password(user) -> bool:
    """True when ``user`` signed in with a password they were given and must replace now.

    Not enforced with DEBUG on, so the demo accounts of ``make run`` work as they are.
    """
    return (
        not settings.DEBUG
        and user is not None
        and user.is_authenticated
        and getattr(user, "must_change_password", False)
    )


class PasswordChanged(BasePermission):
    """Refuse every API call of a user who must first change their password (403).

    Works for session and token authentication alike, because it runs after DRF has
    authenticated the request. The answer carries a stable code next to the message:
    ``{"code": "password_change_required", "detail": "…"}``. The token endpoint has no
    permission classes, so such a user can still obtain a token.
    """

    def has_permission(self, request, view):
        """Allow unless the authenticated user still has to change their password."""
        return not must_change_password(request.user)

    @property
    def message(self):
        """The body of the 403 answer (DRF reads it when has_permission is False)."""
        return {"code": PASSWORD_CHANGE_REQUIRED, "detail": password_change_required_message()}

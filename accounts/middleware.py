"""Forced password change for pages (listed in MIDDLEWARE after AuthenticationMiddleware)."""

from django.conf import settings
from django.shortcuts import redirect
from rest_framework.views import APIView

from .permissions import must_change_password

# Pages someone with an initial password may still open: the change itself and signing out.
ALLOWED_VIEWS = frozenset({"password_change", "password_change_done", "logout", "admin:logout"})


def _is_api_view(view_func) -> bool:
    """True for DRF views: the PasswordChanged permission answers those with a JSON 403."""
    view_class = getattr(view_func, "cls", None)
    return isinstance(view_class, type) and issubclass(view_class, APIView)


class PasswordChangeRequiredMiddleware:
    """Send a user whose ``must_change_password`` is set to the password-change page.

    Every page except the change page, sign-out and static files redirects there, so an
    initial password (demo accounts, ``add_member --password``) cannot be kept. API views are
    left to ``accounts.permissions.PasswordChanged``, which also covers token authentication
    (invisible at this level). Off with DEBUG on, like the permission.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.exempt_prefixes = tuple(
            "/" + prefix.lstrip("/")
            for prefix in (settings.STATIC_URL, settings.MEDIA_URL)
            if prefix and prefix.strip("/")
        )

    def __call__(self, request):
        """Pass the request on; the check runs in process_view, once the view is known."""
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        """Redirect to the password-change page, or return None to let the view run."""
        if settings.DEBUG or _is_api_view(view_func):
            return None
        if request.path_info.startswith(self.exempt_prefixes):
            return None
        match = getattr(request, "resolver_match", None)
        if match is not None and match.view_name in ALLOWED_VIEWS:
            return None
        if not must_change_password(getattr(request, "user", None)):
            return None
        return redirect("password_change")

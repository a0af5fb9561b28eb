"""Pages of login security: changing one's password, and what a locked-out client sees."""

from axes.helpers import get_cool_off, get_lockout_message
from axes.signals import user_locked_out
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.dispatch import receiver
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.request import Request

from tracker.errors import DomainError

from .api.throttling import LoginRateThrottle, throttled_message, whole_seconds
from .services import change_password

LOCKED_OUT = "locked_out"


class LoginView(auth_views.LoginView):
    """Django's sign-in page within the sign-in rate limit per client address.

    Past the limit a POST is not even checked against the password (so it costs the guesser a
    try without telling anything) and gets the lockout page with HTTP 429 and Retry-After; the
    count is shared with the API token endpoint (``accounts.api.throttling``).
    """

    def post(self, request, *args, **kwargs):
        """Check the rate before the credentials."""
        throttle = LoginRateThrottle()
        if not throttle.allow_request(request, self):
            seconds = whole_seconds(throttle.wait())
            response = render(
                request,
                "registration/locked_out.html",
                {"message": throttled_message(seconds)},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
            )
            response["Retry-After"] = str(seconds)
            return response
        return super().post(request, *args, **kwargs)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change one's own password through ``accounts.services.change_password``.

    Django's form checks the old password and the policy; the service sets the password,
    clears ``must_change_password`` and writes the audit event. The template names differ
    from Django's defaults so the admin keeps its own password pages.
    """

    template_name = "registration/password_change.html"
    success_url = reverse_lazy("password_change_done")

    def form_valid(self, form):
        """Change the password, keep the session signed in, go to the confirmation."""
        try:
            change_password(
                user=form.user,
                new_password=form.cleaned_data["new_password1"],
                ip_address=self.request.META.get("REMOTE_ADDR"),
            )
        except DomainError as exc:
            form.add_error("new_password1", str(exc.message))
            return self.form_invalid(form)
        update_session_auth_hash(self.request, form.user)
        messages.success(self.request, _("Your password was changed."))
        return HttpResponseRedirect(self.get_success_url())


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    """The confirmation after a password change."""

    template_name = "registration/password_changed.html"


def locked_out(request, original_response=None, credentials=None):
    """The page a locked-out sign-in gets, with HTTP 429 (settings.AXES_LOCKOUT_CALLABLE).

    Used for the sign-in page and the admin's; the API token endpoint answers in JSON instead
    (see ``refuse_locked_out_api_login``).
    """
    return render(
        request,
        "registration/locked_out.html",
        {"message": get_lockout_message()},
        status=status.HTTP_429_TOO_MANY_REQUESTS,
    )


class LoginLockedOut(APIException):
    """Too many failed sign-ins for this username from this address (HTTP 429)."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = LOCKED_OUT


@receiver(user_locked_out, dispatch_uid="accounts.refuse_locked_out_api_login")
def refuse_locked_out_api_login(sender, request=None, **kwargs):
    """Answer a locked-out API sign-in (the token endpoint) with 429 and a JSON message.

    Axes marks the lockout on the request it is given, which for DRF views is DRF's wrapper,
    not the Django request that AxesMiddleware looks at: without this the token endpoint would
    only say that the credentials are wrong. Raised inside ``authenticate``, the exception
    reaches the view's exception handler as ``{"code": "locked_out", "detail": "…"}``.
    """
    if not isinstance(request, Request):
        return
    exc = LoginLockedOut({"code": LOCKED_OUT, "detail": str(get_lockout_message())})
    cool_off = get_cool_off(request)
    if cool_off:
        exc.wait = cool_off.total_seconds()  # DRF turns this into a Retry-After header
    raise exc

"""Rate limits on signing in, and the client address they and the lockout count by.

The axes lockout stops guessing one account's password from one address; this limit stops one
address from trying many accounts. The sign-in page and the API token endpoint share one count
per address, kept in the default cache (Redis in production, so every web process sees it).
"""

import ipaddress
import logging
import math

from django.conf import settings
from django.utils.translation import gettext
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.throttling import SimpleRateThrottle

logger = logging.getLogger(__name__)

THROTTLED = "throttled"


def client_ip(request) -> str:
    """The client's address: the connection's, or the one the trusted proxy in front recorded.

    ``settings.NUM_PROXIES`` proxies append to X-Forwarded-For, so the entry that many places
    from its end is the address the outermost trusted proxy saw; anything to its left came from
    the client and may be forged. A value that is not an address (a misconfigured proxy count)
    falls back to the connection's address. Also axes' AXES_CLIENT_IP_CALLABLE.
    """
    remote = request.META.get("REMOTE_ADDR") or ""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    proxies = settings.NUM_PROXIES
    if proxies <= 0 or not forwarded:
        return remote
    addresses = [part.strip() for part in forwarded.split(",") if part.strip()]
    if not addresses:
        return remote
    candidate = addresses[-min(proxies, len(addresses))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


class LoginRateThrottle(SimpleRateThrottle):
    """At most ``settings.LOGIN_RATE`` sign-in attempts per client address (e.g. "30/minute").

    The rate is read from the settings on each use (DRF's class-level copy of the throttle
    rates would not follow an override). If the cache is unreachable the attempt is let through:
    the axes lockout, kept in the database, still applies, and a Redis outage must not stop
    everyone from signing in.
    """

    scope = "login"

    def get_rate(self):
        return settings.LOGIN_RATE or None  # an empty rate turns the limit off

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request)}

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception:  # any cache failure: fail open, see the docstring
            logger.warning("sign-in rate limit skipped: the cache is unavailable", exc_info=True)
            return True


def whole_seconds(wait: float | None) -> int:
    """A throttle's wait rounded up to whole seconds, at least 1 (Retry-After takes integers)."""
    return max(1, math.ceil(wait)) if wait else 1


def throttled_message(seconds: int) -> str:
    """The sentence a throttled sign-in gets, for the page and the API alike."""
    return gettext(
        "Too many sign-in attempts from this address. Wait {seconds} seconds and try again."
    ).format(seconds=seconds)


class LoginThrottled(APIException):
    """Too many sign-in attempts from this address (HTTP 429, with Retry-After)."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = THROTTLED

    def __init__(self, wait: float | None):
        seconds = whole_seconds(wait)
        super().__init__({"code": THROTTLED, "detail": throttled_message(seconds)})
        self.wait = seconds  # DRF turns this into the Retry-After header

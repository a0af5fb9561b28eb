"""A database outage answers 503 with a message people can act on, not a bare 500.

Django turns an exception raised anywhere in a request into a response at the layer where it
was raised, and for an unexpected one calls the URLconf's ``handler500``. A middleware's
``process_exception`` would only see exceptions from the view, not the session or user look-up
of SessionMiddleware, AuthenticationMiddleware and the password-change middleware, which are
the first to touch the database on a page. So the one place that sees every database failure
is the 500 handler: ``server_error`` (``handler500`` in tracker/urls.py) answers Django's
OperationalError and InterfaceError (server down or restarting, connection lost) with 503 and
Retry-After: JSON ``{"code", "detail"}`` under /api/, the 503 page elsewhere. Every other
failure keeps Django's 500 page.

Nothing half-written remains: every service writes in one transaction, which the database
rolls back when the connection breaks. And the same process recovers by itself: Django closes
a connection after an error, and checks a persistent one before reusing it
(``CONN_HEALTH_CHECKS``), so the first request after the database is back reconnects.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views import defaults

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30
CODE = "database_unavailable"


def database_unavailable(request: HttpRequest) -> HttpResponse:
    """The 503 answer to a request that failed because the database could not be used.

    The page is rendered without the request's context: context processors (and anything
    else that would query the database) must not run while the database is away.
    """
    message = _(
        "The service is temporarily unavailable. Please try again in a few minutes; "
        "if this lasts, tell your administrator."
    )
    if request.path_info.startswith("/api/"):
        response = JsonResponse({"code": CODE, "detail": message}, status=503)
    else:
        response = HttpResponse(render_to_string("503.html", {"message": message}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    """``handler500``: 503 for a database outage, Django's own 500 page for anything else.

    Django calls the handler inside its ``except`` block, so the exception is the one being
    handled.
    """
    if isinstance(sys.exc_info()[1], DATABASE_ERRORS):
        return database_unavailable(request)
    return defaults.server_error(request, template_name)

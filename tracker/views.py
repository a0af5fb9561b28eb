"""Operational endpoints."""

from django.db import connection
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults

from .services import last_heartbeat


def healthz(request):
    """Liveness and database reachability, for the container health check."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # any database failure means unhealthy
        return JsonResponse({"status": "error", "database": False}, status=503)
    return JsonResponse({"status": "ok", "database": True, "worker_heartbeat": last_heartbeat()})


def page_not_found(request, exception):
    """404: JSON in the API's error format under /api/, the HTML page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "not_found", "detail": _("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)

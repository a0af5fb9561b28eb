"""Operational endpoints."""

from django.db import connection
from django.http import JsonResponse

from .services import last_heartbeat


def healthz(request):
    """Liveness and database reachability, for the container health check."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # any database failure means unhealthy
        return JsonResponse({"status": "error", "database": False}, status=503)
    return JsonResponse({"status": "ok", "database": True, "worker_heartbeat": last_heartbeat()})

"""API error format: every error carries a stable code next to its translated message."""

from rest_framework.views import exception_handler as drf_exception_handler

from tracker.errors import DomainError


def exception_handler(exc, context):
    """Answer domain errors with HTTP 400 and ``{"code", "detail"}``; defer the rest to DRF."""
    if isinstance(exc, DomainError):
        from rest_framework.response import Response

        return Response(
            {"code": exc.code, "detail": str(exc.message), **exc.extra}, status=exc.status
        )
    return drf_exception_handler(exc, context)

"""Downloads of an evaluation period: the bulletin (.docx) and the snapshot table (.xlsx).

Scope: supervisors of the period's jurisdiction and administrators always; anyone else who
sees the period (its units' staff) only once it is published, because a draft's ranking is
still under review. Both answer with an attachment whose file name carries the jurisdiction
(RFC 5987 ``filename*`` for the Chinese name, an ASCII ``filename`` for old clients).
"""

from urllib.parse import quote

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from accounts.scoping import supervised_jurisdictions
from reports.exports import DOCX_TYPE, XLSX_TYPE
from reports.exports.bulletin import build_bulletin
from reports.exports.snapshots_xlsx import build_snapshots_xlsx
from reports.models import EvaluationPeriod
from tracker.errors import NotAllowed

from .views import visible_period

JURISDICTION = OpenApiParameter(
    "jurisdiction", int, description="Jurisdiction id, when you see several."
)


class IgnoreAccept(BaseContentNegotiation):
    """A file download answers whatever the Accept header says (errors in JSON)."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def content_disposition(filename: str, ascii_fallback: str) -> str:
    """``attachment`` with an ASCII name and the UTF-8 name of RFC 5987/6266."""
    return f"attachment; filename=\"{ascii_fallback}\"; filename*=UTF-8''{quote(filename)}"


def exportable_period(request, code) -> EvaluationPeriod:
    """The period ``code`` if the user may download its exports (404 / 403 otherwise)."""
    period = visible_period(request, code)
    supervises = supervised_jurisdictions(request.user).filter(pk=period.jurisdiction_id).exists()
    if not supervises and not period.is_published:
        raise NotAllowed(
            "period_not_published",
            _("{period} is not published yet; only its supervisors can download it.").format(
                period=period
            ),
        )
    return period


def _download(content: bytes, content_type: str, filename: str, ascii_name: str):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename, ascii_name)
    response["Content-Length"] = str(len(content))
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


class _ExportView(APIView):
    content_negotiation_class = IgnoreAccept
    renderer_classes = [JSONRenderer]


class PeriodBulletinView(_ExportView):
    @extend_schema(
        parameters=[JURISDICTION],
        responses={
            (200, DOCX_TYPE): OpenApiResponse(OpenApiTypes.BINARY, description="The bulletin"),
        },
    )
    def get(self, request, code):
        """The period's bulletin (通报) as .docx (GB/T 9704 layout)."""
        period = exportable_period(request, code)
        content = build_bulletin(period)
        name = _("{jurisdiction} {code} evaluation bulletin").format(
            jurisdiction=period.jurisdiction.name, code=period.code
        )
        return _download(content, DOCX_TYPE, f"{name}.docx", f"{period.code}-bulletin.docx")


class PeriodSnapshotsXlsxView(_ExportView):
    @extend_schema(
        parameters=[JURISDICTION],
        responses={
            (200, XLSX_TYPE): OpenApiResponse(OpenApiTypes.BINARY, description="Snapshot rows"),
        },
    )
    def get(self, request, code):
        """The period's snapshot rows as .xlsx (per unit, and per unit and document)."""
        period = exportable_period(request, code)
        content = build_snapshots_xlsx(period)
        name = _("{jurisdiction} {code} evaluation figures").format(
            jurisdiction=period.jurisdiction.name, code=period.code
        )
        return _download(content, XLSX_TYPE, f"{name}.xlsx", f"{period.code}-snapshots.xlsx")

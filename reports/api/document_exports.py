"""Downloads of a document or a unit: the task breakdown table (.xlsx) and the progress
summary (.docx).

Anyone who sees the document (``PolicyDocument.visible_to``) or the unit (``unit_scope``) may
download; anything else is a 404, so an id reveals nothing. The file holds what the reader
may see: staff get the tasks their units share and the reports of their own units. File
names carry the Chinese title (RFC 5987 ``filename*``) with an ASCII fallback.
"""

import re

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from accounts.models import Unit
from accounts.scoping import unit_scope
from clauses.models import PolicyDocument
from reports.exports import DOCX_TYPE, XLSX_TYPE
from reports.exports.breakdown_xlsx import build_breakdown_xlsx
from reports.exports.progress_docx import build_progress_docx

from .exports import IgnoreAccept, content_disposition

# characters Windows does not take in a file name, and control characters
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def file_name(*parts: str, extension: str) -> str:
    name = _UNSAFE.sub(" ", "".join(parts)).strip()[:150]
    return f"{name}.{extension}"


def _download(content: bytes, content_type: str, filename: str, ascii_name: str):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename, ascii_name)
    response["Content-Length"] = str(len(content))
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def visible_document(request, pk) -> PolicyDocument:
    """The document ``pk`` if the user sees it (404 otherwise)."""
    return get_object_or_404(
        PolicyDocument.objects.visible_to(request.user).select_related("jurisdiction"), pk=pk
    )


def visible_unit(request, pk) -> Unit:
    """The unit ``pk`` if it is in the user's scope (404 otherwise)."""
    return get_object_or_404(
        Unit.objects.filter(unit_scope(request.user)).select_related("jurisdiction"), pk=pk
    )


class _ExportView(APIView):
    content_negotiation_class = IgnoreAccept
    renderer_classes = [JSONRenderer]


class DocumentBreakdownXlsxView(_ExportView):
    @extend_schema(
        responses={
            (200, XLSX_TYPE): OpenApiResponse(
                OpenApiTypes.BINARY, description="The task breakdown table"
            ),
        },
    )
    def get(self, request, pk):
        """The document's task breakdown table (任务分解表) as .xlsx, in the reader's scope."""
        document = visible_document(request, pk)
        content = build_breakdown_xlsx(document, user=request.user)
        name = file_name(document.title, _("Task breakdown table"), extension="xlsx")
        return _download(content, XLSX_TYPE, name, f"document-{document.pk}-breakdown.xlsx")


class DocumentProgressDocxView(_ExportView):
    @extend_schema(
        responses={
            (200, DOCX_TYPE): OpenApiResponse(
                OpenApiTypes.BINARY, description="The progress summary"
            ),
        },
    )
    def get(self, request, pk):
        """The document's progress summary (进展情况汇总) as .docx, in the reader's scope."""
        document = visible_document(request, pk)
        content = build_progress_docx(document=document, user=request.user)
        name = file_name(_("{name} progress summary").format(name=document.title), extension="docx")
        return _download(content, DOCX_TYPE, name, f"document-{document.pk}-progress.docx")


class UnitProgressDocxView(_ExportView):
    @extend_schema(
        responses={
            (200, DOCX_TYPE): OpenApiResponse(
                OpenApiTypes.BINARY, description="The unit's progress summary"
            ),
        },
    )
    def get(self, request, pk):
        """A unit's progress summary across documents (进展情况汇总) as .docx."""
        unit = visible_unit(request, pk)
        content = build_progress_docx(unit=unit, user=request.user)
        name = file_name(_("{name} progress summary").format(name=unit.name), extension="docx")
        return _download(content, DOCX_TYPE, name, f"unit-{unit.pk}-progress.docx")

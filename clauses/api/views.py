from django.db.models import Count, Prefetch, Q
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.settings import api_settings

from accounts.scoping import is_supervisor
from clauses import services
from clauses.filtersets import PolicyDocumentFilterSet
from clauses.models import PolicyDocument
from tracker import services as tracker_services
from tracker.api.serializers import DocumentPlanSerializer
from tracker.models import Assignment, Task

from .serializers import (
    ImportResultSerializer,
    ImportSerializer,
    PolicyDocumentListSerializer,
    PolicyDocumentSerializer,
    UploadSerializer,
)


class IsSupervisorForWrites(BasePermission):
    """Anyone signed in may read what their scope shows; only supervisors import."""

    def has_permission(self, request, view):
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        return is_supervisor(request.user)


class PolicyDocumentViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Policy documents: preview a file's parse, import it, read the result."""

    filterset_class = PolicyDocumentFilterSet
    permission_classes = [*api_settings.DEFAULT_PERMISSION_CLASSES, IsSupervisorForWrites]
    parser_classes = [MultiPartParser, FormParser]  # the only writes are file uploads

    def get_queryset(self):
        qs = (
            PolicyDocument.objects.visible_to(self.request.user)
            .select_related("jurisdiction")
            .annotate(task_count=Count("tasks", filter=Q(tasks__is_active=True), distinct=True))
            .order_by("-created_at", "-id")
        )
        if self.action == "retrieve":
            qs = qs.prefetch_related(
                Prefetch(
                    "tasks",
                    # Staff see the tasks their units share, not the whole document's.
                    queryset=Task.objects.visible_to(self.request.user)
                    .order_by("order")
                    .prefetch_related(
                        Prefetch("assignments", queryset=Assignment.objects.select_related("unit"))
                    ),
                )
            )
        return qs

    def get_serializer_class(self):
        if self.action == "list":
            return PolicyDocumentListSerializer
        if self.action == "preview":
            return UploadSerializer
        if self.action == "create":
            return ImportSerializer
        return PolicyDocumentSerializer

    def _upload(self, serializer):
        upload = serializer.validated_data["file"]
        return {"data": upload.read(), "filename": upload.name}

    @extend_schema(
        request={"multipart/form-data": UploadSerializer},
        responses={
            200: OpenApiResponse(description="the parse in the gold schema, plus unknown_units")
        },
    )
    @action(detail=False, methods=["post"])
    def preview(self, request):
        """Parse a file without writing anything; list unit names the registry does not know."""
        serializer = UploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = services.preview_document(
            **self._upload(serializer),
            jurisdiction=serializer.validated_data.get("jurisdiction") or None,
            by=request.user,
        )
        return Response(result)

    @extend_schema(
        request={"multipart/form-data": ImportSerializer}, responses={201: ImportResultSerializer}
    )
    def create(self, request, *args, **kwargs):
        """Import a file (with the decisions for unknown units and the task edits)."""
        serializer = ImportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        arguments = serializer.service_arguments()
        result = services.import_document(
            **self._upload(serializer),
            **arguments,
            by=request.user,
            ip_address=request.META.get("REMOTE_ADDR"),
        )
        ids = [entry.document.pk for entry in result.documents]
        self.action = "retrieve"  # the detail queryset, with tasks and units prefetched
        documents = {d.pk: d for d in self.get_queryset().filter(pk__in=ids)}
        payload = {
            "documents": [
                {
                    "created": entry.created,
                    "document": PolicyDocumentSerializer(documents[entry.document.pk]).data,
                    "added": entry.added,
                    "changed": entry.changed,
                    "removed": entry.removed,
                    "unchanged": entry.unchanged,
                }
                for entry in result.documents
            ]
        }
        return Response(
            payload, status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        )

    @extend_schema(
        request=DocumentPlanSerializer,
        responses={200: OpenApiResponse(description='{"planned": number of tasks planned}')},
    )
    @action(detail=True, methods=["post"], parser_classes=[JSONParser, FormParser])
    def plan(self, request, pk=None):
        """Plan every active task of the document (or the listed ones) at once (supervisor)."""
        document = self.get_object()
        serializer = DocumentPlanSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        count = tracker_services.plan_document(
            document=document,
            by=request.user,
            plan=serializer.plan(),
            task_ids=serializer.validated_data.get("tasks"),
            ip_address=request.META.get("REMOTE_ADDR"),
        )
        return Response({"planned": count})

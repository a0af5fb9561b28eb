"""Thin viewsets over the workflow services; scope comes from each model's ``visible_to``."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.settings import api_settings

from accounts.scoping import is_supervisor
from tracker import services
from tracker.filtersets import (
    AssignmentFilterSet,
    AuditEventFilterSet,
    ExtensionRequestFilterSet,
    NotificationFilterSet,
    ReportFilterSet,
    TaskFilterSet,
)
from tracker.models import (
    Assignment,
    AuditEvent,
    ExtensionRequest,
    Notification,
    ProgressReport,
    Task,
)

from .pagination import KeysetPagination
from .serializers import (
    AssignmentDetailSerializer,
    AssignmentSerializer,
    AuditEventSerializer,
    CommentSerializer,
    ExtensionCreateSerializer,
    ExtensionRequestSerializer,
    NoteSerializer,
    NotificationSerializer,
    PlanSerializer,
    ReadSerializer,
    ReasonSerializer,
    ReportSerializer,
    ReportWriteSerializer,
    TaskSerializer,
)


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR")


def _valid(serializer_class, request):
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer


class ScopedViewSet(viewsets.GenericViewSet):
    """Lists and details start from ``Model.objects.visible_to(user)``: what is out of scope
    answers 404. No PUT and no DELETE anywhere: changes go through named actions."""

    http_method_names = ["get", "post", "patch", "head", "options"]
    model = None

    def scoped(self):
        return self.model.objects.visible_to(self.request.user)


class TaskViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Tasks of the current document versions, with their units; planning and closure."""

    model = Task
    serializer_class = TaskSerializer
    filterset_class = TaskFilterSet

    def get_queryset(self):
        return (
            self.scoped()
            .filter(is_active=True)
            .prefetch_related(
                Prefetch("assignments", queryset=Assignment.objects.select_related("unit"))
            )
            .order_by("document_id", "order")
        )

    @extend_schema(request=PlanSerializer, responses=TaskSerializer)
    def partial_update(self, request, pk=None):
        """Plan a task (supervisor): due date, reporting cycle, sign-off; passed to its units."""
        task = self.get_object()
        serializer = _valid(PlanSerializer, request)
        services.plan_task(
            task=task,
            by=request.user,
            plan=serializer.plan(),
            version=serializer.validated_data.get("version"),
            ip_address=client_ip(request),
        )
        return Response(TaskSerializer(self.get_queryset().get(pk=task.pk)).data)

    def _closure(self, request, function, serializer_class, field, argument):
        task = self.get_object()
        serializer = _valid(serializer_class, request)
        function(
            task=task,
            by=request.user,
            ip_address=client_ip(request),
            **{argument: serializer.validated_data[field]},
        )
        return Response(TaskSerializer(self.get_queryset().get(pk=task.pk)).data)

    @extend_schema(request=NoteSerializer, responses=TaskSerializer)
    @action(detail=True, methods=["post"], url_path="request-close")
    def request_close(self, request, pk=None):
        """The lead unit asks the supervisor to close the task (申请办结)."""
        return self._closure(request, services.request_close, NoteSerializer, "note", "note")

    @extend_schema(request=CommentSerializer, responses=TaskSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """The supervisor closes the task (办结/销号)."""
        return self._closure(request, services.close_task, CommentSerializer, "comment", "comment")

    @extend_schema(request=ReasonSerializer, responses=TaskSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        """The supervisor reopens a closed task, with a reason."""
        return self._closure(request, services.reopen_task, ReasonSerializer, "reason", "reason")


class AssignmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """One unit's share of a task: plan, receipt, reports, extension requests.

    The list is paginated by keyset, in the order the assignments were created (a document's
    in clause order): a province has over a hundred thousand."""

    model = Assignment
    filterset_class = AssignmentFilterSet
    pagination_class = KeysetPagination
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        qs = self.scoped().filter(is_active=True).select_related("unit", "task")
        if self.action == "retrieve":
            qs = qs.prefetch_related(
                Prefetch("task__assignments", queryset=Assignment.objects.select_related("unit"))
            )
        return qs

    def get_serializer_class(self):
        return AssignmentDetailSerializer if self.action == "retrieve" else AssignmentSerializer

    def _detail(self, pk):
        self.action = "retrieve"
        return AssignmentDetailSerializer(self.get_queryset().get(pk=pk)).data

    @extend_schema(request=PlanSerializer, responses=AssignmentDetailSerializer)
    def partial_update(self, request, pk=None):
        """Plan one unit's assignment (supervisor)."""
        assignment = self.get_object()
        serializer = _valid(PlanSerializer, request)
        services.plan_assignment(
            assignment=assignment,
            by=request.user,
            plan=serializer.plan(),
            version=serializer.validated_data.get("version"),
            ip_address=client_ip(request),
        )
        return Response(self._detail(assignment.pk))

    @extend_schema(request=None, responses=AssignmentDetailSerializer)
    @action(detail=True, methods=["post"])
    def receive(self, request, pk=None):
        """The unit acknowledges the assignment (签收)."""
        assignment = self.get_object()
        services.receive_assignment(
            assignment=assignment, by=request.user, ip_address=client_ip(request)
        )
        return Response(self._detail(assignment.pk))

    @extend_schema(
        methods=["POST"],
        request={
            "application/json": ReportWriteSerializer,
            "multipart/form-data": ReportWriteSerializer,
        },
        responses={201: ReportSerializer},
    )
    @extend_schema(methods=["GET"], responses=ReportSerializer(many=True))
    @action(detail=True, methods=["get", "post"])
    def reports(self, request, pk=None):
        """The assignment's reports (its unit and supervisors); POST writes a new one."""
        assignment = self.get_object()
        if request.method == "GET":
            qs = (
                ProgressReport.objects.visible_to(request.user)
                .filter(assignment=assignment)
                .select_related("author")
                .prefetch_related("target_actuals", "attachments")
                .order_by("-period_start")
            )
            page = self.paginate_queryset(qs)
            return self.get_paginated_response(ReportSerializer(page, many=True).data)
        serializer = _valid(ReportWriteSerializer, request)
        report = services.create_report(
            assignment=assignment,
            by=request.user,
            data=serializer.report_input(),
            submit=serializer.validated_data["submit"],
            period_key=serializer.validated_data.get("period"),
            ip_address=client_ip(request),
        )
        return Response(ReportSerializer(report).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["POST"],
        request=ExtensionCreateSerializer,
        responses={201: ExtensionRequestSerializer},
    )
    @extend_schema(methods=["GET"], responses=ExtensionRequestSerializer(many=True))
    @action(detail=True, methods=["get", "post"], url_path="extension-requests")
    def extension_requests(self, request, pk=None):
        """The assignment's extension requests; POST asks for a later due date (延期申请)."""
        assignment = self.get_object()
        if request.method == "GET":
            qs = (
                ExtensionRequest.objects.visible_to(request.user)
                .filter(assignment=assignment)
                .select_related("assignment__unit")
            )
            page = self.paginate_queryset(qs)
            return self.get_paginated_response(ExtensionRequestSerializer(page, many=True).data)
        serializer = _valid(ExtensionCreateSerializer, request)
        extension = services.request_extension(
            assignment=assignment,
            by=request.user,
            requested_due_date=serializer.validated_data["requested_due_date"],
            reason=serializer.validated_data["reason"],
            ip_address=client_ip(request),
        )
        return Response(ExtensionRequestSerializer(extension).data, status=status.HTTP_201_CREATED)


class ReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Progress reports: edit a draft, submit, sign off, accept, return."""

    model = ProgressReport
    serializer_class = ReportSerializer
    filterset_class = ReportFilterSet
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        return (
            self.scoped()
            .select_related("author", "assignment")
            .prefetch_related("target_actuals", "attachments")
            .order_by("-period_start", "-id")
        )

    def _fresh(self, report):
        return Response(ReportSerializer(self.get_queryset().get(pk=report.pk)).data)

    @extend_schema(
        request={
            "application/json": ReportWriteSerializer,
            "multipart/form-data": ReportWriteSerializer,
        },
        responses=ReportSerializer,
    )
    def partial_update(self, request, pk=None):
        """Edit a draft or returned report; send the ``version`` you read (409 when stale)."""
        report = self.get_object()
        serializer = _valid(ReportWriteSerializer, request)
        report = services.update_report(
            report=report,
            by=request.user,
            data=serializer.report_input(),
            version=serializer.validated_data.get("version"),
            submit=serializer.validated_data["submit"],
            ip_address=client_ip(request),
        )
        return self._fresh(report)

    @extend_schema(request=None, responses=ReportSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit a draft or returned report."""
        report = services.submit_report(
            report=self.get_object(), by=request.user, ip_address=client_ip(request)
        )
        return self._fresh(report)

    @extend_schema(request=None, responses=ReportSerializer)
    @action(detail=True, methods=["post"], url_path="sign-off")
    def sign_off(self, request, pk=None):
        """The unit leader signs a submitted report off."""
        report = services.sign_off_report(
            report=self.get_object(), by=request.user, ip_address=client_ip(request)
        )
        return self._fresh(report)

    @extend_schema(request=CommentSerializer, responses=ReportSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """The supervisor accepts the report."""
        serializer = _valid(CommentSerializer, request)
        report = services.accept_report(
            report=self.get_object(),
            by=request.user,
            comment=serializer.validated_data["comment"],
            ip_address=client_ip(request),
        )
        return self._fresh(report)

    @extend_schema(request=CommentSerializer, responses=ReportSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        """The supervisor returns the report with a comment."""
        serializer = _valid(CommentSerializer, request)
        report = services.return_report(
            report=self.get_object(),
            by=request.user,
            comment=serializer.validated_data["comment"],
            ip_address=client_ip(request),
        )
        return self._fresh(report)


class ExtensionRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Extension requests and the supervisor's decisions."""

    model = ExtensionRequest
    serializer_class = ExtensionRequestSerializer
    filterset_class = ExtensionRequestFilterSet

    def get_queryset(self):
        return self.scoped().select_related("assignment__unit").order_by("-created_at", "-id")

    def _decide(self, request, function):
        serializer = _valid(CommentSerializer, request)
        extension = function(
            request=self.get_object(),
            by=request.user,
            comment=serializer.validated_data["comment"],
            ip_address=client_ip(request),
        )
        return Response(ExtensionRequestSerializer(self.get_queryset().get(pk=extension.pk)).data)

    @extend_schema(request=CommentSerializer, responses=ExtensionRequestSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve: the due date moves, the original one is kept."""
        return self._decide(request, services.approve_extension)

    @extend_schema(request=CommentSerializer, responses=ExtensionRequestSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Reject, with a comment."""
        return self._decide(request, services.reject_extension)


class NotificationViewSet(mixins.ListModelMixin, ScopedViewSet):
    """The signed-in user's notifications, newest first."""

    model = Notification
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilterSet

    def get_queryset(self):
        return self.scoped().order_by("-created_at", "-id")

    @extend_schema(request=ReadSerializer, responses={200: dict})
    @action(detail=False, methods=["post"])
    def read(self, request):
        """Mark the listed notifications (or all) read."""
        serializer = _valid(ReadSerializer, request)
        count = services.mark_read(user=request.user, ids=serializer.validated_data.get("ids"))
        return Response({"marked": count})


class IsSupervisor(BasePermission):
    def has_permission(self, request, view):
        return is_supervisor(request.user)


class AuditEventViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """The audit trail of supervised jurisdictions, per object or per unit; read-only."""

    model = AuditEvent
    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilterSet
    permission_classes = [*api_settings.DEFAULT_PERMISSION_CLASSES, IsSupervisor]

    def get_queryset(self):
        return self.scoped().order_by("-id")

"""Thin API views over ``reports.services``; scope comes from the models' ``visible_to``.

A period is named by its code (``2026H1``) and, for users who see several jurisdictions, a
``jurisdiction`` id (query parameter or body field).
"""

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.scoping import is_supervisor, supervised_jurisdictions
from reports import services
from reports.filtersets import AppealFilterSet, SnapshotFilterSet
from reports.models import Appeal, EvaluationPeriod, EvaluationSnapshot, parse_period_code
from tracker.api.views import client_ip
from tracker.errors import DomainError, NotAllowed
from tracker.filtersets import ID_MAX

from .serializers import (
    AppealCreateSerializer,
    AppealSerializer,
    DecisionSerializer,
    PeriodSerializer,
    PublishSerializer,
    RollupSerializer,
    SnapshotSerializer,
    UnpublishSerializer,
)

JURISDICTION = OpenApiParameter(
    "jurisdiction", int, description="Jurisdiction id, when you see several."
)


def _jurisdiction_id(request, data=None):
    value = (data or {}).get("jurisdiction") or request.query_params.get("jurisdiction")
    if value in (None, ""):
        return None
    try:
        value = int(value)
    except (TypeError, ValueError):
        value = None
    # within the range of the keys: past 64 bits SQLite's driver fails with an overflow (a 500)
    if value is None or not 1 <= value <= ID_MAX:
        raise DomainError("bad_jurisdiction", _("jurisdiction must be an id."))
    return value


def _one(queryset, what):
    rows = list(queryset[:2])
    if not rows:
        raise Http404
    if len(rows) > 1:
        raise DomainError(
            "jurisdiction_required",
            _("You see {what} in several jurisdictions; give a jurisdiction id.").format(what=what),
        )
    return rows[0]


def visible_period(request, code, data=None) -> EvaluationPeriod:
    """The period ``code`` the user may see (404 otherwise)."""
    parse_period_code(code)
    periods = EvaluationPeriod.objects.visible_to(request.user).filter(code=code.upper())
    jurisdiction_id = _jurisdiction_id(request, data)
    if jurisdiction_id is not None:
        periods = periods.filter(jurisdiction_id=jurisdiction_id)
    return _one(periods.select_related("jurisdiction").order_by("jurisdiction_id"), code)


def _supervised_jurisdiction(request, data):
    if not is_supervisor(request.user):
        raise NotAllowed("not_supervisor", _("Only a supervisor can do this."))
    jurisdictions = supervised_jurisdictions(request.user).order_by("pk")
    jurisdiction_id = _jurisdiction_id(request, data)
    if jurisdiction_id is not None:
        jurisdictions = jurisdictions.filter(pk=jurisdiction_id)
    return _one(jurisdictions, _("periods"))


class PeriodListView(generics.ListAPIView):
    """Evaluation periods the user sees (supervised jurisdictions, or their units')."""

    serializer_class = PeriodSerializer

    def get_queryset(self):
        return (
            EvaluationPeriod.objects.visible_to(self.request.user)
            .select_related("jurisdiction")
            .order_by("jurisdiction_id", "-start")
        )


class PeriodRollupView(APIView):
    @extend_schema(request=RollupSerializer, responses=PeriodSerializer)
    def post(self, request, code):
        """Compute (or recompute) a draft period (supervisor); a published one answers 409."""
        serializer = RollupSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        parse_period_code(code)
        jurisdiction = _supervised_jurisdiction(request, serializer.validated_data)
        period = services.rollup_period(
            jurisdiction=jurisdiction,
            code=code,
            now=timezone.now(),
            by=request.user,
            force=serializer.validated_data["force"],
            ip_address=client_ip(request),
        )
        return Response(PeriodSerializer(period).data)


class PeriodPublishView(APIView):
    @extend_schema(request=PublishSerializer, responses=PeriodSerializer)
    def post(self, request, code):
        """Publish a computed period (supervisor): its figures become immutable."""
        serializer = PublishSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        period = visible_period(request, code, serializer.validated_data)
        period = services.publish_period(
            period=period,
            by=request.user,
            now=timezone.now(),
            before_deadline=serializer.validated_data["before_deadline"],
            ip_address=client_ip(request),
        )
        return Response(PeriodSerializer(period).data)


class PeriodUnpublishView(APIView):
    @extend_schema(request=UnpublishSerializer, responses=PeriodSerializer)
    def post(self, request, code):
        """Return a published period to draft (administrator only; audited with the reason)."""
        serializer = UnpublishSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        period = visible_period(request, code, serializer.validated_data)
        period = services.unpublish_period(
            period=period,
            by=request.user,
            reason=serializer.validated_data["reason"],
            now=timezone.now(),
            ip_address=client_ip(request),
        )
        return Response(PeriodSerializer(period).data)


@extend_schema(parameters=[JURISDICTION])
class PeriodSnapshotsView(generics.ListAPIView):
    """A period's rows: supervisors see every unit, unit staff only their own units' rows."""

    serializer_class = SnapshotSerializer
    filterset_class = SnapshotFilterSet

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return EvaluationSnapshot.objects.none()
        period = visible_period(self.request, self.kwargs["code"])
        return (
            EvaluationSnapshot.objects.visible_to(self.request.user)
            .filter(period=period)
            .select_related("unit", "document")
            .order_by("document_id", "rank", "unit_id")
        )


class SnapshotAppealView(APIView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(request=AppealCreateSerializer, responses={201: AppealSerializer})
    def post(self, request, pk):
        """A unit appeals one of its rows (reason, optional evidence file)."""
        snapshot = generics.get_object_or_404(
            EvaluationSnapshot.objects.visible_to(request.user), pk=pk
        )
        serializer = AppealCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        appeal = services.file_appeal(
            snapshot=snapshot,
            by=request.user,
            reason=serializer.validated_data["reason"],
            evidence=serializer.validated_data.get("evidence"),
            now=timezone.now(),
            ip_address=client_ip(request),
        )
        return Response(AppealSerializer(appeal).data, status=201)


class AppealListView(generics.ListAPIView):
    """Appeals on the rows the user sees."""

    serializer_class = AppealSerializer
    filterset_class = AppealFilterSet

    def get_queryset(self):
        return Appeal.objects.visible_to(self.request.user).order_by("-created_at", "-id")


class AppealDecideView(APIView):
    @extend_schema(request=DecisionSerializer, responses=AppealSerializer)
    def post(self, request, pk):
        """The supervisor upholds the figures or corrects them."""
        appeal = generics.get_object_or_404(Appeal.objects.visible_to(request.user), pk=pk)
        serializer = DecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        appeal = services.decide_appeal(
            appeal=appeal,
            by=request.user,
            uphold=serializer.validated_data["uphold"],
            corrections=serializer.validated_data["corrections"],
            comment=serializer.validated_data["comment"],
            now=timezone.now(),
            ip_address=client_ip(request),
        )
        return Response(AppealSerializer(appeal).data)

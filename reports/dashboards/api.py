"""``GET /api/v1/dashboard/summary/``: the overview's figures for programs (same service)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from tracker.choices import Light, Status

from .filters import resolve_filters
from .services import dashboard_summary


class TotalsSerializer(serializers.Serializer):
    documents = serializers.IntegerField()
    tasks = serializers.IntegerField()
    assignments = serializers.IntegerField()
    done = serializers.IntegerField()
    overdue = serializers.IntegerField()
    in_progress = serializers.IntegerField()
    not_started = serializers.IntegerField()
    red = serializers.IntegerField()
    yellow = serializers.IntegerField()
    green = serializers.IntegerField()
    completion_rate = serializers.FloatField(allow_null=True)


class DocumentFiguresSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    doc_number = serializers.CharField()
    jurisdiction = serializers.CharField()
    tasks = serializers.IntegerField()
    assignments = serializers.IntegerField()
    done = serializers.IntegerField()
    overdue = serializers.IntegerField()
    red = serializers.IntegerField()
    yellow = serializers.IntegerField()
    green = serializers.IntegerField()
    completion_rate = serializers.FloatField(allow_null=True)


class WeekSerializer(serializers.Serializer):
    week = serializers.DateField(help_text="Monday of the week the due dates fell in.")
    count = serializers.IntegerField()


class UnitFiguresSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    id = serializers.IntegerField()
    name = serializers.CharField()
    assignments = serializers.IntegerField()
    done = serializers.IntegerField()
    overdue = serializers.IntegerField()
    red = serializers.IntegerField()
    reports_due = serializers.IntegerField()
    reports_sent = serializers.IntegerField()
    reports_on_time = serializers.IntegerField()
    on_time_rate = serializers.FloatField(allow_null=True)
    completion_rate = serializers.FloatField(allow_null=True)


class RedRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The assignment.")
    task = serializers.CharField()
    document = serializers.CharField()
    document_id = serializers.IntegerField()
    unit = serializers.CharField()
    unit_id = serializers.IntegerField()
    due_date = serializers.DateField(allow_null=True)
    days_overdue = serializers.IntegerField(allow_null=True)
    status = serializers.ChoiceField(choices=Status.choices)
    light = serializers.ChoiceField(choices=Light.choices)


class FiltersSerializer(serializers.Serializer):
    """The filters applied (empty ones left out)."""

    jurisdiction = serializers.IntegerField(required=False)
    document = serializers.IntegerField(required=False)
    unit = serializers.IntegerField(required=False)
    period = serializers.IntegerField(required=False)
    light = serializers.ChoiceField(choices=Light.choices, required=False)
    status = serializers.ChoiceField(choices=Status.choices, required=False)


class DashboardSummarySerializer(serializers.Serializer):
    as_of = serializers.DateField()
    filters = FiltersSerializer()
    totals = TotalsSerializer()
    documents = DocumentFiguresSerializer(many=True)
    overdue_trend = WeekSerializer(many=True)
    units = UnitFiguresSerializer(many=True)
    units_total = serializers.IntegerField(
        help_text="Units ranked; ``units`` holds the 25 most and the 25 least punctual."
    )
    red_list = RedRowSerializer(many=True, help_text="The ten oldest red assignments.")


def _id_parameter(name, description):
    return OpenApiParameter(name, OpenApiTypes.INT, required=False, description=description)


class DashboardSummaryView(APIView):
    """The dashboard's figures within the caller's scope; a filter id outside it answers 404."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="dashboard_summary",
        parameters=[
            _id_parameter("jurisdiction", "Jurisdiction id"),
            _id_parameter("document", "Policy document id"),
            _id_parameter("unit", "Unit id"),
            _id_parameter("period", "Evaluation period id (its jurisdiction and half-year)"),
            OpenApiParameter("light", OpenApiTypes.STR, enum=Light.values, required=False),
            OpenApiParameter("status", OpenApiTypes.STR, enum=Status.values, required=False),
        ],
        responses=DashboardSummarySerializer,
    )
    def get(self, request):
        filters = resolve_filters(request.user, request.query_params)
        summary = dashboard_summary(user=request.user, **filters.__dict__)
        return Response(DashboardSummarySerializer(summary).data)

"""Filters of the task-domain lists (API and pages share them)."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from .choices import Light, ReportStatus, Status
from .models import Assignment, AuditEvent, ExtensionRequest, Notification, ProgressReport, Task

# The largest primary key the database holds (64-bit, BigAutoField).
ID_MAX = 2**63 - 1


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": ID_MAX})
class IdFilter(django_filters.Filter):
    """An object id: a whole number within the range of the database's keys.

    Anything else answers 400; a plain NumberFilter let ``-4e304`` through to the database
    driver, which failed with an overflow (a 500).
    """

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", ID_MAX)
        super().__init__(*args, **kwargs)


class TaskFilterSet(django_filters.FilterSet):
    document = IdFilter(field_name="document_id")
    unit = IdFilter(method="filter_unit", label=_("unit id"))

    class Meta:
        model = Task
        fields = ["document", "unit", "status", "light"]

    def filter_unit(self, queryset, name, value):
        return queryset.filter(assignments__unit_id=value, assignments__is_active=True).distinct()


class AssignmentFilterSet(django_filters.FilterSet):
    unit = IdFilter(field_name="unit_id", label=_("unit id"))
    document = IdFilter(field_name="task__document_id", label=_("document id"))
    task = IdFilter(field_name="task_id", label=_("task id"))
    status = django_filters.ChoiceFilter(choices=Status.choices)
    light = django_filters.ChoiceFilter(choices=Light.choices)
    mine = django_filters.BooleanFilter(method="filter_mine", label=_("only my units' assignments"))
    received = django_filters.BooleanFilter(
        field_name="received_at", lookup_expr="isnull", exclude=True, label=_("received")
    )

    class Meta:
        model = Assignment
        fields = ["unit", "document", "task", "status", "light", "mine", "received"]

    def filter_mine(self, queryset, name, value):
        if value:
            return queryset.of_units_of(self.request.user)
        return queryset


class ReportFilterSet(django_filters.FilterSet):
    assignment = IdFilter(field_name="assignment_id")
    unit = IdFilter(field_name="assignment__unit_id", label=_("unit id"))
    status = django_filters.ChoiceFilter(choices=ReportStatus.choices)
    flagged = django_filters.BooleanFilter(
        field_name="similar_to", lookup_expr="isnull", exclude=True, label=_("flagged as similar")
    )

    class Meta:
        model = ProgressReport
        fields = ["assignment", "unit", "status", "flagged"]


class ExtensionRequestFilterSet(django_filters.FilterSet):
    assignment = IdFilter(field_name="assignment_id")
    unit = IdFilter(field_name="assignment__unit_id", label=_("unit id"))

    class Meta:
        model = ExtensionRequest
        fields = ["assignment", "unit", "status"]


class NotificationFilterSet(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(field_name="read_at", lookup_expr="isnull")

    class Meta:
        model = Notification
        fields = ["unread", "kind"]


class AuditEventFilterSet(django_filters.FilterSet):
    object_type = django_filters.CharFilter(help_text=_("e.g. tracker.progressreport"))
    object_id = django_filters.CharFilter()
    unit = IdFilter(field_name="unit_id", label=_("unit id"))

    class Meta:
        model = AuditEvent
        fields = ["object_type", "object_id", "unit", "action"]

"""Filters of the evaluation lists (API and pages share them)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from tracker.filtersets import IdFilter

from .choices import AppealStatus
from .models import Appeal, EvaluationSnapshot


class SnapshotFilterSet(django_filters.FilterSet):
    unit = IdFilter(field_name="unit_id", label=_("unit id"))
    document = IdFilter(field_name="document_id", label=_("document id"))
    overall = django_filters.BooleanFilter(
        field_name="document", lookup_expr="isnull", label=_("only the units' overall rows")
    )

    class Meta:
        model = EvaluationSnapshot
        fields = ["unit", "document", "overall"]


class AppealFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=AppealStatus.choices)
    period = django_filters.CharFilter(field_name="snapshot__period__code", label=_("period code"))

    class Meta:
        model = Appeal
        fields = ["status", "period"]

"""Filters of the tracker pages, read from the URL (``?document=3&light=red&received=false``)."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from clauses.models import PolicyDocument

from .choices import Light, Status
from .models import Assignment


def _documents(request):
    """Documents the user may see: the choices of the document filter."""
    if request is None:
        return PolicyDocument.objects.none()
    return PolicyDocument.objects.visible_to(request.user).current().order_by("-created_at")


class MyTaskFilterSet(django_filters.FilterSet):
    """Filters of 我的任务: document, status, light, and whether the unit has received it."""

    document = django_filters.ModelChoiceFilter(
        label=_("Document"),
        queryset=_documents,
        field_name="task__document",
        empty_label=_("All"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Status.choices, empty_label=_("All")
    )
    light = django_filters.ChoiceFilter(
        label=_("Light"), choices=Light.choices, empty_label=_("All")
    )
    received = django_filters.BooleanFilter(
        label=_("Receipt"),
        method="filter_received",
        widget=forms.Select(
            choices=[("", _("All")), ("true", _("Received")), ("false", _("Not received"))]
        ),
    )

    class Meta:
        model = Assignment
        fields = ["document", "status", "light", "received"]

    def filter_received(self, queryset, name, value):
        """True: the unit has acknowledged (签收) the assignment; False: it has not yet."""
        return queryset.filter(received_at__isnull=not value)

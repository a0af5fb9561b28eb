import django_filters

from .models import Task


class TaskFilterSet(django_filters.FilterSet):
    document = django_filters.NumberFilter(field_name="document_id")
    unit = django_filters.NumberFilter(method="filter_unit", label="unit id")

    class Meta:
        model = Task
        fields = ["document", "unit", "status", "light"]

    def filter_unit(self, queryset, name, value):
        return queryset.filter(assignments__unit_id=value, assignments__is_active=True).distinct()

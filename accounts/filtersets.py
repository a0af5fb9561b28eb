import django_filters
from django.db.models import Q

from .models import Unit


class UnitFilterSet(django_filters.FilterSet):
    jurisdiction = django_filters.CharFilter(
        field_name="jurisdiction__name", label="jurisdiction name"
    )
    q = django_filters.CharFilter(method="search", label="name or alias contains")
    kind = django_filters.CharFilter()

    class Meta:
        model = Unit
        fields = ["jurisdiction", "kind", "q"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value)
            | Q(short_name__icontains=value)
            | Q(aliases__name__icontains=value)
        ).distinct()

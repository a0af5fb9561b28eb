import django_filters

from .models import PolicyDocument


class PolicyDocumentFilterSet(django_filters.FilterSet):
    jurisdiction = django_filters.CharFilter(field_name="jurisdiction__name")
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains")

    class Meta:
        model = PolicyDocument
        fields = ["jurisdiction", "q", "is_current"]

from rest_framework import viewsets

from accounts.filtersets import UnitFilterSet
from accounts.models import Unit
from accounts.scoping import unit_scope

from .serializers import UnitSerializer


class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    """The unit registry: canonical names and aliases, by jurisdiction."""

    serializer_class = UnitSerializer
    filterset_class = UnitFilterSet

    def get_queryset(self):
        return (
            Unit.objects.filter(unit_scope(self.request.user))
            .select_related("jurisdiction")
            .prefetch_related("aliases")
            .order_by("jurisdiction__name", "name")
        )

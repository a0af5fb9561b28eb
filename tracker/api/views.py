from rest_framework import viewsets

from tracker.filtersets import TaskFilterSet
from tracker.models import Task

from .serializers import TaskSerializer


class TaskViewSet(viewsets.ReadOnlyModelViewSet):
    """Tasks of the current document versions, with their units."""

    serializer_class = TaskSerializer
    filterset_class = TaskFilterSet

    def get_queryset(self):
        return (
            Task.objects.visible_to(self.request.user)
            .filter(is_active=True)
            .prefetch_related("assignments__unit")
            .order_by("document_id", "order")
        )

from rest_framework import viewsets
from rest_framework.authtoken.views import ObtainAuthToken

from accounts.filtersets import UnitFilterSet
from accounts.models import Unit
from accounts.scoping import unit_scope

from .serializers import UnitSerializer
from .throttling import LoginRateThrottle, LoginThrottled


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


class ObtainAuthTokenView(ObtainAuthToken):
    """Exchange a username and password for the API token.

    Sign-in attempts are limited per client address, together with the sign-in page: past
    the limit the answer is 429 ``{"code": "throttled", "detail": …}`` with Retry-After.
    """

    throttle_classes = [LoginRateThrottle]  # DRF's ObtainAuthToken sets none

    def throttled(self, request, wait):
        raise LoginThrottled(wait)

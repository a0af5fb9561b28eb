"""The dashboard's filters read from the URL, each object looked up within the user's scope."""

from django.http import Http404

from accounts.models import Jurisdiction, Unit
from accounts.scoping import member_units, supervised_jurisdictions, unit_scope
from clauses.models import PolicyDocument
from reports.models import EvaluationPeriod
from tracker.choices import Light, Status

from .services import Filters

FILTER_NAMES = ("jurisdiction", "document", "unit", "period", "light", "status")


def visible_jurisdictions(user):
    """Jurisdictions the user supervises, and those of the user's own units."""
    if user.is_superuser:
        return Jurisdiction.objects.all()
    return Jurisdiction.objects.filter(
        pk__in=supervised_jurisdictions(user).values("pk")
    ) | Jurisdiction.objects.filter(pk__in=member_units(user).values("jurisdiction_id"))


def _lookup(queryset, raw):
    """The object with primary key ``raw`` in ``queryset``; 404 for a bad or foreign id."""
    if raw in (None, ""):
        return None
    try:
        return queryset.get(pk=int(raw))
    except (ValueError, TypeError, OverflowError, queryset.model.DoesNotExist) as exc:
        # OverflowError: SQLite cannot bind a number past 64 bits
        raise Http404 from exc


def resolve_filters(user, params, **fixed) -> Filters:
    """Filters from URL parameters; an id out of the user's scope answers 404 (not an empty
    dashboard that would confirm the object exists). ``fixed`` holds the page's own object."""
    values = {
        "jurisdiction": _lookup(visible_jurisdictions(user), params.get("jurisdiction")),
        "document": _lookup(
            PolicyDocument.objects.visible_to(user).select_related("jurisdiction"),
            params.get("document"),
        ),
        "unit": _lookup(Unit.objects.filter(unit_scope(user)), params.get("unit")),
        "period": _lookup(
            EvaluationPeriod.objects.visible_to(user).select_related("jurisdiction"),
            params.get("period"),
        ),
        "light": params.get("light") if params.get("light") in Light.values else "",
        "status": params.get("status") if params.get("status") in Status.values else "",
    }
    values.update(fixed)
    return Filters(**values)

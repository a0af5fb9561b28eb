"""督办看板 pages: the overview, one document, one unit; server-rendered, charts drawn by
``dashboard.js`` from JSON embedded with ``json_script``. Lists paginate; ``?format=csv``
downloads the red list (overview) or the unit's assignments (unit page).
"""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Unit
from accounts.scoping import is_supervisor, unit_scope
from clauses.models import PolicyDocument
from reports.models import EvaluationPeriod
from tracker.choices import Light, Status
from tracker.csv_export import assignments_csv

from . import services
from .filters import resolve_filters, visible_jurisdictions

PAGE_SIZE = 25


def _tasks_url(**params) -> str:
    """Drill-down into 我的任务 (document, status and light filters)."""
    query = urlencode({k: v for k, v in params.items() if v})
    return reverse("tracker:my-tasks") + (f"?{query}" if query else "")


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _filter_context(request, filters):
    """Choices of the filter form (two queries) and the current filters."""
    user = request.user
    return {
        "filters": filters,
        "query": filters.as_query(),
        "jurisdictions": list(visible_jurisdictions(user).order_by("name")),
        "documents": list(
            PolicyDocument.objects.visible_to(user)
            .current()
            .filter(**({"jurisdiction": filters.jurisdiction} if filters.jurisdiction else {}))
            .only("pk", "title")
            .order_by("-created_at")
        ),
        "lights": Light.choices,
        "statuses": Status.choices,
    }


def _labels():
    """The charts' series names, translated here so dashboard.js holds no text of its own."""
    return {
        "red": _("Red"),
        "yellow": _("Yellow"),
        "green": _("Green"),
        "overdue": _("Overdue"),
        "on_time": _("Reports on time"),
        "closed": _("Tasks closed"),
        "mean_percent": _("Mean reported percent"),
    }


def _chart_data(summary):
    """What the overview's charts draw, with the link behind every bar."""
    return {
        "labels": _labels(),
        "documents": [
            {
                "name": row["title"],
                "red": row["red"],
                "yellow": row["yellow"],
                "green": row["green"],
                "completion_rate": row["completion_rate"],
                "url": reverse("dashboards:document", args=[row["id"]]),
            }
            for row in summary["documents"]
        ],
        "trend": [
            {"week": row["week"].isoformat(), "count": row["count"]}
            for row in summary["overdue_trend"]
        ],
        "units": [
            {
                "name": row["short_name"] or row["name"],
                "rate": row["on_time_rate"],
                "url": reverse("dashboards:unit", args=[row["id"]]),
            }
            for row in summary["units"]
            if row["on_time_rate"] is not None
        ][:15],
    }


@login_required
def overview(request):
    """督办看板 overview: documents, the overdue trend, units by punctuality, the red list.

    A fixed number of queries whatever the data size: the session and user, the filter
    choices (2), the summary's aggregates (5), the red list page (count and rows), the
    evaluation periods (1).
    """
    user = request.user
    filters = resolve_filters(user, request.GET)
    assignments = services.scoped_assignments(user, filters)
    reds = services.red_list(assignments)
    if request.GET.get("format") == "csv":
        return assignments_csv("red-list.csv", reds)
    summary = services.dashboard_summary(user=user, **filters.__dict__)
    page = _page(request, reds)
    periods = EvaluationPeriod.objects.visible_to(user).select_related("jurisdiction")
    if filters.jurisdiction:
        periods = periods.filter(jurisdiction=filters.jurisdiction)
    document_id = getattr(filters.document, "pk", None)
    context = {
        **_filter_context(request, filters),
        "summary": summary,
        "charts": _chart_data(summary),
        "page": page,
        "red_assignments": page.object_list,
        "csv_url": "?" + urlencode({**filters.as_query(), "format": "csv"}),
        "today": summary["as_of"],
        "can_urge": is_supervisor(user),
        "periods": list(periods.order_by("-start", "jurisdiction__name")[:6]),
        "drill": {
            "all": _tasks_url(document=document_id),
            "red": _tasks_url(document=document_id, light=Light.RED),
            "yellow": _tasks_url(document=document_id, light=Light.YELLOW),
            "green": _tasks_url(document=document_id, light=Light.GREEN),
            "done": _tasks_url(document=document_id, status=Status.DONE),
            "overdue": _tasks_url(document=document_id, status=Status.OVERDUE),
        },
    }
    for row in summary["documents"]:
        row["drill_red"] = _tasks_url(document=row["id"], light=Light.RED)
        row["drill_yellow"] = _tasks_url(document=row["id"], light=Light.YELLOW)
        row["drill_green"] = _tasks_url(document=row["id"], light=Light.GREEN)
        row["drill_done"] = _tasks_url(document=row["id"], status=Status.DONE)
        row["drill_all"] = _tasks_url(document=row["id"])
    return render(request, "dashboards/overview.html", context)


@login_required
def document(request, pk):
    """One document: the breakdown (sections × tasks × units, with lights, due dates and the
    latest report's excerpt) and its completion over time.

    Fixed queries: session and user, the document, the tasks, their assignments, the
    completion series (3).
    """
    user = request.user
    doc = get_object_or_404(
        PolicyDocument.objects.visible_to(user).select_related("jurisdiction"), pk=pk
    )
    filters = resolve_filters(user, request.GET, document=doc)
    sections = services.document_breakdown(user=user, document=doc, filters=filters)
    series = services.completion_over_time(user=user, document=doc)
    return render(
        request,
        "dashboards/document.html",
        {
            "document": doc,
            "filters": filters,
            "sections": sections,
            "series": series,
            "charts": {
                "labels": _labels(),
                "completion": [
                    {
                        "month": row["month"].strftime("%Y-%m"),
                        "closed_rate": row["closed_rate"],
                        "mean_percent": row["mean_percent"],
                    }
                    for row in series
                ],
            },
            "drill": {
                "all": _tasks_url(document=doc.pk),
                "red": _tasks_url(document=doc.pk, light=Light.RED),
                "overdue": _tasks_url(document=doc.pk, status=Status.OVERDUE),
            },
        },
    )


@login_required
def unit(request, pk):
    """One unit: all its assignments across documents (paginated, or ``?format=csv``), its
    punctuality, open extension requests and the reports it owes this cycle."""
    user = request.user
    the_unit = get_object_or_404(
        Unit.objects.filter(unit_scope(user)).select_related("jurisdiction"), pk=pk
    )
    filters = resolve_filters(user, request.GET, unit=the_unit)
    assignments = (
        services.scoped_assignments(user, filters)
        .select_related("task__document", "unit")
        .order_by(F("due_date").asc(nulls_last=True), "pk")
    )
    if request.GET.get("format") == "csv":
        return assignments_csv(f"unit-{the_unit.pk}.csv", assignments)
    today = timezone.localdate()
    overview_ = services.unit_overview(user=user, unit=the_unit, filters=filters, today=today)
    figures = overview_["figures"] or {}
    page = _page(request, assignments)
    return render(
        request,
        "dashboards/unit.html",
        {
            **overview_,
            "unit": the_unit,
            "filters": filters,
            "query": filters.as_query(),
            "csv_url": "?" + urlencode({**filters.as_query(), "format": "csv"}),
            "figures": figures,
            "page": page,
            "assignments": page.object_list,
            "lights": Light.choices,
            "statuses": Status.choices,
            "charts": {
                "labels": _labels(),
                "lights": [
                    {"name": str(label), "value": figures.get(value, 0), "light": value}
                    for value, label in Light.choices
                ],
            },
            "today": today,
        },
    )

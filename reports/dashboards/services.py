"""督办看板: the live figures of the dashboard pages and of ``/api/v1/dashboard/summary/``.

Every figure is an SQL aggregate (``Count(filter=Q)``, ``TruncWeek``) over the assignments the
user may see, so the overview costs the same fixed number of queries whatever the data size.
Figures read the stored status and light of assignments (the rules live in
``tracker.services.states``); nothing here decides a status of its own.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection
from django.db.models import Avg, Case, Count, F, FloatField, Min, Q, Sum, When, Window
from django.db.models.functions import (
    Cast,
    Collate,
    RowNumber,
    TruncDate,
    TruncMonth,
    TruncWeek,
)
from django.utils import timezone

from accounts.choices import Role
from accounts.models import Membership
from accounts.scoping import member_units, supervised_jurisdictions
from tracker.choices import ExtensionStatus, Light, ReportStatus, Status
from tracker.models import (
    Assignment,
    DocumentTally,
    ExtensionRequest,
    ProgressReport,
    Task,
    UnitTally,
)
from tracker.services.tallies import figures as tally_figures

TREND_WEEKS = 12
RED_LIST_SIZE = 10
LIST_SIZE = 50  # documents and units shown: a province has thousands; the rest by filter
OWED_WINDOW_DAYS = 31  # "this cycle": reports due within a month (the shortest cycle)
REPORTED = (ReportStatus.SUBMITTED, ReportStatus.SIGNED_OFF, ReportStatus.ACCEPTED)


@dataclass(frozen=True)
class Filters:
    """The dashboard's filters, as read from the URL (objects already checked for scope)."""

    jurisdiction: object = None
    document: object = None
    unit: object = None
    period: object = None
    light: str = ""
    status: str = ""

    def as_query(self) -> dict:
        """The filters as URL parameters (ids), empty ones left out."""
        values = {
            "jurisdiction": getattr(self.jurisdiction, "pk", None),
            "document": getattr(self.document, "pk", None),
            "unit": getattr(self.unit, "pk", None),
            "period": getattr(self.period, "pk", None),
            "light": self.light,
            "status": self.status,
        }
        return {key: value for key, value in values.items() if value}


def scoped_assignments(user, filters: Filters | None = None):
    """Active assignments of current documents that the user's dashboard counts.

    Supervisors count their jurisdictions; staff and unit leaders count their own units only
    (not their co-units' shares, which ``visible_to`` lets them read on a task page). The
    scope is a subquery: it adds no query of its own.
    """
    filters = filters or Filters()
    queryset = Assignment.objects.visible_to(user).filter(
        is_active=True, task__is_active=True, task__document__is_current=True
    )
    if not user.is_superuser:
        queryset = queryset.filter(
            Q(task__document__jurisdiction__in=supervised_jurisdictions(user))
            | Q(unit__in=member_units(user))
        )
    jurisdiction = filters.jurisdiction or getattr(filters.period, "jurisdiction", None)
    if jurisdiction is not None:
        queryset = queryset.filter(task__document__jurisdiction=jurisdiction)
    if filters.document is not None:
        queryset = queryset.filter(task__document=filters.document)
    if filters.unit is not None:
        queryset = queryset.filter(unit=filters.unit)
    if filters.light:
        queryset = queryset.filter(light=filters.light)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    return queryset


def red_list(assignments):
    """The red list: red assignments, the oldest due date first (undated last)."""
    return (
        assignments.filter(light=Light.RED)
        .select_related("task__document", "unit")
        .order_by(F("due_date").asc(nulls_last=True), "pk")
    )


def _rate(part, whole):
    """A percentage with one decimal, or None when there is nothing to measure."""
    return round(100 * part / whole, 1) if whole else None


def _light_figures():
    """Count aggregates of one group of assignments: status and light counts."""
    return tally_figures()


def _window(filters: Filters, today: date) -> tuple[date | None, date]:
    """The dates the figures cover: the period's half-year, or everything up to today."""
    period = filters.period
    if period is None:
        return None, today
    return period.start, min(today, period.end)


def _punctuality(assignments, *, start, end):
    """Per unit: reports sent, sent on time, and reports missed (two queries).

    On time means first submitted no later than the report's due day; a missed report has no
    row, so the assignments' ``missed_reports`` counters are added to what was due.
    """
    reports = ProgressReport.objects.filter(
        assignment__in=assignments.values("pk"), first_submitted_at__isnull=False, due_on__lte=end
    )
    if start is not None:
        reports = reports.filter(due_on__gte=start)
    sent = {
        row["assignment__unit"]: row
        for row in reports.annotate(sent_on=TruncDate("first_submitted_at"))
        .values("assignment__unit")
        .annotate(sent=Count("id"), on_time=Count("id", filter=Q(sent_on__lte=F("due_on"))))
        .order_by()
    }
    return sent


def unit_rows(assignments, *, start, end):
    """Units with their light counts and punctuality, the most punctual first.

    Without a period, punctuality comes from the counters the services keep on each
    assignment (``reports_sent``, ``reports_on_time``): one grouped query over the
    assignments, not over every report. Within a period, the reports are counted.
    """
    figures = {**_light_figures(), "missed": Sum("missed_reports")}
    if start is None:
        figures |= {"sent": Sum("reports_sent"), "on_time": Sum("reports_on_time")}
    rows = list(
        assignments.values("unit", name=F("unit__name"), short_name=F("unit__short_name"))
        .annotate(**figures)
        .order_by()
    )
    counted = _punctuality(assignments, start=start, end=end) if start is not None else {}
    for row in rows:
        row["id"] = row.pop("unit")
        found = counted.get(row["id"], {}) if start is not None else row
        row["reports_sent"] = found.get("sent") or 0
        row["reports_on_time"] = found.get("on_time") or 0
        row.pop("sent", None)
        row.pop("on_time", None)
    return _ranked(rows)


def _finish(row: dict) -> None:
    """A unit row's reports due and its rates, from its counts (``missed`` is consumed)."""
    row["reports_due"] = row["reports_sent"] + (row.pop("missed") or 0)
    row["on_time_rate"] = _rate(row["reports_on_time"], row["reports_due"])
    row["completion_rate"] = _rate(row["done"], row["assignments"])


def _ranked(rows: list[dict]) -> list[dict]:
    """Finish unit rows (reports due, rates) and rank them, the most punctual first."""
    for row in rows:
        _finish(row)
    # The exact share, not the rounded rate, so that the stored tallies rank in SQL alike.
    rows.sort(
        key=lambda r: (
            not r["reports_due"],
            -(r["reports_on_time"] / r["reports_due"] if r["reports_due"] else 0),
            r["overdue"],
            r["name"],
            r["id"],
        )
    )
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
    return rows


def _weeks(end: date, count: int) -> list[date]:
    monday = end - timedelta(days=end.weekday())
    return [monday - timedelta(weeks=n) for n in range(count - 1, -1, -1)]


def overdue_trend(assignments, *, end: date) -> list[dict]:
    """Overdue assignments by the week their due date fell in, the last TREND_WEEKS weeks.

    Built on the stored status: an assignment finished late leaves the count, so the line
    shows the overdue work still open, by how long ago it fell due.
    """
    weeks = _weeks(end, TREND_WEEKS)
    counts = {
        _as_date(row["week"]): row["count"]
        for row in assignments.filter(
            status=Status.OVERDUE, due_date__gte=weeks[0], due_date__lte=end
        )
        .annotate(week=TruncWeek("due_date"))
        .values("week")
        .annotate(count=Count("id"))
        .order_by()
    }
    return [{"week": week, "count": counts.get(week, 0)} for week in weeks]


def _as_date(value):
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def dashboard_summary(
    *,
    user,
    jurisdiction=None,
    document=None,
    unit=None,
    period=None,
    light: str = "",
    status: str = "",
    today: date | None = None,
) -> dict:
    """The overview's figures for ``user``: documents, the weekly overdue trend, the units
    ranked by on-time reporting, the head of the red list, and the totals.

    Totals count everything; the lists are bounded (``LIST_SIZE``): the documents with the
    most red and overdue work, and the most and the least punctual units (``units_total``
    says how many were ranked), so a province-sized jurisdiction gets a page of the same
    size as a city.

    A fixed number of queries whatever the number of rows (documents, units, unit reports,
    red list, trend); the totals are summed from the documents' rows. A supervisor's
    overview of whole jurisdictions reads the stored tallies (``tracker.services.tallies``)
    instead of counting every assignment. Filter objects must already be checked for the
    user's scope (the views answer 404 otherwise).
    """
    today = today or timezone.localdate()
    filters = Filters(jurisdiction, document, unit, period, light or "", status or "")
    start, end = _window(filters, today)
    assignments = scoped_assignments(user, filters)
    tallied = _tallied_jurisdictions(user, filters)
    if tallied is None:
        documents = _counted_documents(assignments)
        units = unit_rows(assignments, start=start, end=end)
        units_total = len(units)
    else:
        documents = _tallied_documents(tallied)
        units, units_total = _tallied_units(tallied)
    totals = dict.fromkeys(["tasks", *_light_figures()], 0)
    for row in documents:
        row["completion_rate"] = _rate(row["done"], row["assignments"])
        for key in totals:
            totals[key] += row[key]
    totals["documents"] = len(documents)
    totals["completion_rate"] = _rate(totals["done"], totals["assignments"])

    reds = list(red_list(assignments)[:RED_LIST_SIZE])
    half = LIST_SIZE // 2
    return {
        "as_of": end,
        "filters": filters.as_query(),
        "totals": totals,
        # the documents with the most red and overdue work, the most and least punctual units
        "documents": documents[:LIST_SIZE],
        "overdue_trend": overdue_trend(assignments, end=end),
        "units": units if len(units) <= LIST_SIZE else units[:half] + units[-half:],
        "units_total": units_total,
        "red_list": [_red_row(a, today=end) for a in reds],
    }


def _counted_documents(assignments) -> list[dict]:
    """Document rows counted from the assignments, the most red and overdue first."""
    rows = list(
        assignments.values(
            "task__document",
            title=F("task__document__title"),
            doc_number=F("task__document__doc_number"),
            jurisdiction=F("task__document__jurisdiction__name"),
        )
        .annotate(tasks=Count("task", distinct=True), **_light_figures())
        .order_by("-red", "-overdue", "title")
    )
    for row in rows:
        row["id"] = row.pop("task__document")
    return rows


def _tallied_jurisdictions(user, filters: Filters):
    """The jurisdictions whose stored tallies answer this overview exactly, or None when the
    figures must be counted: a filter narrower than a jurisdiction, or a user who also works
    in a unit (that unit's assignments elsewhere are in their scope too). ``()`` means all
    (a superuser)."""
    if filters.document or filters.unit or filters.period or filters.light or filters.status:
        return None
    wanted = {filters.jurisdiction.pk} if filters.jurisdiction is not None else None
    if user.is_superuser:
        return tuple(wanted or ())
    memberships = list(Membership.objects.filter(user=user).values_list("role", "jurisdiction_id"))
    if any(role != Role.SUPERVISOR for role, _ in memberships):
        return None
    supervised = {jurisdiction_id for _, jurisdiction_id in memberships}
    return tuple(supervised & wanted if wanted is not None else supervised) or (0,)


def _tallied_documents(jurisdictions: tuple) -> list[dict]:
    """Document rows, as the overview counts them, from ``DocumentTally``."""
    tallies = DocumentTally.objects.filter(document__is_current=True, assignments__gt=0)
    if jurisdictions:
        tallies = tallies.filter(document__jurisdiction__in=jurisdictions)
    return list(
        tallies.values(
            "tasks",
            *_light_figures(),
            id=F("document_id"),
            title=F("document__title"),
            doc_number=F("document__doc_number"),
            jurisdiction=F("document__jurisdiction__name"),
        ).order_by("-red", "-overdue", "title")
    )


def _tallied_units(jurisdictions: tuple) -> tuple[list[dict], int]:
    """The most and the least punctual units (``LIST_SIZE // 2`` each, ranked as
    ``_ranked`` ranks them) and how many were ranked, from ``UnitTally``: the ranking runs
    in SQL (a window), so a province's thousands of units never reach Python. One query."""
    tallies = UnitTally.objects.all()
    if jurisdictions:
        tallies = tallies.filter(jurisdiction__in=jurisdictions)
    grouped = (
        tallies.values("unit_id")
        .annotate(
            **{name: Sum(name) for name in _light_figures()},
            reports_sent=Sum("reports_sent"),
            reports_on_time=Sum("reports_on_time"),
            missed=Sum("missed_reports"),
            name=Min("unit__name"),
            short_name=Min("unit__short_name"),
        )
        .annotate(
            due=F("reports_sent") + F("missed"),
            share=Case(
                When(due=0, then=None),
                default=Cast("reports_on_time", FloatField()) / F("due"),
                output_field=FloatField(),
            ),
            # codepoint order, as Python compares the names
            by_name=Collate("name", "C") if connection.vendor == "postgresql" else F("name"),
        )
    )
    half = LIST_SIZE // 2
    order = [F("share").desc(nulls_last=True), F("overdue").asc(), F("by_name").asc(), "unit_id"]
    backwards = [
        F("share").asc(nulls_first=True),
        F("overdue").desc(),
        F("by_name").desc(),
        F("unit_id").desc(),
    ]
    rows = list(
        grouped.annotate(
            rank=Window(RowNumber(), order_by=order),
            from_last=Window(RowNumber(), order_by=backwards),
        ).filter(Q(rank__lte=half) | Q(from_last__lte=half))
    )
    # a row's rank counted from both ends adds up to the number of units, plus one
    total = rows[0]["rank"] + rows[0]["from_last"] - 1 if rows else 0
    ranked = sorted(rows, key=lambda row: row["rank"])
    for row in ranked:
        row["id"] = row.pop("unit_id")
        for name in ("due", "share", "by_name", "from_last"):
            row.pop(name)
        _finish(row)
    return ranked, total


def _red_row(assignment, *, today: date) -> dict:
    return {
        "id": assignment.pk,
        "task": str(assignment.task),
        "document": assignment.task.document.title,
        "document_id": assignment.task.document_id,
        "unit": assignment.unit.name,
        "unit_id": assignment.unit_id,
        "due_date": assignment.due_date,
        "days_overdue": (today - assignment.due_date).days if assignment.due_date else None,
        "status": assignment.status,
        "light": assignment.light,
    }


def document_breakdown(*, user, document, filters: Filters | None = None):
    """The breakdown table of one document: its tasks, each with its units' assignments.

    Two queries: the tasks, and the visible assignments with unit and last report.
    """

    filters = filters or Filters()
    shares = (
        scoped_assignments(user, Filters(**{**filters.__dict__, "document": document}))
        .select_related("unit", "last_report")
        .order_by("task", "order", "pk")
    )
    # The shares first, then their tasks by id: an IN over the scoped subquery left the
    # planner guessing on fresh tables (minutes on PostgreSQL without statistics).
    by_task: dict[int, list] = {}
    for share in shares:
        by_task.setdefault(share.task_id, []).append(share)
    tasks = list(
        Task.objects.filter(document=document, is_active=True, pk__in=list(by_task)).order_by(
            "order"
        )
    )
    for task in tasks:
        task.shares = by_task[task.pk]
    sections = []
    for task in tasks:
        if not sections or sections[-1]["title"] != task.section:
            sections.append({"title": task.section, "tasks": []})
        sections[-1]["tasks"].append(task)
    return sections


def completion_over_time(*, user, document, today: date | None = None) -> list[dict]:
    """By month: the tasks of ``document`` closed so far (share of all) and the mean percent
    of the reports sent for that month's periods. Four queries (the shares, the task count,
    closures, reports)."""
    today = today or timezone.localdate()
    # Ids first (one query), then plain IN lists: see document_breakdown.
    pairs = list(scoped_assignments(user, Filters(document=document)).values_list("pk", "task_id"))
    tasks = Task.objects.filter(
        document=document, is_active=True, pk__in={task_id for _, task_id in pairs}
    )
    total = tasks.count()
    closed = {
        _as_date(row["month"]): row["count"]
        for row in tasks.filter(closed_at__isnull=False)
        .annotate(month=TruncMonth("closed_at"))
        .values("month")
        .annotate(count=Count("id"))
        .order_by()
    }
    percents = {
        _as_date(row["month"]): row["mean"]
        for row in ProgressReport.objects.filter(
            assignment__in=[pk for pk, _ in pairs], status__in=REPORTED
        )
        .annotate(month=TruncMonth("period_end"))
        .values("month")
        .annotate(mean=Avg("percent"))
        .order_by()
    }
    months = sorted(set(closed) | set(percents))
    if not months:
        return []
    series, done = [], 0
    month = months[0]
    last = date(today.year, today.month, 1)
    while month <= max(last, months[-1]):
        done += closed.get(month, 0)
        mean = percents.get(month)
        series.append(
            {
                "month": month,
                "closed_rate": _rate(done, total),
                "mean_percent": round(mean, 1) if mean is not None else None,
            }
        )
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return series


def unit_overview(*, user, unit, filters: Filters | None = None, today: date | None = None):
    """One unit's punctuality, open extension requests and the reports it owes this cycle.

    The assignment list itself is paginated by the view from ``scoped_assignments``.
    """
    today = today or timezone.localdate()
    filters = Filters(**{**(filters or Filters()).__dict__, "unit": unit})
    assignments = scoped_assignments(user, filters)
    start, end = _window(filters, today)
    rows = unit_rows(assignments, start=start, end=end)
    figures = rows[0] if rows else None
    extensions = list(
        ExtensionRequest.objects.filter(
            assignment__in=assignments.values("pk"), status=ExtensionStatus.PENDING
        )
        .select_related("assignment__task__document")
        .order_by("created_at", "pk")
    )
    owed = list(
        assignments.exclude(status=Status.DONE)
        .filter(
            next_report_due__isnull=False, next_report_due__lte=today + timedelta(OWED_WINDOW_DAYS)
        )
        .select_related("task__document")
        .order_by("next_report_due", "pk")
    )
    return {"figures": figures, "extensions": extensions, "owed": owed}

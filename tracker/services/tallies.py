"""Keep the dashboard's tallies (``DocumentTally``, ``UnitTally``) equal to a fresh count.

Whatever changes an assignment's state, activity, unit or document calls ``refresh_tallies``
for the documents and units it touched (``states.refresh_assignments`` does it for every
workflow service); ``rebuild_tallies`` recounts everything (the nightly state refresh, the
data loaders, the migration that introduced them). A refresh recounts its keys from the
assignments, so it is correct whatever the previous value; concurrent refreshes of one key
queue on its row lock.
"""

from django.apps import apps as django_apps
from django.db import transaction
from django.db.models import Count, F, Q, Sum

from tracker.choices import Light, Status

BATCH = 1000


def figures() -> dict:
    """The count aggregates of a group of assignments, by status and light (the fields of
    ``Tally``); the dashboard computes the same ones when it counts directly."""
    return {
        "assignments": Count("id"),
        "done": Count("id", filter=Q(status=Status.DONE)),
        "overdue": Count("id", filter=Q(status=Status.OVERDUE)),
        "in_progress": Count("id", filter=Q(status=Status.IN_PROGRESS)),
        "not_started": Count("id", filter=Q(status=Status.NOT_STARTED)),
        "red": Count("id", filter=Q(light=Light.RED)),
        "yellow": Count("id", filter=Q(light=Light.YELLOW)),
        "green": Count("id", filter=Q(light=Light.GREEN)),
    }


def _unit_figures() -> dict:
    return {
        **figures(),
        "reports_sent": Sum("reports_sent"),
        "reports_on_time": Sum("reports_on_time"),
        "missed_reports": Sum("missed_reports"),
    }


def _counted(registry):
    """The assignments the tallies count: active, of an active task."""
    assignment = registry.get_model("tracker", "Assignment")
    return assignment.objects.filter(is_active=True, task__is_active=True).order_by()


def refresh_tallies(*, document_ids=(), unit_ids=(), apps=None) -> None:
    """Recount the tallies of the given documents and of the given units (in every
    jurisdiction); a key with nothing left to count loses its row.

    A fixed number of queries per thousand keys. ``apps`` is the model registry (a
    migration passes its historical one).
    """
    registry = apps or django_apps
    document_ids, unit_ids = sorted(set(document_ids)), sorted(set(unit_ids))
    with transaction.atomic():
        for i in range(0, len(document_ids), BATCH):
            _refresh_documents(registry, document_ids[i : i + BATCH])
        for i in range(0, len(unit_ids), BATCH):
            _refresh_units(registry, unit_ids[i : i + BATCH])


def _refresh_documents(registry, ids) -> None:
    model = registry.get_model("tracker", "DocumentTally")
    # Lock the rows first: a concurrent refresh of the same document waits, then recounts.
    stored = set(
        model.objects.select_for_update()
        .filter(pk__in=ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    rows = {
        row.pop("document_id"): row
        for row in _counted(registry)
        .filter(task__document_id__in=ids)
        .values(document_id=F("task__document_id"))
        .annotate(tasks=Count("task_id", distinct=True), **figures())
    }
    model.objects.filter(pk__in=stored - set(rows)).delete()
    fields = ["tasks", *figures()]
    model.objects.bulk_create(
        [model(document_id=pk, **row) for pk, row in rows.items()],
        update_conflicts=True,
        unique_fields=["document"],
        update_fields=[*fields, "updated_at"],
    )


def _refresh_units(registry, ids) -> None:
    model = registry.get_model("tracker", "UnitTally")
    stored = {
        (jurisdiction_id, unit_id): pk
        for pk, jurisdiction_id, unit_id in model.objects.select_for_update()
        .filter(unit_id__in=ids)
        .order_by("pk")
        .values_list("pk", "jurisdiction_id", "unit_id")
    }
    rows = {
        (row.pop("jurisdiction_id"), row.pop("unit_id")): row
        for row in _counted(registry)
        .filter(unit_id__in=ids, task__document__is_current=True)
        .values("unit_id", jurisdiction_id=F("task__document__jurisdiction_id"))
        .annotate(**_unit_figures())
    }
    model.objects.filter(pk__in=[pk for key, pk in stored.items() if key not in rows]).delete()
    model.objects.bulk_create(
        [model(jurisdiction_id=j, unit_id=u, **row) for (j, u), row in rows.items()],
        update_conflicts=True,
        unique_fields=["jurisdiction", "unit"],
        update_fields=[*_unit_figures(), "updated_at"],
    )


def refresh_document_tallies(document_ids, *, apps=None) -> None:
    """Recount the given documents and every unit that has (or had) an assignment in them:
    after a document's tasks, assignments or current version changed wholesale."""
    registry = apps or django_apps
    assignment = registry.get_model("tracker", "Assignment")
    unit_ids = (
        assignment.objects.filter(task__document_id__in=list(document_ids))
        .order_by()
        .values_list("unit_id", flat=True)
        .distinct()
    )
    refresh_tallies(document_ids=document_ids, unit_ids=list(unit_ids), apps=registry)


def refresh_unit_tallies(unit_ids, *, apps=None) -> None:
    """Recount the given units and every document they have an assignment in: after
    assignments moved between units (a succession)."""
    registry = apps or django_apps
    assignment = registry.get_model("tracker", "Assignment")
    document_ids = (
        assignment.objects.filter(unit_id__in=list(unit_ids))
        .order_by()
        .values_list("task__document_id", flat=True)
        .distinct()
    )
    refresh_tallies(document_ids=list(document_ids), unit_ids=unit_ids, apps=registry)


def rebuild_tallies(*, apps=None) -> None:
    """Recount every tally from the assignments."""
    registry = apps or django_apps
    with transaction.atomic():
        for name in ("DocumentTally", "UnitTally"):
            registry.get_model("tracker", name).objects.all().delete()
        document_ids = registry.get_model("clauses", "PolicyDocument").objects.values_list(
            "pk", flat=True
        )
        unit_ids = registry.get_model("accounts", "Unit").objects.values_list("pk", flat=True)
        refresh_tallies(document_ids=list(document_ids), unit_ids=list(unit_ids), apps=registry)

"""Planning by the supervisor: due dates, reporting cycles, sign-off, per task or in bulk."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker import audit
from tracker.choices import ReportCycle
from tracker.errors import DomainError
from tracker.models import Assignment, Task
from tracker.workdays import next_working_day

from .access import require_supervisor
from .common import check_version, snapshot, today_of
from .states import refresh_assignments

PLAN_FIELDS = ("due_date", "report_cycle", "report_day", "needs_sign_off", "start_date")


def _clean_plan(plan: dict, *, today: date) -> dict:
    """Validate a plan's values; move a due date that is not a working day to the next one."""
    unknown = set(plan) - set(PLAN_FIELDS)
    if unknown:
        raise DomainError(
            "unknown_field", _("Unknown plan field(s): {names}.").format(names=", ".join(unknown))
        )
    clean = dict(plan)
    if "due_date" in clean and clean["due_date"] is not None:
        due = clean["due_date"]
        if due < today:
            raise DomainError(
                "due_date_past",
                _("The due date {date} is in the past.").format(date=due.isoformat()),
            )
        clean["due_date"] = next_working_day(due)
    if "report_cycle" in clean and clean["report_cycle"] not in ReportCycle.values:
        raise DomainError(
            "invalid_report_cycle",
            _("Unknown reporting cycle “{value}”.").format(value=clean["report_cycle"]),
        )
    if "report_day" in clean and not 1 <= int(clean["report_day"]) <= 28:
        raise DomainError("invalid_report_day", _("The report day must be between 1 and 28."))
    return clean


def _apply(assignment: Assignment, plan: dict) -> None:
    for name, value in plan.items():
        setattr(assignment, name, value)
    if "due_date" in plan:
        # A new plan resets the date the evaluation scores against.
        assignment.original_due_date = plan["due_date"]
        assignment.evaluation_due_date = plan["due_date"]
    assignment.version += 1


def _plan_task(task: Task, plan: dict, *, by, ip_address) -> list[int]:
    before = snapshot(task, plan)
    for name, value in plan.items():
        setattr(task, name, value)
    task.version += 1
    task.save()
    assignments = list(task.assignments.filter(is_active=True))
    for a in assignments:
        _apply(a, plan)
    Assignment.objects.bulk_update(
        assignments,
        [*plan, "original_due_date", "evaluation_due_date", "version", "updated_at"]
        if "due_date" in plan
        else [*plan, "version", "updated_at"],
    )
    audit.record(
        action="task.planned",
        obj=task,
        actor=by,
        before=before,
        after=snapshot(task, plan),
        ip_address=ip_address,
    )
    return [a.pk for a in assignments]


def plan_task(*, task: Task, by, plan: dict, version=None, now=None, ip_address=None) -> Task:
    """Set a task's plan and pass it on to every active assignment of the task."""
    now = now or timezone.now()
    with transaction.atomic():
        task = Task.objects.select_for_update().select_related("document").get(pk=task.pk)
        require_supervisor(by, task.document.jurisdiction_id)
        check_version(task, version)
        clean = _clean_plan(plan, today=today_of(now))
        ids = _plan_task(task, clean, by=by, ip_address=ip_address)
        refresh_assignments(ids, today=today_of(now))
    task.refresh_from_db()
    return task


def plan_assignment(
    *, assignment: Assignment, by, plan: dict, version=None, now=None, ip_address=None
) -> Assignment:
    """Set one unit's plan on a task, apart from the other units."""
    now = now or timezone.now()
    with transaction.atomic():
        assignment = (
            Assignment.objects.select_for_update()
            .select_related("task__document", "unit")
            .get(pk=assignment.pk)
        )
        require_supervisor(by, assignment.task.document.jurisdiction_id)
        check_version(assignment, version)
        clean = _clean_plan(plan, today=today_of(now))
        before = snapshot(assignment, clean)
        _apply(assignment, clean)
        assignment.save()
        audit.record(
            action="assignment.planned",
            obj=assignment,
            actor=by,
            before=before,
            after=snapshot(assignment, clean),
            ip_address=ip_address,
        )
        refresh_assignments([assignment.pk], today=today_of(now))
    assignment.refresh_from_db()
    return assignment


def plan_document(*, document, by, plan: dict, task_ids=None, now=None, ip_address=None) -> int:
    """Plan every active task of a document (or the listed ones) at once; returns the count."""
    now = now or timezone.now()
    with transaction.atomic():
        require_supervisor(by, document.jurisdiction_id)
        clean = _clean_plan(plan, today=today_of(now))
        tasks = Task.objects.select_for_update().filter(document=document, is_active=True)
        if task_ids is not None:
            tasks = tasks.filter(pk__in=list(task_ids))
            found = set(tasks.values_list("pk", flat=True))
            missing = set(task_ids) - found
            if missing:
                raise DomainError(
                    "unknown_task",
                    _("Task(s) {ids} are not in this document.").format(
                        ids=", ".join(str(i) for i in sorted(missing))
                    ),
                )
        assignment_ids: list[int] = []
        count = 0
        for task in tasks.order_by("order"):
            assignment_ids += _plan_task(task, clean, by=by, ip_address=ip_address)
            count += 1
        refresh_assignments(assignment_ids, today=today_of(now))
    return count

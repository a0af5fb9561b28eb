"""The assignment page and its actions: receive, report, sign off, review, extend, close, plan.

Every action is a POST that calls one service and redirects back (or to ``next``); a refused
action shows the service's message on the page again, with the status of the refusal (400,
403 or 409) and the user's input kept. The page renders only the forms the user's roles allow;
the services decide again, so a hand-made POST changes nothing it should not.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from clauses.models import PolicyDocument, Target
from clauses.views import document_detail
from tracker import services
from tracker.choices import ExtensionStatus, ReportStatus
from tracker.errors import DomainError
from tracker.forms import (
    TARGET_PREFIX,
    BulkPlanForm,
    CommentForm,
    ExtensionForm,
    PlanForm,
    ReasonForm,
    ReportForm,
)
from tracker.models import (
    Assignment,
    AuditEvent,
    ExtensionRequest,
    ProgressReport,
    TargetActual,
    Task,
)

from .common import Abilities, back_to, ip_of

EDITABLE = (ReportStatus.DRAFT, ReportStatus.RETURNED)
NEW_REPORT_PREFIX = "new"
AUDIT_LIMIT = 200

# People-facing names of the audit actions shown on the page; others show their code.
AUDIT_LABELS = {
    "task.planned": gettext_lazy("Task planned"),
    "assignment.planned": gettext_lazy("Assignment planned"),
    "assignment.received": gettext_lazy("Received"),
    "assignment.receipt_overdue": gettext_lazy("Receipt overdue"),
    "assignment.extended": gettext_lazy("Due date extended"),
    "report.created": gettext_lazy("Report written"),
    "report.updated": gettext_lazy("Report edited"),
    "report.submitted": gettext_lazy("Report submitted"),
    "assignment.urged": gettext_lazy("Urged (催办)"),
    "report.signed_off": gettext_lazy("Report signed off"),
    "report.accepted": gettext_lazy("Report accepted"),
    "report.returned": gettext_lazy("Report returned"),
    "extension.requested": gettext_lazy("Extension requested"),
    "extension.approved": gettext_lazy("Extension approved"),
    "extension.rejected": gettext_lazy("Extension rejected"),
    "task.close_requested": gettext_lazy("Closure requested"),
    "task.closed": gettext_lazy("Task closed"),
    "task.reopened": gettext_lazy("Task reopened"),
}


def _assignment(request, pk) -> Assignment:
    """The assignment if the user may see it (their unit's, a co-unit's, or supervised), else 404."""
    return get_object_or_404(
        Assignment.objects.visible_to(request.user).select_related(
            "task__document__jurisdiction", "task__clause", "unit", "received_by"
        ),
        pk=pk,
    )


def _report(request, pk) -> ProgressReport:
    """The report if the user may see it (its unit's people and supervisors), else 404."""
    return get_object_or_404(
        ProgressReport.objects.visible_to(request.user).select_related(
            "assignment__task__document", "assignment__unit"
        ),
        pk=pk,
    )


def _targets(assignment) -> list[Target]:
    return list(Target.objects.filter(clause_id=assignment.task.clause_id).order_by("order"))


def _report_form(report, targets, *, data=None, files=None) -> ReportForm:
    """The edit form of a draft or returned report, filled from the report or from a POST."""
    initial = None
    if data is None:
        initial = {
            "version": report.version,
            "progress": report.progress,
            "percent": report.percent,
            "problems": report.problems,
            "next_steps": report.next_steps,
        } | {f"{TARGET_PREFIX}{a.target_id}": a.value for a in report.target_actuals.all()}
    return ReportForm(
        data,
        files,
        initial=initial,
        targets=targets,
        attachments=list(report.attachments.all()),
        editing=True,
        prefix=f"r{report.pk}",
    )


def _audit_events(user, assignment, reports, extensions):
    """Audit events of the assignment, its task, its reports and its extension requests."""
    ids = {
        Assignment._meta.label_lower: [assignment.pk],
        Task._meta.label_lower: [assignment.task_id],
        ProgressReport._meta.label_lower: [r.pk for r in reports],
        ExtensionRequest._meta.label_lower: [e.pk for e in extensions],
    }
    where = Q()
    for object_type, pks in ids.items():
        if pks:
            where |= Q(object_type=object_type, object_id__in=[str(pk) for pk in pks])
    events = list(AuditEvent.objects.visible_to(user).filter(where).order_by("-id")[:AUDIT_LIMIT])
    for event in events:
        event.label = AUDIT_LABELS.get(event.action, event.action)
    return events


def render_assignment(request, pk, *, status=200, bound=None):
    """Render the assignment page; ``bound`` holds forms to show with the user's input kept.

    The assignment is read afresh: after a refused action it is shown as it is now.

    ``bound`` keys: "report" (the new report form), ("edit", report id), ("review", report id),
    "extension", "request_close", "close", "reopen", "plan".
    """
    bound = bound or {}
    user = request.user
    assignment = _assignment(request, pk)
    task = assignment.task
    can = Abilities.of(user, assignment)
    targets = _targets(assignment)
    reports = list(
        ProgressReport.objects.visible_to(user)
        .filter(assignment=assignment)
        .select_related("author", "signed_off_by", "reviewed_by", "similar_to__assignment__unit")
        .prefetch_related(
            "attachments",
            Prefetch("target_actuals", TargetActual.objects.select_related("target")),
        )
        .order_by("-period_start")
    )
    for report in reports:
        report.assignment = assignment  # awaits_* read its plan without a query
        report.editable = report.status in EDITABLE
        if can.member and report.editable:
            report.edit_form = bound.get(("edit", report.pk)) or _report_form(report, targets)
        report.review_form = bound.get(("review", report.pk)) or CommentForm(
            prefix=f"review{report.pk}"
        )
    co_units = (
        Assignment.objects.visible_to(user)
        .filter(task=task, is_active=True)
        .exclude(pk=assignment.pk)
        .select_related("unit")
        .order_by("order", "pk")
    )
    extensions = list(
        ExtensionRequest.objects.visible_to(user)
        .filter(assignment=assignment)
        .select_related("requested_by", "decided_by")
        .order_by("-created_at", "-pk")
    )
    closed = task.closed_at is not None
    open_for_work = assignment.is_active and not closed
    context = {
        "assignment": assignment,
        "task": task,
        "can": can,
        "closed": closed,
        "open_for_work": open_for_work,
        "targets": targets,
        "reports": reports,
        "co_units": co_units,
        "extensions": extensions,
        "has_pending_extension": any(e.status == ExtensionStatus.PENDING for e in extensions),
        "report_form": bound.get("report") or ReportForm(targets=targets, prefix=NEW_REPORT_PREFIX),
        "extension_form": bound.get("extension") or ExtensionForm(prefix="ext"),
        "close_request_form": bound.get("request_close") or CommentForm(prefix="closereq"),
        "close_form": bound.get("close") or CommentForm(prefix="close"),
        "reopen_form": bound.get("reopen") or ReasonForm(prefix="reopen"),
        "plan_form": bound.get("plan") or PlanForm.for_assignment(assignment),
        "decision_form": CommentForm(prefix="decision"),
        "audit_events": _audit_events(user, assignment, reports, extensions)
        if can.supervisor
        else [],
    }
    return render(request, "tracker/assignment_detail.html", context, status=status)


@login_required
def assignment_detail(request, pk):
    """The assignment page: task, clause, plan, co-units, reports, and the user's actions."""
    return render_assignment(request, pk)


def _perform(request, assignment, action, *, success, bound=None):
    """Run a service call; on success redirect back, on refusal show the page with its message."""
    try:
        action()
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return render_assignment(request, assignment.pk, status=exc.status, bound=bound)
    messages.success(request, success)
    return back_to(request, reverse("tracker:assignment-detail", args=[assignment.pk]))


def _invalid(request, assignment, bound):
    """Show the page again with a form's errors (400)."""
    messages.error(request, _("Correct the marked fields and send the form again."))
    return render_assignment(request, assignment.pk, status=400, bound=bound)


@login_required
@require_POST
def receive(request, pk):
    """签收: the unit acknowledges its assignment."""
    assignment = _assignment(request, pk)
    return _perform(
        request,
        assignment,
        lambda: services.receive_assignment(
            assignment=assignment, by=request.user, ip_address=ip_of(request)
        ),
        success=_("Received."),
    )


def _submitting(request) -> bool:
    return request.POST.get("intent") == "submit"


@login_required
@require_POST
def report_create(request, pk):
    """Write a new report, saved as a draft or submitted at once."""
    assignment = _assignment(request, pk)
    form = ReportForm(
        request.POST, request.FILES, targets=_targets(assignment), prefix=NEW_REPORT_PREFIX
    )
    bound = {"report": form}
    if not form.is_valid():
        return _invalid(request, assignment, bound)
    submit = _submitting(request)
    return _perform(
        request,
        assignment,
        lambda: services.create_report(
            assignment=assignment,
            by=request.user,
            data=form.report_input(),
            submit=submit,
            ip_address=ip_of(request),
        ),
        success=_("Report submitted.") if submit else _("Draft saved."),
        bound=bound,
    )


@login_required
@require_POST
def report_update(request, pk):
    """Edit a draft or returned report (and submit it when asked); a stale edit is refused.

    On a refusal the form comes back with the user's text, next to the report as saved now,
    and carrying the current version: saving again is a deliberate choice, never silent.
    """
    report = _report(request, pk)
    assignment = report.assignment
    targets = _targets(assignment)
    form = _report_form(report, targets, data=request.POST, files=request.FILES)
    if not form.is_valid():
        return _invalid(request, assignment, {("edit", report.pk): form})
    submit = _submitting(request)

    try:
        services.update_report(
            report=report,
            by=request.user,
            data=form.report_input(),
            version=form.cleaned_data.get("version"),
            submit=submit,
            ip_address=ip_of(request),
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
        current = ProgressReport.objects.filter(pk=report.pk).values_list("version", flat=True)
        data = request.POST.copy()
        data[f"r{report.pk}-version"] = str(current.first() or "")
        kept = _report_form(report, targets, data=data)
        return render_assignment(
            request, assignment.pk, status=exc.status, bound={("edit", report.pk): kept}
        )
    messages.success(request, _("Report submitted.") if submit else _("Report saved."))
    return back_to(request, reverse("tracker:assignment-detail", args=[assignment.pk]))


@login_required
@require_POST
def report_submit(request, pk):
    """Send a draft or returned report up (to the unit leader or the supervisor)."""
    report = _report(request, pk)
    version = request.POST.get("version", "").strip() or None
    if version is not None and not version.isdigit():
        return _invalid(request, report.assignment, {})
    return _perform(
        request,
        report.assignment,
        lambda: services.submit_report(
            report=report, by=request.user, version=version, ip_address=ip_of(request)
        ),
        success=_("Report submitted."),
    )


@login_required
@require_POST
def report_sign_off(request, pk):
    """The unit leader signs a submitted report off for the supervisor."""
    report = _report(request, pk)
    return _perform(
        request,
        report.assignment,
        lambda: services.sign_off_report(report=report, by=request.user, ip_address=ip_of(request)),
        success=_("Report signed off."),
    )


def _review(request, pk, *, accept: bool):
    report = _report(request, pk)
    form = CommentForm(request.POST, prefix=f"review{report.pk}")
    form.is_valid()
    comment = form.cleaned_data.get("comment", "")
    service = services.accept_report if accept else services.return_report
    return _perform(
        request,
        report.assignment,
        lambda: service(report=report, by=request.user, comment=comment, ip_address=ip_of(request)),
        success=_("Report accepted.") if accept else _("Report returned."),
        bound={("review", report.pk): form},
    )


@login_required
@require_POST
def report_accept(request, pk):
    """The supervisor accepts a report, with an optional comment."""
    return _review(request, pk, accept=True)


@login_required
@require_POST
def report_return(request, pk):
    """The supervisor returns a report with a comment (required by the service)."""
    return _review(request, pk, accept=False)


@login_required
@require_POST
def extension_request(request, pk):
    """The unit asks to move its due date."""
    assignment = _assignment(request, pk)
    form = ExtensionForm(request.POST, prefix="ext")
    bound = {"extension": form}
    if not form.is_valid():
        return _invalid(request, assignment, bound)
    return _perform(
        request,
        assignment,
        lambda: services.request_extension(
            assignment=assignment,
            by=request.user,
            requested_due_date=form.cleaned_data["requested_due_date"],
            reason=form.cleaned_data["reason"],
            ip_address=ip_of(request),
        ),
        success=_("Extension requested."),
        bound=bound,
    )


def _decide(request, pk, *, approve: bool):
    extension = get_object_or_404(
        ExtensionRequest.objects.visible_to(request.user).select_related(
            "assignment__task__document", "assignment__unit"
        ),
        pk=pk,
    )
    form = CommentForm(request.POST, prefix="decision")
    form.is_valid()
    comment = form.cleaned_data.get("comment", "")
    service = services.approve_extension if approve else services.reject_extension
    return _perform(
        request,
        extension.assignment,
        lambda: service(
            request=extension, by=request.user, comment=comment, ip_address=ip_of(request)
        ),
        success=_("Extension approved.") if approve else _("Extension rejected."),
    )


@login_required
@require_POST
def extension_approve(request, pk):
    """The supervisor approves an extension: the due date moves."""
    return _decide(request, pk, approve=True)


@login_required
@require_POST
def extension_reject(request, pk):
    """The supervisor rejects an extension with a comment."""
    return _decide(request, pk, approve=False)


def _task_action(request, pk, *, service, form_class, prefix, key, argument, success):
    """Run a closure service on the task of assignment ``pk`` with the form's one text field;
    a refused action shows the form again under ``key``."""
    assignment = _assignment(request, pk)
    form = form_class(request.POST, prefix=prefix)
    form.is_valid()
    field = "reason" if form_class is ReasonForm else "comment"
    return _perform(
        request,
        assignment,
        lambda: service(
            task=assignment.task,
            by=request.user,
            ip_address=ip_of(request),
            **{argument: form.cleaned_data.get(field, "")},
        ),
        success=success,
        bound={key: form},
    )


@login_required
@require_POST
def task_request_close(request, pk):
    """申请办结: the lead unit asks the supervisor to close the task."""
    return _task_action(
        request,
        pk,
        service=services.request_close,
        form_class=CommentForm,
        prefix="closereq",
        key="request_close",
        argument="note",
        success=_("Closure requested."),
    )


@login_required
@require_POST
def task_close(request, pk):
    """办结: the supervisor closes the task of this assignment."""
    return _task_action(
        request,
        pk,
        service=services.close_task,
        form_class=CommentForm,
        prefix="close",
        key="close",
        argument="comment",
        success=_("Task closed."),
    )


@login_required
@require_POST
def task_reopen(request, pk):
    """The supervisor reopens a closed task, with a reason."""
    return _task_action(
        request,
        pk,
        service=services.reopen_task,
        form_class=ReasonForm,
        prefix="reopen",
        key="reopen",
        argument="reason",
        success=_("Task reopened."),
    )


@login_required
@require_POST
def assignment_plan(request, pk):
    """The supervisor sets this unit's plan: due date, cycle, report day, sign-off."""
    assignment = _assignment(request, pk)
    form = PlanForm(request.POST, prefix="plan")
    bound = {"plan": form}
    if not form.is_valid():
        return _invalid(request, assignment, bound)
    return _perform(
        request,
        assignment,
        lambda: services.plan_assignment(
            assignment=assignment,
            by=request.user,
            plan=form.plan(),
            version=form.cleaned_data.get("version"),
            ip_address=ip_of(request),
        ),
        success=_("Plan saved."),
        bound=bound,
    )


@login_required
@require_POST
def document_plan(request, pk):
    """The supervisor plans every task of a document at once (the breakdown table's form)."""
    document = get_object_or_404(PolicyDocument.objects.visible_to(request.user), pk=pk)
    form = BulkPlanForm(request.POST, prefix="bulk")
    if not form.is_valid():
        messages.error(request, _("Correct the marked fields and send the form again."))
        response = document_detail(request, document.pk, plan_form=form)
        response.status_code = 400
        return response
    try:
        count = services.plan_document(
            document=document, by=request.user, plan=form.plan(), ip_address=ip_of(request)
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
        response = document_detail(request, document.pk, plan_form=form)
        response.status_code = exc.status
        return response
    messages.success(request, _("Planned {count} task(s).").format(count=count))
    return back_to(request, reverse("clauses:document-detail", args=[document.pk]))

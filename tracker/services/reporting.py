"""Progress reports: write, submit, sign off, accept or return (进展报送与审核)."""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from rapidfuzz import fuzz

from clauses.models import Target
from tracker import audit
from tracker.attachments import check_attachment
from tracker.choices import NotificationKind, ReportStatus
from tracker.errors import Conflict, DomainError
from tracker.models import Assignment, ProgressReport, ReportAttachment, TargetActual
from tracker.periods import period_owed

from .access import require_leader, require_member, require_supervisor
from .common import check_version, snapshot, today_of
from .notifications import assignment_url, notify, unit_members
from .states import refresh_assignments, report_periods

EDITABLE = (ReportStatus.DRAFT, ReportStatus.RETURNED)
TEXT_FIELDS = ("progress", "problems", "next_steps")
AUDITED = ("status", "percent", "progress", "problems", "next_steps", "version")


@dataclass
class ReportInput:
    """What staff write in a report; None leaves a field as it is on update."""

    progress: str | None = None
    percent: int | None = None
    problems: str | None = None
    next_steps: str | None = None
    target_actuals: dict | list | None = None
    attachments: list = field(default_factory=list)  # (name, file) pairs
    remove_attachments: list = field(default_factory=list)  # attachment ids


def _percent(value) -> int:
    """A whole number from 0 to 100, given as a number or as text ("40")."""
    if isinstance(value, bool):
        value = None
    text = str(value).strip() if value is not None else ""
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    if not text.isdigit() or not 0 <= int(text) <= 100:
        raise DomainError(
            "invalid_percent",
            _("The percent complete must be a whole number from 0 to 100, not “{value}”.").format(
                value="" if value is None else value
            ),
        )
    return int(text)


def _actuals(assignment: Assignment, raw) -> dict[int, tuple[Decimal, str]]:
    """Normalise target actuals ({id: value} or [{target, value, note}]) and check each target."""
    if raw in (None, "", [], {}):
        return {}
    items = [{"target": k, "value": v} for k, v in raw.items()] if isinstance(raw, dict) else raw
    if not isinstance(items, list):
        raise DomainError("invalid_target_actuals", _("Target actuals must be a list or a map."))
    allowed = set(
        Target.objects.filter(clause_id=assignment.task.clause_id).values_list("pk", flat=True)
    )
    result: dict[int, tuple[Decimal, str]] = {}
    for item in items:
        try:
            target_id = int(item["target"])
            value = Decimal(str(item["value"]).strip())
        except (KeyError, TypeError, ValueError, InvalidOperation):
            raise DomainError(
                "invalid_target_actuals",
                _("Each target actual needs a target id and a number."),
            ) from None
        if target_id not in allowed:
            raise DomainError(
                "unknown_target",
                _("Target {id} is not one of this task's targets.").format(id=target_id),
            )
        if not value.is_finite() or abs(value) >= Decimal("1e16"):
            raise DomainError(
                "invalid_target_actuals",
                _("The value for target {id} is not a usable number.").format(id=target_id),
            )
        result[target_id] = (value, str(item.get("note", ""))[:200])
    return result


def _store_actuals(report: ProgressReport, actuals: dict) -> None:
    for target_id, (value, note) in actuals.items():
        TargetActual.objects.update_or_create(
            report=report, target_id=target_id, defaults={"value": value, "note": note}
        )


def _store_attachments(report: ProgressReport, files, *, by) -> None:
    current = report.attachments.count() if report.pk else 0
    if current + len(files) > settings.ATTACHMENTS_PER_REPORT:
        raise DomainError(
            "too_many_attachments",
            _("A report takes at most {n} attachments.").format(n=settings.ATTACHMENTS_PER_REPORT),
        )
    checked = [
        (check_attachment(name=name, file=f, max_bytes=settings.ATTACHMENT_MAX_BYTES), f)
        for name, f in files
    ]
    for info, f in checked:
        ReportAttachment.objects.create(
            report=report,
            file=File(f, name=info.name),
            name=info.name,
            content_type=info.content_type,
            size=info.size,
            sha256=info.sha256,
            uploaded_by=by,
        )


def _validate_files_first(files) -> None:
    """Check attachments before anything is written, so a bad file leaves no row."""
    for name, f in files:
        check_attachment(name=name, file=f, max_bytes=settings.ATTACHMENT_MAX_BYTES)


def _choose_period(assignment: Assignment, *, today, period_key):
    all_periods = report_periods(assignment, today=today)
    taken = {r.period_start: r for r in assignment.reports.only("id", "period_start", "status")}
    if period_key:
        for p in all_periods:
            if p.key == period_key:
                return p
        raise DomainError(
            "unknown_period",
            _("“{key}” is not one of this assignment's reporting periods.").format(key=period_key),
        )
    owed = period_owed(all_periods, today)
    if owed is None:
        raise DomainError("no_period", _("This assignment has no reporting period."))
    for p in all_periods[all_periods.index(owed) :]:
        existing = taken.get(p.start)
        if existing is None:
            return p
        if existing.status in EDITABLE:
            raise Conflict(
                "report_exists",
                _("A report for {period} already exists; edit it instead.").format(period=p.label),
                report=existing.pk,
            )
    raise Conflict("no_period", _("Every reporting period of this assignment has a report."))


def create_report(
    *,
    assignment: Assignment,
    by,
    data: ReportInput,
    submit=False,
    period_key=None,
    now=None,
    ip_address=None,
) -> ProgressReport:
    """Write a report for the period the unit owes (or the one named), optionally submitting it."""
    now = now or timezone.now()
    with transaction.atomic():
        assignment = (
            Assignment.objects.select_for_update()
            .select_related("task", "unit")
            .get(pk=assignment.pk)
        )
        require_member(by, assignment)
        if not assignment.is_active or assignment.task.closed_at:
            raise Conflict("task_closed", _("This task is closed; it takes no more reports."))
        percent = _percent(data.percent)
        actuals = _actuals(assignment, data.target_actuals)
        _validate_files_first(data.attachments)
        period = _choose_period(assignment, today=today_of(now), period_key=period_key)
        report = ProgressReport.objects.create(
            assignment=assignment,
            period_start=period.start,
            period_end=period.end,
            due_on=period.due_on,
            progress=(data.progress or "").strip(),
            percent=percent,
            problems=(data.problems or "").strip(),
            next_steps=(data.next_steps or "").strip(),
            author=by,
        )
        _store_actuals(report, actuals)
        _store_attachments(report, data.attachments, by=by)
        audit.record(
            action="report.created",
            obj=report,
            actor=by,
            after={**snapshot(report, AUDITED), "period": period.key},
            ip_address=ip_address,
        )
        refresh_assignments([assignment.pk], today=today_of(now))
        if submit:
            report = submit_report(report=report, by=by, now=now, ip_address=ip_address)
    return report


def _locked(report: ProgressReport) -> ProgressReport:
    return (
        ProgressReport.objects.select_for_update()
        .select_related("assignment__unit", "assignment__task__document")
        .get(pk=report.pk)
    )


def update_report(
    *,
    report: ProgressReport,
    by,
    data: ReportInput,
    version,
    submit=False,
    now=None,
    ip_address=None,
) -> ProgressReport:
    """Edit a draft or returned report; a stale ``version`` is refused (409), nothing is lost.

    With ``submit`` the edit and the submission are one transaction: a refused submission
    leaves the report as it was, not half-saved as a draft.
    """
    now = now or timezone.now()
    with transaction.atomic():
        report = _locked(report)
        require_member(by, report.assignment)
        if report.status not in EDITABLE:
            raise Conflict(
                "report_not_editable",
                _("A {status} report cannot be changed.").format(
                    status=report.get_status_display()
                ),
            )
        check_version(report, version)
        before = snapshot(report, AUDITED)
        if data.percent is not None:
            report.percent = _percent(data.percent)
        actuals = _actuals(report.assignment, data.target_actuals)
        _validate_files_first(data.attachments)
        for name in TEXT_FIELDS:
            value = getattr(data, name)
            if value is not None:
                setattr(report, name, value.strip())
        report.version += 1
        report.save()
        _store_actuals(report, actuals)
        if data.remove_attachments:
            removed = list(report.attachments.filter(pk__in=list(data.remove_attachments)))
            for attachment in removed:
                attachment.delete()
                # The file goes only once the row is gone for good.
                transaction.on_commit(
                    lambda f=attachment.file: f.storage.delete(f.name) if f.name else None
                )
        _store_attachments(report, data.attachments, by=by)
        audit.record(
            action="report.updated",
            obj=report,
            actor=by,
            before=before,
            after=snapshot(report, AUDITED),
            ip_address=ip_address,
        )
        if submit:
            report = submit_report(report=report, by=by, now=now, ip_address=ip_address)
    return report


def _similar(report: ProgressReport) -> tuple[ProgressReport | None, float]:
    """The most similar earlier report: the unit's own on this assignment, or a co-unit's."""
    text = "".join(report.progress.split())
    if not text:
        return None, 0.0
    candidates = (
        ProgressReport.objects.filter(
            Q(assignment=report.assignment) | Q(assignment__task_id=report.assignment.task_id)
        )
        .exclude(pk=report.pk)
        .exclude(status=ReportStatus.DRAFT)
        .only("id", "progress")
    )
    best, score = None, 0.0
    for other in candidates:
        ratio = fuzz.ratio(text, "".join(other.progress.split())) / 100
        if ratio > score:
            best, score = other, ratio
    return (best, score) if score >= settings.SIMILARITY_THRESHOLD else (None, score)


def submit_report(*, report: ProgressReport, by, version=None, now=None, ip_address=None):
    """Send a draft or returned report up: to the unit leader, or to the supervisor."""
    now = now or timezone.now()
    with transaction.atomic():
        report = _locked(report)
        require_member(by, report.assignment)
        if report.status not in EDITABLE:
            raise Conflict(
                "invalid_transition",
                _("Only a draft or returned report can be submitted; this one is {status}.").format(
                    status=report.get_status_display()
                ),
            )
        check_version(report, version)
        if not report.progress:
            raise DomainError("progress_required", _("Describe the progress before submitting."))
        before = snapshot(report, ("status",))
        similar, score = _similar(report)
        report.status = ReportStatus.SUBMITTED
        report.submitted_at = now
        report.first_submitted_at = report.first_submitted_at or now
        report.similar_to, report.similarity = similar, (round(score, 3) if similar else None)
        report.version += 1
        report.save()
        audit.record(
            action="report.submitted",
            obj=report,
            actor=by,
            before=before,
            after={"status": report.status, "similar_to": report.similar_to_id},
            ip_address=ip_address,
        )
        if report.assignment.needs_sign_off:
            notify(
                users=unit_members([report.assignment.unit_id], roles=("unit_leader",)),
                kind=NotificationKind.REPORT_SUBMITTED,
                message=_("A report on “{task}” awaits your sign-off.").format(
                    task=report.assignment.task
                ),
                obj=report,
                url=assignment_url(report.assignment),
            )
        refresh_assignments([report.assignment_id], today=today_of(now))
    return report


def sign_off_report(*, report: ProgressReport, by, now=None, ip_address=None):
    """The unit leader approves a submitted report for the supervisor."""
    now = now or timezone.now()
    with transaction.atomic():
        report = _locked(report)
        require_leader(by, report.assignment)
        if not report.awaits_sign_off:
            raise Conflict(
                "invalid_transition",
                _("Only a submitted report that needs sign-off can be signed off."),
            )
        report.status = ReportStatus.SIGNED_OFF
        report.signed_off_at, report.signed_off_by = now, by
        report.version += 1
        report.save()
        audit.record(
            action="report.signed_off",
            obj=report,
            actor=by,
            before={"status": ReportStatus.SUBMITTED},
            after={"status": report.status},
            ip_address=ip_address,
        )
    return report


def _reviewable(report: ProgressReport) -> None:
    if report.awaits_review:
        return
    if report.status in (ReportStatus.ACCEPTED, ReportStatus.RETURNED):
        message = _("This report has already been reviewed ({status}).")
    elif report.awaits_sign_off:
        message = _("This report awaits the unit leader's sign-off ({status}).")
    else:
        message = _("This report has not been submitted ({status}).")
    raise Conflict("invalid_transition", message.format(status=report.get_status_display()))


def accept_report(*, report: ProgressReport, by, comment="", now=None, ip_address=None):
    """The supervisor accepts a report; it is never changed afterwards."""
    now = now or timezone.now()
    with transaction.atomic():
        report = _locked(report)
        require_supervisor(by, report.assignment.task.document.jurisdiction_id)
        _reviewable(report)
        before = snapshot(report, ("status",))
        report.status = ReportStatus.ACCEPTED
        report.reviewed_at, report.reviewed_by = now, by
        report.review_comment = (comment or "").strip()
        report.version += 1
        report.save()
        audit.record(
            action="report.accepted",
            obj=report,
            actor=by,
            before=before,
            after={"status": report.status, "comment": report.review_comment},
            ip_address=ip_address,
        )
        notify(
            users=[report.author],
            kind=NotificationKind.REPORT_ACCEPTED,
            message=_("Your report on “{task}” was accepted.").format(task=report.assignment.task),
            obj=report,
            url=assignment_url(report.assignment),
        )
        refresh_assignments([report.assignment_id], today=today_of(now))
    return report


def return_report(*, report: ProgressReport, by, comment: str, now=None, ip_address=None):
    """The supervisor returns a report with a comment; staff edit and resubmit it."""
    now = now or timezone.now()
    comment = (comment or "").strip()
    with transaction.atomic():
        report = _locked(report)
        require_supervisor(by, report.assignment.task.document.jurisdiction_id)
        if not comment:
            raise DomainError("comment_required", _("Say why the report is returned."))
        _reviewable(report)
        before = snapshot(report, ("status",))
        report.status = ReportStatus.RETURNED
        report.reviewed_at, report.reviewed_by = now, by
        report.review_comment = comment
        report.version += 1
        report.save()
        audit.record(
            action="report.returned",
            obj=report,
            actor=by,
            before=before,
            after={"status": report.status, "comment": comment},
            ip_address=ip_address,
        )
        notify(
            users=[report.author],
            kind=NotificationKind.REPORT_RETURNED,
            message=_("Your report on “{task}” was returned: {comment}").format(
                task=report.assignment.task, comment=comment
            ),
            obj=report,
            url=assignment_url(report.assignment),
        )
        refresh_assignments([report.assignment_id], today=today_of(now))
    return report

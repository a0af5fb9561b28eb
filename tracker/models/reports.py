"""Progress reports with their target actuals and attachments, and extension requests."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from clauses.models import Target

from ..choices import ExtensionStatus, ReportStatus
from ..db import TimeStampedModel
from .tasks import Assignment


def _scope(queryset, user, *, assignment_path: str):
    """Rows whose assignment belongs to a supervised jurisdiction or to one of the user's units.

    Unlike assignments, the reports and requests of a co-unit stay private to that unit.
    """
    from accounts.scoping import member_units, supervised_jurisdictions

    if not user.is_authenticated:
        return queryset.none()
    if user.is_superuser:
        return queryset
    return queryset.filter(
        models.Q(
            **{
                f"{assignment_path}__task__document__jurisdiction__in": supervised_jurisdictions(
                    user
                )
            }
        )
        | models.Q(**{f"{assignment_path}__unit__in": member_units(user)})
    )


class ProgressReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        return _scope(self, user, assignment_path="assignment")

    def awaiting_review(self):
        """Reports the supervisor may accept or return (the rule of ``awaits_review``)."""
        return self.filter(
            models.Q(status=ReportStatus.SIGNED_OFF)
            | models.Q(status=ReportStatus.SUBMITTED, assignment__needs_sign_off=False)
        )


class ProgressReport(TimeStampedModel):
    """One unit's report on one assignment for one reporting period (进展情况)."""

    assignment = models.ForeignKey(
        Assignment, on_delete=models.PROTECT, related_name="reports", verbose_name=_("assignment")
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    progress = models.TextField(_("progress (进展情况)"))
    percent = models.PositiveSmallIntegerField(
        _("percent complete"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    problems = models.TextField(_("problems (存在问题)"), blank=True)
    next_steps = models.TextField(_("next steps (下一步举措)"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="progress_reports",
        verbose_name=_("author"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    first_submitted_at = models.DateTimeField(_("first submitted at"), null=True, blank=True)
    signed_off_at = models.DateTimeField(_("signed off at"), null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed off by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    review_comment = models.TextField(_("review comment"), blank=True)
    similar_to = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("similar to (疑似照搬)"),
    )
    similarity = models.FloatField(_("similarity"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = ProgressReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["assignment", "-period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "period_start"], name="report_unique_period_per_assignment"
            ),
            models.CheckConstraint(
                condition=models.Q(percent__gte=0, percent__lte=100), name="report_percent_0_100"
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="report_period_ordered",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "submitted_at"], name="report_status_submitted"),
            # the review queue, oldest first: read in order, not sorted (a province has
            # hundreds of thousands of reports)
            models.Index(
                fields=["submitted_at", "id"],
                condition=models.Q(status__in=[ReportStatus.SUBMITTED, ReportStatus.SIGNED_OFF]),
                name="report_awaiting_review",
            ),
        ]

    def __str__(self):
        return f"{self.assignment} · {self.period_start:%Y-%m-%d}"

    @property
    def is_flagged_similar(self) -> bool:
        return self.similar_to_id is not None

    @property
    def awaits_sign_off(self) -> bool:
        """Submitted on an assignment whose unit leader signs reports off."""
        return self.status == ReportStatus.SUBMITTED and self.assignment.needs_sign_off

    @property
    def awaits_review(self) -> bool:
        """Ready for the supervisor: signed off, or submitted where no sign-off is needed.

        A signed-off report stays reviewable if the plan later drops the sign-off, and a
        submitted one becomes signable if the plan adds it: no report gets stuck.
        """
        return self.status == ReportStatus.SIGNED_OFF or (
            self.status == ReportStatus.SUBMITTED and not self.assignment.needs_sign_off
        )


class TargetActual(models.Model):
    """The value a report gives for one of its clause's targets."""

    report = models.ForeignKey(
        ProgressReport,
        on_delete=models.CASCADE,
        related_name="target_actuals",
        verbose_name=_("report"),
    )
    target = models.ForeignKey(
        Target, on_delete=models.PROTECT, related_name="actuals", verbose_name=_("target")
    )
    value = models.DecimalField(_("actual value"), max_digits=20, decimal_places=4)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("target actual")
        verbose_name_plural = _("target actuals")
        ordering = ["report", "target__order"]
        constraints = [
            models.UniqueConstraint(fields=["report", "target"], name="actual_unique_per_report")
        ]

    def __str__(self):
        return f"{self.target} = {self.value}"


class ReportAttachment(TimeStampedModel):
    """Evidence attached to a report; stored privately and served only to those who see it."""

    report = models.ForeignKey(
        ProgressReport,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("report"),
    )
    file = models.FileField(_("file"), upload_to="attachments/%Y/%m/")
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["report", "id"]

    def __str__(self):
        return self.name


class ExtensionRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        return _scope(self, user, assignment_path="assignment")


class ExtensionRequest(TimeStampedModel):
    """A unit's request to move its due date (延期申请), decided by the supervisor."""

    assignment = models.ForeignKey(
        Assignment,
        on_delete=models.PROTECT,
        related_name="extension_requests",
        verbose_name=_("assignment"),
    )
    requested_due_date = models.DateField(_("requested due date"))
    previous_due_date = models.DateField(_("due date when requested"), null=True, blank=True)
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ExtensionStatus.choices,
        default=ExtensionStatus.PENDING,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decision_comment = models.TextField(_("decision comment"), blank=True)

    objects = ExtensionRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        ordering = ["-created_at", "-id"]
        constraints = [
            # At most one open request per assignment: a second one would race the first.
            models.UniqueConstraint(
                fields=["assignment"],
                condition=models.Q(status="pending"),
                name="extension_one_pending_per_assignment",
            )
        ]

    def __str__(self):
        return f"{self.assignment} → {self.requested_due_date}"


class ReportingPeriod(models.Model):
    """One reporting period of an assignment's plan, with the day its report is due.

    Due days follow the official holiday calendar (``tracker.periods``), which SQL cannot
    compute; so the periods of every assignment are stored here and kept current by
    ``states.refresh_assignments`` (which every workflow service calls), and the evaluation
    counts reports due, on time, late and missing with SQL joins against these rows.
    """

    assignment = models.ForeignKey(
        Assignment,
        on_delete=models.CASCADE,
        related_name="reporting_periods",
        verbose_name=_("assignment"),
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    due_on = models.DateField(_("report due on"))
    sent_on = models.DateField(
        _("report first sent on"),
        null=True,
        blank=True,
        help_text=_("Local date of the period's report's first submission (kept by the services)."),
    )

    class Meta:
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        ordering = ["assignment_id", "period_start"]  # the column: no join for ordering
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "period_start"], name="reporting_period_unique"
            )
        ]
        indexes = [models.Index(fields=["due_on"], name="reporting_period_due_on")]

    def __str__(self):
        return f"{self.assignment_id} {self.period_start} → {self.due_on}"

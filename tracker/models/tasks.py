"""Tasks tracked from clauses, and one assignment per responsible unit."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Unit
from clauses.choices import AssignmentRole
from clauses.models import Clause, PolicyDocument

from ..choices import Light, ReportCycle, Status
from ..db import TimeStampedModel


class TaskQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Tasks of supervised jurisdictions, and tasks that assign one of the user's units."""
        from accounts.scoping import member_units, supervised_jurisdictions

        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(
            models.Q(document__jurisdiction__in=supervised_jurisdictions(user))
            | models.Q(
                pk__in=Assignment.objects.filter(unit__in=member_units(user)).values("task_id")
            )
        )


class Task(TimeStampedModel):
    """Work tracked from one clause; keeps its id across versions of the document."""

    document = models.ForeignKey(
        PolicyDocument, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("document")
    )
    clause = models.ForeignKey(
        Clause, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("clause")
    )
    order = models.PositiveIntegerField(_("order"))
    label = models.CharField(_("label"), max_length=30, blank=True)
    section = models.CharField(_("section"), max_length=300, blank=True)
    title = models.CharField(_("title"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    start_date = models.DateField(
        _("start date"),
        null=True,
        blank=True,
        help_text=_("Where expected progress (序时进度) starts; the import date when empty."),
    )
    report_cycle = models.CharField(
        _("reporting cycle"),
        max_length=20,
        choices=ReportCycle.choices,
        default=ReportCycle.MONTHLY,
    )
    report_day = models.PositiveSmallIntegerField(
        _("report day"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("Day of the month after a period ends by which its report is due."),
    )
    needs_sign_off = models.BooleanField(_("needs the unit leader's sign-off"), default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED
    )
    light = models.CharField(_("light"), max_length=10, choices=Light.choices, default=Light.GREEN)
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("False when a later version of the document removed the clause."),
    )
    close_requested_at = models.DateTimeField(_("closure requested at"), null=True, blank=True)
    close_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closure requested by"),
    )
    close_request_note = models.TextField(_("closure request note"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["document", "order"]
        indexes = [
            models.Index(fields=["document", "is_active", "order"], name="task_document_order")
        ]

    def __str__(self):
        return f"{self.label} {self.title}".strip() or f"#{self.pk}"


# 我的任务's order: red first, then yellow, then green, the nearest due date first; the list
# opens on what needs attention. An index on the same expressions serves it (see Meta).
LIGHT_RANK = models.Case(
    models.When(light=Light.RED, then=models.Value(0)),
    models.When(light=Light.YELLOW, then=models.Value(1)),
    default=models.Value(2),
    output_field=models.IntegerField(),
)
ATTENTION_ORDER = (
    LIGHT_RANK,
    models.F("due_date").asc(nulls_last=True),
    models.F("next_report_due").asc(nulls_last=True),
    models.F("id").asc(),
)


class AssignmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Assignments of supervised jurisdictions, and every assignment of a task the user's
        units share (their co-units' status is readable, not changeable)."""
        from accounts.scoping import member_units, supervised_jurisdictions

        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(
            models.Q(task__document__jurisdiction__in=supervised_jurisdictions(user))
            | models.Q(
                task_id__in=Assignment.objects.filter(unit__in=member_units(user)).values("task_id")
            )
        )

    def of_units_of(self, user):
        """Assignments of the user's own units (staff or unit leader)."""
        from accounts.scoping import member_units

        return self.filter(unit__in=member_units(user))


class Assignment(TimeStampedModel):
    """One unit's share of a task, lead (牵头) or support (配合)."""

    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("task")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("unit")
    )
    role = models.CharField(
        _("role"), max_length=10, choices=AssignmentRole.choices, default=AssignmentRole.LEAD
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED
    )
    light = models.CharField(_("light"), max_length=10, choices=Light.choices, default=Light.GREEN)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    original_due_date = models.DateField(_("original due date"), null=True, blank=True)
    evaluation_due_date = models.DateField(
        _("due date for the evaluation"),
        null=True,
        blank=True,
        help_text=_(
            "The original due date, or the extended one when the extension was approved "
            "before the original date passed."
        ),
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    report_cycle = models.CharField(
        _("reporting cycle"),
        max_length=20,
        choices=ReportCycle.choices,
        default=ReportCycle.MONTHLY,
    )
    report_day = models.PositiveSmallIntegerField(
        _("report day"), default=5, validators=[MinValueValidator(1), MaxValueValidator(28)]
    )
    needs_sign_off = models.BooleanField(_("needs the unit leader's sign-off"), default=False)
    received_at = models.DateTimeField(_("received at (签收)"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("received by"),
    )
    receipt_flagged_at = models.DateTimeField(
        _("receipt overdue flagged at"), null=True, blank=True
    )
    percent = models.PositiveSmallIntegerField(_("reported percent"), null=True, blank=True)
    last_report = models.ForeignKey(
        "tracker.ProgressReport",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last report"),
    )
    next_report_due = models.DateField(_("next report due"), null=True, blank=True)
    missed_reports = models.PositiveSmallIntegerField(_("reports missed in a row"), default=0)
    accepted_at = models.DateTimeField(
        _("completion accepted at"),
        null=True,
        blank=True,
        help_text=_("When a report of 100 % was first accepted (kept by the services)."),
    )
    reports_sent = models.PositiveIntegerField(
        _("reports sent"),
        default=0,
        help_text=_("Reports first submitted for periods due by today (kept by the services)."),
    )
    reports_on_time = models.PositiveIntegerField(
        _("reports sent on time"),
        default=0,
        help_text=_("Of the reports sent, those first submitted by their due day."),
    )
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("False when a later version no longer names the unit."),
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["task", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "unit"], name="assignment_unique_unit_per_task"
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "is_active", "status"], name="assignment_unit_status"),
            models.Index(fields=["light", "due_date"], name="assignment_light_due"),
            # the overview's weekly overdue trend reads a few weeks of one status
            models.Index(fields=["status", "due_date"], name="assignment_status_due"),
            # ATTENTION_ORDER, so that a province's 我的任务 reads its first page in order
            # instead of sorting 100k rows (a b-tree's ascending order puts NULLs last on
            # PostgreSQL; SQLite cannot say NULLS LAST in an index)
            models.Index(
                LIGHT_RANK,
                models.F("due_date"),
                models.F("next_report_due"),
                models.F("id"),
                name="assignment_attention_order",
            ),
        ]

    def __str__(self):
        return f"{self.task} · {self.unit}"

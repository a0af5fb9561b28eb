"""The task domain: tasks tracked from clauses, one assignment per responsible unit, audit."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Unit
from clauses.choices import AssignmentRole
from clauses.models import Clause, PolicyDocument

from .choices import Light, ReportingCycle, Status
from .db import TimeStampedModel


class TaskQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Tasks of supervised jurisdictions, and tasks that assign one of the user's units."""
        from accounts.scoping import member_units, supervised_jurisdictions

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
    reporting_cycle = models.CharField(
        _("reporting cycle"),
        max_length=20,
        choices=ReportingCycle.choices,
        default=ReportingCycle.MONTHLY,
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED
    )
    light = models.CharField(_("light"), max_length=10, choices=Light.choices, default=Light.GREEN)
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("False when a later version of the document removed the clause."),
    )

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
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("False when a later version no longer names the unit."),
    )

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["task", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "unit"], name="assignment_unique_unit_per_task"
            ),
        ]

    def __str__(self):
        return f"{self.task} · {self.unit}"


class AuditEvent(models.Model):
    """An append-only record of a change of state: who, when, what, before and after."""

    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    action = models.CharField(_("action"), max_length=50)
    object_type = models.CharField(_("object type"), max_length=50)
    object_id = models.CharField(_("object id"), max_length=50)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object")]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"

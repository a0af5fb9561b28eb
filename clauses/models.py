"""Policy documents as imported: versions, clauses, the units each clause names, targets."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Jurisdiction, Unit
from tracker.db import TimeStampedModel

from .choices import AssignmentRole, Comparator


class PolicyDocumentQuerySet(models.QuerySet):
    def current(self):
        """Only the latest version of each document."""
        return self.filter(is_current=True)

    def visible_to(self, user):
        """Documents of the jurisdictions the user supervises, or that assign the user's units."""
        from accounts.scoping import member_units, supervised_jurisdictions
        from tracker.models import Task

        if user.is_superuser:
            return self
        # A subquery, not a join: joining every assignment then DISTINCT cost half a second
        # for a province's supervisor.
        assigned = Task.objects.filter(assignments__unit__in=member_units(user))
        return self.filter(
            models.Q(jurisdiction__in=supervised_jurisdictions(user))
            | models.Q(pk__in=assigned.values("document_id"))
        )


class PolicyDocument(TimeStampedModel):
    """One version of a policy document (实施意见, 行动方案 …) as imported from a file.

    Versions of one document share a ``lineage``; exactly one of them is current.
    """

    jurisdiction = models.ForeignKey(
        Jurisdiction,
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name=_("jurisdiction"),
    )
    lineage = models.UUIDField(
        _("lineage"), db_index=True, help_text=_("Shared by all versions of a document.")
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    is_current = models.BooleanField(_("current version"), default=True)
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=30, blank=True)
    doc_number = models.CharField(_("document number (文号)"), max_length=100, blank=True)
    issuers = models.JSONField(_("issuers"), default=list, blank=True)
    addressees = models.JSONField(_("addressees (主送)"), default=list, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    valid_years = models.PositiveSmallIntegerField(_("validity in years"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    lead_rule = models.BooleanField(
        _("first unit leads"),
        default=False,
        help_text=_("The text says the first unit named is the lead unit."),
    )
    source_name = models.CharField(_("source file name"), max_length=255)
    source_file = models.FileField(_("source file"), upload_to="documents/%Y/%m/", blank=True)
    source_format = models.CharField(_("source format"), max_length=10, blank=True)
    content_hash = models.CharField(_("content hash (SHA-256)"), max_length=64, db_index=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported by"),
    )

    objects = PolicyDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("policy document")
        verbose_name_plural = _("policy documents")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["lineage", "version"], name="document_unique_version"),
            models.UniqueConstraint(
                fields=["lineage"],
                condition=models.Q(is_current=True),
                name="document_one_current_version",
            ),
        ]

    def __str__(self):
        return f"{self.title} (v{self.version})" if self.version > 1 else self.title


class Clause(TimeStampedModel):
    """One numbered item of a document as printed; a task when it asks for action."""

    document = models.ForeignKey(
        PolicyDocument, on_delete=models.CASCADE, related_name="clauses", verbose_name=_("document")
    )
    order = models.PositiveIntegerField(_("order"))
    label = models.CharField(_("label"), max_length=30, blank=True)
    section = models.CharField(_("section"), max_length=300, blank=True)
    title = models.CharField(_("title"), max_length=300, blank=True)
    body = models.TextField(_("body"), blank=True)
    unit_text = models.TextField(_("responsible units as printed"), blank=True)
    is_task = models.BooleanField(_("is a task"), default=True)
    non_task_reason = models.CharField(_("why not a task"), max_length=200, blank=True)
    deadline_text = models.CharField(_("deadline as printed"), max_length=100, blank=True)
    deadline_date = models.DateField(_("deadline"), null=True, blank=True)
    fingerprint = models.CharField(
        _("fingerprint"),
        max_length=64,
        help_text=_("Hash of label, title, body and units, to compare versions."),
    )

    class Meta:
        verbose_name = _("clause")
        verbose_name_plural = _("clauses")
        ordering = ["document", "order"]
        constraints = [
            models.UniqueConstraint(fields=["document", "order"], name="clause_unique_order"),
        ]

    def __str__(self):
        return f"{self.label} {self.title}".strip()


class ClauseUnit(models.Model):
    """A unit named by a clause, as written and as resolved in the registry."""

    clause = models.ForeignKey(
        Clause, on_delete=models.CASCADE, related_name="units", verbose_name=_("clause")
    )
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name as written"), max_length=100)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="clause_mentions", verbose_name=_("unit")
    )
    role = models.CharField(
        _("role"), max_length=10, choices=AssignmentRole.choices, default=AssignmentRole.LEAD
    )

    class Meta:
        verbose_name = _("clause unit")
        verbose_name_plural = _("clause units")
        ordering = ["clause", "order"]
        constraints = [
            models.UniqueConstraint(fields=["clause", "order"], name="clauseunit_unique_order"),
        ]

    def __str__(self):
        return self.name


class Target(TimeStampedModel):
    """A number a clause promises (不低于15%, 不少于60家), to be reported against."""

    clause = models.ForeignKey(
        Clause, on_delete=models.CASCADE, related_name="targets", verbose_name=_("clause")
    )
    order = models.PositiveSmallIntegerField(_("order"))
    text = models.CharField(_("as printed"), max_length=200)
    metric = models.CharField(_("metric"), max_length=200, blank=True)
    comparator = models.CharField(
        _("comparator"), max_length=3, choices=Comparator.choices, default=Comparator.GTE
    )
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=4)
    unit = models.CharField(_("unit of measure"), max_length=20, blank=True)
    deadline_text = models.CharField(_("deadline as printed"), max_length=100, blank=True)
    deadline_date = models.DateField(_("deadline"), null=True, blank=True)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["clause", "order"]
        constraints = [
            models.UniqueConstraint(fields=["clause", "order"], name="target_unique_order"),
        ]

    def __str__(self):
        return self.text

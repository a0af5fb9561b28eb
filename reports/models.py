"""The half-year evaluation (半年跟踪评价): periods, snapshots, score weights, appeals.

A period is computed by ``reports.services.rollup_period`` into EvaluationSnapshot rows (one per
unit and document, and one per unit overall with ``document`` NULL), reviewed by the units
(appeals) while it is a draft, then published and frozen. The definitions of every figure are
in ``reports/services.py``; the score formula is in ``reports/scoring.py``.
"""

import re
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Jurisdiction, Unit
from clauses.models import PolicyDocument
from tracker.db import TimeStampedModel
from tracker.errors import DomainError

from .choices import AppealStatus, PeriodStatus

_PERIOD_CODE = re.compile(r"^(\d{4})H([12])$")


def parse_period_code(code: str) -> tuple[date, date]:
    """Return (first day, last day) of a half-year code such as ``2026H1`` or ``2026H2``.

    Raises DomainError ``bad_period_code`` for anything else, so a command, an API call and
    the beat task all refuse a typo the same way.
    """
    match = _PERIOD_CODE.match((code or "").strip().upper())
    if not match or not 2000 <= int(match.group(1)) <= 2999:
        raise DomainError(
            "bad_period_code",
            _("“{code}” is not a half-year code; use e.g. 2026H1 or 2026H2.").format(code=code),
        )
    year, half = int(match.group(1)), int(match.group(2))
    if half == 1:
        return date(year, 1, 1), date(year, 6, 30)
    return date(year, 7, 1), date(year, 12, 31)


def period_code_of(day: date) -> str:
    """The code of the half-year containing ``day``."""
    return f"{day.year}H{1 if day.month <= 6 else 2}"


class ScoreWeights(TimeStampedModel):
    """The weights of the evaluation score, editable in the admin (one row is the default).

    score = 100 × (w_on_time × on-time rate + w_completion × completion rate
                   + w_target × target attainment) / (sum of the weights applied)
            − 100 × overdue_penalty × (tasks overdue / tasks assigned), never below 0.
    A component without a denominator (no report due, no task, no target with an actual) is
    left out of both sums. Each rollup copies the weights it used into its period.
    """

    HELP = _(
        "score = 100 × (on-time weight × on-time rate + completion weight × completion rate + "
        "target weight × target attainment) ÷ (sum of the weights applied) − 100 × overdue "
        "penalty × overdue share; a component with no denominator is left out; never below 0."
    )

    name = models.CharField(_("name"), max_length=50, unique=True, default="default")
    is_default = models.BooleanField(
        _("used by rollups"), default=True, help_text=_("Exactly one row is used by rollups.")
    )
    on_time = models.DecimalField(
        _("weight of the on-time report rate"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0.40"),
        validators=[MinValueValidator(0)],
        help_text=HELP,
    )
    completion = models.DecimalField(
        _("weight of the completion rate"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0.40"),
        validators=[MinValueValidator(0)],
        help_text=HELP,
    )
    target = models.DecimalField(
        _("weight of target attainment"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0.20"),
        validators=[MinValueValidator(0)],
        help_text=HELP,
    )
    overdue_penalty = models.DecimalField(
        _("overdue penalty"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0.20"),
        validators=[MinValueValidator(0)],
        help_text=_("Points lost = 100 × this × (tasks overdue ÷ tasks assigned)."),
    )

    class Meta:
        verbose_name = _("score weights")
        verbose_name_plural = _("score weights")
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="score_weights_one_default",
            )
        ]

    def __str__(self):
        return self.name

    def as_dict(self) -> dict:
        """The weights as strings (JSON-safe, exact), as copied into a period."""
        return {
            "on_time": str(self.on_time),
            "completion": str(self.completion),
            "target": str(self.target),
            "overdue_penalty": str(self.overdue_penalty),
        }


class EvaluationPeriodQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Periods of supervised jurisdictions, and of the jurisdictions of the user's units."""
        from accounts.scoping import member_units, supervised_jurisdictions

        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(
            models.Q(jurisdiction__in=supervised_jurisdictions(user))
            | models.Q(jurisdiction__in=member_units(user).values("jurisdiction_id"))
        )


class EvaluationPeriod(TimeStampedModel):
    """One half-year evaluation of one jurisdiction's units (2026H1 = 1 Jan – 30 Jun)."""

    jurisdiction = models.ForeignKey(
        Jurisdiction,
        on_delete=models.PROTECT,
        related_name="evaluation_periods",
        verbose_name=_("jurisdiction"),
    )
    code = models.CharField(_("code"), max_length=6, help_text=_("e.g. 2026H1"))
    start = models.DateField(_("first day"))
    end = models.DateField(_("last day"))
    status = models.CharField(
        _("status"), max_length=10, choices=PeriodStatus.choices, default=PeriodStatus.DRAFT
    )
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("computed by"),
    )
    as_of = models.DateTimeField(
        _("figures as of"),
        null=True,
        blank=True,
        help_text=_("The end of the period, or the computation time of an early rollup."),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    appeal_deadline = models.DateField(_("appeals accepted until"), null=True, blank=True)
    weights = models.JSONField(_("weights used"), default=dict, blank=True)

    objects = EvaluationPeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation period")
        verbose_name_plural = _("evaluation periods")
        ordering = ["jurisdiction", "-start"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "code"], name="period_unique_code_per_jurisdiction"
            ),
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="period_ordered"
            ),
        ]

    def __str__(self):
        return f"{self.jurisdiction} {self.code}"

    @property
    def is_published(self) -> bool:
        return self.status == PeriodStatus.PUBLISHED


class EvaluationSnapshotQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Supervisors see their jurisdictions' rows; unit members see their own units' rows."""
        from accounts.scoping import member_units, supervised_jurisdictions

        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(
            models.Q(period__jurisdiction__in=supervised_jurisdictions(user))
            | models.Q(unit__in=member_units(user))
        )

    def overall(self):
        """The per-unit rows (document NULL)."""
        return self.filter(document__isnull=True)


def _count(label):
    return models.PositiveIntegerField(label, default=0)


def _rate(label):
    return models.DecimalField(label, max_digits=5, decimal_places=4, default=Decimal("0"))


class EvaluationSnapshot(models.Model):
    """One unit's frozen figures for one period: per document, or overall (document NULL).

    Figures are fixed-point decimals so a re-run writes byte-identical rows. Rates are 0 when
    their denominator is 0; target attainment is NULL when no target has an actual.
    """

    # A province's rollup writes some 80,000 rows. The period's own index would repeat the
    # prefix of the unique (period, unit, document) one. Units and documents get no database
    # constraint: the rollup writes ids it has just read in the same transaction, Django's
    # PROTECT still refuses to delete one that has snapshots, and checking 160,000
    # references at commit cost more than a third of the rollup (docs/performance.md).
    period = models.ForeignKey(
        EvaluationPeriod,
        on_delete=models.CASCADE,
        related_name="snapshots",
        verbose_name=_("period"),
        db_index=False,
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="evaluation_snapshots",
        verbose_name=_("unit"),
        db_constraint=False,
    )
    document = models.ForeignKey(
        PolicyDocument,
        on_delete=models.PROTECT,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="evaluation_snapshots",
        verbose_name=_("document"),
        help_text=_("Empty on the unit's overall row."),
    )
    tasks_assigned = _count(_("tasks assigned"))
    tasks_done = _count(_("tasks done"))
    tasks_overdue = _count(_("tasks overdue"))
    reports_due = _count(_("reports due"))
    reports_on_time = _count(_("reports on time"))
    reports_late = _count(_("reports late"))
    reports_missing = _count(_("reports missing"))
    on_time_rate = _rate(_("on-time rate"))
    completion_rate = _rate(_("completion rate"))
    target_attainment = models.DecimalField(
        _("target attainment"), max_digits=5, decimal_places=4, null=True, blank=True
    )
    score = models.DecimalField(
        _("score"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("0"),
        help_text=ScoreWeights.HELP,
    )
    rank = models.PositiveIntegerField(
        _("rank"),
        null=True,
        blank=True,
        help_text=_("Overall rows: rank among the units; document rows: rank within the document."),
    )
    corrected = models.BooleanField(_("corrected on appeal"), default=False)
    correction_note = models.TextField(_("correction note"), blank=True)

    objects = EvaluationSnapshotQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation snapshot")
        verbose_name_plural = _("evaluation snapshots")
        ordering = ["period", "document", "rank", "unit"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "unit", "document"], name="snapshot_unique_unit_document"
            ),
            models.UniqueConstraint(
                fields=["period", "unit"],
                condition=models.Q(document__isnull=True),
                name="snapshot_unique_unit_overall",
            ),
        ]

    def __str__(self):
        return f"{self.period} · {self.unit} · {self.document or _('overall')}"


class AppealQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Appeals on the snapshots the user may see."""
        return self.filter(snapshot__in=EvaluationSnapshot.objects.visible_to(user))


class Appeal(TimeStampedModel):
    """A unit's objection to its figures (申诉), decided by the supervisor before publication."""

    snapshot = models.ForeignKey(
        EvaluationSnapshot,
        on_delete=models.PROTECT,
        related_name="appeals",
        verbose_name=_("snapshot"),
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("filed by"),
    )
    reason = models.TextField(_("reason"))
    evidence = models.FileField(_("evidence"), upload_to="appeals/%Y/%m/", blank=True)
    evidence_name = models.CharField(_("evidence file name"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=AppealStatus.choices, default=AppealStatus.PENDING
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
    corrections = models.JSONField(
        _("corrections"), default=dict, blank=True, help_text=_("Field → corrected value.")
    )

    objects = AppealQuerySet.as_manager()

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot"],
                condition=models.Q(status="pending"),
                name="appeal_one_pending_per_snapshot",
            )
        ]

    def __str__(self):
        return f"{self.snapshot} · {self.get_status_display()}"

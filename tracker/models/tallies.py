"""Tallies: the dashboard's counts of assignments, stored and kept current by the services.

A province has a hundred thousand assignments; counting them on every dashboard request costs
most of a second. The counts only change when an assignment's state does, so the services
that change it (``tracker.services.tallies``, called from ``states.refresh_assignments``)
recount the few rows it touches, and the overview reads a thousand documents and a few
thousand units instead.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Jurisdiction, Unit
from clauses.models import PolicyDocument


class Tally(models.Model):
    """Counts of a group of active assignments of active tasks, by status and light."""

    assignments = models.PositiveIntegerField(_("assignments"), default=0)
    done = models.PositiveIntegerField(_("done"), default=0)
    overdue = models.PositiveIntegerField(_("overdue"), default=0)
    in_progress = models.PositiveIntegerField(_("in progress"), default=0)
    not_started = models.PositiveIntegerField(_("not started"), default=0)
    red = models.PositiveIntegerField(_("red"), default=0)
    yellow = models.PositiveIntegerField(_("yellow"), default=0)
    green = models.PositiveIntegerField(_("green"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class DocumentTally(Tally):
    """One document's counts (whether it is still the current version is read from it)."""

    document = models.OneToOneField(
        PolicyDocument,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="tally",
        verbose_name=_("document"),
    )
    tasks = models.PositiveIntegerField(_("tasks"), default=0)

    class Meta:
        verbose_name = _("document tally")
        verbose_name_plural = _("document tallies")

    def __str__(self):
        return f"{self.document_id}: {self.assignments}"


class UnitTally(Tally):
    """One unit's counts over the current documents of one jurisdiction, with its reports
    sent, sent on time and missed (from the assignments' counters)."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.CASCADE, related_name="+", verbose_name=_("jurisdiction")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="tallies", verbose_name=_("unit")
    )
    reports_sent = models.PositiveIntegerField(_("reports sent"), default=0)
    reports_on_time = models.PositiveIntegerField(_("reports sent on time"), default=0)
    missed_reports = models.PositiveIntegerField(_("reports missed"), default=0)

    class Meta:
        verbose_name = _("unit tally")
        verbose_name_plural = _("unit tallies")
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "unit"], name="unit_tally_once"),
        ]

    def __str__(self):
        return f"{self.jurisdiction_id}/{self.unit_id}: {self.assignments}"

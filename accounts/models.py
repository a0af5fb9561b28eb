"""Users, jurisdictions, units and their aliases, memberships."""

import unicodedata

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tracker.db import TimeStampedModel

from .choices import Role, UnitKind


def normalize_name(name: str) -> str:
    """Return the lookup key of a unit name: NFKC, no white space.

    Full-width and half-width brackets, stray spaces from page breaks and similar variations
    must not make two spellings of one name look different.
    """
    return "".join(unicodedata.normalize("NFKC", name or "").split())


class User(AbstractUser):
    """A person who signs in; custom from the first migration so it can grow."""

    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    must_change_password = models.BooleanField(
        _("must change password"),
        default=False,
        help_text=_("Set for demo and initial accounts: the next sign-in asks for a new one."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self):
        return self.display_name or self.get_full_name() or self.username


class Jurisdiction(TimeStampedModel):
    """A city or province whose units are named in its documents (深圳市, 郑州市 …)."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    short_name = models.CharField(_("short name"), max_length=20, blank=True)
    province = models.CharField(_("province"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("jurisdiction")
        verbose_name_plural = _("jurisdictions")
        ordering = ["name"]

    def __str__(self):
        return self.name


class UnitQuerySet(models.QuerySet):
    def in_jurisdiction(self, jurisdiction):
        return self.filter(jurisdiction=jurisdiction)


class Unit(TimeStampedModel):
    """A responsible body (责任单位) in one jurisdiction, under its canonical name."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="units", verbose_name=_("jurisdiction")
    )
    name = models.CharField(_("canonical name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    kind = models.CharField(
        _("kind"), max_length=32, choices=UnitKind.choices, default=UnitKind.OTHER
    )
    members = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="collectives",
        verbose_name=_("members"),
        help_text=_("For a collective unit such as 各区: the units it stands for."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    successor = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="predecessors",
        verbose_name=_("successor"),
        help_text=_("The body that took over this one's work after a rename or merger."),
    )

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["jurisdiction__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "name"], name="unit_unique_name_per_jurisdiction"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_collective(self):
        return self.kind == UnitKind.COLLECTIVE


class UnitAlias(TimeStampedModel):
    """Another spelling of a unit's name (人行分行, 市人社局 …), unique within its jurisdiction."""

    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="aliases", verbose_name=_("unit")
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        on_delete=models.CASCADE,
        related_name="aliases",
        verbose_name=_("jurisdiction"),
    )
    name = models.CharField(_("alias"), max_length=100)
    normalized = models.CharField(_("lookup key"), max_length=100, editable=False)

    class Meta:
        verbose_name = _("unit alias")
        verbose_name_plural = _("unit aliases")
        ordering = ["jurisdiction__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "normalized"], name="unitalias_unique_per_jurisdiction"
            ),
        ]

    def __str__(self):
        return f"{self.name} → {self.unit.name}"

    def clean(self):
        if (
            self.unit_id
            and self.jurisdiction_id
            and self.unit.jurisdiction_id != self.jurisdiction_id
        ):
            raise ValidationError(_("An alias must be in the jurisdiction of its unit."))

    def save(self, *args, **kwargs):
        self.normalized = normalize_name(self.name)
        if self.unit_id and not self.jurisdiction_id:
            self.jurisdiction_id = self.unit.jurisdiction_id
        super().save(*args, **kwargs)


class Membership(TimeStampedModel):
    """Ties a user to a unit (staff, unit leader) or to a jurisdiction (supervisor)."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(
        Unit,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("unit"),
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("jurisdiction"),
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["user__username", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "unit", "jurisdiction"], name="membership_unique"
            ),
            models.CheckConstraint(
                condition=Q(role=Role.SUPERVISOR) | Q(unit__isnull=False),
                name="membership_unit_required_for_unit_roles",
            ),
        ]

    def __str__(self):
        where = self.unit or self.jurisdiction
        return f"{self.user} · {self.get_role_display()} · {where}"

    def clean(self):
        if self.role != Role.SUPERVISOR and not self.unit_id:
            raise ValidationError({"unit": _("Staff and unit leaders belong to a unit.")})
        if self.unit_id and self.unit.jurisdiction_id != self.jurisdiction_id:
            raise ValidationError({"unit": _("The unit is not in this jurisdiction.")})

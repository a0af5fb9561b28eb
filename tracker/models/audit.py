"""The append-only, hash-chained audit trail."""

import hashlib
import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Jurisdiction, Unit


class AppendOnlyError(RuntimeError):
    """Raised on any attempt to change or delete an audit event."""


def event_hash(event) -> str:
    """SHA-256 of an event's content and its predecessor's hash (also used by a migration)."""
    content = {
        "prev": event.prev_hash,
        "at": event.created_at.isoformat(),
        "actor": event.actor_id,
        "actor_name": event.actor_name,
        "action": event.action,
        "object": [event.object_type, event.object_id],
        "jurisdiction": event.jurisdiction_id,
        "unit": event.unit_id,
        "before": event.before,
        "after": event.after,
        "ip": event.ip_address,
    }
    canonical = json.dumps(
        content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), cls=DjangoJSONEncoder
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


class AuditEventQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Events of supervised jurisdictions (all of them for a superuser)."""
        from accounts.scoping import supervised_jurisdictions

        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(jurisdiction__in=supervised_jurisdictions(user))

    def update(self, **kwargs):
        raise AppendOnlyError("audit events cannot be changed")

    def delete(self):
        raise AppendOnlyError("audit events cannot be deleted")


class AuditEvent(models.Model):
    """An append-only record of a change of state: who, when, what, before and after.

    Each event stores the hash of the one before it and its own hash over its content, so that
    editing or deleting any row breaks the chain (``manage.py verify_audit``).
    """

    created_at = models.DateTimeField(_("at"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_name = models.CharField(_("actor name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=50)
    object_type = models.CharField(_("object type"), max_length=50)
    object_id = models.CharField(_("object id"), max_length=50)
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("jurisdiction"),
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unit"),
    )
    before = models.JSONField(_("before"), null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(_("after"), null=True, blank=True, encoder=DjangoJSONEncoder)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    prev_hash = models.CharField(_("hash of the previous event"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
            models.Index(fields=["unit", "id"], name="audit_unit"),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit events cannot be deleted")

    def compute_hash(self) -> str:
        """SHA-256 over the previous hash and this event's content, in a canonical form."""
        return event_hash(self)


class AuditChainHead(models.Model):
    """One row holding the hash of the newest event; locking it orders concurrent appends."""

    last_hash = models.CharField(_("hash of the newest event"), max_length=64)
    count = models.PositiveBigIntegerField(_("events"), default=0)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain head")

    def __str__(self):
        return self.last_hash

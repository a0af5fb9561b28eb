"""Writing audit events: every service that changes state calls ``record``."""

from .models import AuditEvent


def record(*, action: str, obj, actor=None, before=None, after=None, ip_address=None) -> AuditEvent:
    """Append one audit event for ``obj``; call inside the service's transaction.

    The event is written in the same transaction as the change it describes, so a rolled-back
    change leaves no event behind and a committed one always has its event.
    """
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        before=before,
        after=after,
        ip_address=ip_address,
    )

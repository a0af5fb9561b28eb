"""Writing audit events: every service that changes state calls ``record``."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from .models import AuditChainHead, AuditEvent

GENESIS_HASH = "0" * 64


def _plain(value):
    """The value as it will read back from the JSON column, so the hash is stable."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def _scope_of(obj) -> tuple[int | None, int | None]:
    """(jurisdiction id, unit id) an event about ``obj`` is filed under, for scoped reading."""
    from accounts.models import Jurisdiction, Unit

    if isinstance(obj, Unit):
        return obj.jurisdiction_id, obj.pk
    if isinstance(obj, Jurisdiction):
        return obj.pk, None
    for path in ("unit", "assignment.unit"):
        target = obj
        for name in path.split("."):
            target = getattr(target, name, None)
        if isinstance(target, Unit):
            return target.jurisdiction_id, target.pk
    jurisdiction_id = getattr(obj, "jurisdiction_id", None)
    if jurisdiction_id is None and getattr(obj, "document", None) is not None:
        jurisdiction_id = obj.document.jurisdiction_id
    return jurisdiction_id, None


def record(
    *,
    action: str,
    obj,
    actor=None,
    before=None,
    after=None,
    ip_address=None,
    unit=None,
    jurisdiction=None,
) -> AuditEvent:
    """Append one audit event for ``obj``; call inside the service's transaction.

    The event is written in the same transaction as the change it describes, so a rolled-back
    change leaves no event behind and a committed one always has its event. The chain head is
    locked for the rest of the transaction, so concurrent appends are ordered and never fork.
    """
    jurisdiction_id, unit_id = _scope_of(obj)
    if unit is not None:
        unit_id, jurisdiction_id = unit.pk, unit.jurisdiction_id
    if jurisdiction is not None:
        jurisdiction_id = jurisdiction.pk
    with transaction.atomic():
        head, _created = AuditChainHead.objects.select_for_update().get_or_create(
            pk=1, defaults={"last_hash": GENESIS_HASH}
        )
        person = actor if actor is not None and actor.is_authenticated else None
        event = AuditEvent(
            created_at=timezone.now(),
            actor=person,
            actor_name=person.get_username() if person else "",
            action=action,
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            jurisdiction_id=jurisdiction_id,
            unit_id=unit_id,
            before=_plain(before),
            after=_plain(after),
            ip_address=ip_address,
            prev_hash=head.last_hash,
        )
        event.hash = event.compute_hash()
        event.save()
        head.last_hash = event.hash
        head.count += 1
        head.save(update_fields=["last_hash", "count"])
    return event


def verify_chain() -> list[str]:
    """Check every event's hash and link; return the problems found (empty when intact).

    An edited row changes its hash; a deleted row breaks the next event's link; a deleted tail
    no longer matches the chain head's hash and count.
    """
    problems: list[str] = []
    previous = GENESIS_HASH
    count = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        count += 1
        if event.prev_hash != previous:
            problems.append(f"event {event.pk}: link to the previous event is broken")
        if event.compute_hash() != event.hash:
            problems.append(f"event {event.pk}: content does not match its hash")
        previous = event.hash
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is None:
        if count:
            problems.append("chain head is missing")
    elif head.last_hash != previous or head.count != count:
        problems.append(
            f"chain head expects {head.count} events ending in {head.last_hash[:12]}, "
            f"found {count} ending in {previous[:12]}"
        )
    return problems

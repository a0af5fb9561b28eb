"""Delivery of the outbox: claim a message, send it through its channel, record the outcome.

A message is claimed with a conditional UPDATE (pending → sending), so two workers or a
retried task never send it twice. A failure counts an attempt and schedules the next one with
exponential backoff; after CHANNEL_MAX_ATTEMPTS the message is failed and shown to admins.
Every message is delivered on its own, so one failing channel never holds up the others.
Transactional channels (in-app) send inside the transaction that marks the message sent: a
worker killed half-way leaves the message pending, never sent twice. A worker killed while an
external channel was sending leaves the message "sending": whether it went out is unknown, so
it is not resent by itself (at most once); an admin may retry it.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tracker.channels import get_channel
from tracker.choices import MessageStatus
from tracker.models import OutboundMessage

logger = logging.getLogger(__name__)

BACKOFF_BASE_SECONDS = 60
BACKOFF_MAX_SECONDS = 6 * 3600


@dataclass(frozen=True)
class Delivery:
    """The outcome of one delivery attempt: sent, retry, failed or skipped (not claimable)."""

    outcome: str
    retry_in: float | None = None


def backoff(attempts: int) -> timedelta:
    """Wait before attempt ``attempts + 1``: 1, 2, 4, 8 … minutes, at most six hours."""
    return timedelta(
        seconds=min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_MAX_SECONDS)
    )


def due_messages(*, now: datetime):
    """Pending messages whose day has come and whose next attempt is due."""
    return OutboundMessage.objects.filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
        status=MessageStatus.PENDING,
        day__lte=timezone.localdate(now),
    )


def _claim(message_id: int, now: datetime) -> bool:
    return (
        due_messages(now=now)
        .filter(pk=message_id)
        .update(status=MessageStatus.SENDING, claimed_at=now)
        == 1
    )


def _failed(message: OutboundMessage, exc: Exception, now: datetime) -> Delivery:
    attempts = message.attempts + 1
    error = f"{type(exc).__name__}: {exc}"[:2000]
    logger.warning(
        "delivery of message %s over %s failed (attempt %s): %s",
        message.pk,
        message.channel,
        attempts,
        error,
    )
    if attempts >= settings.CHANNEL_MAX_ATTEMPTS:
        OutboundMessage.objects.filter(pk=message.pk).update(
            status=MessageStatus.FAILED, attempts=attempts, last_error=error, next_attempt_at=None
        )
        return Delivery("failed")
    wait = backoff(attempts)
    OutboundMessage.objects.filter(pk=message.pk).update(
        status=MessageStatus.PENDING,
        attempts=attempts,
        last_error=error,
        next_attempt_at=now + wait,
    )
    return Delivery("retry", retry_in=wait.total_seconds())


def _sent(message: OutboundMessage, now: datetime) -> Delivery:
    OutboundMessage.objects.filter(pk=message.pk).update(
        status=MessageStatus.SENT, attempts=message.attempts + 1, sent_at=now, last_error=""
    )
    return Delivery("sent")


def _final_text(message):
    """A claimed digest takes no more rows: write its text from all of them before sending."""
    if message.is_digest:
        from .reminders import render_message

        render_message(message)
    return message


def deliver_message(*, message_id: int, now: datetime | None = None) -> Delivery:
    """Send one outbox message if it is due and nobody else has claimed it."""
    now = now or timezone.now()
    name = OutboundMessage.objects.filter(pk=message_id).values_list("channel", flat=True).first()
    if name is None:
        return Delivery("skipped")
    channel = get_channel(name)
    if channel.transactional:
        with transaction.atomic():
            if not _claim(message_id, now):
                return Delivery("skipped")
            message = _final_text(OutboundMessage.objects.select_related("user").get(pk=message_id))
            try:
                with transaction.atomic():
                    channel.send(message)
            except Exception as exc:  # any failure of a channel is retried
                return _failed(message, exc, now)
            return _sent(message, now)
    if not _claim(message_id, now):
        return Delivery("skipped")
    message = _final_text(
        OutboundMessage.objects.select_related("user", "unit_channel").get(pk=message_id)
    )
    try:
        channel.send(message)
    except Exception as exc:  # any failure of a channel is retried
        return _failed(message, exc, now)
    return _sent(message, now)


def deliver_due_messages(*, now: datetime, limit: int = 1000) -> dict[str, int]:
    """Deliver every due message in this process (the command and tests); counts by outcome."""
    counts: dict[str, int] = {}
    ids = list(due_messages(now=now).order_by("pk").values_list("pk", flat=True)[:limit])
    for message_id in ids:
        outcome = deliver_message(message_id=message_id, now=now).outcome
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def queue_delivery(message_ids) -> None:
    """After the commit, deliver in-app messages at once and queue one Celery task per other
    message (a failing channel then retries on its own, never blocking the rest)."""
    ids = list(message_ids)
    if not ids:
        return

    def run():
        from kombu.exceptions import OperationalError

        from tracker.tasks import deliver_message as deliver_task

        inline = {
            pk
            for pk, name in OutboundMessage.objects.filter(pk__in=ids).values_list("pk", "channel")
            if get_channel(name).transactional
        }
        for pk in ids:  # in-app first: they need no broker
            if pk in inline:
                deliver_message(message_id=pk)
        for pk in ids:
            if pk not in inline:
                try:
                    deliver_task.delay(pk)
                except OperationalError as exc:  # broker away: the rest wait in the outbox
                    logger.warning(
                        "broker unavailable (%s); %s message(s) wait for retry_deliveries",
                        exc,
                        len(ids) - len(inline),
                    )
                    return

    transaction.on_commit(run, robust=True)


def queue_due_messages(*, now: datetime, limit: int = 1000) -> int:
    """Queue the due messages (retries whose backoff has passed, digests of a new day)."""
    ids = list(due_messages(now=now).order_by("pk").values_list("pk", flat=True)[:limit])
    queue_delivery(ids)
    return len(ids)


def retry_message(*, message: OutboundMessage, now: datetime | None = None) -> bool:
    """Make a failed, stuck or waiting message due now (the admin's "retry now")."""
    now = now or timezone.now()
    changed = OutboundMessage.objects.filter(
        pk=message.pk,
        status__in=(MessageStatus.PENDING, MessageStatus.FAILED, MessageStatus.SENDING),
    ).update(status=MessageStatus.PENDING, next_attempt_at=None, claimed_at=None)
    if changed:
        queue_delivery([message.pk])
    return bool(changed)

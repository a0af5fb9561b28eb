"""Celery tasks: thin wrappers over services, JSON arguments only."""

import logging
import time
from contextlib import contextmanager
from datetime import datetime

from celery import shared_task
from django.db import connection
from django.utils import timezone

from . import services
from .models import ReminderLog
from .workdays import is_working_day

logger = logging.getLogger(__name__)


@shared_task(name="tracker.record_heartbeat", ignore_result=True)
def record_heartbeat():
    services.record_heartbeat(now=timezone.now())


@shared_task(name="tracker.refresh_states", ignore_result=True)
def refresh_states():
    """Nightly: lights change with the date alone (a due date comes near or passes)."""
    services.refresh_all_states(today=timezone.localdate())


@shared_task(name="tracker.flag_unreceived", ignore_result=True)
def flag_unreceived():
    services.flag_unreceived(now=timezone.now())


@shared_task(name="tracker.send_reminders", ignore_result=True)
def send_reminders(at=None, force=False, pause_after_write_seconds=0):
    """Daily 09:00: reminders and escalation (催办/督办), on working days only.

    ``at`` (ISO date-time) runs the scan as of that moment, e.g. from a periodic task edited
    in the admin; ``force`` runs it on a day off too. Deliveries are queued after the commit.
    ``pause_after_write_seconds`` exists for fault tests only: the scan sleeps inside its
    transaction once its rows are written, so a test can kill the worker mid-transaction.
    """
    now = _parse(at) if at else timezone.now()
    if not force and not is_working_day(timezone.localdate(now)):
        return
    with _pause_after_write(pause_after_write_seconds):
        services.scan_reminders(now=now, queue=True)


@shared_task(
    bind=True,
    name="tracker.deliver_message",
    ignore_result=True,
    max_retries=None,
)
def deliver_message(self, message_id):
    """Send one outbox message; on failure try again after the backoff the service chose."""
    delivery = services.deliver_message(message_id=message_id, now=timezone.now())
    if delivery.outcome == "retry" and delivery.retry_in is not None:
        raise self.retry(countdown=delivery.retry_in)


@shared_task(name="tracker.retry_deliveries", ignore_result=True)
def retry_deliveries():
    """Safety net for lost delivery tasks: queue every message whose (re)try is due."""
    services.queue_due_messages(now=timezone.now())


@contextmanager
def _pause_after_write(seconds):
    """Fault tests only: sleep ``seconds`` right after the scan's last write (the INSERT of
    its reminder rows, each already pointing at its digest), which the scan's transaction
    holds."""
    if not seconds:
        yield
        return
    statement = f'INSERT INTO "{ReminderLog._meta.db_table}"'.upper()
    paused = False

    def pause_once(execute, sql, params, many, context):
        nonlocal paused
        result = execute(sql, params, many, context)
        if not paused and sql.lstrip().upper().startswith(statement):
            paused = True
            logger.warning("reminder scan paused after its writes (fault test)")
            time.sleep(seconds)
        return result

    with connection.execute_wrapper(pause_once):
        yield


def _parse(value: str):
    moment = datetime.fromisoformat(value)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment

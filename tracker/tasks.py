"""Celery tasks: thin wrappers over services, JSON arguments only."""

from celery import shared_task
from django.utils import timezone

from . import services


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

"""Celery tasks: thin wrappers over services, JSON arguments only."""

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(name="tracker.record_heartbeat", ignore_result=True)
def record_heartbeat():
    services.record_heartbeat(now=timezone.now())

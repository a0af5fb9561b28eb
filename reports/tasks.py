"""Celery tasks of the evaluation: thin wrappers over ``reports.services``, JSON arguments."""

import logging
import time
from datetime import datetime, timedelta

from celery import shared_task
from django.utils import timezone

from accounts.models import Jurisdiction

from . import services
from .models import period_code_of

logger = logging.getLogger(__name__)


def _parse(value) -> datetime:
    moment = datetime.fromisoformat(value)
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def ended_period_code(now) -> str:
    """The code of the half-year that ended before ``now`` (2026H1 on 1 July 2026)."""
    today = timezone.localdate(now)
    first_of_half = today.replace(month=1 if today.month <= 6 else 7, day=1)
    return period_code_of(first_of_half - timedelta(days=1))


@shared_task(name="reports.rollup_ended_period", ignore_result=True)
def rollup_ended_period(at=None):
    """Beat, 00:30 on 1 January and 1 July: roll up the half-year that just ended, for every
    jurisdiction that has tasks. A published period is left alone (it needs an unpublish)."""
    now = _parse(at) if at else timezone.now()
    code = ended_period_code(now)
    done = []
    for jurisdiction in Jurisdiction.objects.filter(documents__tasks__isnull=False).distinct():
        period = services.get_period(jurisdiction=jurisdiction, code=code)
        if period is not None and period.is_published:
            continue
        services.rollup_period(jurisdiction=jurisdiction, code=code, now=now)
        done.append(jurisdiction.pk)
    return done


@shared_task(name="reports.rollup_period", ignore_result=True)
def rollup_period(jurisdiction_id, code, at=None, force=False, pause_after_write_seconds=0):
    """Roll up one period of one jurisdiction.

    ``pause_after_write_seconds`` exists for fault tests only: it sleeps inside the rollup's
    transaction after the rows are written, so a test can kill the worker mid-transaction.
    """
    now = _parse(at) if at else timezone.now()

    def pause(period):
        logger.warning("rollup of %s paused inside its transaction (fault test)", period)
        time.sleep(pause_after_write_seconds)

    services.rollup_period(
        jurisdiction=Jurisdiction.objects.get(pk=jurisdiction_id),
        code=code,
        now=now,
        force=force,
        after_write=pause if pause_after_write_seconds else None,
    )

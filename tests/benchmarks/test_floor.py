"""The benchmark's SQL floor computes the same figures as the rollup (else its ratio lies)."""

from datetime import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from accounts.models import Jurisdiction
from benchmarks.floor import floor_rows
from reports import scoring, services
from reports.models import EvaluationSnapshot

NOW = timezone.make_aware(datetime(2026, 7, 5, 9, 0))
COUNTS = (
    "tasks_assigned",
    "tasks_done",
    "tasks_overdue",
    "reports_due",
    "reports_on_time",
    "reports_late",
    "reports_missing",
)


@pytest.mark.django_db
def test_floor_query_agrees_with_the_rollup_on_the_demo():
    call_command("load_demo", "--history", stdout=StringIO(), stderr=StringIO())
    compared = 0
    seen = [0] * (len(COUNTS) + 1)  # rows where each figure is non-zero (attainment: not NULL)
    for jurisdiction in Jurisdiction.objects.filter(documents__isnull=False).distinct():
        period = services.rollup_period(jurisdiction=jurisdiction, code="2026H1", now=NOW)
        floor = {
            (row[0], row[1]): (*(int(v) for v in row[2:9]), scoring.as_rate(row[9]))
            for row in floor_rows(connection, period=period)
        }
        rollup = {
            (s.unit_id, s.document_id): (
                *(getattr(s, name) for name in COUNTS),
                s.target_attainment,
            )
            for s in EvaluationSnapshot.objects.filter(period=period)
        }
        assert floor == rollup, jurisdiction.name
        compared += len(rollup)
        for figures in rollup.values():
            seen = [n + bool(v) for n, v in zip(seen, figures, strict=True)]
    assert compared > 100
    # every figure, late and missing reports included, is exercised by the comparison
    assert all(seen), dict(zip((*COUNTS, "target_attainment"), seen, strict=True))

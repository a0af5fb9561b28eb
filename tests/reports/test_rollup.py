"""The half-year rollup: figures against a hand count, idempotence, immutability, queries."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reports import services
from reports.choices import PeriodStatus
from reports.models import EvaluationPeriod, EvaluationSnapshot, parse_period_code
from reports.scoring import competition_ranks, score
from reports.tasks import ended_period_code, rollup_ended_period
from tracker.errors import Conflict, DomainError, NotAllowed
from tracker.models import Assignment, AuditEvent, ProgressReport, ReportingPeriod, Task
from tracker.services.states import refresh_assignments

from .scenario import EXPECTED, NOW, at, build

FIELDS = list(next(iter(EXPECTED.values())))


def rows(period):
    """Every column of every row, ordered: the byte-level content of the period."""
    return list(EvaluationSnapshot.objects.filter(period=period).order_by("pk").values_list())


@pytest.fixture
def scenario(world):
    return build(world)


def _unit_rows(world, period):
    units = {
        "lead": world.lead_unit,
        "support": world.support_unit,
        "unrelated": world.unrelated.unit,
    }
    return {
        name: EvaluationSnapshot.objects.filter(period=period, unit=unit)
        for name, unit in units.items()
    }


def test_parse_period_code():
    assert parse_period_code("2026H1") == (date(2026, 1, 1), date(2026, 6, 30))
    assert parse_period_code("2025h2") == (date(2025, 7, 1), date(2025, 12, 31))
    for bad in ("2026H3", "2026", "H1", "", "26H1"):
        with pytest.raises(DomainError) as error:
            parse_period_code(bad)
        assert error.value.code == "bad_period_code"


def test_rollup_equals_the_hand_count(scenario):
    # given the scenario of tests/reports/scenario.py, when rolled up on 5 July
    period = services.rollup_period(jurisdiction=scenario.shenzhen, code="2026H1", now=NOW)
    # then every figure of every row is the hand count, per document and overall
    assert period.status == PeriodStatus.DRAFT
    for name, snapshots in _unit_rows(scenario, period).items():
        assert snapshots.count() == 2  # the document row and the overall row
        for snapshot in snapshots:
            got = {field: getattr(snapshot, field) for field in FIELDS}
            assert got == EXPECTED[name], (name, snapshot.document_id)
    assert EvaluationSnapshot.objects.filter(period=period).count() == 6
    # the inactive assignment is not counted; reports due come from the stored periods
    assert (
        ReportingPeriod.objects.filter(
            assignment__is_active=True, due_on__gte=date(2026, 1, 1), due_on__lt=date(2026, 7, 1)
        ).count()
        == 2 + 5 + 1
    )
    assert period.as_of == timezone.make_aware(timezone.datetime(2026, 7, 1))
    assert period.weights == {
        "on_time": "0.40",
        "completion": "0.40",
        "target": "0.20",
        "overdue_penalty": "0.20",
    }
    assert AuditEvent.objects.filter(action="period.rolled_up").count() == 1


def test_rerun_leaves_rows_byte_identical(scenario):
    period = services.rollup_period(jurisdiction=scenario.shenzhen, code="2026H1", now=NOW)
    first = rows(period)
    later = NOW + timedelta(days=3)
    services.rollup_period(period=period, now=later)
    assert rows(period) == first


def test_later_events_do_not_change_the_frozen_figures(scenario):
    # given the task of the lead closed and a report sent after the period end
    period = services.rollup_period(jurisdiction=scenario.shenzhen, code="2026H1", now=NOW)
    first = rows(period)
    Task.objects.filter(pk=scenario.task.pk).update(closed_at=at(2026, 7, 2))
    # when rolled up again, then nothing changed: figures are as of 30 June
    services.rollup_period(period=period, now=NOW + timedelta(days=1))
    assert rows(period) == first


def test_a_published_period_is_immutable_until_an_audited_unpublish(scenario):
    period = services.rollup_period(jurisdiction=scenario.shenzhen, code="2026H1", now=NOW)
    services.publish_period(period=period, by=scenario.supervisor, now=NOW, before_deadline=True)
    with pytest.raises(Conflict) as error:
        services.rollup_period(period=period, now=NOW)
    assert error.value.code == "period_published"
    with pytest.raises(NotAllowed):
        services.unpublish_period(period=period, by=scenario.supervisor, reason="x", now=NOW)
    with pytest.raises(DomainError):
        services.unpublish_period(period=period, by=scenario.admin, reason=" ", now=NOW)
    services.unpublish_period(period=period, by=scenario.admin, reason="数据更正", now=NOW)
    event = AuditEvent.objects.filter(action="period.unpublished").get()
    assert event.after["reason"] == "数据更正" and event.before["status"] == "published"
    period = services.rollup_period(period=period, now=NOW)
    assert period.status == PeriodStatus.DRAFT


def test_publication_waits_for_the_appeal_window(scenario):
    period = services.rollup_period(jurisdiction=scenario.shenzhen, code="2026H1", now=NOW)
    assert period.appeal_deadline > NOW.date()
    with pytest.raises(Conflict) as error:
        services.publish_period(period=period, by=scenario.supervisor, now=NOW)
    assert error.value.code == "appeal_window_open"
    after = timezone.make_aware(
        timezone.datetime.combine(
            period.appeal_deadline + timedelta(days=1), timezone.datetime.min.time()
        )
    )
    with pytest.raises(NotAllowed):
        services.publish_period(period=period, by=scenario.staff, now=after)
    with pytest.raises(NotAllowed):
        services.publish_period(period=period, by=scenario.other_supervisor, now=after)
    period = services.publish_period(period=period, by=scenario.supervisor, now=after)
    assert period.status == PeriodStatus.PUBLISHED and period.published_by == scenario.supervisor


def test_a_period_not_ended_needs_force(scenario):
    early = at(2026, 6, 20)
    with pytest.raises(Conflict) as error:
        services.rollup_period(jurisdiction=scenario.shenzhen, code="2026H1", now=early)
    assert error.value.code == "period_not_ended"
    assert not EvaluationPeriod.objects.exists()  # the refused call left nothing behind
    period = services.rollup_period(
        jurisdiction=scenario.shenzhen, code="2026H1", now=early, force=True
    )
    # as of 20 June, the support unit's last report (due 1 June) is due, nothing later
    support = EvaluationSnapshot.objects.get(
        period=period, unit=scenario.support_unit, document=None
    )
    assert support.reports_due == 5
    # an early rollup cannot be published
    with pytest.raises(Conflict) as error:
        services.publish_period(
            period=period, by=scenario.supervisor, now=early, before_deadline=True
        )
    assert error.value.code == "period_not_ended"


def test_only_supervisors_of_the_jurisdiction_roll_up(scenario):
    for user in (scenario.staff, scenario.other_supervisor):
        with pytest.raises(NotAllowed):
            services.rollup_period(jurisdiction=scenario.shenzhen, code="2026H1", now=NOW, by=user)
    services.rollup_period(
        jurisdiction=scenario.shenzhen, code="2026H1", now=NOW, by=scenario.supervisor
    )


def test_beat_task_rolls_up_the_half_year_that_ended(scenario):
    assert ended_period_code(at(2026, 7, 1, 0)) == "2026H1"
    assert ended_period_code(at(2027, 1, 1, 0)) == "2026H2"
    rollup_ended_period(at="2026-07-01T00:30:00+08:00")
    period = EvaluationPeriod.objects.get(jurisdiction=scenario.shenzhen, code="2026H1")
    assert period.snapshots.count() == 6


def _grow(world, n):
    """Add ``n`` tasks with an assignment for each of two units and a report each."""
    for i in range(n):
        task = Task.objects.create(
            document=world.document, clause=world.task.clause, order=100 + i, title=f"t{i}"
        )
        for unit in (world.lead_unit, world.support_unit):
            a = Assignment.objects.create(
                task=task,
                unit=unit,
                start_date=date(2026, 1, 1),
                due_date=date(2026, 4, 30),
                evaluation_due_date=date(2026, 4, 30),
            )
            Assignment.objects.filter(pk=a.pk).update(created_at=at(2025, 12, 1))
            ProgressReport.objects.create(
                assignment=a,
                period_start=date(2026, 1, 1),
                period_end=date(2026, 1, 31),
                due_on=date(2026, 2, 5),
                status="submitted",
                progress="p",
                percent=10,
                author=world.staff,
                first_submitted_at=at(2026, 2, 3),
            )
    refresh_assignments(Assignment.objects.all(), today=date(2026, 7, 5))


def _queries(world):
    with CaptureQueriesContext(connection) as context:
        services.rollup_period(jurisdiction=world.shenzhen, code="2026H1", now=NOW)
    EvaluationSnapshot.objects.all().delete()
    return len(context.captured_queries)


def test_query_count_does_not_grow_with_the_data(scenario):
    _queries(scenario)  # the first run also creates the period
    small = _queries(scenario)
    _grow(scenario, 10)  # 3 → 23 assignments, 8 → 88 due reports
    large = _queries(scenario)
    # savepoint, period (get, lock), weights, 3 grouped aggregates (tasks, reports due from
    # the stored reporting periods, target actuals), existing rows, corrected appeals,
    # snapshot insert, period save, audit (savepoint, head, event, head, release), release:
    # constant, apart from bulk inserts in batches (SQLite: 999 variables a statement)
    assert small == large == 17


def test_score_formula_by_hand():
    weights = {"on_time": "0.4", "completion": "0.4", "target": "0.2", "overdue_penalty": "0.2"}
    # nothing due at all: 0
    assert score(
        weights=weights,
        tasks_assigned=0,
        tasks_overdue=0,
        reports_due=0,
        on_time_rate=Decimal("0"),
        completion_rate=Decimal("0"),
        target_attainment=None,
    ) == Decimal("0.00")
    # 100 × (0.4 × 0.75 + 0.4 × 0.5 + 0.2 × 0.5) − 100 × 0.2 × 1/4 = 60 − 5 = 55
    assert score(
        weights=weights,
        tasks_assigned=4,
        tasks_overdue=1,
        reports_due=4,
        on_time_rate=Decimal("0.75"),
        completion_rate=Decimal("0.5"),
        target_attainment=Decimal("0.5"),
    ) == Decimal("55.00")
    assert competition_ranks([Decimal(90), Decimal(80), Decimal(80), Decimal(70)]) == [1, 2, 2, 4]

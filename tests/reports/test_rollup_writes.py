"""How a rollup writes its rows: new rows inserted, changed rows updated in place (their ids
kept), rows no longer counted deleted, unchanged rows not written at all. On PostgreSQL the
rows go through COPY (and a temporary table for the updates), elsewhere through Django's
bulk operations: these tests run on both."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports import services
from reports.models import EvaluationSnapshot
from tracker.models import Assignment, Task

from .scenario import EXPECTED, NOW, at, build

FIELDS = list(next(iter(EXPECTED.values())))


@pytest.fixture
def scenario(world):
    return build(world)


def _ids(period) -> dict:
    return {
        (s.unit_id, s.document_id): s.pk for s in EvaluationSnapshot.objects.filter(period=period)
    }


def _figures(world, period, unit) -> list[dict]:
    return [
        {field: getattr(s, field) for field in FIELDS}
        for s in EvaluationSnapshot.objects.filter(period=period, unit=unit)
    ]


def test_a_rollup_over_a_preview_updates_its_rows_in_place(scenario):
    # given an early rollup on 1 April: fewer reports due, no actual yet, the unrelated
    # unit's task overdue (closed only on 2 April)
    preview = services.rollup_period(
        jurisdiction=scenario.shenzhen, code="2026H1", now=at(2026, 4, 1), force=True
    )
    before = _ids(preview)
    unrelated = EvaluationSnapshot.objects.get(
        period=preview, unit=scenario.unrelated.unit, document=None
    )
    # 100 × (0.4 × 1 + 0.4 × 0) ÷ 0.8 − 100 × 0.2 × 1/1 = 30, against 100 at the end
    assert (unrelated.tasks_overdue, unrelated.score) == (1, 30)
    # when the scheduled rollup recomputes it after the period end
    period = services.rollup_period(period=preview, now=NOW)
    # then every row has the hand-counted figures, under the ids the preview gave it
    assert _ids(period) == before
    for name, unit in (
        ("lead", scenario.lead_unit),
        ("support", scenario.support_unit),
        ("unrelated", scenario.unrelated.unit),
    ):
        assert _figures(scenario, period, unit) == [EXPECTED[name]] * 2, name


def test_rows_gone_are_deleted_and_new_rows_inserted_in_the_same_run(scenario):
    period = services.rollup_period(jurisdiction=scenario.shenzhen, code="2026H1", now=NOW)
    before = _ids(period)
    # given the unrelated unit's assignment deactivated and the inactive one reactivated
    revived = Assignment.objects.get(task=scenario.other_task, is_active=False)
    Assignment.objects.filter(pk=scenario.unrelated.pk).update(is_active=False)
    Assignment.objects.filter(pk=revived.pk).update(is_active=True, created_at=at(2025, 9, 1))
    # when rolled up again
    services.rollup_period(period=period, now=NOW + timedelta(days=1))
    after = _ids(period)
    # then the unrelated unit's rows are gone, the revived unit has rows, the others kept ids
    gone = {key for key in before if key[0] == scenario.unrelated.unit_id}
    new = {key for key in after if key[0] == revived.unit_id}
    assert len(gone) == len(new) == 2
    assert after.keys() == (before.keys() - gone) | new
    assert all(after[key] == before[key] for key in before.keys() - gone)
    assert not set(after.values()) & {before[key] for key in gone}
    # the revived unit's task is the closed one: done, nothing due in the period after its
    # creation; ranks were recomputed over the new set of units
    revived_row = EvaluationSnapshot.objects.get(period=period, unit=revived.unit, document=None)
    assert (revived_row.tasks_assigned, revived_row.tasks_done) == (1, 1)
    ranks = EvaluationSnapshot.objects.filter(period=period, document=None).values_list(
        "rank", flat=True
    )
    assert sorted(ranks) == [1, 2, 3]


def test_a_rerun_over_the_same_figures_writes_no_row(scenario):
    period = services.rollup_period(jurisdiction=scenario.shenzhen, code="2026H1", now=NOW)
    with CaptureQueriesContext(connection) as captured:
        services.rollup_period(period=period, now=NOW + timedelta(days=2))
    table = EvaluationSnapshot._meta.db_table
    writes = [
        q["sql"]
        for q in captured.captured_queries
        if table in q["sql"] and not q["sql"].lstrip().upper().startswith("SELECT")
    ]
    assert writes == []


def test_a_corrected_row_rewritten_keeps_its_correction_and_note(scenario):
    period = services.rollup_period(jurisdiction=scenario.shenzhen, code="2026H1", now=NOW)
    row = EvaluationSnapshot.objects.get(
        period=period, unit=scenario.lead_unit, document=scenario.document
    )
    appeal = services.file_appeal(snapshot=row, by=scenario.staff, reason="已报送", now=NOW)
    # a comment with the characters COPY's text format escapes
    comment = "核实\t第一季度\\按时\n报送"
    services.decide_appeal(
        appeal=appeal,
        by=scenario.supervisor,
        uphold=False,
        corrections={"reports_on_time": 2, "reports_late": 0},
        comment=comment,
        now=NOW,
    )
    row.refresh_from_db()
    note = row.correction_note
    assert comment in note
    # given the lead's task closed before the period end (the row's figures change)
    Task.objects.filter(pk=scenario.task.pk).update(closed_at=at(2026, 6, 1))
    # when rolled up again, then the row is rewritten with the correction re-applied
    services.rollup_period(period=period, now=NOW + timedelta(days=1))
    row.refresh_from_db()
    assert (row.tasks_done, row.completion_rate) == (1, 1)
    assert (row.reports_on_time, row.reports_late, row.corrected) == (2, 0, True)
    assert row.correction_note == note

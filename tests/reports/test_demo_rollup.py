"""The rollup of the demo data (``load_demo --history``, what ``make run`` shows) against a
count made the plain way: one Python loop over the demo's rows, applying the definitions of
``reports.services`` word by word, with none of the rollup's SQL.

The demo has 570 assignments and about 1,300 reports, too many to count on paper; this loop
is the hand count written down, and it is independent of the code under test except for the
reporting calendar (``tracker.periods``) and the score formula (``reports.scoring``), which
are definitions tested on their own.
"""

from collections import defaultdict
from datetime import datetime, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Jurisdiction
from clauses.choices import Comparator
from clauses.models import Target
from reports import scoring, services
from reports.models import EvaluationSnapshot
from tracker.models import Assignment, ProgressReport, TargetActual

NOW = timezone.make_aware(datetime(2026, 7, 5, 9, 0))
START = datetime(2026, 1, 1).date()
CUTOFF = datetime(2026, 7, 1).date()  # the day after the period's end
COUNTS = (
    "tasks_assigned",
    "tasks_done",
    "tasks_overdue",
    "reports_due",
    "reports_on_time",
    "reports_late",
    "reports_missing",
)


@pytest.fixture
def demo(db):
    call_command("load_demo", "--history", stdout=StringIO(), stderr=StringIO())


def _attainment(comparator, actual: Decimal, target: Decimal) -> float:
    if comparator == Comparator.GTE:
        return 1.0 if actual >= target else (float(actual / target) if target > 0 else 0.0)
    if comparator == Comparator.LTE:
        return 1.0 if actual <= target else (float(target / actual) if actual > 0 else 0.0)
    if actual == target:
        return 1.0
    if actual > 0 and target > 0:
        return float(min(actual, target) / max(actual, target))
    return 0.0


def hand_count(jurisdiction) -> dict:
    """{(unit id, document id or None): figures} by the definitions, one row at a time."""
    from tracker.periods import periods

    as_of = timezone.make_aware(datetime(2026, 7, 1))
    start_at = timezone.make_aware(datetime(2026, 1, 1))
    reports = defaultdict(list)
    for r in ProgressReport.objects.all():
        reports[r.assignment_id].append(r)
    actuals = defaultdict(list)
    for ta in TargetActual.objects.all():
        actuals[ta.report_id].append(ta)
    targets = {t.pk: t for t in Target.objects.all()}

    rows: dict = {}
    pairs: dict = defaultdict(list)  # attainment values per row key
    for a in Assignment.objects.select_related("task").order_by("pk"):
        task = a.task
        if not (a.is_active and task.is_active):
            continue
        if task.document.jurisdiction_id != jurisdiction.pk or a.created_at >= as_of:
            continue
        accepted = sorted(
            r.reviewed_at for r in reports[a.pk] if r.status == "accepted" and r.percent == 100
        )
        accepted_at = accepted[0] if accepted else None
        if task.closed_at is not None and task.closed_at < start_at:
            continue
        if accepted_at is not None and accepted_at < start_at:
            continue
        done_times = [t for t in (task.closed_at, accepted_at) if t is not None and t < as_of]
        done = bool(done_times)
        eval_due = a.evaluation_due_date or a.due_date
        overdue = not done and eval_due is not None and eval_due < CUTOFF

        start = a.start_date or task.start_date or timezone.localdate(a.created_at)
        end = max(a.due_date or (max(start, CUTOFF) + timedelta(days=366)), start)
        done_day = timezone.localdate(min(done_times)) if done_times else None
        first_sent = {
            r.period_start: timezone.localdate(r.first_submitted_at)
            for r in reports[a.pk]
            if r.first_submitted_at is not None and r.first_submitted_at < as_of
        }
        on_time = late = missing = 0
        for p in periods(cycle=a.report_cycle, report_day=a.report_day, start=start, end=end):
            if not (START <= p.due_on < CUTOFF) or (done_day and p.due_on > done_day):
                continue
            sent = first_sent.get(p.start)
            if sent is None:
                missing += 1
            elif sent <= p.due_on:
                on_time += 1
            else:
                late += 1

        # the latest submitted report carrying each target
        latest: dict = {}
        for r in sorted(reports[a.pk], key=lambda r: r.period_start):
            if r.first_submitted_at is None or r.first_submitted_at >= as_of:
                continue
            for ta in actuals[r.pk]:
                latest[ta.target_id] = ta
        values = [
            _attainment(targets[t].comparator, ta.value, targets[t].value)
            for t, ta in latest.items()
        ]

        for key in ((a.unit_id, task.document_id), (a.unit_id, None)):
            row = rows.setdefault(key, dict.fromkeys(COUNTS, 0))
            row["tasks_assigned"] += 1
            row["tasks_done"] += done
            row["tasks_overdue"] += overdue
            row["reports_due"] += on_time + late + missing
            row["reports_on_time"] += on_time
            row["reports_late"] += late
            row["reports_missing"] += missing
            pairs[key] += values
    weights = {"on_time": "0.40", "completion": "0.40", "target": "0.20", "overdue_penalty": "0.20"}
    for key, row in rows.items():
        row["on_time_rate"] = scoring.ratio(row["reports_on_time"], row["reports_due"])
        row["completion_rate"] = scoring.ratio(row["tasks_done"], row["tasks_assigned"])
        values = pairs[key]
        row["target_attainment"] = scoring.as_rate(sum(values) / len(values)) if values else None
        row["score"] = scoring.score(
            weights=weights,
            **{
                k: row[k]
                for k in (
                    "tasks_assigned",
                    "tasks_overdue",
                    "reports_due",
                    "on_time_rate",
                    "completion_rate",
                    "target_attainment",
                )
            },
        )
    return rows


def test_demo_history_is_there_and_deterministic(demo):
    # the history gives every jurisdiction's demo something to evaluate
    assert ProgressReport.objects.count() > 1000
    assert ProgressReport.objects.filter(status="accepted", percent=100).exists()
    assert TargetActual.objects.exists()
    first = list(ProgressReport.objects.order_by("pk").values_list("assignment_id", "due_on"))
    # a second load writes nothing more
    call_command("load_demo", "--history", stdout=StringIO(), stderr=StringIO())
    assert (
        list(ProgressReport.objects.order_by("pk").values_list("assignment_id", "due_on")) == first
    )


def test_rollup_of_the_demo_equals_the_hand_count(demo):
    checked = 0
    for jurisdiction in Jurisdiction.objects.filter(documents__isnull=False).distinct():
        expected = hand_count(jurisdiction)
        period = services.rollup_period(jurisdiction=jurisdiction, code="2026H1", now=NOW)
        got = {
            (s.unit_id, s.document_id): s for s in EvaluationSnapshot.objects.filter(period=period)
        }
        assert set(got) == set(expected), jurisdiction.name
        for key, figures in expected.items():
            row = {name: getattr(got[key], name) for name in figures}
            assert row == figures, (jurisdiction.name, key)
        checked += len(expected)
        # the demo exercises every kind of figure somewhere
        overall = [f for (unit, document), f in expected.items() if document is None]
        assert overall
    assert checked > 100
    totals = defaultdict(int)
    for s in EvaluationSnapshot.objects.filter(document__isnull=True):
        for name in COUNTS:
            totals[name] += getattr(s, name)
    for name in (
        "tasks_done",
        "tasks_overdue",
        "reports_on_time",
        "reports_late",
        "reports_missing",
    ):
        assert totals[name] > 0, name
    assert EvaluationSnapshot.objects.filter(target_attainment__isnull=False).exists()


def test_rerun_on_the_demo_leaves_rows_byte_identical(demo):
    jurisdiction = Jurisdiction.objects.get(name="深圳市")
    period = services.rollup_period(jurisdiction=jurisdiction, code="2026H1", now=NOW)
    first = list(EvaluationSnapshot.objects.filter(period=period).order_by("pk").values_list())
    services.rollup_period(jurisdiction=jurisdiction, code="2026H1", now=NOW + timedelta(days=1))
    assert (
        list(EvaluationSnapshot.objects.filter(period=period).order_by("pk").values_list()) == first
    )

"""A small half-year scenario for 2026H1 whose figures are counted by hand in the tests.

Built on the workflow ``world`` (one 深圳市 document, task （一） led by 市地方金融监管局 with
人民银行深圳市分行 in support and a target of at least 500, task （二） for 市发展改革委):

- lead, quarterly from 2025-10-01, due 2026-12-31: the 2025-Q4 report (due mid-January) is
  sent on 8 Jan (on time), the 2026-Q1 report (due 10 April) on 15 April (late) with an
  actual of 400 for the target of 500. Q2 is due in July: outside the period.
- support, monthly from 2026-01-01, due 2026-05-31 (so overdue at 30 June, never done):
  January sent 2 Feb (on time), February 20 March (late), March only on 3 July (after the
  period end: missing), April 1 May (on time), May on 28 May (on time; the last report is
  due on the first working day after 31 May).
- unrelated, once, from 2026-01-01, due 2026-03-31: its one report sent 30 March (on time),
  the task closed on 2 April (done before the period end, hence not overdue).
- an inactive assignment of 市科技创新局 on task （二）: not counted.
"""

from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone

from accounts.models import Unit
from tracker.models import Assignment, ProgressReport, TargetActual
from tracker.services.states import refresh_assignments

NOW = timezone.make_aware(datetime(2026, 7, 5, 9, 0))


def at(y, m, d, hour=10):
    return timezone.make_aware(datetime(y, m, d, hour, 0))


def _report(assignment, period_start, period_end, due_on, sent, author, status="submitted"):
    return ProgressReport.objects.create(
        assignment=assignment,
        period_start=period_start,
        period_end=period_end,
        due_on=due_on,
        status=status,
        progress="进展",
        percent=50,
        author=author,
        submitted_at=sent,
        first_submitted_at=sent,
    )


def build(world):
    old = at(2025, 9, 1)
    Assignment.objects.filter(pk=world.lead.pk).update(
        report_cycle="quarterly",
        report_day=10,
        start_date=date(2025, 10, 1),
        due_date=date(2026, 12, 31),
        evaluation_due_date=date(2026, 12, 31),
        created_at=old,
    )
    Assignment.objects.filter(pk=world.support.pk).update(
        report_cycle="monthly",
        report_day=5,
        start_date=date(2026, 1, 1),
        due_date=date(2026, 5, 31),
        evaluation_due_date=date(2026, 5, 31),
        created_at=old,
    )
    Assignment.objects.filter(pk=world.unrelated.pk).update(
        report_cycle="once",
        start_date=date(2026, 1, 1),
        due_date=date(2026, 3, 31),
        evaluation_due_date=date(2026, 3, 31),
        created_at=old,
    )
    world.other_task.closed_at = at(2026, 4, 2)
    world.other_task.save(update_fields=["closed_at"])
    inactive_unit = Unit.objects.exclude(
        pk__in=[world.lead_unit.pk, world.support_unit.pk, world.unrelated.unit_id]
    ).filter(jurisdiction=world.shenzhen)[0]
    Assignment.objects.create(
        task=world.other_task, unit=inactive_unit, role="support", is_active=False
    )
    for a in (world.lead, world.support, world.unrelated):
        a.refresh_from_db()

    lead, support, unrelated = world.lead, world.support, world.unrelated
    _report(
        lead, date(2025, 10, 1), date(2025, 12, 31), date(2026, 1, 12), at(2026, 1, 8), world.staff
    )
    q1 = _report(
        lead, date(2026, 1, 1), date(2026, 3, 31), date(2026, 4, 10), at(2026, 4, 15), world.staff
    )
    target = world.task.clause.targets.get()
    TargetActual.objects.create(report=q1, target=target, value=Decimal("400"))

    months = [
        (1, at(2026, 2, 2)),
        (2, at(2026, 3, 20)),
        (3, at(2026, 7, 3)),
        (4, at(2026, 5, 1)),
        (5, at(2026, 5, 28)),
    ]
    for month, sent in months:
        start = date(2026, month, 1)
        end = date(2026, month + 1, 1).replace(day=1)
        _report(support, start, end, end, sent, world.co_staff)
    _report(
        unrelated,
        date(2026, 1, 1),
        date(2026, 3, 31),
        date(2026, 3, 31),
        at(2026, 3, 30),
        world.other_staff,
    )
    # plans and reports were written directly: store what the services would (periods, counters)
    refresh_assignments(Assignment.objects.all(), today=date(2026, 7, 5))
    return world


# unit → figures counted by hand (see the module docstring); the overall row equals the
# document row since the world has one document.
EXPECTED = {
    "lead": dict(
        tasks_assigned=1,
        tasks_done=0,
        tasks_overdue=0,
        reports_due=2,
        reports_on_time=1,
        reports_late=1,
        reports_missing=0,
        on_time_rate=Decimal("0.5000"),
        completion_rate=Decimal("0.0000"),
        target_attainment=Decimal("0.8000"),
        # 100 × (0.4 × 0.5 + 0.4 × 0 + 0.2 × 0.8) ÷ 1.0 = 36
        score=Decimal("36.00"),
        rank=2,
    ),
    "support": dict(
        tasks_assigned=1,
        tasks_done=0,
        tasks_overdue=1,
        reports_due=5,
        reports_on_time=3,
        reports_late=1,
        reports_missing=1,
        on_time_rate=Decimal("0.6000"),
        completion_rate=Decimal("0.0000"),
        target_attainment=None,
        # 100 × (0.4 × 0.6 + 0.4 × 0) ÷ 0.8 − 100 × 0.2 × 1/1 = 30 − 20 = 10
        score=Decimal("10.00"),
        rank=3,
    ),
    "unrelated": dict(
        tasks_assigned=1,
        tasks_done=1,
        tasks_overdue=0,
        reports_due=1,
        reports_on_time=1,
        reports_late=0,
        reports_missing=0,
        on_time_rate=Decimal("1.0000"),
        completion_rate=Decimal("1.0000"),
        target_attainment=None,
        # 100 × (0.4 × 1 + 0.4 × 1) ÷ 0.8 = 100
        score=Decimal("100.00"),
        rank=1,
    ),
}

"""The status and light rules (tracker/services/states.py), on unsaved objects."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tracker.choices import Light, ReportStatus, Status
from tracker.models import Assignment, ProgressReport, Task
from tracker.services.states import assignment_state, expected_percent, task_state

TODAY = date(2026, 6, 15)  # a Monday, no holiday near


def _assignment(*, start=date(2026, 1, 5), due=date(2026, 12, 31), cycle="monthly", received=True):
    task = Task(start_date=start)
    return Assignment(
        task=task,
        due_date=due,
        report_cycle=cycle,
        report_day=5,
        received_at=datetime(2026, 1, 6, tzinfo=ZoneInfo("UTC")) if received else None,
        created_at=datetime(2026, 1, 5, tzinfo=ZoneInfo("UTC")),
    )


def _report(month, *, percent=50, status=ReportStatus.SUBMITTED):
    return ProgressReport(period_start=date(2026, month, 1), percent=percent, status=status)


def _monthly_reports(until_month, percent=50):
    return [_report(m, percent=percent) for m in range(1, until_month + 1)]


def test_on_schedule_with_every_report_in_is_green_and_in_progress():
    state = assignment_state(
        _assignment(), reports=_monthly_reports(5), task_closed=False, today=TODAY
    )
    assert (state.status, state.light) == (Status.IN_PROGRESS, Light.GREEN)
    assert state.percent == 50 and state.missed_reports == 0
    assert state.next_report_due == date(2026, 7, 6)  # July 5 2026 is a Sunday


def test_not_received_and_no_report_is_not_started():
    state = assignment_state(
        _assignment(start=date(2026, 6, 10), received=False),
        reports=[],
        task_closed=False,
        today=TODAY,
    )
    assert state.status == Status.NOT_STARTED


def test_a_passed_due_date_is_overdue_and_red():
    state = assignment_state(
        _assignment(due=date(2026, 6, 12)),
        reports=_monthly_reports(5),
        task_closed=False,
        today=TODAY,
    )
    assert (state.status, state.light) == (Status.OVERDUE, Light.RED)


def test_a_due_date_within_the_warning_window_is_yellow():
    state = assignment_state(
        _assignment(due=date(2026, 6, 19)),
        reports=_monthly_reports(5, percent=100),
        task_closed=False,
        today=TODAY,
    )
    assert state.light == Light.YELLOW


def test_the_last_cycles_report_missing_is_yellow_two_missing_is_red():
    one = assignment_state(
        _assignment(), reports=_monthly_reports(4), task_closed=False, today=TODAY
    )
    two = assignment_state(
        _assignment(), reports=_monthly_reports(3), task_closed=False, today=TODAY
    )
    assert (one.missed_reports, one.light) == (1, Light.YELLOW)
    assert (two.missed_reports, two.light) == (2, Light.RED)


@pytest.mark.parametrize(("percent", "light"), [(45, Light.GREEN), (20, Light.YELLOW)])
def test_behind_expected_progress_by_more_than_the_margin_is_yellow(settings, percent, light):
    settings.PROGRESS_MARGIN_PERCENT = 20
    assignment = _assignment()
    expected = expected_percent(start=date(2026, 1, 5), due=date(2026, 12, 31), today=TODAY)
    assert expected == 45  # 161 of 360 days
    state = assignment_state(
        assignment, reports=_monthly_reports(5, percent=percent), task_closed=False, today=TODAY
    )
    assert state.light == light


def test_an_accepted_complete_report_or_a_closed_task_is_done_and_green():
    accepted = [*_monthly_reports(4), _report(5, percent=100, status=ReportStatus.ACCEPTED)]
    late = _assignment(due=date(2026, 6, 1))
    assert assignment_state(late, reports=accepted, task_closed=False, today=TODAY).status == (
        Status.DONE
    )
    closed = assignment_state(late, reports=[], task_closed=True, today=TODAY)
    assert (closed.status, closed.light) == (Status.DONE, Light.GREEN)


def test_drafts_and_returned_reports_do_not_count_as_reported():
    reports = [*_monthly_reports(4), _report(5, status=ReportStatus.DRAFT)]
    state = assignment_state(_assignment(), reports=reports, task_closed=False, today=TODAY)
    assert state.missed_reports == 1


def test_task_rolls_up_its_active_assignments():
    task = Task()
    a = Assignment(status=Status.IN_PROGRESS, light=Light.GREEN, is_active=True)
    b = Assignment(status=Status.OVERDUE, light=Light.RED, is_active=True)
    gone = Assignment(status=Status.OVERDUE, light=Light.RED, is_active=False)
    assert task_state(task, [a, b]) == (Status.OVERDUE, Light.RED)
    assert task_state(task, [a, gone]) == (Status.IN_PROGRESS, Light.GREEN)
    task.closed_at = datetime(2026, 6, 1, tzinfo=ZoneInfo("UTC"))
    assert task_state(task, [a, b]) == (Status.DONE, Light.GREEN)


def test_expected_percent_is_linear_and_bounded():
    start, due = date(2026, 1, 1), date(2026, 1, 11)
    assert expected_percent(start=start, due=due, today=start - timedelta(days=3)) == 0
    assert expected_percent(start=start, due=due, today=date(2026, 1, 6)) == 50
    assert expected_percent(start=start, due=due, today=date(2026, 2, 1)) == 100
    assert expected_percent(start=start, due=None, today=date(2026, 2, 1)) is None


def test_reports_sent_and_on_time_count_first_submissions_due_by_today():
    shanghai = ZoneInfo("Asia/Shanghai")

    def sent(month, due_day, sent_day):
        report = _report(month)
        report.due_on = date(2026, month + 1, due_day)
        report.first_submitted_at = datetime(2026, month + 1, sent_day, 23, 30, tzinfo=shanghai)
        return report

    reports = [
        sent(1, 5, 5),  # on the due day, late in the evening (local date counts): on time
        sent(2, 5, 9),  # late
        sent(6, 6, 1),  # sent early, but not due until July: not counted yet
        _report(5),  # never submitted
    ]
    state = assignment_state(_assignment(), reports=reports, task_closed=False, today=TODAY)
    assert (state.reports_sent, state.reports_on_time) == (2, 1)

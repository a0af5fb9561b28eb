"""Reporting periods: calendar alignment, clipping, due dates on working days, owed period.

Due dates in 2027 rely on the Monday–Friday fallback (chinesecalendar 1.11.0 stops at 2026),
so the 2027 dates used here are ordinary weekdays far from any public holiday.
"""

from datetime import date
from itertools import pairwise

import pytest
from django.utils import translation

from tracker.choices import ReportCycle
from tracker.periods import Period, period_containing, period_owed, periods


@pytest.fixture(autouse=True)
def english():
    """Labels are compared with their English msgids, whatever LANGUAGE_CODE says."""
    with translation.override("en"):
        yield


def monthly_winter():
    """Monthly reports on the 25th for a task from Nov 15, 2026 to Mar 10, 2027."""
    return periods(
        cycle=ReportCycle.MONTHLY, report_day=25, start=date(2026, 11, 15), end=date(2027, 3, 10)
    )


def test_monthly_periods_are_calendar_months_clipped_to_the_task():
    result = monthly_winter()
    assert [(p.key, p.start, p.end) for p in result] == [
        ("2026-11", date(2026, 11, 15), date(2026, 11, 30)),
        ("2026-12", date(2026, 12, 1), date(2026, 12, 31)),
        ("2027-01", date(2027, 1, 1), date(2027, 1, 31)),
        ("2027-02", date(2027, 2, 1), date(2027, 2, 28)),
        ("2027-03", date(2027, 3, 1), date(2027, 3, 10)),
    ]


def test_monthly_reports_are_due_on_report_day_of_next_month_capped_at_the_deadline():
    assert [p.due_on for p in monthly_winter()] == [
        date(2026, 12, 25),
        date(2027, 1, 25),
        date(2027, 2, 25),
        date(2027, 3, 10),  # Mar 25 would be after the task's deadline
        date(2027, 3, 10),  # the last period is due on the deadline itself
    ]


def test_monthly_labels_name_year_and_month():
    assert monthly_winter()[0].label == "2026, month 11"
    assert monthly_winter()[2].label == "2027, month 1"


def test_due_date_on_national_day_moves_to_the_first_working_day_after_it():
    result = periods(cycle="monthly", report_day=5, start=date(2026, 8, 1), end=date(2026, 12, 31))
    assert [(p.key, p.due_on) for p in result] == [
        ("2026-08", date(2026, 9, 7)),  # Sep 5 is a Saturday
        ("2026-09", date(2026, 10, 8)),  # Oct 5 is inside the National Day holiday
        ("2026-10", date(2026, 11, 5)),
        ("2026-11", date(2026, 12, 7)),  # Dec 5 is a Saturday
        ("2026-12", date(2026, 12, 31)),
    ]


def test_due_date_in_spring_festival_moves_past_the_holiday():
    result = periods(cycle="monthly", report_day=20, start=date(2026, 1, 1), end=date(2026, 3, 31))
    assert result[0].due_on == date(2026, 2, 24)


def test_due_date_on_a_make_up_saturday_stays_there():
    result = periods(cycle="monthly", report_day=10, start=date(2026, 9, 1), end=date(2026, 10, 31))
    assert result[0].due_on == date(2026, 10, 10)


def test_quarterly_periods_have_quarter_keys_and_labels():
    result = periods(
        cycle=ReportCycle.QUARTERLY, report_day=10, start=date(2026, 2, 10), end=date(2026, 12, 15)
    )
    assert [(p.key, p.label, p.start, p.end, p.due_on) for p in result] == [
        ("2026-Q1", "2026, quarter 1", date(2026, 2, 10), date(2026, 3, 31), date(2026, 4, 10)),
        ("2026-Q2", "2026, quarter 2", date(2026, 4, 1), date(2026, 6, 30), date(2026, 7, 10)),
        ("2026-Q3", "2026, quarter 3", date(2026, 7, 1), date(2026, 9, 30), date(2026, 10, 10)),
        ("2026-Q4", "2026, quarter 4", date(2026, 10, 1), date(2026, 12, 15), date(2026, 12, 15)),
    ]


def test_half_yearly_periods_split_at_july():
    result = periods(
        cycle=ReportCycle.HALF_YEARLY, report_day=15, start=date(2026, 3, 1), end=date(2027, 8, 31)
    )
    assert [(p.key, p.label, p.start, p.end, p.due_on) for p in result] == [
        ("2026-H1", "2026, first half", date(2026, 3, 1), date(2026, 6, 30), date(2026, 7, 15)),
        ("2026-H2", "2026, second half", date(2026, 7, 1), date(2026, 12, 31), date(2027, 1, 15)),
        ("2027-H1", "2027, first half", date(2027, 1, 1), date(2027, 6, 30), date(2027, 7, 15)),
        ("2027-H2", "2027, second half", date(2027, 7, 1), date(2027, 8, 31), date(2027, 8, 31)),
    ]


def test_once_is_a_single_period_due_on_the_next_working_day_after_the_deadline():
    result = periods(
        cycle=ReportCycle.ONCE, report_day=1, start=date(2026, 9, 1), end=date(2026, 10, 3)
    )
    assert result == [Period(date(2026, 9, 1), date(2026, 10, 3), date(2026, 10, 8), "once")]
    assert result[0].label == "Whole task"


def test_single_day_task_has_one_period():
    result = periods(cycle="monthly", report_day=5, start=date(2026, 6, 30), end=date(2026, 6, 30))
    assert [(p.key, p.start, p.end, p.due_on) for p in result] == [
        ("2026-06", date(2026, 6, 30), date(2026, 6, 30), date(2026, 6, 30))
    ]


def test_three_years_of_monthly_periods_are_contiguous():
    result = periods(cycle="monthly", report_day=1, start=date(2025, 1, 1), end=date(2027, 12, 31))
    assert len(result) == 36
    assert all(a.end.toordinal() + 1 == b.start.toordinal() for a, b in pairwise(result))
    assert all(a.due_on <= b.due_on for a, b in pairwise(result))


@pytest.mark.parametrize(
    "kwargs",
    [
        {"cycle": "monthly", "report_day": 5, "start": date(2026, 5, 2), "end": date(2026, 5, 1)},
        {"cycle": "once", "report_day": 5, "start": date(2026, 5, 2), "end": date(2026, 5, 1)},
        {"cycle": "weekly", "report_day": 5, "start": date(2026, 5, 1), "end": date(2026, 6, 1)},
        {"cycle": "monthly", "report_day": 29, "start": date(2026, 5, 1), "end": date(2026, 6, 1)},
        {"cycle": "monthly", "report_day": 0, "start": date(2026, 5, 1), "end": date(2026, 6, 1)},
    ],
    ids=["end-before-start", "once-end-before-start", "unknown-cycle", "day-29", "day-0"],
)
def test_impossible_requests_raise_value_error(kwargs):
    with pytest.raises(ValueError):
        periods(**kwargs)


@pytest.mark.parametrize(
    ("today", "key"),
    [
        (date(2026, 11, 1), "2026-11"),  # before the task starts
        (date(2026, 11, 20), "2026-11"),
        (date(2026, 12, 25), "2026-11"),  # due today is still owed
        (date(2026, 12, 28), "2026-12"),
        (date(2027, 3, 1), "2027-02"),
        (date(2027, 3, 10), "2027-02"),  # February and March both due on the deadline
        (date(2027, 3, 11), "2027-03"),  # all past: the last period stays owed
        (date(2028, 1, 1), "2027-03"),
    ],
)
def test_period_owed_is_the_first_not_yet_due(today, key):
    assert period_owed(monthly_winter(), today).key == key


def test_period_owed_of_no_periods_is_none():
    assert period_owed([], date(2026, 1, 1)) is None


def test_period_containing_finds_the_period_of_a_day():
    result = monthly_winter()
    assert period_containing(result, date(2026, 11, 15)).key == "2026-11"
    assert period_containing(result, date(2027, 2, 28)).key == "2027-02"
    assert period_containing(result, date(2027, 3, 10)).key == "2027-03"
    assert period_containing(result, date(2026, 11, 14)) is None
    assert period_containing(result, date(2027, 3, 11)) is None
    assert period_containing([], date(2027, 3, 11)) is None

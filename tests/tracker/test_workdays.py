"""Working days of the official calendar, pinned to chinesecalendar 1.11.0 (data for 2004–2026)."""

import logging
from datetime import date, timedelta

import pytest

from tracker import workdays
from tracker.workdays import (
    add_working_days,
    is_working_day,
    next_working_day,
    working_days_between,
)


def test_national_day_2026_is_a_holiday_from_october_1_to_7():
    holiday = [date(2026, 10, day) for day in range(1, 8)]
    assert not any(is_working_day(day) for day in holiday)
    assert is_working_day(date(2026, 10, 8))  # Thursday, back at work


def test_make_up_weekend_days_of_2026_are_working_days():
    assert date(2026, 9, 20).weekday() == 6 and is_working_day(date(2026, 9, 20))
    assert date(2026, 10, 10).weekday() == 5 and is_working_day(date(2026, 10, 10))
    assert date(2026, 1, 4).weekday() == 6 and is_working_day(date(2026, 1, 4))


def test_spring_festival_2026_runs_from_february_15_to_23_with_make_up_saturdays():
    assert not any(is_working_day(date(2026, 2, day)) for day in range(15, 24))
    assert is_working_day(date(2026, 2, 14))  # Saturday before
    assert is_working_day(date(2026, 2, 28))  # Saturday after
    assert is_working_day(date(2026, 2, 24))


def test_ordinary_weekend_is_not_a_working_day():
    assert not is_working_day(date(2026, 3, 7))
    assert not is_working_day(date(2026, 3, 8))
    assert is_working_day(date(2026, 3, 9))


def test_next_working_day_skips_the_national_day_holiday():
    assert next_working_day(date(2026, 10, 1)) == date(2026, 10, 8)
    assert next_working_day(date(2026, 10, 5)) == date(2026, 10, 8)


def test_next_working_day_keeps_a_working_day_including_a_make_up_saturday():
    assert next_working_day(date(2026, 10, 8)) == date(2026, 10, 8)
    assert next_working_day(date(2026, 10, 10)) == date(2026, 10, 10)


def test_add_working_days_forward_skips_holidays_and_counts_make_up_days():
    # Sep 30 (Wed) +1 → Oct 8; +2 → Oct 9; +3 → Sat Oct 10 (make-up day).
    assert add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert add_working_days(date(2026, 9, 30), 3) == date(2026, 10, 10)
    assert add_working_days(date(2026, 9, 30), 4) == date(2026, 10, 12)


def test_add_working_days_backward_skips_holidays():
    assert add_working_days(date(2026, 10, 8), -1) == date(2026, 9, 30)
    assert add_working_days(date(2026, 2, 24), -1) == date(2026, 2, 14)


def test_add_zero_working_days_is_the_next_working_day():
    assert add_working_days(date(2026, 10, 3), 0) == date(2026, 10, 8)
    assert add_working_days(date(2026, 10, 9), 0) == date(2026, 10, 9)


def test_working_days_between_excludes_start_and_includes_end():
    assert working_days_between(date(2026, 3, 9), date(2026, 3, 10)) == 1
    assert working_days_between(date(2026, 3, 9), date(2026, 3, 9)) == 0
    assert working_days_between(date(2026, 3, 10), date(2026, 3, 9)) == 0
    assert working_days_between(date(2026, 9, 30), date(2026, 10, 10)) == 3


def test_working_days_of_2026_match_the_official_count():
    # 261 weekdays − 19 weekday holidays + 6 make-up weekend days.
    assert working_days_between(date(2025, 12, 31), date(2026, 12, 31)) == 248


def test_working_days_between_agrees_with_counting_day_by_day():
    start = date(2025, 1, 1)
    for end in (date(2025, 2, 9), date(2025, 10, 12), date(2026, 3, 1), date(2026, 12, 31)):
        days = ((start + timedelta(days=i)) for i in range(1, (end - start).days + 1))
        assert working_days_between(start, end) == sum(map(is_working_day, days))


def test_year_without_data_falls_back_to_monday_to_friday_and_warns_once(caplog):
    workdays._exceptions.cache_clear()
    with caplog.at_level(logging.WARNING, logger="tracker.workdays"):
        assert is_working_day(date(2030, 10, 1))  # a Tuesday; the real holiday is unknown
        assert not is_working_day(date(2030, 10, 5))  # Saturday
        assert next_working_day(date(2030, 10, 5)) == date(2030, 10, 7)
        assert add_working_days(date(2030, 10, 4), 1) == date(2030, 10, 7)
        assert working_days_between(date(2030, 1, 1), date(2030, 12, 31)) == 260
    warnings = [r for r in caplog.records if "2030" in r.getMessage()]
    assert len(warnings) == 1


@pytest.mark.parametrize("day", [date(2003, 12, 31), date(2027, 1, 1), date(2100, 6, 1)])
def test_years_outside_the_data_never_raise(day):
    assert is_working_day(day) == (day.weekday() < 5)


def test_counting_across_known_and_unknown_years_combines_both():
    # Dec 31, 2026 (Thu), then by weekday fallback Jan 1, 2027 (Fri; really New Year's Day,
    # but the data stops at 2026) and Jan 4–8.
    assert working_days_between(date(2026, 12, 30), date(2027, 1, 8)) == 7

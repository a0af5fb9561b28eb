"""Working days of the official Chinese calendar: public holidays and make-up working days (调休).

Deadlines in government offices are counted in working days, and the State Council moves
weekends around every year, so a plain Monday–Friday rule is wrong several times a year.
The data comes from ``chinese_calendar``, which only knows the years it was released with;
for any other year we fall back to Monday–Friday and log one warning per year, because a
slightly wrong deadline is better than a page that crashes.
"""

import logging
from datetime import date, timedelta
from functools import cache

import chinese_calendar

logger = logging.getLogger(__name__)

_ONE_DAY = timedelta(days=1)


@cache
def _exceptions(year: int) -> tuple[frozenset[date], frozenset[date]]:
    """Return (weekdays off, weekend days worked) of ``year``; both empty when it is unknown.

    Cached per year, which also makes the fallback warning appear once per year and process.
    """
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        logger.warning(
            "chinese_calendar has no holiday data for %s; counting Monday to Friday as working days.",
            year,
        )
        return frozenset(), frozenset()
    days_off, days_on = set(), set()
    day = date(year, 1, 1)
    while day.year == year:
        working = chinese_calendar.is_workday(day)
        if working and day.weekday() >= 5:
            days_on.add(day)
        elif not working and day.weekday() < 5:
            days_off.add(day)
        day += _ONE_DAY
    return frozenset(days_off), frozenset(days_on)


def is_working_day(day: date) -> bool:
    """Tell whether offices work on ``day``.

    Make-up Saturdays and Sundays count as working days, public holidays on weekdays do not.
    """
    days_off, days_on = _exceptions(day.year)
    if day.weekday() >= 5:
        return day in days_on
    return day not in days_off


def next_working_day(day: date) -> date:
    """Return ``day`` when it is a working day, else the first working day after it.

    A deadline that falls on a holiday or weekend is due on the next day the office is open.
    """
    while not is_working_day(day):
        day += _ONE_DAY
    return day


def add_working_days(day: date, n: int) -> date:
    """Return the date ``n`` working days after ``day`` (before it when ``n`` is negative).

    ``n == 0`` gives ``next_working_day(day)`` so that "within 0 working days" is never a
    holiday. Counting starts on the day after (or before) ``day``, whatever ``day`` is.
    """
    if n == 0:
        return next_working_day(day)
    step = _ONE_DAY if n > 0 else -_ONE_DAY
    remaining = abs(n)
    while remaining:
        day += step
        if is_working_day(day):
            remaining -= 1
    return day


def _weekdays_up_to(day: date) -> int:
    """Count Mondays–Fridays from 0001-01-01 (a Monday) up to and including ``day``.

    Arithmetic instead of a loop, so spans of many years cost nothing.
    """
    weeks, rest = divmod(day.toordinal(), 7)
    return 5 * weeks + min(rest, 5)


def working_days_between(start: date, end: date) -> int:
    """Count the working days ``d`` with ``start < d <= end``; 0 when ``end <= start``.

    This is how overdue days and remaining days are counted: the start day itself is not a
    full day of work left, the end day is.
    """
    if end <= start:
        return 0
    count = _weekdays_up_to(end) - _weekdays_up_to(start)
    for year in range(start.year, end.year + 1):
        days_off, days_on = _exceptions(year)
        count -= sum(1 for d in days_off if start < d <= end)
        count += sum(1 for d in days_on if start < d <= end)
    return count

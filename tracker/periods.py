"""Reporting periods of an assignment: which months, quarters or half-years a unit reports on.

An assignment that runs from mid-November to March with a monthly cycle owes one report per
calendar month; each report is due on a fixed day of the following month, moved to the next
working day. The schedule is computed, not stored, so changing a deadline or a cycle never
leaves stale rows behind.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from django.utils.translation import gettext

from tracker.choices import ReportCycle
from tracker.workdays import next_working_day

# Months per period for the calendar-aligned cycles.
_MONTHS = {ReportCycle.MONTHLY: 1, ReportCycle.QUARTERLY: 3, ReportCycle.HALF_YEARLY: 6}


@dataclass(frozen=True)
class Period:
    """One reporting period; ``key`` is stable text for programs, ``label`` is for people."""

    start: date
    end: date
    due_on: date
    key: str

    @property
    def label(self) -> str:
        """The period for people, in the active language (built on demand: lists of periods
        are computed for every assignment, their labels only for the few shown)."""
        if self.key == "once":
            return gettext("Whole task")
        year, part = self.key.split("-")
        if part.startswith("Q"):
            return gettext("{year}, quarter {quarter}").format(year=year, quarter=int(part[1:]))
        if part == "H1":
            return gettext("{year}, first half").format(year=year)
        if part == "H2":
            return gettext("{year}, second half").format(year=year)
        return gettext("{year}, month {month}").format(year=year, month=int(part))


def _key(cycle: str, year: int, first_month: int) -> str:
    """Name the calendar period of ``cycle`` that begins in ``first_month`` of ``year``.

    Keys go into URLs and database rows, so they never depend on the language.
    """
    if cycle == ReportCycle.MONTHLY:
        return f"{year}-{first_month:02d}"
    if cycle == ReportCycle.QUARTERLY:
        return f"{year}-Q{(first_month - 1) // 3 + 1}"
    return f"{year}-H1" if first_month == 1 else f"{year}-H2"


def _month_after(year: int, month: int) -> tuple[int, int]:
    """Return (year, month) of the month following ``month``; December rolls over the year.

    Kept separate so the period walk reads as calendar arithmetic, not index juggling.
    """
    return (year + 1, 1) if month == 12 else (year, month + 1)


def periods(*, cycle: str, report_day: int, start: date, end: date) -> list[Period]:
    """List the reporting periods covering ``start``..``end`` inclusive, in order (cached:
    the assignments of one document share their plan, and lights are refreshed in bulk).

    See ``_periods`` for the rules.
    """
    return list(_periods(str(cycle), report_day, start, end))


@lru_cache(maxsize=4096)
def _periods(cycle: str, report_day: int, start: date, end: date) -> tuple[Period, ...]:
    """List the reporting periods covering ``start``..``end`` inclusive, in order.

    Periods follow calendar months, quarters or half-years, the first and last clipped to the
    task. A report is due on ``report_day`` of the month after the period's calendar end,
    moved to the next working day, but never after ``next_working_day(end)``: no report can
    be due after the task's own deadline. So the last period is always due on
    ``next_working_day(end)``, and due dates never decrease from one period to the next.
    ``report_day`` is ignored for ``"once"``. Raises ValueError for an impossible request.
    """
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    deadline = next_working_day(end)
    if cycle == ReportCycle.ONCE:
        return (Period(start, end, deadline, "once"),)
    if cycle not in _MONTHS:
        raise ValueError(f"unknown report cycle {cycle!r}")
    if not 1 <= report_day <= 28:
        raise ValueError(f"report_day must be between 1 and 28, not {report_day}")

    months = _MONTHS[cycle]
    year, month = start.year, start.month - (start.month - 1) % months
    result = []
    while date(year, month, 1) <= end:
        due_year, due_month = _month_after(year, month + months - 1)
        period_end = min(date(due_year, due_month, 1) - timedelta(days=1), end)
        due_on = min(next_working_day(date(due_year, due_month, report_day)), deadline)
        key = _key(cycle, year, month)
        result.append(Period(max(date(year, month, 1), start), period_end, due_on, key))
        year, month = due_year, due_month
    return tuple(result)


def period_owed(periods: list[Period], today: date) -> Period | None:
    """Return the period whose report the unit owes next.

    That is the first period still due today or later; once every due date has passed the
    last period stays owed (the task is overdue on it). None when there are no periods.
    """
    for period in periods:
        if period.due_on >= today:
            return period
    return periods[-1] if periods else None


def period_containing(periods: list[Period], day: date) -> Period | None:
    """Return the period whose dates include ``day``, or None when it is outside them all.

    Used to file a report written on ``day`` under the period it describes.
    """
    for period in periods:
        if period.start <= day <= period.end:
            return period
    return None

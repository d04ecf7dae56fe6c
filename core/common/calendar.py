"""The working-day calendar: Chinese official holidays and 调休 make-up days."""

from __future__ import annotations

import logging
from datetime import date, timedelta

import chinese_calendar

log = logging.getLogger(__name__)
_warned: set[date] = set()


def is_workday(day: date) -> bool:
    """Official working day; a year the package does not know falls back to Monday–Friday."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        today = date.today()
        if today not in _warned:
            _warned.add(today)
            log.warning("chinese-calendar does not know %s; using Monday-Friday", day.year)
        return day.weekday() < 5


def workdays(start: date, end: date) -> list[date]:
    """Working days from start to end, both included."""
    days = []
    day = start
    while day <= end:
        if is_workday(day):
            days.append(day)
        day += timedelta(days=1)
    return days


def week_bounds(day: date) -> tuple[date, date]:
    """Monday and Sunday of the ISO week containing day."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def month_bounds(day: date) -> tuple[date, date]:
    """First and last day of day's month."""
    first = day.replace(day=1)
    nxt = (first + timedelta(days=32)).replace(day=1)
    return first, nxt - timedelta(days=1)


def last_workday(start: date, end: date) -> date | None:
    """The last working day in [start, end], or None when there is none."""
    days = workdays(start, end)
    return days[-1] if days else None

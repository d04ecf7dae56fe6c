"""The working-day calendar: Chinese official holidays and 调休 make-up days."""

from __future__ import annotations

import logging
from datetime import date, timedelta

import chinese_calendar

log = logging.getLogger(__name__)
_warned: set[date] = set()
_given: dict[date, bool] = {}  # FRONTLINE_CALENDAR's days: working (True) or not
_given_years: set[int] = set()
KINDS = {"休": False, "holiday": False, "off": False, "班": True, "workday": True, "on": True}


def parse_days(text: str) -> dict[date, bool]:
    """Official days listed one per line, `2027-01-01 休` (a holiday) or `2027-02-07 班` (a
    make-up working day, 调休), a range as `2027-02-06..2027-02-12 休`; `#` starts a comment.
    ValueError names the first line that is neither."""
    days: dict[date, bool] = {}
    for n, line in enumerate(text.splitlines(), 1):
        words = line.split("#", 1)[0].replace(",", " ").split()
        if not words:
            continue
        try:
            first, _, last = words[0].partition("..")
            start, end = date.fromisoformat(first), date.fromisoformat(last or first)
            working = KINDS[words[1].lower()] if len(words) == 2 else None
        except (ValueError, KeyError):
            working = None
        if working is None or end < start or (end - start).days > 366:
            raise ValueError(f"line {n}: expected 'YYYY-MM-DD 休' or 'YYYY-MM-DD 班' "
                             f"(or a range 'YYYY-MM-DD..YYYY-MM-DD 休'), got {line.strip()!r}")
        while start <= end:
            days[start] = working
            start += timedelta(days=1)
    return days


def use_days(days: dict[date, bool]) -> None:
    """Days that take precedence over the package's calendar (FRONTLINE_CALENDAR): the
    official schedule of a year it does not know yet, or a late change; a year they cover is
    otherwise Monday–Friday, without the warning."""
    _given.clear()
    _given.update(days)
    _given_years.clear()
    _given_years.update(day.year for day in days)


def is_workday(day: date) -> bool:
    """Official working day; a year the package does not know (and FRONTLINE_CALENDAR does
    not cover) falls back to Monday–Friday, with a warning once a day."""
    given = _given.get(day)
    if given is not None:
        return given
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        today = date.today()
        if day.year not in _given_years and today not in _warned:
            _warned.add(today)
            log.warning("chinese-calendar does not know %s; using Monday-Friday (list the "
                        "year's official days in FRONTLINE_CALENDAR)", day.year)
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

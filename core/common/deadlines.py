"""Words that look like a deadline or a date (SPEC §11): read, checked, or refused in one line.

A word shaped like `<n>d`, `<n>天` or a date (`2026-12-31`, also `2026/12/31`, `2026.12.31`,
`2026年12月31日`) is always a deadline: when it cannot be one (zero days, past, too far
ahead, a date that does not exist) it is refused, never taken as text.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from core.common.errors import UsageError

DAYS = re.compile(r"^(\d+)\s*[dD天]$")
DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
ORDER_MAX_DAYS = 366  # an order is due within a year
MILESTONE_MAX_DAYS = 3 * 366  # a project's 节点 within three years
PERIOD_MAX_DAYS = 366  # a 考察期 lasts at most a year, and starts within one


def looks_like(word: str) -> bool:
    """Whether the word is shaped like a deadline (then it is never text)."""
    return bool(DAYS.match(word) or DATE.match(word))


def days_of(word: str) -> int | None:
    """`15d` / `15天` → 15; None when the word is not a count of days."""
    match = DAYS.match(word)
    return int(match[1]) if match else None


def as_date(word: str) -> date | None:
    """A date-shaped word → the date; None when not date-shaped; refused when no such day."""
    match = DATE.match(word)
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise UsageError("deadlines.no_such_date", value=word) from None


def due(word: str, today: date, *, limit: int, strictly_after: bool = True) -> date | None:
    """A deadline word → its date, counted from today; None when the word is no deadline.

    Zero days, a date already past (or today, when `strictly_after`), more than `limit` days
    ahead, and dates that do not exist are refused with the forms that work.
    """
    latest = today + timedelta(days=limit)
    days = days_of(word)
    if days is not None:
        if days == 0:
            raise UsageError("deadlines.zero", value=word, limit=limit, latest=latest)
        if days > limit:
            raise UsageError("deadlines.too_far", value=word, limit=limit, latest=latest)
        return today + timedelta(days=days)
    day = as_date(word)
    if day is None:
        return None
    if day < today or (strictly_after and day == today):
        raise UsageError("deadlines.past", value=word, today=today, limit=limit, latest=latest)
    if day > latest:
        raise UsageError("deadlines.too_far", value=word, limit=limit, latest=latest)
    return day


def period_dates(start_word: str, end_word: str, today: date) -> tuple[date, date]:
    """`/period open` dates: a start date, then an end date or `<n>d` counted from the start
    (inclusive); a period starts within a year and lasts at most a year."""
    start = as_date(start_word)
    if start is None:
        raise UsageError("deadlines.bad_period_date", value=start_word, limit=PERIOD_MAX_DAYS)
    if (start - today).days > PERIOD_MAX_DAYS:
        raise UsageError("deadlines.period_too_far", value=start_word, limit=PERIOD_MAX_DAYS)
    days = days_of(end_word)
    if days is not None:
        if not 0 < days <= PERIOD_MAX_DAYS:
            raise UsageError("deadlines.period_too_long", value=end_word, limit=PERIOD_MAX_DAYS)
        return start, start + timedelta(days=days - 1)
    end = as_date(end_word)
    if end is None:
        raise UsageError("deadlines.bad_period_date", value=end_word, limit=PERIOD_MAX_DAYS)
    if end >= start and (end - start).days >= PERIOD_MAX_DAYS:
        raise UsageError("deadlines.period_too_long", value=end_word, limit=PERIOD_MAX_DAYS)
    return start, end


def milestone_due(word: str, today: date) -> date:
    """A milestone's date: today or later, within three years; `<n>d` counts from today."""
    day = due(word, today, limit=MILESTONE_MAX_DAYS, strictly_after=False)
    if day is None:
        raise UsageError("errors.bad_date", value=word)
    return day

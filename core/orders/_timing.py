"""When an order's reminders and its 回头看 fall (SPEC §5 `order-reminders`, `order-reviews`).

Deadlines are calendar days; a reminder that falls on a non-working day goes on the next
working day, once. Two reminders landing on the same day become the more urgent one.
"""

from __future__ import annotations

from datetime import date, timedelta

from core.common.calendar import is_workday, week_bounds, workdays

BEFORE = (("d7", 7), ("d1", 1), ("due", 0))  # least to most urgent
REVIEW_AFTER = 30  # 回头看: 30 days after close-out


def next_workday(day: date) -> date:
    """Day itself when it is a working day, else the next working day."""
    while not is_workday(day):
        day += timedelta(days=1)
    return day


def cadre_reminder(day: date, *, deadline: date, issued_on: date) -> str | None:
    """The reminder the cadre gets on `day` for a live order: d7, d1, due, overdue or None."""
    if not is_workday(day):
        return None
    if day > deadline:
        return "overdue"
    found = None
    for kind, days_before in BEFORE:
        nominal = deadline - timedelta(days=days_before)
        if nominal <= issued_on:  # already past when the order was issued
            continue
        if next_workday(nominal) == day:
            found = kind  # a later (more urgent) kind on the same day wins
    return found


def examiner_overdue_day(day: date) -> bool:
    """Whether `day` is the week's day for the issuer's overdue list (its first working day)."""
    days = workdays(*week_bounds(day))
    return bool(days) and days[0] == day


def recheck_day(closed_on: date) -> date:
    """The working day the issuing examiner is asked for the 回头看."""
    return next_workday(closed_on + timedelta(days=REVIEW_AFTER))

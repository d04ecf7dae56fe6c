"""Review windows (SPEC §4 `/summary`): today, the ISO week or the month to date, a past month."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from core.common.calendar import month_bounds, week_bounds
from core.common.errors import UsageError

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
TOKEN = re.compile(r"^(today|week|month|period|\d{4}-\d{2})$", re.IGNORECASE)


@dataclass(frozen=True)
class Window:
    """A fixed review window; `end` never passes today."""

    kind: str  # today | week | month | YYYY-MM | period
    start: date
    end: date
    label: str = ""  # the period's theme


def parse_window(token: str | None, today: date) -> Window:
    """today (default) | week (ISO week to date) | month (to date) | YYYY-MM."""
    token = (token or "today").lower()
    if token == "today":
        return Window("today", today, today)
    if token == "week":
        return Window("week", week_bounds(today)[0], today)
    if token == "month":
        return Window("month", today.replace(day=1), today)
    match = _MONTH.match(token)
    if match:
        try:
            first = date(int(match[1]), int(match[2]), 1)
        except ValueError:
            raise UsageError("errors.bad_window", value=token) from None
        if first > today:
            raise UsageError("errors.future_date", date=token)
        return Window(token, first, min(month_bounds(first)[1], today))
    raise UsageError("errors.bad_window", value=token)

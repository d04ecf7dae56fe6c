"""The rectification order's state machine (SPEC §7): one table decides every transition.

待整改 open → 整改中 progress (first progress report) → 待销号 submitted (/done) → 已销号 closed
(/verify pass); /verify fail returns it to 整改中; /review relapse reopens a closed order (整改中),
ok keeps it closed. An order that is neither closed nor cancelled is overdue past its deadline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from core.common.calendar import is_workday

STATES = ("open", "progress", "submitted", "closed", "cancelled")
LIVE = ("open", "progress", "submitted")  # orders that still need work (and reminders)
CADRE, EXAMINER = "cadre", "examiner"
DEFAULT_DAYS = 60  # the 2-month 集中整改期
RATING_WORKDAYS = 15  # 差评 → 整改: 15 working days
MAX_DAYS = 366
NUMBER = re.compile(r"^ZG-(\d{4})-(\d{1,6})$", re.IGNORECASE)


@dataclass(frozen=True)
class Rule:
    """What an action does from a state, and who may take it."""

    to: str
    role: str


# (state, action) → Rule. Anything not listed is refused, naming the order's state.
RULES: dict[tuple[str, str], Rule] = {
    ("open", "progress"): Rule("progress", CADRE),
    ("progress", "progress"): Rule("progress", CADRE),
    ("submitted", "progress"): Rule("submitted", CADRE),  # more detail while it is checked
    ("open", "done"): Rule("submitted", CADRE),
    ("progress", "done"): Rule("submitted", CADRE),
    ("submitted", "pass"): Rule("closed", EXAMINER),
    ("submitted", "fail"): Rule("progress", EXAMINER),
    ("closed", "ok"): Rule("closed", EXAMINER),
    ("closed", "relapse"): Rule("progress", EXAMINER),
    ("open", "cancel"): Rule("cancelled", EXAMINER),
    ("progress", "cancel"): Rule("cancelled", EXAMINER),
    ("submitted", "cancel"): Rule("cancelled", EXAMINER),
}
ACTIONS = ("progress", "done", "pass", "fail", "ok", "relapse", "cancel")
ROLE_OF = {action: rule.role for (_state, action), rule in RULES.items()}


class Refusal(Exception):
    """The action is not allowed: `reason` is a template key, `state` the order's state."""

    def __init__(self, reason: str, state: str) -> None:
        super().__init__(reason)
        self.reason, self.state = reason, state


def transition(state: str, action: str, role: str) -> str:
    """The state after `action` taken in `role`; Refusal when the table does not allow it."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if ROLE_OF[action] != role:
        raise Refusal("orders.cadre_only" if ROLE_OF[action] == CADRE
                      else "orders.examiner_only", state)
    rule = RULES.get((state, action))
    if rule is None:
        raise Refusal(f"orders.refused_{action}", state)
    return rule.to


def is_overdue(state: str, deadline: date, today: date) -> bool:
    """Past its deadline (calendar days) and not closed or cancelled."""
    return state in LIVE and deadline < today


def add_workdays(start: date, count: int) -> date:
    """The `count`-th working day after start (差评 orders: 15 working days)."""
    day = start
    while count > 0:
        day += timedelta(days=1)
        if is_workday(day):
            count -= 1
    return day


def number(year: int, seq: int) -> str:
    """ZG-<year>-<4 digits>."""
    return f"ZG-{year}-{seq:04d}"


def normalize_number(text: str) -> str | None:
    """`zg-2026-0001` or `ZG-2026-1` → `ZG-2026-0001`; None when it is no order number."""
    match = NUMBER.match(text.strip())
    return number(int(match[1]), int(match[2])) if match else None

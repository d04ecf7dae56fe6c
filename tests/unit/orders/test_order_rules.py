"""core.orders.rules: every (state, action, role) of the rectification order (SPEC §7).

The expected table is written here by hand from the SPEC §7 text, not computed from RULES:

  待整改 open → 整改中 progress (first progress report) → 待销号 submitted (/done)
  → 已销号 closed (/verify pass); /verify fail returns it to 整改中; /review ok keeps it
  closed, /review relapse reopens it. Only the responsible cadre reports (progress, done);
  only examiners and admins verify and review.

Where the SPEC is silent, the choices a careful user would expect (and this test pins):
  - further progress reports keep an order 整改中; a progress report while 待销号 adds detail
    and keeps it 待销号; /done straight from 待整改 is allowed (fixed at once);
  - relapse reopens to 整改中 (work resumes), not 待整改;
  - cancel (撤销; no command yet) is the examiners' and ends any live order.
"""

from __future__ import annotations

from datetime import date

import pytest

from core.orders import rules
from core.orders.rules import Refusal, transition

STATES = ("open", "progress", "submitted", "closed", "cancelled")
ACTIONS = ("progress", "done", "pass", "fail", "ok", "relapse", "cancel")
ROLES = ("cadre", "examiner")
WHO = {"progress": "cadre", "done": "cadre", "pass": "examiner", "fail": "examiner",
       "ok": "examiner", "relapse": "examiner", "cancel": "examiner"}
ALLOWED = {
    ("open", "progress"): "progress",
    ("progress", "progress"): "progress",
    ("submitted", "progress"): "submitted",
    ("open", "done"): "submitted",
    ("progress", "done"): "submitted",
    ("submitted", "pass"): "closed",
    ("submitted", "fail"): "progress",
    ("closed", "ok"): "closed",
    ("closed", "relapse"): "progress",
    ("open", "cancel"): "cancelled",
    ("progress", "cancel"): "cancelled",
    ("submitted", "cancel"): "cancelled",
}
CASES = [(s, a, r) for s in STATES for a in ACTIONS for r in ROLES]


def test_the_machine_knows_exactly_these_states_and_actions() -> None:
    assert (rules.STATES, rules.ACTIONS) == (STATES, ACTIONS)
    assert rules.LIVE == ("open", "progress", "submitted")


@pytest.mark.parametrize(("state", "action", "role"), CASES,
                         ids=[f"{s}-{a}-{r}" for s, a, r in CASES])
def test_each_state_action_and_role_is_allowed_or_refused_as_the_spec_says(
        state: str, action: str, role: str) -> None:
    expected = ALLOWED.get((state, action)) if WHO[action] == role else None
    if expected is not None:
        assert transition(state, action, role) == expected
        return
    with pytest.raises(Refusal) as refused:
        transition(state, action, role)
    assert refused.value.state == state
    if WHO[action] != role:  # the wrong side is told who may do it, whatever the state
        assert refused.value.reason == ("orders.cadre_only" if WHO[action] == "cadre"
                                        else "orders.examiner_only")
    else:
        assert refused.value.reason == f"orders.refused_{action}"


def test_an_unknown_action_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        transition("open", "close", "examiner")


@pytest.mark.parametrize("state", ["closed", "cancelled"])
def test_a_closed_or_cancelled_order_is_never_overdue(state: str) -> None:
    assert not rules.is_overdue(state, date(2026, 1, 1), date(2026, 6, 1))


@pytest.mark.parametrize("state", ["open", "progress", "submitted"])
def test_a_live_order_is_overdue_only_after_its_deadline(state: str) -> None:
    deadline = date(2026, 11, 20)
    assert not rules.is_overdue(state, deadline, date(2026, 11, 20))
    assert rules.is_overdue(state, deadline, date(2026, 11, 21))


def test_numbers_have_the_year_and_four_digits() -> None:
    assert rules.number(2026, 7) == "ZG-2026-0007"
    assert rules.normalize_number("zg-2026-7") == "ZG-2026-0007"
    assert rules.normalize_number(" ZG-2026-0012 ") == "ZG-2026-0012"
    assert rules.normalize_number("ZG-26-0001") is None
    assert rules.normalize_number("2026-0001") is None


def test_fifteen_working_days_skip_the_national_day_holiday() -> None:
    # 2026-09-28 (Mon): Sep 29, 30, Oct 8, 9, 10 (Sat, 调休 working day), 12–16, 19–23
    assert rules.add_workdays(date(2026, 9, 28), 15) == date(2026, 10, 23)

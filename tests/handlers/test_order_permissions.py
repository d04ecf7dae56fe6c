"""Who may do what with an order (SPEC §2, §7): every order command and button × six people.

Only the responsible cadre reports (progress, done); only the project's examiners and admins
issue, list, verify and review; the cadre, the project's examiners and admins read /order.
An allowed step succeeds; a refused one answers one line and changes nothing.
"""

from __future__ import annotations

import pytest

from core.common.buttons import sign
from core.orders import orders
from core.org.people import UserInfo, actor_for
from storage.tables import Person
from tests.auxil.factories import button_press, make_message, private
from tests.auxil.order_world import (
    ADMIN,
    CADRE,
    EXAMINER,
    FOREIGN,
    OTHER,
    STRANGER,
    order,
    say,
    setup_orders,
    snapshot,
    today,
)
from tests.conftest import ADMIN_ID, make_settings

SECRET = make_settings("sqlite://").frontline_secret
PEOPLE = {"stranger": STRANGER, "cadre": CADRE, "other_cadre": OTHER,
          "foreign_examiner": FOREIGN, "examiner": EXAMINER, "admin": ADMIN}
READERS = {"cadre", "examiner", "admin"}
CADRE_ONLY = {"cadre"}
EXAMINERS = {"examiner", "admin"}
REFUSALS = ("仅限考察员和管理员", "无权查看", "不是交给您的", "不是您负责的项目的干部")

# name: (state the order is put in, what is sent ("/…" a command, else a button action),
#        who may, state after an allowed step (None: read-only))
CASES = {
    "rectify": ("open", "/rectify 张三 新发现的问题", EXAMINERS, None),
    "orders": ("open", "/orders 城南快速路", EXAMINERS, None),
    "order": ("open", "/order {n}", READERS, None),
    "progress": ("open", "/progress {n} 已出方案", CADRE_ONLY, "progress"),
    "done": ("open", "/done {n} 已整改", CADRE_ONLY, "submitted"),
    "verify_pass": ("submitted", "/verify {n} pass 属实", EXAMINERS, "closed"),
    "verify_fail": ("submitted", "/verify {n} fail 缺照片", EXAMINERS, "progress"),
    "review_ok": ("closed", "/review {n} ok 无反弹", EXAMINERS, "closed"),
    "review_relapse": ("closed", "/review {n} relapse 又有积水", EXAMINERS, "progress"),
    "button_progress": ("open", "progress", CADRE_ONLY, "progress"),
    "button_done": ("open", "done", CADRE_ONLY, "submitted"),
    "button_pass": ("submitted", "pass", EXAMINERS, "closed"),
    "button_fail": ("submitted", "fail", EXAMINERS, "progress"),
    "button_ok": ("closed", "ok", EXAMINERS, "closed"),
    "button_relapse": ("closed", "relapse", EXAMINERS, "progress"),
}
STEPS = {"submitted": ("done",), "closed": ("done", "pass")}


def prepare(h, state: str) -> str:  # type: ignore[no-untyped-def]
    """A fresh order to 张三 in `state`, made through the use cases; its number."""
    admins = frozenset({ADMIN_ID})
    with h.db.session() as s:
        examiner = actor_for(s, UserInfo(id=EXAMINER.id), admins=admins)
        cadre = actor_for(s, UserInfo(id=CADRE.id), admins=admins)
        person = s.get(Person, cadre.person.id)
        made = orders.issue(s, examiner, person, "围挡破损", today=today())
        for step in STEPS.get(state, ()):
            orders.act(s, cadre if step == "done" else examiner, made.number, step, "说明")
        return made.number


async def attempt(h, who, sent: str, number: str) -> None:  # type: ignore[no-untyped-def]
    if sent.startswith("/"):
        await h.feed(say(private(who), who, sent.format(n=number)))
        return
    data = sign(SECRET, "o", order(h, number).id, sent)
    await h.feed(button_press(who, make_message(private(who), None, "📌", message_id=77),
                              data))
    if sent in ("progress", "done", "fail", "relapse") and h.request.sent(chat_id=who.id):
        await h.feed(say(private(who), who, "按钮之后的说明"))  # the text the press asked for


@pytest.mark.parametrize("case", list(CASES))
async def test_each_order_step_is_allowed_only_to_its_people(harness, case: str) -> None:
    await setup_orders(harness, reachable=tuple(PEOPLE.values()))
    state, sent, allowed, after = CASES[case]
    for name, who in PEOPLE.items():
        number = prepare(harness, state)
        before = snapshot(harness, number)
        harness.request.clear()
        await attempt(harness, who, sent, number)
        now = snapshot(harness, number)
        said = harness.request.texts(who.id)
        if name in allowed:
            assert said and not any(r in t for r in REFUSALS for t in said), (name, said)
            if case == "rectify":
                assert now.orders == before.orders + 1, name
            elif after is None:
                assert number in said[0] and now == before, name
            else:
                assert (now.state, now.events) == (after, before.events + 1), name
            continue
        assert now == before, name
        lines = said if sent.startswith("/") else [
            c.params.get("text", "") for c in harness.request.sent("answerCallbackQuery")]
        assert len(lines) == 1 and "\n" not in lines[0], (name, lines)
        assert any(r in lines[0] for r in REFUSALS), (name, lines[0])
        assert [c.chat_id for c in harness.request.sent()] == (
            [who.id] if sent.startswith("/") else []), name  # and nobody else hears of it


async def test_an_examiner_of_another_project_does_not_see_its_orders_listed(harness) -> None:
    await setup_orders(harness, reachable=(FOREIGN,))
    number = prepare(harness, "open")
    await harness.feed(say(private(FOREIGN), FOREIGN, "/orders"))
    text = harness.last(FOREIGN.id)
    assert number not in text and "（0 件）" in text


async def test_a_strangers_refusals_are_answered_once_a_day(harness) -> None:
    await setup_orders(harness)
    number = prepare(harness, "open")
    for command in (f"/order {number}", f"/verify {number} pass 好"):
        await harness.feed(say(private(STRANGER), STRANGER, command))
    assert len(harness.request.texts(STRANGER.id)) == 1
    assert snapshot(harness, number).state == "open"

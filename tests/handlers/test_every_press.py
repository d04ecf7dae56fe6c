"""Every button press is answered exactly once (SPEC §11): a forged or unknown one with a
one-line toast that it does nothing (no chat message, nothing changed), a stale one with why."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import func, select
from sqlmodel import SQLModel

from core.common.buttons import sign
from tests.auxil.factories import button_press, make_message, private
from tests.auxil.order_world import (
    CADRE,
    EXAMINER,
    GROUP,
    STRANGER,
    data_of,
    issue,
    order,
    say,
    setup_orders,
)
from tests.auxil.raters import KINDS, LEVELS, new_rater, question, ratelink, tap
from tests.conftest import make_settings

pytestmark = pytest.mark.usefixtures("db_url")  # SQLite and PostgreSQL
SECRET = make_settings("sqlite://").frontline_secret
DOES_NOTHING = "这个按钮不起作用（已失效或无法识别），按下不会做任何事：请重新发起操作。"
KEPT = {"inbox"}  # the update itself is stored, whatever it says


def forged() -> list[str]:
    """Data no button of this bot carries: random, unknown, unsigned, of an earlier shape."""
    return [os.urandom(20).hex(), "", "x", "o:1:pass:0123456789", "rt:abc:1:5:0000000000",
            "who:42:ffffffffff", "arg:project:1:0a0a0a0a0a", sign(SECRET, "zz", 1, 2),
            sign(SECRET, "o", 1), sign(SECRET, "rt", "n", 1), sign("other-secret", "o", 1, "pass"),
            "ra:1:" + "f" * 10, "ch:x:1:2:" + "0" * 10]


def rows(h) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Row counts of every table but the inbox: what a press must not change."""
    with h.db.session(write=False) as s:
        return {t.name: s.exec(select(func.count()).select_from(t)).one()[0]
                for t in SQLModel.metadata.sorted_tables if t.name not in KEPT}


async def press(h, user, chat, data: str) -> str:  # type: ignore[no-untyped-def]
    """Press a button carrying `data` on a bot message in `chat`; the toast it got."""
    h.request.clear()
    message = make_message(chat, h.runtime.app.bot.bot, "按钮消息", message_id=77)
    update = button_press(user, message, data)
    await h.feed(update)
    answers = h.request.sent("answerCallbackQuery")
    assert len(answers) == 1, [c.method for c in h.request.calls]
    assert answers[0].params["callback_query_id"] == update.callback_query.id
    return answers[0].params.get("text", "")


def said(h) -> list[str]:  # type: ignore[no-untyped-def]
    """Every call besides the press's answer: messages, edits, files."""
    return [c.method for c in h.request.calls if c.method != "answerCallbackQuery"]


@pytest.mark.parametrize("where", ["group", "private", "stranger"])
async def test_a_forged_or_unknown_press_gets_one_toast_and_changes_nothing(harness, where
                                                                           ) -> None:
    await setup_orders(harness)
    await issue(harness)
    user, chat = {"group": (CADRE, GROUP), "private": (EXAMINER, private(EXAMINER)),
                  "stranger": (STRANGER, private(STRANGER))}[where]
    before = rows(harness)
    for data in forged():
        assert await press(harness, user, chat, data) == DOES_NOTHING, data
        assert said(harness) == [], data
    assert rows(harness) == before


async def test_a_forged_press_on_an_order_leaves_it_and_a_stale_one_says_why(harness) -> None:
    await setup_orders(harness)
    made = await issue(harness)
    card = [c for c in harness.request.sent(chat_id=CADRE.id) if c.params.get("reply_markup")]
    real = data_of(card[-1], "申请销号")
    assert await press(harness, CADRE, private(CADRE), real[:-1] + "x") == DOES_NOTHING
    assert order(harness).state == "open"
    await harness.feed(say(private(CADRE), CADRE, f"/done {made.number} 已完成管线迁改"))
    await harness.feed(say(private(EXAMINER), EXAMINER, f"/verify {made.number} pass 核验通过"))
    assert order(harness).state == "closed"
    stale = sign(SECRET, "o", made.id, "pass")
    toast = await press(harness, EXAMINER, private(EXAMINER), stale)
    assert made.number in toast and "已销号" in toast
    assert said(harness) == []
    assert await press(harness, CADRE, private(CADRE), real) == (
        f"交办单 {made.number} 已销号，无需再提交。")


async def test_a_forged_press_in_a_rating_flow_leaves_the_flow_going(harness) -> None:
    await setup_orders(harness)
    token = await ratelink(harness, EXAMINER, "城南快速路")
    rater = new_rater()
    await harness.feed(say(private(rater), rater, f"/start r_{token}"))
    await tap(harness, rater, KINDS["enterprise"])
    asked = question(harness, rater.id)
    before = rows(harness)
    for data in forged():
        assert await press(harness, rater, private(rater), data) == DOES_NOTHING, data
        assert said(harness) == []
    assert rows(harness) == before
    harness.request.calls.append(asked)  # the level question is still the one to answer
    await tap(harness, rater, LEVELS[5])
    assert rows(harness)["rating"] == before["rating"] + 1

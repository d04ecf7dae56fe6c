"""Order buttons and the private answers they ask for; each side hears of the other (SPEC §7)."""

from __future__ import annotations

from core.common.buttons import sign
from tests.auxil.factories import button_press, make_message, private
from tests.auxil.order_world import (
    ADMIN,
    CADRE,
    EXAMINER,
    GROUP,
    OTHER,
    buttons,
    data_of,
    issue,
    order,
    say,
    setup_orders,
    snapshot,
)
from tests.conftest import make_settings

SECRET = make_settings("sqlite://").frontline_secret


def card_of(h, chat_id: int):  # type: ignore[no-untyped-def]
    """The last message with buttons the bot sent to a chat, as the user sees it."""
    calls = [c for c in h.request.sent(chat_id=chat_id) if c.params.get("reply_markup")]
    assert calls, f"no buttons were sent to {chat_id}"
    call = calls[-1]
    return call, make_message(private(CADRE) if chat_id == CADRE.id else
                              GROUP if chat_id == GROUP.id else private(EXAMINER),
                              None, call.text, message_id=500 + len(h.request.calls))


def toast(h) -> str:  # type: ignore[no-untyped-def]
    """The one-line answer to the last button press."""
    answers = h.request.sent("answerCallbackQuery")
    assert answers, "the press was not answered"
    return answers[-1].params.get("text", "")


async def press(h, user, chat_id: int, label: str) -> None:  # type: ignore[no-untyped-def]
    call, message = card_of(h, chat_id)
    await h.feed(button_press(user, message, data_of(call, label)))


async def submitted(h):  # type: ignore[no-untyped-def]
    """An order the cadre has asked to close (待销号); the examiner holds 通过/退回."""
    made = await issue(h)
    await h.feed(say(private(CADRE), CADRE, f"/done {made.number} 已完成管线迁改"))
    return made.number


async def test_progress_button_asks_in_private_and_the_next_message_is_the_progress(
        harness) -> None:
    await setup_orders(harness)
    made = await issue(harness)
    await press(harness, CADRE, CADRE.id, "汇报进展")
    assert "私聊" in toast(harness)
    assert "整改进展（下一条消息即为汇报内容）" in harness.last(CADRE.id)
    assert order(harness).state == "open"
    harness.request.clear()
    await harness.feed(say(private(CADRE), CADRE, "已完成管线迁改方案"))
    assert order(harness).state == "progress"
    assert "已汇报进展，当前状态 整改中" in harness.last(CADRE.id)
    [told] = harness.request.texts(EXAMINER.id)
    assert f"张三 对交办单 {made.number} 汇报进展：已完成管线迁改方案" in told


async def test_progress_button_in_the_group_asks_the_cadre_in_private(harness) -> None:
    await setup_orders(harness)
    await issue(harness, chat=GROUP)
    harness.request.clear()
    await issue(harness)  # a second order: its card goes to the group by notice
    await press(harness, CADRE, GROUP.id, "汇报进展")
    assert "整改进展" in harness.last(CADRE.id)


async def test_done_button_then_text_submits_and_the_issuer_gets_pass_and_fail(harness) -> None:
    await setup_orders(harness)
    made = await issue(harness)
    await press(harness, CADRE, CADRE.id, "申请销号")
    assert "整改完成情况" in harness.last(CADRE.id)
    await harness.feed(say(private(CADRE), CADRE, "已完成，附照片"))
    assert order(harness).state == "submitted"
    call, _ = card_of(harness, EXAMINER.id)
    assert f"张三 对交办单 {made.number} 申请销号：已完成，附照片" in call.text
    assert [label for label, _ in buttons(call)] == ["通过", "退回"]


async def test_pass_button_closes_the_order_and_tells_the_cadre(harness) -> None:
    await setup_orders(harness)
    number = await submitted(harness)
    card, message = card_of(harness, EXAMINER.id)
    harness.request.clear()
    await harness.feed(button_press(EXAMINER, message, data_of(card, "通过")))
    after = order(harness)
    assert after.state == "closed" and after.closed_at is not None
    assert f"{number} 已核验通过，销号" in toast(harness)
    assert harness.request.sent("editMessageReplyMarkup")  # the used buttons go away
    [told] = harness.request.texts(CADRE.id)
    assert f"交办单 {number}：核验通过，销号" in told and "已销号" in told


async def test_fail_button_asks_for_a_reason_then_returns_the_order(harness) -> None:
    await setup_orders(harness)
    number = await submitted(harness)
    await press(harness, EXAMINER, EXAMINER.id, "退回")
    assert f"请发送退回交办单 {number} 的理由" in harness.last(EXAMINER.id)
    assert order(harness).state == "submitted"
    harness.request.clear()
    await harness.feed(say(private(EXAMINER), EXAMINER, "现场仍有积水"))
    assert order(harness).state == "progress"
    call, _ = card_of(harness, CADRE.id)
    assert f"交办单 {number}：退回整改（现场仍有积水）" in call.text
    assert data_of(call, "汇报进展") and data_of(call, "申请销号")


async def test_an_admin_who_issued_can_send_an_order_back_by_button(harness) -> None:
    await setup_orders(harness)
    await harness.feed(say(private(ADMIN), ADMIN, "/rectify 张三 管线迁改滞后"))
    number = order(harness).number
    await harness.feed(say(private(CADRE), CADRE, f"/done {number} 已完成"))
    call, message = card_of(harness, ADMIN.id)
    await harness.feed(button_press(ADMIN, message, data_of(call, "退回")))
    assert f"请发送退回交办单 {number} 的理由" in harness.last(ADMIN.id)
    await harness.feed(say(private(ADMIN), ADMIN, "材料不全"))
    assert order(harness).state == "progress"


async def test_stale_button_says_already_closed(harness) -> None:
    await setup_orders(harness)
    number = await submitted(harness)
    card, message = card_of(harness, CADRE.id)  # the order's card, still with 申请销号
    await harness.feed(say(private(EXAMINER), EXAMINER, f"/verify {number} pass 属实"))
    before = snapshot(harness, number)
    harness.request.clear()
    await harness.feed(button_press(CADRE, message, data_of(card, "申请销号")))
    assert toast(harness) == f"交办单 {number} 已销号，无需再提交。"
    assert snapshot(harness, number) == before
    assert harness.request.sent() == []


async def test_forged_button_data_gets_one_line(harness) -> None:
    await setup_orders(harness)
    made = await issue(harness)
    before = snapshot(harness, made.number)
    harness.request.clear()
    message = make_message(private(CADRE), None, "📌", message_id=43)
    for data in (f"o:{made.id}:done:0000000000", sign("another-secret", "o", made.id, "done"),
                 sign(SECRET, "o", made.id, "close"), sign(SECRET, "o", 9999, "done")):
        await harness.feed(button_press(CADRE, message, data))
        assert toast(harness) == "这个按钮不起作用（已失效或无法识别），按下不会做任何事：请重新发起操作。"
    assert snapshot(harness, made.number) == before
    assert harness.request.sent() == []


async def test_another_cadre_pressing_the_group_card_is_refused(harness) -> None:
    await setup_orders(harness, reachable=(CADRE, OTHER, EXAMINER))
    made = await issue(harness, chat=GROUP)
    before = snapshot(harness, made.number)
    await press(harness, OTHER, GROUP.id, "申请销号")
    assert f"交办单 {made.number} 不是交给您的" in toast(harness)
    await harness.feed(say(private(OTHER), OTHER, "已整改完毕"))  # no question waits for this
    assert snapshot(harness, made.number) == before


async def test_private_chatter_without_a_question_changes_no_order(harness) -> None:
    await setup_orders(harness)
    made = await issue(harness)
    before = snapshot(harness, made.number)
    harness.request.clear()
    await harness.feed(say(private(CADRE), CADRE, "好的，收到"))
    assert snapshot(harness, made.number) == before and harness.request.sent() == []


async def test_a_button_question_is_answered_once(harness) -> None:
    await setup_orders(harness)
    made = await issue(harness)
    await press(harness, CADRE, CADRE.id, "汇报进展")
    await harness.feed(say(private(CADRE), CADRE, "第一次汇报"))
    await harness.feed(say(private(CADRE), CADRE, "随口一句"))
    assert snapshot(harness, made.number).events == 2  # issue + one progress


async def test_the_cadres_commands_reach_the_issuer_and_the_examiners_reach_the_cadre(
        harness) -> None:
    await setup_orders(harness)
    made = await issue(harness)
    n = made.number
    steps = [(CADRE, f"/progress {n} 方案已定", EXAMINER, "汇报进展：方案已定"),
             (CADRE, f"/done {n} 已完成", EXAMINER, "申请销号：已完成"),
             (EXAMINER, f"/verify {n} fail 缺照片", CADRE, "退回整改（缺照片）"),
             (CADRE, f"/done {n} 照片已补", EXAMINER, "申请销号：照片已补"),
             (EXAMINER, f"/verify {n} pass 属实", CADRE, "核验通过，销号（属实）"),
             (EXAMINER, f"/review {n} relapse 又有积水", CADRE, "有反弹，重新整改（又有积水）"),
             (CADRE, f"/done {n} 已彻底处理", EXAMINER, "申请销号：已彻底处理"),
             (EXAMINER, f"/verify {n} pass 好", CADRE, "核验通过，销号（好）"),
             (EXAMINER, f"/review {n} ok 无反弹", CADRE, "回头看：无反弹（无反弹）")]
    for actor, command, other, heard in steps:
        harness.request.clear()
        await harness.feed(say(private(actor), actor, command))
        assert n in harness.last(actor.id), command
        [told] = harness.request.texts(other.id)
        assert n in told and heard in told, command
    assert order(harness).state == "closed"

"""/order <no> cancel <reason>: examiners withdraw an order; it leaves every reminder list."""

from __future__ import annotations

from tests.auxil.factories import private
from tests.auxil.order_world import CADRE, EXAMINER, issue, order, say, setup_orders


async def test_an_examiner_cancels_an_order_and_the_cadre_is_told(harness) -> None:
    await setup_orders(harness)
    made = await issue(harness)
    harness.request.clear()
    await harness.feed(say(private(EXAMINER), EXAMINER, f"/order {made.number} cancel 已另行处理"))
    assert order(harness, made.number).state == "cancelled"
    assert "撤销" in harness.last(EXAMINER.id)
    assert any("撤销" in t and "已另行处理" in t for t in harness.texts(CADRE.id))


async def test_a_cadre_cannot_cancel_their_own_order(harness) -> None:
    await setup_orders(harness)
    made = await issue(harness)
    await harness.feed(say(private(CADRE), CADRE, f"/order {made.number} cancel 不想做"))
    assert order(harness, made.number).state == "open"
    assert "考察员" in harness.last(CADRE.id)


async def test_cancel_needs_a_reason_and_cancelled_orders_list_as_closed(harness) -> None:
    await setup_orders(harness)
    made = await issue(harness)
    await harness.feed(say(private(EXAMINER), EXAMINER, f"/order {made.number} cancel"))
    assert order(harness, made.number).state == "open"
    await harness.feed(say(private(EXAMINER), EXAMINER, f"/order {made.number} cancel 重复交办"))
    await harness.feed(say(private(EXAMINER), EXAMINER, "/orders closed"))
    assert made.number in harness.last(EXAMINER.id) and "已撤销" in harness.last(EXAMINER.id)
    await harness.feed(say(private(EXAMINER), EXAMINER, "/orders open"))
    assert made.number not in harness.last(EXAMINER.id)

"""Order buttons: 汇报进展 / 申请销号 (cadre), 通过 / 退回 and 无反弹 / 有反弹 (examiners)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler

from core.common import answers
from core.common.buttons import verify
from core.common.errors import UsageError
from core.orders import orders
from core.orders.rules import ACTIONS
from handlers.context import Ctx
from handlers.orders import apply

AT_ONCE = ("pass", "ok")  # the others need a text: what was done, or why


async def press(update: Update, context: Ctx) -> None:
    """Signed, bound to the order and the action; a stale state gets one line."""
    query = update.callback_query
    _prefix, order_id, action = verify(context.settings.frontline_secret, query.data or "", parts=3)
    if action not in ACTIONS:
        raise UsageError("errors.bad_button")
    order = orders.by_id(context.session, int(order_id))
    if action in AT_ONCE:
        change = apply(context, order.number, action, "")
        context.answer_button("orders.acted_short", change=change)
        context.after("edit_message_reply_markup", chat_id=query.message.chat_id,
                      message_id=query.message.message_id, reply_markup=None)
        context.send(query.from_user.id, "orders.acted", change=change)
    else:
        _ask_for_text(context, order, action)


def _ask_for_text(context: Ctx, order: orders.Rectification, action: str) -> None:
    """汇报进展 / 申请销号 / 退回 take the presser's next private message as their words."""
    orders.check(context.actor, order, action)  # refused now rather than after the text
    # check() passed: the order's cadre, or an examiner or admin, who has a row though
    # perhaps no registered name (granted by id, or listed in FRONTLINE_ADMINS)
    person = context.actor.person
    assert person is not None
    answers.expect(context.session, person, "order", order=order.id, action=action)
    context.answer_button("orders.asked_short")
    context.send(context.tg_update.callback_query.from_user.id, "orders.ask_text", order=order,
                 action=action)


async def answer(context: Ctx, asked: dict, text: str) -> None:
    """The private message that answers a button's question: the action's text."""
    order = orders.by_id(context.session, int(asked["order"]))
    change = apply(context, order.number, asked["action"], text)
    context.reply("orders.acted", change=change)


def register(app: Application) -> None:
    app.add_handler(CallbackQueryHandler(press, pattern=r"^o:"))

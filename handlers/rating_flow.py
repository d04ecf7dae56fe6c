"""The rater's side of 听评价, in private: the r_ link, three taps, the optional steps, 回访."""

from __future__ import annotations

from datetime import UTC, datetime

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler

from core.common.buttons import verify
from core.common.errors import UsageError
from core.ratings import flow, to_orders
from handlers.context import Ctx
from handlers.keyboards import rating_step, to_order_button


def settings(context: Ctx) -> flow.Settings:
    """The flow's settings (secret, anonymity thresholds) from the bot's."""
    s = context.settings
    return flow.Settings(secret=s.frontline_secret, minimum=s.frontline_anon_min,
                         min_comments=s.frontline_anon_min_comments, admins=s.frontline_admins)


def show(context: Ctx, step: flow.Step, *, edit: bool) -> None:
    """The step's question (editing the pressed message, or as a new one)."""
    text = context.text("ratings.flow", step=step, dims=flow.DIMENSIONS)
    buttons = rating_step(context, step)
    query = context.tg_update.callback_query
    if edit and query is not None and query.message is not None:
        kwargs = {"chat_id": query.message.chat_id, "message_id": query.message.message_id,
                  "text": text, "parse_mode": "HTML"}
        context.after("edit_message_text", **kwargs, reply_markup=buttons)
    else:
        context.reply("ratings.flow", markup=buttons, step=step, dims=flow.DIMENSIONS)
    if step.alert is not None:
        alert(context, step.alert, step.nonce)


def alert(context: Ctx, found: flow.Alert, nonce: str) -> None:
    """A 差评 reaches the project's examiners through the ledger, nothing about the rater.

    Keyed by rating and flow: a rater who rates badly again, in a later flow, alerts again.
    """
    period_key = f"rating:{found.rating.id}:{nonce}"
    view = {"rating": found.rating, "target": found.target}
    if found.withdrawn:  # rated well after all: whatever is still waiting is dropped
        context.withdraw(job="rating-alert", period_key=f"rating:{found.rating.id}:")
    elif found.new:
        button = to_order_button(context, found.rating.id)
        for examiner in found.examiners:
            if examiner.tg_id:
                context.deliver(examiner.tg_id, "ratings.alert", job="rating-alert",
                                recipient=f"person:{examiner.id}", period_key=period_key,
                                markup=button, due_at=found.due_at, **view)
    else:
        context.revise("ratings.alert", job="rating-alert", period_key=period_key,
                       due_at=found.due_at, **view)


async def start(update: Update, context: Ctx, token: str) -> None:
    """/start r_<token>: the first of three taps."""
    step = flow.start(context.session, context.actor, token, cfg=settings(context),
                      now=datetime.now(UTC), today=context.today())
    show(context, step, edit=False)


async def press(update: Update, context: Ctx) -> None:
    """A flow button: who you are, the level, a dimension, or the menu."""
    _p, nonce, step, value = verify(context.settings.frontline_secret,
                                    update.callback_query.data or "", parts=4)
    if not step.isdigit():
        raise UsageError("errors.bad_button")
    found = flow.press(context.session, context.user.id, cfg=settings(context), nonce=nonce,
                       step=int(step), value=value, now=datetime.now(UTC),
                       today=context.today())
    context.answer_button("ratings.recorded" if int(step) == flow.OVERALL else None)
    show(context, found, edit=True)


async def comment(context: Ctx, text: str) -> bool:
    """The rater's comment (their next private message); False when none is awaited."""
    found = flow.comment(context.session, context.user.id, text, cfg=settings(context),
                         now=datetime.now(UTC))
    if found is None:
        return False
    show(context, found, edit=False)
    return True


async def verdict(update: Update, context: Ctx) -> None:
    """The rater's 回访 answer: how the fix went (满意 / 基本满意 / 不满意)."""
    _p, order_id, value = verify(context.settings.frontline_secret,
                                 update.callback_query.data or "", parts=3)
    order = to_orders.record_verdict(context.session, int(order_id), value)
    query = update.callback_query
    context.answer_button()
    context.after("edit_message_text", chat_id=query.message.chat_id,
                  message_id=query.message.message_id, parse_mode="HTML",
                  text=context.text("ratings.followup_thanks", order=order))


def register(app: Application) -> None:
    app.add_handler(CallbackQueryHandler(press, pattern=r"^rt:"))
    app.add_handler(CallbackQueryHandler(verdict, pattern=r"^rf:"))

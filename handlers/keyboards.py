"""Inline keyboards, in one place: every button the bot puts under a message carries signed data."""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from core.common.buttons import sign
from core.orders.orders import Rectification
from core.ratings import flow, to_orders
from handlers.context import Ctx

ORDER_ACTIONS = {"cadre": ("progress", "done"), "examiner": ("pass", "fail")}
LEVELS = ("5", "4", "3", "2", "1")  # 非常满意 first: the order of the 好差评 scale


def order_buttons(context: Ctx, order: Rectification, side: str | None
                  ) -> InlineKeyboardMarkup | None:
    """汇报进展 / 申请销号 for the cadre, 通过 / 退回 for the examiners; None for no side."""
    if side is None:
        return None
    secret = context.settings.frontline_secret
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(context.text(f"orders.button_{action}"),
                             callback_data=sign(secret, "o", order.id, action))
        for action in ORDER_ACTIONS[side]]])


def followup_verdicts(context: Ctx, order: Rectification) -> InlineKeyboardMarkup:
    """满意 / 基本满意 / 不满意: the 回访 rater's word on the fix."""
    secret = context.settings.frontline_secret
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(context.text(f"ratings.verdict_{value}"),
                             callback_data=sign(secret, "rf", order.id, value))
        for value in to_orders.VERDICTS]])


def cadre_choice(context: Ctx, rating_id: int, cadres: list) -> InlineKeyboardMarkup:
    """One button per cadre of the project: who answers for a 差评 turned into an order."""
    secret = context.settings.frontline_secret
    return InlineKeyboardMarkup([[InlineKeyboardButton(
        p.name, callback_data=sign(secret, "ra", rating_id, p.id))] for p in cadres])


def to_order_button(context: Ctx, rating_id: int) -> InlineKeyboardMarkup:
    """转为交办单, under a 差评 alert."""
    return InlineKeyboardMarkup([[InlineKeyboardButton(
        context.text("ratings.to_order"),
        callback_data=sign(context.settings.frontline_secret, "ra", rating_id))]])


def rating_step(context: Ctx, step: flow.Step) -> dict[str, Any] | None:
    """The buttons of a rating step, each signed and bound to the flow's nonce and step, as
    Telegram's JSON: every step of every rater sends new ones, and PTB's objects would cost
    more to build and to serialize again than the rest of the step's reply."""
    if step.done or step.step == flow.COMMENT:
        return None
    if step.step == flow.KIND:
        rows = [[_step_button(context, f"ratings.kind_{code}", step, code)]
                for code in flow.KIND_CODES]
    elif flow.OVERALL <= step.step < flow.MENU:
        rows = _levels(context, step)
    else:
        rows = [[_step_button(context, "ratings.write_comment", step, "comment")]]
        if step.offer_followup:
            rows.append([_step_button(context, "ratings.ask_followup", step, "followup")])
        rows.append([_step_button(context, "ratings.finish", step, "done")])
    return {"inline_keyboard": rows}


def _levels(context: Ctx, step: flow.Step) -> list[list[dict[str, str]]]:
    """The five levels; past the overall one, 跳过 and 跳过其余 too."""
    rows = [[_step_button(context, "ratings.level", step, level, level=int(level))]
            for level in LEVELS]
    if step.step != flow.OVERALL:
        rows.append([_step_button(context, "ratings.skip", step, "skip"),
                     _step_button(context, "ratings.skip_rest", step, "done")])
    return rows


def _step_button(context: Ctx, label_key: str, step: flow.Step, value: str, **view: int
                 ) -> dict[str, str]:
    return {"text": context.label(label_key, **view), "callback_data": sign(
        context.settings.frontline_secret, "rt", step.nonce, step.step, value)}


def recheck_period(context: Ctx, period_id: int) -> InlineKeyboardMarkup:
    """开启回头看: after every third regular period (the "3+1" rule)."""
    return InlineKeyboardMarkup([[InlineKeyboardButton(
        context.text("periods.open_review"),
        callback_data=sign(context.settings.frontline_secret, "pr", period_id))]])

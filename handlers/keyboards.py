"""Inline keyboards, in one place: every button the bot puts under a message carries signed data."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from core.common.buttons import sign
from core.orders.orders import Rectification
from core.ratings import to_orders
from handlers.context import Ctx

ORDER_ACTIONS = {"cadre": ("progress", "done"), "examiner": ("pass", "fail")}


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

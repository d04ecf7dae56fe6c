"""The one error handler: a user's mistake becomes one line; anything else rolls back."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import Application, MessageHandler, filters

from bot.context import CURRENT, Ctx
from core.errors import UserError

log = logging.getLogger(__name__)

# Hints to people the bot does not know yet, or in unbound groups: at most once a day each.
THROTTLED = {"errors.chat_not_bound", "errors.register_first", "errors.not_registered",
             "errors.no_project"}


async def on_error(update: object, context: Ctx) -> None:
    """Record the failure on the update's scope; the inbox rolls the transaction back."""
    scope = CURRENT.get(None)
    error = context.error
    if scope is None or not isinstance(update, Update):
        log.error("error outside an update", exc_info=error)
        return
    scope.error = error
    scope.outgoing = []
    if not isinstance(error, UserError):
        log.error("handling update %s failed", update.update_id, exc_info=error)
        return
    if update.callback_query is not None:
        context.answer_button(error.key, **error.params)
        return
    if update.effective_chat is None:
        return
    if error.key in THROTTLED and update.effective_user is not None:
        scope.throttle_user = update.effective_user.id
    context.reply(error.key, **error.params)


async def unknown_command(update: Update, context: Ctx) -> None:
    """Unknown commands: answered in private, and in groups only when addressed to this bot."""
    message = update.effective_message
    assert message is not None and message.text is not None
    word = message.text.split()[0]
    addressed = word.lower().endswith("@" + (context.bot.username or "").lower())
    if message.chat.type == "private" or addressed:
        context.reply("errors.unknown_command", command=word.split("@")[0])


def register(app: Application) -> None:
    """Register last: the fallback only sees commands no other handler took."""
    app.add_handler(MessageHandler(filters.COMMAND & filters.UpdateType.MESSAGE, unknown_command))
    app.add_error_handler(on_error)

"""The one error handler: a user's mistake becomes one line; anything else rolls back."""

from __future__ import annotations

import logging
import traceback

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    MessageHandler,
    filters,
)

from core.common.buttons import sign
from core.common.errors import Ambiguous, UsageError, UserError
from handlers.context import CURRENT, Ctx

log = logging.getLogger(__name__)

ECHO_MAX = 40  # a user's argument repeated in an error line is cut to this length
# A rater is nobody we know, yet the flow their r_ link opened answers every step (SPEC §6:
# expired or revoked links say so; a refused comment must not vanish in silence).
RATER_LINES = "ratings."


async def on_error(update: object, context: Ctx) -> None:
    """Record the failure on the update's scope; the inbox rolls the transaction back."""
    scope = CURRENT.get(None)
    error = context.error
    if scope is None or not isinstance(update, Update):
        log.error("error outside an update", exc_info=error)
        return
    scope.error = error
    # drop queued replies, but a button press must still be answered (a nested re-run failed)
    scope.outgoing = [o for o in scope.outgoing if o.method == "answer_callback_query"]
    _answer(update, context, error)
    raise ApplicationHandlerStop  # later handler groups must not act on a rolled-back update


def _answer(update: Update, context: Ctx, error: BaseException | None) -> None:
    """The one line for a user's mistake (throttled for strangers); nothing for a crash."""
    scope = context.scope
    if not isinstance(error, UserError):
        level = logging.DEBUG if scope.trial else logging.ERROR  # a trial runs again
        chat = update.effective_chat
        if chat is not None and chat.type != "private":
            log.log(level, "handling update %s failed", update.update_id, exc_info=error)
        else:  # a private chat may be a rater's: no message that could carry their id
            log.log(level, "handling update %s (private) failed: %s", update.update_id,
                    describe(error))
        return
    params = {k: _short(v) for k, v in error.params.items()}
    if update.callback_query is not None:
        context.answer_button(error.key, **params)
        return
    if update.effective_chat is None:
        return
    if _stranger(update, context) and not error.key.startswith(RATER_LINES):
        scope.throttle_user = context.user.id  # SPEC §11: at most once per person per day
    if isinstance(error, Ambiguous):  # a button per person; the press re-runs the command
        secret = context.settings.frontline_secret
        where = error.params["projects"]
        rows = [[InlineKeyboardButton(context.text("errors.ambiguous_button", person=p,
                                                   projects=where.get(p.id, [])),
                                      callback_data=sign(secret, "who", p.tg_id))]
                for p in error.params["candidates"] if p.tg_id]
        context.reply(error.key, markup=InlineKeyboardMarkup(rows), quote=True, **params)
        return  # handlers/dialogues.py takes the press
    context.reply(error.key, **params)


def describe(error: BaseException | None) -> str:
    """An exception as its type and where it was raised, without its message."""
    if error is None:
        return "unknown error"
    frame = traceback.extract_tb(error.__traceback__)[-1] if error.__traceback__ else None
    where = f" at {'/'.join(frame.filename.rsplit('/', 2)[-2:])}:{frame.lineno}" if frame else ""
    return f"{type(error).__name__}{where}"


def _short(value: object) -> object:
    if isinstance(value, str) and len(value) > ECHO_MAX:
        return value[:ECHO_MAX] + "…"
    return value


def _stranger(update: Update, context: Ctx) -> bool:
    """An unregistered person, or anyone in a group that is not bound to a project."""
    actor = context.actor
    if actor.is_admin or actor.is_examiner:
        return False
    if actor.person is None or not actor.person.name:
        return True
    row = context.chat_row
    return update.effective_chat.type != "private" and (row is None or row.project_id is None)


async def unknown_command(update: Update, context: Ctx) -> None:
    """Unknown commands: answered in private, and in groups only when addressed to this bot."""
    message = update.effective_message
    assert message is not None and message.text is not None
    word = message.text.split()[0]
    addressed = word.lower().endswith("@" + (context.bot.username or "").lower())
    if message.chat.type == "private" or addressed:
        raise UsageError("errors.unknown_command", command=word.split("@")[0])


async def unknown_button(update: Update, context: Ctx) -> None:
    """A press no handler knows (forged, or from a message of an earlier version): a toast."""
    raise UsageError("errors.bad_button")


def register(app: Application) -> None:
    """Register last: the fallbacks only see commands and presses no other handler took."""
    app.add_handler(MessageHandler(filters.COMMAND & filters.UpdateType.MESSAGE, unknown_command))
    app.add_handler(CallbackQueryHandler(unknown_button))
    app.add_error_handler(on_error)

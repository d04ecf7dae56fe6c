"""周/月梳理 answers: #周报, #月报, /weekly, /monthly, their edits, and the project question."""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from core.common.errors import UsageError
from core.reporting import posts, recaps
from core.reporting.report_text import DAILY_TAGS, has_tag
from handlers.args import choose_project, command_text, file_post
from handlers.context import Ctx

MSG = filters.UpdateType.MESSAGE
TAGGED = filters.Regex("#(周报|月报)") | filters.CaptionRegex("#(周报|月报)")
EDITS_GROUP = 1  # group 0's daily-report edit handler takes every edit; this one runs after it


async def _record(update: Update, context: Ctx, kind: str, text: str) -> None:
    if not text:
        raise UsageError(f"recaps.usage_{kind}")
    outcome = file_post(context, text, recaps.RECAP, question="recaps.which_project",
                        prefix="s", kind=kind)
    if outcome is not None:
        _acknowledge(context, outcome)


def _acknowledge(context: Ctx, outcome: posts.Recorded) -> None:
    if outcome.created:  # a replay was acknowledged the first time
        recap = outcome.post
        context.ack(recap.chat_id, recap.message_id, "recaps.ack_line", recap=recap)


async def tagged(update: Update, context: Ctx) -> None:
    """A message or caption containing #周报 or #月报."""
    message = update.effective_message
    text = message.text or message.caption or ""
    await _record(update, context, recaps.tagged_kind(text) or "weekly", text)


async def weekly(update: Update, context: Ctx) -> None:
    """/weekly <text>"""
    await _record(update, context, "weekly", command_text(update.effective_message))


async def monthly(update: Update, context: Ctx) -> None:
    """/monthly <text>"""
    await _record(update, context, "monthly", command_text(update.effective_message))


async def chosen_project(update: Update, context: Ctx) -> None:
    """A press on the project question of a private /weekly or /monthly."""
    outcome = choose_project(context, recaps.RECAP)
    message = update.callback_query.message
    context.after("edit_message_text", chat_id=message.chat_id, message_id=message.message_id,
                  parse_mode="HTML",
                  text=context.text("recaps.filed_to", recap=outcome.post, project=outcome.project))
    _acknowledge(context, outcome)


async def edited(update: Update, context: Ctx) -> None:
    """An edited answer updates its text; dropping the tag withdraws it."""
    message = update.edited_message
    text = message.text or message.caption or ""
    command = recaps.COMMANDS.get(text.split(maxsplit=1)[0].split("@")[0] if text else "")
    if command:
        kind, text = command, command_text(message)
    elif has_tag(text, DAILY_TAGS):
        kind = None  # now a daily report: the daily handler has it
    else:
        kind = recaps.tagged_kind(text)
    found = recaps.edit(context.session, chat_id=message.chat_id,
                           message_id=message.message_id, text=text, kind=kind if text else None,
                           default_tz=context.settings.frontline_tz)
    if found is None and kind and not command and message.chat.type != "private":
        await _record(update, context, kind, text)  # the tag was added by the edit


def register(app: Application) -> None:
    app.add_handler(CommandHandler("weekly", weekly, filters=MSG))
    app.add_handler(CommandHandler("monthly", monthly, filters=MSG))
    app.add_handler(MessageHandler(MSG & TAGGED & ~filters.COMMAND, tagged))
    app.add_handler(CallbackQueryHandler(chosen_project, pattern=r"^s:"))
    app.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE, edited), group=EDITS_GROUP)

"""Daily reports: hashtag messages, /daily, edits, /undo, and the project question."""

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
from core.reporting import posts, reports
from core.reporting.report_text import DAILY_TAGS, has_tag
from handlers.args import choose_project, command_text, file_post
from handlers.context import Ctx

MSG = filters.UpdateType.MESSAGE
TAGGED = filters.Regex("#(每日动态|日报)") | filters.CaptionRegex("#(每日动态|日报)")


async def _record(update: Update, context: Ctx, text: str, *, command: bool) -> None:
    backfill, text = reports.parse_backfill(text) if command else (None, text)
    if not text:
        raise UsageError("usage.daily")
    outcome = file_post(context, text, reports.DAILY, question="reports.which_project",
                        prefix="d", backfill=backfill)
    if outcome is not None:
        _acknowledge(context, outcome)


def _acknowledge(context: Ctx, outcome: posts.Recorded) -> None:
    report = outcome.post
    if not outcome.created:
        return  # a replay: already acknowledged
    if report.backfilled:
        context.send(report.chat_id, "reports.backfilled", report=report)
    else:
        context.ack(report.chat_id, report.message_id, "reports.ack_line", report=report)


async def tagged(update: Update, context: Ctx) -> None:
    """A message or caption containing #每日动态 or #日报."""
    message = update.effective_message
    await _record(update, context, message.text or message.caption or "", command=False)


async def daily(update: Update, context: Ctx) -> None:
    """/daily [YYYY-MM-DD] <text>"""
    await _record(update, context, command_text(update.effective_message), command=True)


async def chosen_project(update: Update, context: Ctx) -> None:
    """A press on the project question of a private /daily."""
    outcome = choose_project(context, reports.DAILY)
    message = update.callback_query.message
    context.after("edit_message_text", chat_id=message.chat_id, message_id=message.message_id,
                  text=context.text("reports.filed_to", report=outcome.post))
    _acknowledge(context, outcome)


async def edited(update: Update, context: Ctx) -> None:
    """An edited message updates its report and keeps its date."""
    message = update.edited_message
    text = message.text or message.caption or ""
    if text.startswith("/daily"):
        text, is_report = command_text(message), True
        text = reports.parse_backfill(text)[1]
    else:
        is_report = has_tag(text, DAILY_TAGS)
    report = reports.edit(context.session, chat_id=message.chat_id,
                          message_id=message.message_id, text=text, still_report=is_report)
    if report is None and is_report and message.chat.type != "private":
        await _record(update, context, text, command=False)


async def undo(update: Update, context: Ctx) -> None:
    """/undo as a reply to one's own report."""
    message = update.effective_message
    target = message.reply_to_message
    report = reports.undo(context.session, context.actor, chat_id=message.chat_id,
                          message_id=target.message_id if target else None)
    context.reply("reports.withdrawn", report=report)


def register(app: Application) -> None:
    app.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE, edited))
    app.add_handler(CommandHandler("daily", daily, filters=MSG))
    app.add_handler(CommandHandler("undo", undo, filters=MSG))
    app.add_handler(MessageHandler(MSG & TAGGED & ~filters.COMMAND, tagged))
    app.add_handler(CallbackQueryHandler(chosen_project, pattern=r"^d:"))

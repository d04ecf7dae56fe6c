"""/schedule: show and change when a group's nudges and prompts run (SPEC §4, §5)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CommandHandler, filters

from core.common.errors import UsageError
from core.org import projects
from core.org.projects import Chat
from core.review import schedule
from handlers.context import Ctx


def _bound_chat(update: Update, context: Ctx) -> Chat:
    """The group's Chat row; private chats and unbound groups are refused."""
    if update.effective_chat.type == "private":
        raise UsageError("schedule.group_only")
    row = context.chat_row
    projects.project_for_chat(context.session, row)  # raises: this group is not bound
    return row


async def schedule_command(update: Update, context: Ctx) -> None:
    """/schedule [daily HH:MM | weekly <mon..sun|last> HH:MM | monthly last|<1-28> HH:MM |
    tz <zone> | off | on]"""
    chat = _bound_chat(update, context)
    schedule.authorize(context.actor, chat, changing=bool(context.args))
    view = schedule.apply(context.session, context.actor, chat, schedule.parse(context.args or []))
    context.reply("schedule.answer", view=view)


def register(app: Application) -> None:
    app.add_handler(CommandHandler("schedule", schedule_command,
                                   filters=filters.UpdateType.MESSAGE))

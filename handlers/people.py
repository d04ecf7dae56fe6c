"""/start, /help, /whoami, /register and the join deep link (j_<token>)."""

from __future__ import annotations

import re

from telegram import Update
from telegram.ext import Application, CommandHandler, filters

from core.common.errors import UsageError
from core.org import people, projects
from handlers import rating_flow
from handlers.args import command_text
from handlers.context import Ctx

TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,60}$")
MSG = filters.UpdateType.MESSAGE


async def start(update: Update, context: Ctx) -> None:
    """/start [payload]: welcome, or a deep link (j_ joins a project, r_ opens a rating)."""
    payload = context.args[0] if context.args else ""
    kind, _, token = payload.partition("_")
    if not payload:
        context.reply("people.welcome", actor=context.actor, bot=context.bot.username)
    elif kind not in ("j", "r") or not TOKEN.match(token):
        raise UsageError("errors.bad_link")
    elif kind == "r":
        await rating_flow.start(update, context, token)
    else:
        project = people.ask_join(context.session, context.user, token)
        context.reply("people.join_ask", project=project)


async def register_cadre(update: Update, context: Ctx) -> None:
    """/register <姓名> <职务> in a bound group."""
    if update.effective_chat.type == "private":
        raise UsageError("errors.register_in_group")
    project = projects.project_for_chat(context.session, context.chat_row)
    name, _, post = command_text(update.effective_message).partition(" ")
    person, new = people.join(context.session, context.user, project, name.strip(), post.strip())
    context.reply("people.joined", person=person, project=project, new=new)


async def help_(update: Update, context: Ctx) -> None:
    """/help: the commands this person may use."""
    context.reply("help.for_role", role=context.actor.role)


async def whoami(update: Update, context: Ctx) -> None:
    """/whoami: roles, name, post, projects."""
    actor = context.actor
    context.reply("people.whoami", actor=actor,
                  projects=[p.name for p in people.projects_of(context.session, actor)])


def register(app: Application) -> None:
    app.add_handler(CommandHandler("start", start, filters=MSG))
    app.add_handler(CommandHandler("help", help_, filters=MSG))
    app.add_handler(CommandHandler("whoami", whoami, filters=MSG))
    app.add_handler(CommandHandler("register", register_cadre, filters=MSG))

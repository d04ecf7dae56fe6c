"""Buttons that finish a command: pick a project or milestone left out, or one of two namesakes.

The question replies to the command; only its author may answer, once, and the answer re-runs
the command with the missing word filled in (SPEC §4: "with none they start an inline-keyboard
dialogue that asks for what is missing").
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, MessageEntity, Update
from telegram.ext import Application, CallbackQueryHandler

from core.common.buttons import sign, verify
from core.common.errors import UsageError
from core.org import people, projects
from handlers.context import Ctx

# what a pressed button completes: the code travels in the signed button data
COMPLETIONS = {"bind": "/bind {}", "show": "/project show {}", "mdone": "/milestone done {}"}


def ask(context: Ctx, code: str, key: str, choices: list[tuple[str, int]]) -> None:
    """Answer the command with one button per choice (label, id)."""
    if not choices:
        raise UsageError("dialogues.nothing_to_pick")
    secret = context.settings.frontline_secret
    rows = [[InlineKeyboardButton(label[:60], callback_data=sign(secret, "arg", code, value))]
            for label, value in choices[:30]]
    context.reply(key, markup=InlineKeyboardMarkup(rows), quote=True)


def ask_project(context: Ctx, code: str) -> None:
    """Ask which of the projects this person may see."""
    visible = projects.visible_projects(context.session, context.actor)
    ask(context, code, "dialogues.pick_project", [(p.name, p.id) for p, _d, _n in visible])


async def complete(update: Update, context: Ctx) -> None:
    """A press on a project or milestone: the command runs again with it."""
    _prefix, code, value = verify(context.settings.frontline_secret,
                                  update.callback_query.data or "", parts=3)
    asked = _answered(update, context)
    word = value if code == "mdone" else projects.project_name(context.session, int(value))
    await _rerun(update, context, asked, COMPLETIONS[code].format(word))


async def choose_person(update: Update, context: Ctx) -> None:
    """A press on "which 张三?": the command runs again naming that person by Telegram id."""
    _prefix, tg_id = verify(context.settings.frontline_secret,
                            update.callback_query.data or "", parts=2)
    asked = _answered(update, context)
    await _rerun(update, context, asked,
                 people.name_to_id(context.session, asked.text or "", int(tg_id)))


def _answered(update: Update, context: Ctx) -> Message:
    """The asked command, once its author presses; anyone else or a second press is refused."""
    query = update.callback_query
    asked = query.message.reply_to_message if query.message else None
    if asked is None or asked.from_user is None or asked.from_user.id != query.from_user.id:
        raise UsageError("errors.bad_button")
    people.answer_once(context.session, context.user, chat_id=query.message.chat_id,
                       message_id=query.message.message_id)
    context.answer_button()
    context.after("edit_message_reply_markup", chat_id=query.message.chat_id,
                  message_id=query.message.message_id, reply_markup=None)
    return asked


async def _rerun(update: Update, context: Ctx, asked: Message, text: str) -> None:
    """Process the completed command as if its author had typed it (same transaction)."""
    command = Message(message_id=asked.message_id, date=asked.date, chat=asked.chat,
                      from_user=asked.from_user, text=text,
                      entities=[MessageEntity(MessageEntity.BOT_COMMAND, 0,
                                              len(text.split(maxsplit=1)[0]))],
                      reply_to_message=asked.reply_to_message)
    command.set_bot(context.bot)
    await context.application.process_update(Update(update.update_id, message=command))


def register(app: Application) -> None:
    app.add_handler(CallbackQueryHandler(choose_person, pattern=r"^who:"))
    app.add_handler(CallbackQueryHandler(complete, pattern=r"^arg:"))

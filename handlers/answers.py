"""A private message that answers a question: a button's follow-up, or a join link's name."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, MessageHandler, filters

from core.common import answers
from core.org import people
from handlers import order_buttons, rating_flow
from handlers.context import Ctx

MSG = filters.UpdateType.MESSAGE


async def private_text(update: Update, context: Ctx) -> None:
    """Route the next private message to the question waiting for it; chatter gets nothing."""
    text = update.effective_message.text or ""
    if await rating_flow.comment(context, text):  # a rater's comment: keyed, never a person
        return
    asked = answers.take(context.session, context.actor.person)
    if asked is not None and asked["what"] == "order":
        await order_buttons.answer(context, asked, text)
        return
    joined = people.answer_join(context.session, context.user, text)
    if joined is not None:
        person, project, new = joined
        context.reply("people.joined", person=person, project=project, new=new)


def register(app: Application) -> None:
    app.add_handler(MessageHandler(MSG & filters.ChatType.PRIVATE & filters.TEXT
                                   & ~filters.COMMAND & ~filters.Regex("#(每日动态|日报)"),
                                   private_text))

"""Examiners' views of the assessment: /scores, /ranking (晾晒), /cadre (SPEC §4, §8)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CommandHandler, filters

from core.assessment import boards, cadre_view
from core.common.errors import UsageError
from core.org import people
from handlers.args import grading, scope_words
from handlers.context import Ctx
from handlers.files import chart_button

MSG = filters.UpdateType.MESSAGE


def _view(context: Ctx) -> boards.ScoresView:
    """[project|domain] [period] → the scores of that scope in that period."""
    word, period_word, group_project = scope_words(context, "usage.scores")
    return boards.view(context.session, context.actor, word, period_word,
                            group_project=group_project, today=context.today(),
                            grading=grading(context), tz=context.tz())


async def scores(update: Update, context: Ctx) -> None:
    """/scores [project|domain] [period]"""
    view = _view(context)
    context.reply_long("scores.view", view=view)
    context.reply("scores.chart_offer", markup=chart_button(context, view))


async def ranking(update: Update, context: Ctx) -> None:
    """/ranking [project|domain] [period] — the 晾晒 board, for posting in a group."""
    view = _view(context)
    context.reply_long("scores.ranking", view=view)
    context.reply("scores.chart_offer", markup=chart_button(context, view))


async def cadre(update: Update, context: Ctx) -> None:
    """/cadre <person> — the 履职档案 in brief."""
    args = context.args or []
    if len(args) != 1:
        raise UsageError("usage.cadre")
    person = people.resolve(context.session, args[0])
    view = cadre_view.brief(context.session, context.actor, person, today=context.today(),
                            grading=grading(context), tz=context.tz())
    context.reply_long("scores.cadre", view=view)


def register(app: Application) -> None:
    for name, callback in (("scores", scores), ("ranking", ranking), ("cadre", cadre)):
        app.add_handler(CommandHandler(name, callback, filters=MSG))

"""Examiners' views of the assessment: /scores, /ranking (晾晒), /cadre (SPEC §4, §8)."""

from __future__ import annotations

from functools import partial

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import Application, CommandHandler, filters

from core.assessment import board_digest, boards, cadre_view
from core.common.errors import UsageError
from core.org import people
from handlers import files
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


def _answer(context: Ctx, key: str, view: boards.ScoresView) -> None:
    """The board; past a screenful (never for one project) its digest, and the whole board as
    a file. A dashboard link, where one exists, belongs beside the file (`board_markup`)."""
    digest = None
    if view.scope.kind != "project" and board_digest.is_big(view.rows):
        mine = [p.name for p in view.scope.projects
                if p.id in context.actor.examiner_projects]
        digest = board_digest.digest(view.rows, mine)
    context.reply_long(key, view=view, apart=board_digest.distinctions(view.rows), digest=digest)
    if digest is not None:
        documents = context.services.documents
        files.send(context, f"{documents.board_name(view)}.html",
                   partial(documents.board_html, view))
    context.reply("scores.chart_offer", markup=board_markup(context, view))


def board_markup(context: Ctx, view: boards.ScoresView) -> InlineKeyboardMarkup:
    """The buttons under a board: the chart (and the dashboard's, once it exists)."""
    return chart_button(context, view)


async def scores(update: Update, context: Ctx) -> None:
    """/scores [project|domain] [period]"""
    _answer(context, "scores.view", _view(context))


async def ranking(update: Update, context: Ctx) -> None:
    """/ranking [project|domain] [period] — the 晾晒 board, for posting in a group."""
    _answer(context, "scores.ranking", _view(context))


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

"""Examiners' views of the assessment: /scores, /ranking (晾晒), /cadre (SPEC §4, §8)."""

from __future__ import annotations

from functools import partial

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import Application, CommandHandler, filters

from core import board, cadre_view, people, score_views
from core.errors import UsageError
from core.scoring import ITEMS_FOR_FULL
from handlers import files
from handlers.args import limits, scope_words
from handlers.context import Ctx
from handlers.files import chart_button

MSG = filters.UpdateType.MESSAGE


def _view(context: Ctx) -> score_views.ScoresView:
    """[project|domain] [period] → the scores of that scope in that period."""
    word, period_word, group_project = scope_words(context, "usage.scores")
    return score_views.view(context.session, context.actor, word, period_word,
                            group_project=group_project, today=context.today(),
                            limits=limits(context), tz=context.tz())


def _answer(context: Ctx, key: str, view: score_views.ScoresView) -> None:
    """The board; past a screenful (never for one project) its digest, and the whole board as
    a file. A dashboard link, where one exists, belongs beside the file (`board_markup`)."""
    digest = None
    if view.scope.kind != "project" and board.is_big(view.rows):
        mine = [p.name for p in view.scope.projects
                if p.id in context.actor.examiner_projects]
        digest = board.digest(view.rows, mine)
    context.reply_long(key, view=view, apart=board.distinctions(view.rows), digest=digest,
                       full=ITEMS_FOR_FULL)
    if digest is not None:
        documents = context.services.documents
        files.send(context, f"{documents.board_name(view)}.html",
                   partial(documents.board_html, view))
    context.reply("scores.chart_offer", markup=board_markup(context, view))


def board_markup(context: Ctx, view: score_views.ScoresView) -> InlineKeyboardMarkup:
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
                            limits=limits(context), tz=context.tz())
    context.reply_long("scores.cadre", view=view)


def register(app: Application) -> None:
    for name, callback in (("scores", scores), ("ranking", ranking), ("cadre", cadre)):
        app.add_handler(CommandHandler(name, callback, filters=MSG))

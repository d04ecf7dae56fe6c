"""Reviewing: /summary, /missing, /my, /leave."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from functools import partial

from telegram import Update
from telegram.ext import Application, CommandHandler, filters

from core.common.errors import UsageError
from core.org import leave, people
from core.review import examiner_day, review_day, screens
from core.review.review_day import review_moment
from core.review.windows import TOKEN as WINDOW
from handlers import files
from handlers.args import parse_date, projects_for, thresholds
from handlers.context import Ctx

MSG = filters.UpdateType.MESSAGE


async def summary(update: Update, context: Ctx) -> None:
    """/summary [project] [today|week|month|YYYY-MM]"""
    args = list(context.args or [])
    context.actor.require_examiner()
    window = args.pop() if args and WINDOW.match(args[-1]) else None
    if len(args) > 1:
        raise UsageError("usage.summary")
    found = projects_for(context, args[0] if args else None)
    if not found:
        raise UsageError("errors.no_projects")
    settings = context.settings
    views, fallback = review_day.summaries(
        context.session, context.actor, found, window, now=datetime.now(UTC), tz=settings.tz,
        default_tz=settings.frontline_tz, admins=settings.frontline_admins,
        thresholds=thresholds(context))
    _answer_summaries(context, views, fallback)


def _answer_summaries(context: Ctx, views: list[screens.SummaryView], fallback: date | None
                      ) -> None:
    """Every project in one answer (`/summary 项目` for the whole story); one project's with
    its chart."""
    if len(views) > 1:
        context.reply_long("review.summary_all", views=views, fallback=fallback)
        return
    context.reply_long("review.summary", view=views[0], fallback=fallback)
    if views[0].charted:
        files.chart(context, "summary.png",
                    partial(context.services.documents.summary_chart, views[0]))


async def missing(update: Update, context: Ctx) -> None:
    """/missing [project]"""
    args = context.args or []
    context.actor.require_examiner()
    if len(args) > 1:
        raise UsageError("usage.missing")
    found = projects_for(context, args[0] if args else None)
    if not found:
        raise UsageError("errors.no_projects")
    now, fallback = review_moment(datetime.now(UTC), context.settings.tz)
    views = [screens.missing(context.session, context.actor, project, now=now,
                            default_tz=context.settings.frontline_tz,
                            admins=context.settings.frontline_admins) for project in found]
    context.reply_long("review.missing_all", views=views, fallback=fallback)


async def my(update: Update, context: Ctx) -> None:
    """/my: a cadre's recent reports and streak; an examiner's day over their projects."""
    actor = context.actor
    if (actor.is_examiner or actor.is_admin) and not actor.is_cadre:
        now, fallback = review_moment(datetime.now(UTC), context.settings.tz)
        view = examiner_day.examiner_day(context.session, actor, day=now.astimezone(
            context.settings.tz).date(), today=context.today(),
            admins=context.settings.frontline_admins, tz=context.settings.tz)
        context.reply_long("review.examiner_day", view=view, fallback=fallback)
        return
    context.reply("review.my", view=screens.my(context.session, context.actor,
                                              now=datetime.now(UTC),
                                              default_tz=context.settings.frontline_tz,
                                              thresholds=thresholds(context)))


async def leave_(update: Update, context: Ctx) -> None:
    """/leave [person] <from> <to> [reason]"""
    args = context.args or []
    if len(args) >= 2 and re.match(r"^\d{4}-", args[0]):
        person, rest = context.actor.require_person(), args
    elif len(args) >= 3:
        person, rest = people.resolve(context.session, args[0]), args[1:]
    else:
        raise UsageError("usage.leave")
    start, end = parse_date(rest[0]), parse_date(rest[1])
    recorded = leave.add_leave(context.session, context.actor, person, start, end,
                               " ".join(rest[2:]))
    context.reply("review.leave_added", leave=recorded, person=person)


def register(app: Application) -> None:
    for name, callback in (("summary", summary), ("missing", missing), ("my", my),
                           ("leave", leave_)):
        app.add_handler(CommandHandler(name, callback, filters=MSG))

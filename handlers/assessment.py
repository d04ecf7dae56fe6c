"""The examiners' judgement: /period, /note, /grade, /weights, /star (SPEC §4, §8)."""

from __future__ import annotations

import re

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from core.assessment import boards, judgement
from core.common import deadlines
from core.common.buttons import verify
from core.common.errors import UsageError
from core.orders import orders
from core.org import people, periods
from handlers import files
from handlers.args import command_text, grading
from handlers.context import Ctx
from handlers.keyboards import recheck_period

MSG = filters.UpdateType.MESSAGE
_POINTS = re.compile(r"^[+-]\d{1,3}$")
_WEIGHT_NAMES = ("实绩", "状态", "评价", "考核组")


def _words(text: str, skip: int) -> str:
    parts = text.split(maxsplit=skip)
    return parts[skip] if len(parts) > skip else ""


async def period(update: Update, context: Ctx) -> None:
    """/period open <theme> <start> <end> [project…] | close [period] | list | report"""
    args = context.args or []
    action = args[0].lower() if args else ""
    if action == "open" and len(args) >= 4:
        start, end = deadlines.period_dates(args[2], args[3], context.today())
        opened = periods.open_(context.session, context.actor, args[1], start, end, args[4:])
        context.reply("periods.opened", view=opened)
    elif action == "list" and len(args) == 1:
        context.reply_long("periods.listing", rows=periods.listing(context.session,
                                                                   context.actor))
    elif action == "close" and len(args) <= 2:
        _close(context, args[1] if len(args) == 2 else None)
    elif action == "report":
        await files.report(update, context)
    else:
        raise UsageError("usage.period")


def _close(context: Ctx, word: str | None) -> None:
    """/period close [period]: frozen scores, its 专报, and after every third a 回头看 offer."""
    closed = boards.close(context.session, context.actor, word, today=context.today(),
                          grading=grading(context), tz=context.tz())
    context.reply_long("periods.closed", view=closed)
    if closed.propose_review:
        context.reply("periods.propose_review", view=closed,
                      markup=recheck_period(context, closed.period.id))
    files.send_reports(context, closed)


async def open_review(update: Update, context: Ctx) -> None:
    """The "3+1" button: open the proposed 回头看 period over the same projects."""
    _p, period_id = verify(context.settings.frontline_secret,
                           update.callback_query.data or "", parts=2)
    opened = periods.open_review(context.session, context.actor, int(period_id),
                                 context.text("periods.review_theme"), today=context.today())
    query = update.callback_query
    context.answer_button()
    context.after("edit_message_reply_markup", chat_id=query.message.chat_id,
                  message_id=query.message.message_id, reply_markup=None)
    context.reply("periods.opened", view=opened)


async def note(update: Update, context: Ctx) -> None:
    """/note <person> [+N|-N] <text>"""
    args = context.args or []
    if len(args) < 2:
        raise UsageError("usage.note")
    person = people.resolve(context.session, args[0])
    points = int(args[1]) if _POINTS.match(args[1]) else 0
    text = _words(command_text(update.effective_message), 2 if _POINTS.match(args[1]) else 1)
    found = judgement.note(context.session, context.actor, person, points, text)
    context.reply("assessment.noted", person=person, note=found)


async def grade(update: Update, context: Ctx) -> None:
    """/grade <person> <0-100> [comment]"""
    args = context.args or []
    if len(args) < 2 or not args[1].isascii() or not args[1].isdigit():
        raise UsageError("usage.grade")
    person = people.resolve(context.session, args[0])
    graded = judgement.grade(context.session, context.actor, person, int(args[1]),
                              _words(command_text(update.effective_message), 2))
    context.reply("assessment.graded", person=person, graded=graded)


async def weights(update: Update, context: Ctx) -> None:
    """/weights <domain> [实绩 N 状态 N 评价 N 考核组 N]"""
    args = context.args or []
    if len(args) == 1:
        domain, found = judgement.weights_of(context.session, context.actor, args[0])
        context.reply("assessment.weights", domain=domain, weights=found, changed=False)
        return
    if len(args) != 9 or tuple(args[1::2]) != _WEIGHT_NAMES or not all(
            v.isascii() and v.isdigit() for v in args[2::2]):
        raise UsageError("usage.weights")
    domain, found = judgement.set_weights(context.session, context.actor, args[0],
                                           [int(v) for v in args[2::2]])
    context.reply("assessment.weights", domain=domain, weights=found, changed=True)


async def star(update: Update, context: Ctx) -> None:
    """/star as a reply to a report: mark (or unmark) a typical achievement."""
    message = update.effective_message
    replied = message.reply_to_message
    report = orders.report_for_reply(context.session, chat_id=message.chat_id,
                                     message_id=replied.message_id) if replied else None
    if report is None:
        raise UsageError("usage.star")
    marked = judgement.toggle_star(context.session, context.actor, report)
    context.reply("assessment.starred", marked=marked, report=report)


def register(app: Application) -> None:
    for name, callback in (("period", period), ("note", note), ("grade", grade),
                           ("weights", weights), ("star", star)):
        app.add_handler(CommandHandler(name, callback, filters=MSG))
    app.add_handler(CallbackQueryHandler(open_review, pattern=r"^pr:"))


"""Examiners' side of 听评价: /ratelink (link and poster), /ratings, 差评 → 交办单."""

from __future__ import annotations

import re
from functools import partial

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from core.common.buttons import verify
from core.common.errors import UsageError
from core.ratings import links, poster, to_orders, views
from handlers.args import projects_for, thresholds
from handlers.context import Ctx
from handlers.keyboards import cadre_choice
from handlers.orders import announce

MSG = filters.UpdateType.MESSAGE
_DAYS = re.compile(r"^(\d{1,4})[dD天]?$")


def link_url(context: Ctx, token: str) -> str:
    return f"https://t.me/{context.bot.username}?start=r_{token}"


async def ratelink(update: Update, context: Ctx) -> None:
    """/ratelink <project|person> [days] | /ratelink revoke <project|person>"""
    context.actor.require_examiner()
    args = context.args or []
    if len(args) == 2 and args[0].lower() == "revoke":
        _revoke(context, args[1])
        return
    days = int(match[1]) if len(args) == 2 and (match := _DAYS.match(args[1])) else None
    if len(args) != 1 and days is None:
        raise UsageError("usage.ratelink")
    target = links.resolve_target(context.session, context.actor, args[0])
    made = links.make(context.session, context.actor, target, days=days, today=context.today())
    url = link_url(context, made.link.token)
    context.reply("ratings.link_made", made=made, url=url, font=context.services.font is not None)
    _send_poster(context, made, url)


def _revoke(context: Ctx, word: str) -> None:
    """/ratelink revoke <project|person>: that target's links end at once."""
    target = links.resolve_target(context.session, context.actor, word)
    ended = links.revoke(context.session, context.actor, target)
    context.reply("ratings.revoked", target=target, count=ended)


def _send_poster(context: Ctx, made: links.MadeLink, url: str) -> None:
    """The printable QR poster, built after the commit (without a CJK font: the link alone)."""
    font = context.services.font
    if font is None:
        return
    texts = {name: context.text(f"ratings.poster_{name}", made=made)
             for name in ("subtitle", "call", "expiry")}
    name = made.target.name
    context.reply_file("send_document", "document", f"{name}-评价二维码.png",
                       partial(poster.build_poster, url, name, texts["subtitle"], texts["call"],
                               texts["expiry"], font),
                       fallback_key="ratings.poster_failed")


async def ratings(update: Update, context: Ctx) -> None:
    """/ratings [project|person] [month|YYYY-MM|period]"""
    context.actor.require_examiner()
    args = list(context.args or [])
    if len(args) > 2:
        raise UsageError("usage.ratings")
    token = args.pop() if len(args) == 2 or (args and _is_window(context, args[0])) else None
    found = _views(context, args[0] if args else None, token)
    if args or len(found) == 1:
        context.reply_long("ratings.view", view=found[0])
    elif found:  # every project in one answer; `/ratings 项目` for aspects and comments
        context.reply_long("ratings.views", views=found)


def _views(context: Ctx, word: str | None, token: str | None) -> list[views.RatingsView]:
    """The named target's released ratings, else every project's the examiner sees."""
    session, actor, today = context.session, context.actor, context.today()
    if word is not None:
        target = links.resolve_target(session, actor, word)
        return [views.for_project(session, actor, target.project, token, today=today,
                                  thresholds=thresholds(context), person=target.person)]
    return [views.for_project(session, actor, project, token, today=today,
                              thresholds=thresholds(context))
            for project in projects_for(context, None)]


def _is_window(context: Ctx, word: str) -> bool:
    """A lone word is the window when it is one and names no project or person."""
    return bool(views.TOKEN.match(word)) or (
        not links.is_target(context.session, word)
        and views.is_window(context.session, word))


async def to_order(update: Update, context: Ctx) -> None:
    """转为交办单 on a 差评 alert: a person link's cadre at once; else ask which cadre."""
    data = verify(context.settings.frontline_secret, update.callback_query.data or "")
    rating_id, person_id = int(data[1]), int(data[2]) if len(data) > 2 else None
    found = to_orders.rating(context.session, context.actor, rating_id)
    if found.person_id is None and person_id is None:
        _ask_which_cadre(context, found, rating_id)
        return
    project = to_orders.project_of(context.session, found)
    order = to_orders.convert(context.session, context.actor, rating_id,
                              context.text("ratings.order_text", rating=found, project=project),
                              today=context.today(), person_id=person_id)
    context.answer_button()  # only once nothing can refuse any more (a refusal answers it)
    message = update.callback_query.message
    context.after("edit_message_reply_markup", chat_id=message.chat_id,
                  message_id=message.message_id, reply_markup=None)
    announce(context, order, here=None)


def _ask_which_cadre(context: Ctx, found: to_orders.Rating, rating_id: int) -> None:
    """A project link's 差评: the examiner picks the responsible cadre (负责人 first)."""
    cadres = to_orders.candidates(context.session, found)[:30]
    if not cadres:
        raise UsageError("ratings.no_cadres")
    context.answer_button()  # after the refusals above
    context.send(context.tg_update.callback_query.from_user.id, "ratings.pick_cadre",
                 markup=cadre_choice(context, rating_id, cadres))


def register(app: Application) -> None:
    app.add_handler(CommandHandler("ratelink", ratelink, filters=MSG))
    app.add_handler(CommandHandler("ratings", ratings, filters=MSG))
    app.add_handler(CallbackQueryHandler(to_order, pattern=r"^ra:"))

"""Rectification orders: /rectify, /orders, /order, /progress, /done, /verify, /review."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import Application, CommandHandler, filters

from core.common.errors import UsageError
from core.orders import notices, orders
from core.org import people, projects
from core.ratings import to_orders
from handlers.args import command_text, replied_user
from handlers.context import Ctx
from handlers.keyboards import followup_verdicts, order_buttons

MSG = filters.UpdateType.MESSAGE


def cadre_buttons(context: Ctx, order: orders.Rectification) -> InlineKeyboardMarkup:
    """汇报进展 / 申请销号, for the responsible cadre."""
    return order_buttons(context, order, "cadre")


def examiner_buttons(context: Ctx, order: orders.Rectification) -> InlineKeyboardMarkup:
    """通过 / 退回, for the project's examiners."""
    return order_buttons(context, order, "examiner")


def _words(text: str, skip: int) -> str:
    """The text after its first `skip` words, line breaks kept."""
    parts = text.split(maxsplit=skip)
    return parts[skip] if len(parts) > skip else ""


async def rectify(update: Update, context: Ctx) -> None:
    """/rectify <person> [deadline] <text>, or as a reply to a report: /rectify [deadline]."""
    context.actor.require_examiner()
    message = update.effective_message
    args, today = list(context.args or []), context.today()
    report, person, used = _whom(context, update)
    deadline = orders.parse_deadline(args[used], today) if len(args) > used else None
    used += deadline is not None
    text = _words(command_text(message), used) or (orders.problem_text(report) if report
                                                   else "")
    row = context.chat_row
    order = orders.issue(context.session, context.actor, person, text, today=today,
                         deadline=deadline, project_hint=row.project_id if row else None,
                         report=report)
    announce(context, order, here=message.chat_id)


def _whom(context: Ctx, update: Update) -> tuple[orders.DailyReport | None, people.Person, int]:
    """The report replied to (if any), the responsible cadre, and how many words named them:
    the report's author, the person replied to, or the first word."""
    session, args = context.session, list(context.args or [])
    replied = update.effective_message.reply_to_message
    report = orders.report_for_reply(session, chat_id=update.effective_message.chat_id,
                                     message_id=replied.message_id) if replied else None
    if report is not None:
        return report, orders.report_author(session, report), 0
    user = replied_user(update)
    if user is not None and not (args and people.is_person_token(session, args[0])):
        return None, people.resolve(session, None, reply_to=user), 0
    if args:
        return None, people.resolve(session, args[0]), 1
    raise UsageError("usage.rectify")


def announce(context: Ctx, order: orders.Rectification, *, here: int | None) -> None:
    """The new order: in the project's groups and to the cadre in private, with buttons."""
    found, sent = notices.on_issue(context.session, order, here=here)
    _tell(context, order, sent, {"order": order, "parties": found})
    if here not in found.groups:
        context.reply("orders.issued", order=order, parties=found)


def tell_other_side(context: Ctx, change: orders.Change) -> None:
    """The cadre hears of the examiner's step, the issuer of the cadre's (SPEC §7)."""
    found, sent = notices.on_change(context.session, change)
    _tell(context, change.order, sent, {"change": change, "parties": found})


def _tell(context: Ctx, order: orders.Rectification, sent: list[notices.Notice],
          view: dict) -> None:
    for notice in sent:
        markup = order_buttons(context, order, notice.buttons)
        if notice.here:
            context.reply(notice.template, markup=markup, **view)
        else:
            context.deliver(notice.chat_id, notice.template, job="order-notice",
                            recipient=notice.recipient, period_key=notice.period_key,
                            markup=markup, **view)


def apply(context: Ctx, number: str, action: str, comment: str) -> orders.Change:
    """Take an action on an order, tell the other side (and a 回访 rater), answer the actor."""
    change = orders.act(context.session, context.actor, number, action, comment)
    tell_other_side(context, change)
    contact = to_orders.contact_for(context.session, change.order)
    if action == "pass" and contact is not None:
        context.deliver(None, "ratings.followup_ask", job="followup",
                        recipient=f"contact:{contact.id}", period_key=change.order.number,
                        markup=followup_verdicts(context, change.order),
                        extra={"contact": contact.id}, order=change.order)
    return change


async def progress(update: Update, context: Ctx) -> None:
    """/progress <order-no> <text>"""
    await _cadre_step(update, context, "progress")


async def done(update: Update, context: Ctx) -> None:
    """/done <order-no> <text>"""
    await _cadre_step(update, context, "done")


async def _cadre_step(update: Update, context: Ctx, action: str) -> None:
    args = context.args or []
    if not args:
        raise UsageError(f"usage.{action}")
    change = apply(context, args[0], action, _words(command_text(update.effective_message), 1))
    context.reply("orders.acted", change=change)


async def verify(update: Update, context: Ctx) -> None:
    """/verify <order-no> pass|fail <comment>"""
    await _examiner_step(update, context, "verify", ("pass", "fail"))


async def review(update: Update, context: Ctx) -> None:
    """/review <order-no> ok|relapse <comment>"""
    await _examiner_step(update, context, "review", ("ok", "relapse"))


async def _examiner_step(update: Update, context: Ctx, command: str,
                         verdicts: tuple[str, str]) -> None:
    args = context.args or []
    if len(args) < 2 or args[1].lower() not in verdicts:
        raise UsageError(f"usage.{command}")
    change = apply(context, args[0], args[1].lower(),
                   _words(command_text(update.effective_message), 2))
    context.reply("orders.acted", change=change)


async def show(update: Update, context: Ctx) -> None:
    """/order <order-no> — or /order <order-no> cancel <reason> (撤销, examiners)."""
    args = context.args or []
    if len(args) >= 2 and args[1].lower() == "cancel":
        reason = _words(command_text(update.effective_message), 2)
        if not reason.strip():
            raise UsageError("usage.order")
        context.reply("orders.acted", change=apply(context, args[0], "cancel", reason))
        return
    if len(args) != 1:
        raise UsageError("usage.order")
    view = orders.show(context.session, context.actor, args[0], today=context.today(),
                       default_tz=context.settings.frontline_tz)
    context.reply_long("orders.detail", view=view)


async def listing(update: Update, context: Ctx) -> None:
    """/orders [project] [open|overdue|closed]"""
    args = list(context.args or [])
    which = args.pop().lower() if args and args[-1].lower() in orders.FILTERS else "open"
    if len(args) > 1:
        raise UsageError("usage.orders")
    project = projects.get_project(context.session, args[0]) if args else None
    rows = orders.listing(context.session, context.actor, project, which, today=context.today())
    context.reply_long("orders.listing", rows=rows, which=which, project=project)


def register(app: Application) -> None:
    for name, callback in (("rectify", rectify), ("orders", listing), ("order", show),
                           ("progress", progress), ("done", done), ("verify", verify),
                           ("review", review)):
        app.add_handler(CommandHandler(name, callback, filters=MSG))

"""/dashboard (SPEC §12): the examiners' Mini App as a web_app button, and the menu button of
their private chat kept in step with their roles."""

from __future__ import annotations

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MenuButtonDefault,
    MenuButtonWebApp,
    Update,
    WebAppInfo,
)
from telegram.ext import Application, CommandHandler, filters

from core.common.errors import Refused, UsageError
from core.org.people import Person
from handlers.context import Ctx

MSG = filters.UpdateType.MESSAGE


def menu_button(context: Ctx) -> MenuButtonWebApp:
    """The private chat's menu button that opens the dashboard."""
    return MenuButtonWebApp(context.text("dashboard.menu"),
                            WebAppInfo(context.settings.frontline_webapp_url))


async def dashboard(update: Update, context: Ctx) -> None:
    """/dashboard — examiners and admins, in private: a button that opens the page."""
    actor = context.actor
    if not (actor.is_admin or actor.is_examiner):
        raise Refused("dashboard.examiners_only")
    if not context.settings.frontline_webapp_url:
        raise UsageError("dashboard.not_configured")
    if update.effective_chat.type != "private":
        raise UsageError("dashboard.private_only")
    button = InlineKeyboardButton(context.text("dashboard.button"),
                                  web_app=WebAppInfo(context.settings.frontline_webapp_url))
    context.reply("dashboard.open", markup=InlineKeyboardMarkup([[button]]))
    context.after("set_chat_menu_button", chat_id=update.effective_chat.id,
                  menu_button=menu_button(context))


def sync_menu(context: Ctx, person: Person) -> None:
    """After /grant or /revoke: the person's private menu opens the page, or no longer."""
    if not context.settings.frontline_webapp_url or person.tg_id is None:
        return
    staff = person.is_admin or person.is_examiner or person.tg_id in \
        context.settings.frontline_admins
    context.after("set_chat_menu_button", chat_id=person.tg_id,
                  menu_button=menu_button(context) if staff else MenuButtonDefault())


def register(app: Application) -> None:
    app.add_handler(CommandHandler("dashboard", dashboard, filters=MSG))

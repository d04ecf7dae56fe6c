"""Wires the dashboard (SPEC §12): its ASGI routes and the menu button of every examiner's
private chat (the files its buttons plan in the ledger are bot.ledger_files)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from starlette.applications import Starlette
from telegram import MenuButtonWebApp, WebAppInfo
from telegram.error import TelegramError
from telegram.ext import Application

from bot.render import Renderer
from bot.settings import Settings
from core.review.dashboard import staff
from storage.db import Database
from web import dashboard
from web.app import create_app
from web.dashboard.deps import Deps

log = logging.getLogger(__name__)


def deps(settings: Settings, db: Database, kick: Callable[[], None] | None = None) -> Deps:
    """What the dashboard's routes need from this process."""
    return Deps(settings=settings, session=db.session,
                pages=Renderer(settings.frontline_lang, settings.frontline_tz),
                base=settings.webapp_base, kick=kick)


def web_app(settings: Settings, db: Database, kick: Callable[[], None] | None = None
            ) -> Starlette:
    """The ASGI app `frontline run` serves beside polling (the dashboard's routes)."""
    return create_app(routes=dashboard.routes(deps(settings, db, kick)))


async def set_menu_buttons(app: Application, settings: Settings, db: Database) -> None:
    """Every examiner's and admin's private chat gets the dashboard as its menu button."""
    if not settings.frontline_webapp_url:
        return
    with db.session(write=False) as session:
        people = staff(session, admins=settings.frontline_admins)
    text = Renderer(settings.frontline_lang).text("dashboard.menu")
    button = MenuButtonWebApp(text, WebAppInfo(settings.frontline_webapp_url))
    for person in people:
        try:
            await app.bot.set_chat_menu_button(chat_id=person.tg_id, menu_button=button)
        except TelegramError as exc:  # never talked to the bot: /dashboard sets it later
            log.info("menu button not set for an examiner: %s", exc.message)

"""Wires the dashboard (SPEC §12): its ASGI routes, the files its buttons plan in the ledger,
and the menu button of every examiner's private chat."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from starlette.applications import Starlette
from telegram import MenuButtonWebApp, WebAppInfo
from telegram.error import TelegramError
from telegram.ext import Application

from bot.documents import Documents, period_report_files
from bot.render import Renderer
from bot.settings import Settings
from core.assessment import scores
from core.documents import dossier_view, file_requests
from core.org.people import UserInfo
from core.ratings import anonymity
from core.review.dashboard import staff, viewer
from storage import people as people_q
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


def grading(settings: Settings) -> scores.Grading:
    """The anonymity thresholds and the 优秀 quota, from the settings."""
    return scores.Grading(anonymity.Thresholds(settings.frontline_anon_min,
                                               settings.frontline_anon_min_comments),
                          settings.frontline_excellent_quota)


def ledger_files(db: Database, documents: Documents, settings: Settings, doc: dict[str, Any]
                 ) -> list[tuple[str, bytes]]:
    """A ledger delivery's files: a dashboard button's dossier or export, else a 专报."""
    kind = doc.get("kind")
    if kind not in file_requests.KINDS:
        return period_report_files(db, documents, settings.frontline_excellent_quota, doc)
    today = datetime.now(settings.tz).date()
    with db.session(write=False) as session:  # the examiner's rights as they are now
        actor = viewer(session, UserInfo(id=int(doc["tg"])), admins=settings.frontline_admins)
        if kind == "dossier":
            person = people_q.by_ids(session, ids=[int(doc["person"])])[0]
            view = dossier_view.build(session, actor, person, today=today,
                                      grading=grading(settings), tz=settings.tz)
    if kind == "dossier":
        name = documents.dossier_name(view)
        return [(f"{name}.html", documents.dossier_html(view)),
                (f"{name}.xlsx", documents.dossier_xlsx(view))]
    period = str(doc["period"]) if doc.get("period") else None
    with db.session(write=False) as session:
        scope = file_requests.check(session, actor, "export", person_id=None,
                                    scope=doc.get("scope"), period_id=doc.get("period"))
    data = documents.export_for(actor, doc.get("scope"), period, today=today,
                                grading=grading(settings), tz=settings.tz,
                                group_project=None)
    return [(f"{documents.export_name(SimpleNamespace(name=scope))}.xlsx", data)]


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

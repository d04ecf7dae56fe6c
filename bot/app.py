"""Application factory and the polling runner: wires settings, database, handlers, sender."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable
from datetime import datetime
from functools import partial

from telegram.error import TelegramError
from telegram.ext import Application, ApplicationBuilder, ContextTypes
from telegram.request import BaseRequest

from bot import gc_tuning
from bot.documents import Documents
from bot.fonts import cjk_font
from bot.http_pool import bot_request
from bot.inbox import Inbox
from bot.ledger_files import ledger_files
from bot.menus import set_menus
from bot.polling import poll
from bot.render import Renderer
from bot.settings import Settings
from core.org import chats, reachability
from core.ratings import rater_keys as keys
from handlers import register_all
from handlers.context import Ctx, Services
from scheduler.flusher import Flusher
from scheduler.loop import run_loop
from scheduler.runner import Runner
from scheduler.sender import Sender
from scheduler.shared_limits import SharedPace
from storage import migrate
from storage.db import Database

log = logging.getLogger(__name__)


def build_app(settings: Settings, db: Database, *, request: BaseRequest | None = None
              ) -> Application:
    """The PTB Application with our context, handlers and services; no Updater (we poll)."""
    # PTB logs every Bot API call and update in full at DEBUG: a private chat's id is a
    # rater's id, which is never logged (SPEC §6), whatever level the root logger is at.
    ptb = logging.getLogger("telegram")
    ptb.setLevel(max(logging.INFO, ptb.getEffectiveLevel()))
    builder = (ApplicationBuilder().token(settings.telegram_bot_token)
               .base_url(settings.bot_base_url).base_file_url(settings.file_base_url)
               .updater(None)
               .context_types(ContextTypes(context=Ctx, bot_data=Services)))
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    else:
        builder = builder.request(bot_request())
    app = builder.build()
    services: Services = app.bot_data
    services.settings = settings
    services.renderer = Renderer(settings.frontline_lang, settings.frontline_tz)
    services.find_font = cjk_font  # looked up (and cached) at the first poster
    services.documents = Documents(services.renderer, db)
    register_all(app)
    return app


def build_sender(app: Application, db: Database, *, shared: SharedPace | None = None
                 ) -> Sender:
    """The rate-limited sender, recording blocked users and migrated chats; with `shared`,
    paced together with every other worker."""

    def unreachable(chat_id: int | None) -> Awaitable[None] | None:
        if chat_id is None or chat_id < 0:
            return None
        return asyncio.to_thread(_in_session, db,
                                 lambda s: reachability.mark_unreachable(s, chat_id))

    def migrated(old: int, new: int) -> Awaitable[None]:
        return asyncio.to_thread(_in_session, db,
                                 lambda s: chats.migrate(s, old_id=old, new_id=new))

    return Sender(app.bot, on_unreachable=unreachable, on_migrated=migrated, shared=shared)


def _in_session(db: Database, work: Callable) -> None:
    with db.session() as session:
        work(session)


class Runtime:
    """One running bot: the Application, its inbox and sender.

    `shared`: sends paced through the database, together with every other process sending
    for the bot; by default on PostgreSQL, where another always may (webhook workers, a
    `frontline scheduler`, a `frontline jobs run`). SQLite's one process paces in memory.
    """

    def __init__(self, settings: Settings, db: Database, *,
                 request: BaseRequest | None = None, shared: bool | None = None) -> None:
        self.settings, self.db = settings, db
        self.app = build_app(settings, db, request=request)
        if shared is None:
            shared = not db.is_sqlite
        pace = SharedPace(db, pseudonym=partial(keys.pseudonym, settings.frontline_secret)
                          ) if shared else None
        # one sender for replies and the ledger: only the ledger's sends are held to ~30/s
        self.sender = build_sender(self.app, db, shared=pace)
        self.runner = build_runner(settings, db, self.sender)
        self.flusher = Flusher(self.runner)
        self.inbox = Inbox(self.app, db, self.sender, on_planned=self.flusher.kick)

    async def __aenter__(self) -> Runtime:
        await self.app.initialize()
        await self.app.start()
        return self

    async def settle(self, timeout: float | None = None) -> None:
        """Wait for triggered messages being flushed and every queued reply."""
        await self.flusher.settle()
        await self.sender.drain(timeout=timeout)

    def ready(self) -> bool:
        """Whether the database answers and its schema is the code's (GET /readyz)."""
        try:
            return migrate.current(self.db) == migrate.head()
        except Exception:
            return False

    async def __aexit__(self, *exc: object) -> None:
        await self.settle(timeout=5.0)  # acknowledgements are not worth a slow stop
        await self.close()

    async def close(self) -> None:
        """Stop the Application (nothing waited for: see settle)."""
        if self.app.running:
            await self.app.stop()
        await self.app.shutdown()


async def run_polling(settings: Settings, db: Database) -> None:
    """`frontline run`: poll, process through the inbox, until SIGINT/SIGTERM."""
    async with Runtime(settings, db) as runtime:
        try:  # polling and a webhook exclude each other; switching back needs nothing by hand
            await runtime.app.bot.delete_webhook()
        except TelegramError as exc:  # getUpdates says Conflict while one is set, and retries
            log.warning("deleteWebhook failed: %s", exc.message)
        await set_menus(runtime.app, settings.frontline_admins)
        gc_tuning.tune()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        tasks = [asyncio.create_task(poll(runtime.inbox, timeout=settings.frontline_poll_timeout,
                                          stop=stop), name="poll")]
        tasks += extra_tasks(runtime, stop)
        if settings.frontline_webapp_url:  # the dashboard (SPEC §12), in this event loop
            from bot.dashboard import set_menu_buttons, web_app  # only a bot serving it loads
            from web.serve import serve  # Starlette and uvicorn

            await set_menu_buttons(runtime.app, settings, db)
            tasks.append(asyncio.create_task(serve(web_app(settings, db, runtime.flusher.kick),
                                                   settings.frontline_web_listen, stop),
                                             name="web"))
            log.info("dashboard served on %s at %s", settings.frontline_web_listen,
                     settings.webapp_base or "/")
        log.info("frontline running as @%s on %s", runtime.app.bot.username, db.safe_url)
        waiter = asyncio.create_task(stop.wait())
        done, _ = await asyncio.wait([waiter, *tasks], return_when=asyncio.FIRST_COMPLETED)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for task in done:
            if task is not waiter and task.exception():
                raise task.exception()  # type: ignore[misc]
        log.info("frontline stopped")


def build_runner(settings: Settings, db: Database, sender: Sender) -> Runner:
    """The scheduler's due-work runner, rendering with the bot's templates."""
    renderer = Renderer(settings.frontline_lang, settings.frontline_tz)
    files = partial(ledger_files, db, Documents(renderer, db), settings)
    return Runner(db, sender, renderer, admins=settings.frontline_admins,
                  secret=settings.frontline_secret, default_tz=settings.frontline_tz,
                  files=files)


def extra_tasks(runtime: Runtime, stop: asyncio.Event) -> list[asyncio.Task]:
    """Background loops beside polling: the scheduler, unless FRONTLINE_SCHEDULER=off."""
    if runtime.settings.frontline_scheduler == "off":
        return []
    return [asyncio.create_task(run_loop(runtime.runner, stop), name="scheduler")]


async def run_scheduler(settings: Settings, db: Database) -> None:
    """`frontline scheduler`: the scheduler loop alone (beside webhook or polling workers)."""
    async with scheduler_runtime(settings, db) as runtime:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        log.info("frontline scheduler running on %s", db.safe_url)
        gc_tuning.tune()
        await run_loop(runtime.runner, stop)


def scheduler_runtime(settings: Settings, db: Database, *,
                      request: BaseRequest | None = None) -> Runtime:
    """The scheduler process's bot: on PostgreSQL (beside workers) its sends are paced with
    theirs through the database, as every process's are there (Runtime)."""
    return Runtime(settings, db, request=request)


async def run_jobs_once(settings: Settings, db: Database, job: str, moment: datetime) -> str:
    """`frontline jobs run`: one job's due work at `moment`, through the same ledger."""
    async with Runtime(settings, db) as runtime:
        outcome = await runtime.runner.run(moment, jobs=(job,), live=False)
        return outcome.line()

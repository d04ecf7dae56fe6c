"""`frontline webhook`: one ASGI worker (Starlette on uvicorn) beside any number of others."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import uvicorn
from starlette.applications import Starlette
from telegram import Update
from telegram.error import TelegramError

from bot import gc_tuning
from bot.app import Runtime, extra_tasks
from bot.dashboard import deps
from bot.inbox import Inbox
from bot.menus import set_menus
from bot.settings import ConfigError, Settings
from bot.workers import InboxWorker
from scheduler.liveness import heartbeat
from storage.db import Database
from web import dashboard
from web.app import create_app

log = logging.getLogger(__name__)

SERVER_GRACE = 2  # seconds for requests in flight when stopping
# POSTs Telegram may keep in flight at once (its most; its default is 40): those in flight
# together are processed in one transaction, so more of them mean fewer, larger groups
MAX_CONNECTIONS = 100
DRAIN = 5.5  # seconds for the whole drain: SIGTERM to exit stays within 10 s


class Handoff:
    """The inbox as the webhook endpoint sees it. The POSTs in flight together are processed
    and stored done in one transaction when their chats are free (`Inbox.accept`); else they
    are stored for the workers to claim, and this worker is told. Committed before the 2xx
    either way."""

    def __init__(self, inbox: Inbox, holder: str, on_stored: Callable[[], None]) -> None:
        self.inbox, self.holder, self.on_stored = inbox, holder, on_stored
        self.is_update = inbox.is_update

    async def commit(self, updates: list[dict]) -> int:
        """Commit the batch; how many were new."""
        if await self.inbox.accept(updates, holder=self.holder):
            return len(updates)
        stored = await self.inbox.commit(updates)
        self.on_stored()
        return stored


@dataclass
class _WebSide:
    """What the HTTP app is given of the runtime: its settings, the handoff, the check."""

    settings: Settings
    inbox: Handoff
    ready: Callable[[], bool]


class _Server(uvicorn.Server):
    """uvicorn without its own signal handling: SIGTERM drains the whole worker (below)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def _dashboard_routes(settings: Settings, db: Database, runtime: Runtime) -> list:
    """Every worker serves the dashboard too (SPEC §9, §12) when FRONTLINE_WEBAPP_URL is set."""
    if not settings.frontline_webapp_url:
        return []
    return dashboard.routes(deps(settings, db, runtime.flusher.kick))


def http_server(web: Starlette, host: str, port: int) -> uvicorn.Server:
    """uvicorn for the worker, parsing HTTP with httptools (C) rather than h11 (pure Python):
    every update is one POST, handled in the loop the handlers run in. Nothing reads a
    client's address or scheme, so the proxy's X-Forwarded headers are not parsed for each
    request (a fifth of uvicorn's time per POST), nor a Server header written."""
    return _Server(uvicorn.Config(
        web, host=host, port=port, lifespan="off", loop="asyncio", http="httptools",
        access_log=False, log_level="warning", timeout_graceful_shutdown=SERVER_GRACE,
        proxy_headers=False, server_header=False))


async def set_webhook(runtime: Runtime) -> None:
    """Point Telegram at FRONTLINE_WEBHOOK_URL; every worker does it, harmlessly."""
    settings = runtime.settings
    try:
        await runtime.app.bot.set_webhook(settings.frontline_webhook_url.strip(),
                                          secret_token=settings.webhook_token,
                                          allowed_updates=Update.ALL_TYPES,
                                          max_connections=MAX_CONNECTIONS)
    except TelegramError as exc:  # e.g. a URL Telegram cannot reach: one line, then stop
        raise ConfigError(f"FRONTLINE_WEBHOOK_URL: Telegram refused setWebhook: {exc.message}"
                          ) from None


async def run_webhook(settings: Settings, db: Database, listen: str) -> None:
    """Serve the webhook (and health checks) until SIGTERM/SIGINT, then drain and return."""
    host, port = settings.listen_address(listen)
    holder = f"worker-{uuid.uuid4().hex[:12]}"
    runtime = await Runtime(settings, db, shared=True).__aenter__()
    runtime.runner.holder = holder
    worker = InboxWorker(runtime.inbox, holder)
    loop = asyncio.get_running_loop()
    web = create_app(_WebSide(settings, Handoff(runtime.inbox, holder, worker.kick), runtime.ready),
                     routes=_dashboard_routes(settings, db, runtime))
    server = http_server(web, host, port)
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    # HTTP in this same loop: a batch of POSTs is processed here (Handoff), where the handlers
    # run; a second loop on its own thread cost each batch two thread hops and the GIL's
    # back and forth, and the bot's CPU is what a worker is short of
    serving = asyncio.create_task(server.serve(), name="http")
    tasks: list[asyncio.Task] = []
    try:
        await set_webhook(runtime)
        await set_menus(runtime.app, settings.frontline_admins)
        gc_tuning.tune()  # as `frontline run` does: start-up's objects frozen, young GC rarer
        tasks = [asyncio.create_task(worker.run(stop), name="inbox"),
                 asyncio.create_task(heartbeat(db, holder, stop), name="heartbeat"),
                 *extra_tasks(runtime, stop)]
        log.info("frontline webhook worker %s on %s:%d, database %s", holder, host, port,
                 db.safe_url)
        await asyncio.wait([asyncio.create_task(stop.wait()), serving],
                           return_when=asyncio.FIRST_COMPLETED)
    finally:
        stop.set()
        await _drain(runtime, server, serving, tasks)
        await runtime.close()
    log.info("frontline webhook worker stopped")


async def _drain(runtime: Runtime, server: uvicorn.Server, serving: asyncio.Task,
                 tasks: list[asyncio.Task]) -> None:
    """Within DRAIN seconds: stop taking requests (those in flight are stored), finish the
    updates in hand and give the rest back, let the scheduler settle, send queued replies.
    Whatever is left past the deadline is safe: stored rows and ledger claims are taken over."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    steps: list[str] = []
    server.should_exit = True
    try:
        async with asyncio.timeout(DRAIN):
            for step, work in (("requests", lambda: asyncio.gather(serving)),
                               ("updates and scheduler", lambda: asyncio.gather(*tasks)),
                               ("replies", runtime.settle)):
                with contextlib.suppress(Exception):
                    await work()
                steps.append(f"{step} {loop.time() - started:.1f}s")
    except TimeoutError:
        log.warning("drain took over %.0f s: stopping with work left to other workers", DRAIN)
    for task in (serving, *tasks):
        task.cancel()
    log.info("drained (%s)", ", ".join(steps) or "nothing finished")

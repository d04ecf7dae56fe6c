"""POST <path of FRONTLINE_WEBHOOK_URL>: Telegram's updates, committed before the 2xx."""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

if TYPE_CHECKING:
    from web.runtime import Runtime

log = logging.getLogger(__name__)

MAX_BODY = 1024 * 1024  # Telegram's updates are far smaller; anything bigger is not one
DISCARD = 8 * MAX_BODY  # read no further than this, even to drop it
SECRET_HEADER = "x-telegram-bot-api-secret-token"
Stored = Callable[[], None]


class TooLarge(Exception):
    """The body passed MAX_BODY."""


async def _body(request: Request) -> bytes:
    """The request body; TooLarge past MAX_BODY. A too-large body is read on (and dropped) up
    to DISCARD, so a client that sends it whole still reads the 413 instead of a reset."""
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > DISCARD:
            break
        if size <= MAX_BODY:
            chunks.append(chunk)
    if size > MAX_BODY:
        raise TooLarge
    return b"".join(chunks)


class GroupCommit:
    """The updates posted while a commit runs go together in the next one: one insert, one
    commit, and each POST answered only after the commit that holds its update."""

    def __init__(self, store: Callable[[list[dict]], int], most: int = 100) -> None:
        self.store, self.most = store, most
        self._waiting: list[tuple[dict, asyncio.Future]] = []
        self._committing = False
        self._task: asyncio.Task | None = None

    async def commit(self, update: dict) -> None:
        """Return once `update` is committed (a repeated update_id is a no-op); else raise."""
        done = asyncio.get_running_loop().create_future()
        self._waiting.append((update, done))
        if not self._committing:
            self._committing = True
            self._task = asyncio.get_running_loop().create_task(self._drain())
        await done

    async def _drain(self) -> None:
        try:
            while self._waiting:
                batch, self._waiting = self._waiting[:self.most], self._waiting[self.most:]
                try:  # anyio's own threads: never queued behind the sender's work
                    await run_in_threadpool(self.store, [u for u, _ in batch])
                except Exception as exc:
                    for _, done in batch:
                        _settle(done, exc)
                else:
                    for _, done in batch:
                        _settle(done, None)
        finally:
            self._committing = False


def _settle(done: asyncio.Future, error: BaseException | None) -> None:
    if done.done():  # its POST went away meanwhile
        return
    if error is None:
        done.set_result(None)
    else:
        done.set_exception(error)


def endpoint(runtime: Runtime, on_stored: Stored | None) -> Callable:
    """The webhook endpoint: check the secret, read, commit to the inbox, answer 200."""
    token = runtime.settings.webhook_token.encode()
    edge = GroupCommit(runtime.inbox.store)

    async def receive(request: Request) -> Response:
        """One POST from Telegram: checked, committed with those in flight, then 200."""
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, token):
            log.warning("webhook: refused a request without the right secret token")
            return PlainTextResponse("forbidden\n", status_code=403)
        try:
            update = json.loads(await _body(request))
        except TooLarge:
            return PlainTextResponse("too large\n", status_code=413)
        except ValueError:
            return PlainTextResponse("not an update\n", status_code=400)
        if not runtime.inbox.is_update(update):
            return PlainTextResponse("not an update\n", status_code=400)
        try:
            await edge.commit(update)
        except Exception:  # not committed: Telegram retries what is not answered 2xx
            log.exception("webhook: storing an update failed")
            return PlainTextResponse("try again\n", status_code=503)
        if on_stored is not None:
            on_stored()
        return Response(status_code=200)

    return receive


def routes(runtime: Runtime, on_stored: Stored | None) -> list[Route]:
    """The webhook route, at the path of FRONTLINE_WEBHOOK_URL (none when it is not set)."""
    if not runtime.settings.frontline_webhook_url:
        return []
    return [Route(runtime.settings.webhook_path, endpoint(runtime, on_stored), methods=["POST"])]

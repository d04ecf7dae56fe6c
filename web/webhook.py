"""POST <path of FRONTLINE_WEBHOOK_URL>: Telegram's updates, committed before the 2xx."""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from starlette.routing import Route
from starlette.types import Receive, Scope, Send

if TYPE_CHECKING:
    from web.runtime import Runtime

log = logging.getLogger(__name__)

MAX_BODY = 1024 * 1024  # Telegram's updates are far smaller; anything bigger is not one
DISCARD = 8 * MAX_BODY  # read no further than this, even to drop it
SECRET_HEADER = b"x-telegram-bot-api-secret-token"  # as ASGI gives header names


class TooLarge(Exception):
    """The body passed MAX_BODY."""


async def _body(receive: Receive) -> bytes:
    """The request body; TooLarge past MAX_BODY. A too-large body is read on (and dropped) up
    to DISCARD, so a client that sends it whole still reads the 413 instead of a reset."""
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] != "http.request":  # the client went away
            raise ValueError("no body")
        chunk = message.get("body", b"")
        size += len(chunk)
        if size <= MAX_BODY:
            chunks.append(chunk)
        if size > DISCARD or not message.get("more_body"):
            break
    if size > MAX_BODY:
        raise TooLarge
    return b"".join(chunks)


GATHER = 0.002  # seconds the first POST after a quiet moment waits for those in flight with it


class GroupCommit:
    """The updates posted while a commit runs go together in the next one: one insert, one
    commit, and each POST answered only after the commit that holds its update. The first
    after a quiet moment waits GATHER for the POSTs in flight with it (as PostgreSQL's
    commit_delay): under load, groups of dozens instead of a few."""

    def __init__(self, store: Callable[[list[dict]], Awaitable[int]], most: int = 100) -> None:
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
            await asyncio.sleep(GATHER)
            while self._waiting:
                batch, self._waiting = self._waiting[:self.most], self._waiting[self.most:]
                try:
                    await self.store([u for u, _ in batch])
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


ANSWERS = {200: b"", 400: b"not an update\n", 403: b"forbidden\n", 413: b"too large\n",
           503: b"try again\n"}


class Endpoint:
    """The webhook's POST as a bare ASGI app: no Request or Response objects for each update
    (a fifth of the HTTP side's time): check the secret, read, commit, answer."""

    def __init__(self, runtime: Runtime) -> None:
        self.token = runtime.settings.webhook_token.encode()
        self.is_update = runtime.inbox.is_update
        self.edge = GroupCommit(runtime.inbox.commit)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        status = await self.answer(scope, receive)
        body = ANSWERS[status]
        await send({"type": "http.response.start", "status": status, "headers": [
            (b"content-type", b"text/plain; charset=utf-8"),
            (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    async def answer(self, scope: Scope, receive: Receive) -> int:
        """One POST from Telegram: checked, committed with those in flight; its status."""
        given = next((v for k, v in scope["headers"] if k == SECRET_HEADER), b"")
        if not hmac.compare_digest(given, self.token):
            log.warning("webhook: refused a request without the right secret token")
            return 403
        try:
            update = json.loads(await _body(receive))
        except TooLarge:
            return 413
        except ValueError:
            return 400
        if not self.is_update(update):
            return 400
        try:
            await self.edge.commit(update)
        except Exception:  # not committed: Telegram retries what is not answered 2xx
            log.exception("webhook: storing an update failed")
            return 503
        return 200


def routes(runtime: Runtime) -> list[Route]:
    """The webhook route, at the path of FRONTLINE_WEBHOOK_URL (none when it is not set)."""
    if not runtime.settings.frontline_webhook_url:
        return []
    return [Route(runtime.settings.webhook_path, Endpoint(runtime), methods=["POST"])]

"""POST <path of FRONTLINE_WEBHOOK_URL>: Telegram's updates, committed before the 2xx."""

from __future__ import annotations

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


def endpoint(runtime: Runtime, on_stored: Stored | None) -> Callable:
    """The webhook endpoint: check the secret, read, commit to the inbox, answer 200."""
    token = runtime.settings.webhook_token.encode()

    async def receive(request: Request) -> Response:
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
        try:
            # anyio's own threads: never queued behind the sender's work in asyncio's pool
            await run_in_threadpool(runtime.inbox.receive, update)
        except ValueError:
            return PlainTextResponse("not an update\n", status_code=400)
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

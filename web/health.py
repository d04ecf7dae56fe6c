"""GET /healthz (the process serves) and GET /readyz (database reachable, schema current)."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route


async def healthz(_request: Request) -> PlainTextResponse:
    """200 while the process serves."""
    return PlainTextResponse("ok\n")


async def readyz(request: Request) -> PlainTextResponse:
    """200 when the database answers and its schema is current; 503 otherwise."""
    if await run_in_threadpool(request.app.state.runtime.ready):
        return PlainTextResponse("ready\n")
    return PlainTextResponse("database unreachable or schema outdated\n", status_code=503)


def routes() -> list[Route]:
    return [Route("/healthz", healthz, methods=["GET"]),
            Route("/readyz", readyz, methods=["GET"])]

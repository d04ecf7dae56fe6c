"""Serve the ASGI app with uvicorn inside an event loop that is already running (the
polling bot's): signals stay with the bot, which stops the server when it stops."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Generator

import uvicorn
from starlette.types import ASGIApp


class _Server(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield  # the bot's own SIGINT/SIGTERM handlers stop us through `stop`


def parse_listen(value: str) -> tuple[str, int]:
    """HOST:PORT → (host, port); ValueError when it is not that."""
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(value)
    return host.strip("[]"), int(port)


async def serve(app: ASGIApp, listen: str, stop: asyncio.Event) -> None:
    """Serve until `stop` is set, then finish requests in hand and return."""
    host, port = parse_listen(listen)
    server = _Server(uvicorn.Config(app, host=host, port=port, log_level="warning",
                                    lifespan="off", access_log=False))
    task = asyncio.create_task(server.serve(), name="web-server")
    waiter = asyncio.create_task(stop.wait())
    try:
        await asyncio.wait([task, waiter], return_when=asyncio.FIRST_COMPLETED)
    finally:  # stopped or cancelled: finish what is in hand, then return
        server.should_exit = True
        waiter.cancel()
        await task

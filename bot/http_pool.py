"""The Bot API's HTTP connections: httpx's pool, with a cheaper look at idle connections.

Before each request is placed, and again as each one ends, httpcore asks every idle pooled
connection whether the server closed it ("is_readable"). Through anyio that question builds
the socket's whole attribute table, a getpeername() system call included, every time: with
a few dozen replies in flight it was a quarter of a worker's CPU. The streams here keep their
raw socket and answer with one poll(), which is what the question is.
"""

from __future__ import annotations

import select
import socket
from collections.abc import Iterable
from typing import Any
from urllib.request import getproxies

import httpcore
import httpx
from telegram.request import HTTPXRequest

POOL = 256  # connections at most, as PTB's own request has


def readable(sock: socket.socket | None) -> bool:
    """Whether the socket has something to read (on an idle connection: the server's close);
    a socket that is gone counts as readable, so the connection is dropped."""
    if sock is None or sock.fileno() == -1:
        return True
    poller = select.poll()
    poller.register(sock.fileno(), select.POLLIN)
    return bool(poller.poll(0))


class Stream(httpcore.AsyncNetworkStream):
    """An anyio stream that answers "is_readable" from the socket it keeps."""

    def __init__(self, inner: httpcore.AsyncNetworkStream) -> None:
        self.inner = inner
        self.socket = inner.get_extra_info("socket")

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self.inner.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self.inner.write(buffer, timeout)

    async def aclose(self) -> None:
        await self.inner.aclose()

    async def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                        timeout: float | None = None) -> Stream:
        return Stream(await self.inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":
            return readable(self.socket)
        return self.inner.get_extra_info(info)


class Backend(httpcore.AsyncNetworkBackend):
    """httpcore's anyio backend, its streams wrapped in Stream."""

    def __init__(self) -> None:
        self.inner = httpcore.AnyIOBackend()

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                          local_address: str | None = None,
                          socket_options: Iterable[Any] | None = None) -> Stream:
        return Stream(await self.inner.connect_tcp(host, port, timeout, local_address,
                                                   socket_options))

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options: Iterable[Any] | None = None) -> Stream:
        return Stream(await self.inner.connect_unix_socket(path, timeout, socket_options))

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


def transport(*, pool: int = POOL) -> httpx.AsyncHTTPTransport:
    """httpx's transport (its request and error mapping unchanged) over a pool on Backend.

    httpx takes no network backend, so its pool is replaced by an equal one that has it."""
    tls = httpx.create_ssl_context()  # loaded once, shared by both pools
    made = httpx.AsyncHTTPTransport(verify=tls, limits=httpx.Limits(max_connections=pool))
    made._pool = httpcore.AsyncConnectionPool(  # httpx takes no backend: see above
        ssl_context=tls, max_connections=pool, max_keepalive_connections=pool,
        keepalive_expiry=5.0, network_backend=Backend())
    return made


def bot_request() -> HTTPXRequest:
    """The request PTB's bot sends its calls through (its defaults, on `transport`). Behind a
    proxy set in the environment (HTTPS_PROXY, ALL_PROXY…) PTB's own: httpx reads those only
    when it builds the transport itself."""
    if getproxies():
        return HTTPXRequest(connection_pool_size=POOL)
    return HTTPXRequest(connection_pool_size=POOL, httpx_kwargs={"transport": transport()})

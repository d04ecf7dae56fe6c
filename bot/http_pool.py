"""The Bot API's HTTP connections: httpx's pool, with cheaper bookkeeping.

Before each request is placed, and again as each one ends, httpcore's pool sweeps its
connections: it asks every idle one whether the server closed it ("is_readable"), and for
each idle one counts them all again (O(n²): encode/httpcore#1035, open upstream). Through
anyio the question builds the socket's whole attribute table, a getpeername() system call
included. With a few dozen replies in flight the sweep was most of a send's CPU. Here the
sweep is one pass, and all its questions are answered by one poll() of the pool's sockets.
"""

from __future__ import annotations

import contextlib
import select
import socket
import weakref
from collections.abc import Iterable, Iterator
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
    return bool(ready([sock]))


def ready(socks: Iterable[socket.socket]) -> set[int]:
    """The descriptors among these open sockets that have something to read: one poll()."""
    poller = select.poll()
    for sock in socks:
        if (fd := sock.fileno()) != -1:
            poller.register(fd, select.POLLIN)
    return {fd for fd, _ in poller.poll(0)}


class Stream(httpcore.AsyncNetworkStream):
    """An anyio stream that answers "is_readable" from the socket it keeps."""

    def __init__(self, inner: httpcore.AsyncNetworkStream, backend: Backend) -> None:
        self.inner, self.backend = inner, backend
        self.socket = inner.get_extra_info("socket")
        backend.streams.add(self)

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self.inner.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self.inner.write(buffer, timeout)

    async def aclose(self) -> None:
        await self.inner.aclose()

    async def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                        timeout: float | None = None) -> Stream:
        return Stream(await self.inner.start_tls(ssl_context, server_hostname, timeout),
                      self.backend)

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":
            return self.backend.readable(self.socket)
        return self.inner.get_extra_info(info)


class Backend(httpcore.AsyncNetworkBackend):
    """httpcore's anyio backend, its streams wrapped in Stream."""

    def __init__(self) -> None:
        self.inner = httpcore.AnyIOBackend()
        self.streams: weakref.WeakSet[Stream] = weakref.WeakSet()
        self._sweeping = False
        self._ready: set[int] | None = None  # during a sweep, once asked: what poll() found

    @contextlib.contextmanager
    def sweep(self) -> Iterator[None]:
        """While a pool sweeps its connections, one poll() answers every "is_readable"."""
        self._sweeping, self._ready = True, None
        try:
            yield
        finally:
            self._sweeping, self._ready = False, None

    def readable(self, sock: socket.socket | None) -> bool:
        """Whether `sock` has something to read (see `readable`), one poll() a sweep."""
        if not self._sweeping or sock is None or sock.fileno() == -1:
            return readable(sock)
        if self._ready is None:
            self._ready = ready(stream.socket for stream in list(self.streams)
                                if stream.socket is not None)
        return sock.fileno() in self._ready

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                          local_address: str | None = None,
                          socket_options: Iterable[Any] | None = None) -> Stream:
        return Stream(await self.inner.connect_tcp(host, port, timeout, local_address,
                                                   socket_options), self)

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options: Iterable[Any] | None = None) -> Stream:
        return Stream(await self.inner.connect_unix_socket(path, timeout, socket_options), self)

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


class Pool(httpcore.AsyncConnectionPool):
    """httpcore's pool (HTTP/1.1), its sweep one pass over the connections (see the module),
    and a connection handed to a request not offered to another before that one starts."""

    def __init__(self, backend: Backend, **kwargs: Any) -> None:
        super().__init__(network_backend=backend, **kwargs)
        self.backend = backend

    def _assign_requests_to_connections(self) -> list[httpcore.AsyncConnectionInterface]:
        """httpcore's sweep: drop closed and expired connections and idle ones past the
        keep-alive limit, then place queued requests (on a free connection, a new one, or one
        made in place of an idle one). Its choices, each made in one pass."""
        closing = self._drop_expired()
        taken = {r.connection for r in self._requests if r.connection is not None}
        idle = [c for c in self._connections if c.is_idle() and c not in taken]
        cut = max(0, len(idle) - self._max_keepalive_connections)
        closing += idle[:cut]
        self._connections = [c for c in self._connections if c not in closing]
        free = [c for c in idle[cut:] if c.is_available()]
        for request in [r for r in self._requests if r.is_queued()]:
            origin = request.request.url.origin
            connection = next((c for c in free if c.can_handle_request(origin)), None)
            if connection is None and len(self._connections) >= self._max_connections:
                if not free:
                    continue  # waits for a connection to come free
                closing.append(free.pop(0))  # an idle one of another origin makes room
                self._connections.remove(closing[-1])
            if connection is None:
                connection = self.create_connection(origin)
                self._connections.append(connection)
            else:
                free.remove(connection)
            request.assign_to_connection(connection)
        return closing

    def _drop_expired(self) -> list[httpcore.AsyncConnectionInterface]:
        """Forget closed connections; take out expired ones (to be closed): one poll()."""
        with self.backend.sweep():
            self._connections = [c for c in self._connections if not c.is_closed()]
            expired = [c for c in self._connections if c.has_expired()]
        self._connections = [c for c in self._connections if c not in expired]
        return expired


def transport(*, pool: int = POOL) -> httpx.AsyncHTTPTransport:
    """httpx's transport (its request and error mapping unchanged) over a Pool on Backend.

    httpx takes no network backend, so its pool is replaced by an equal one that has it."""
    tls = httpx.create_ssl_context()  # loaded once, shared by both pools
    made = httpx.AsyncHTTPTransport(verify=tls, limits=httpx.Limits(max_connections=pool))
    made._pool = Pool(  # httpx takes no backend: see above
        Backend(), ssl_context=tls, max_connections=pool, max_keepalive_connections=pool,
        keepalive_expiry=5.0)
    return made


def bot_request() -> HTTPXRequest:
    """The request PTB's bot sends its calls through (its defaults, on `transport`). Behind a
    proxy set in the environment (HTTPS_PROXY, ALL_PROXY…) PTB's own: httpx reads those only
    when it builds the transport itself."""
    if getproxies():
        return HTTPXRequest(connection_pool_size=POOL)
    return HTTPXRequest(connection_pool_size=POOL, httpx_kwargs={"transport": transport()})

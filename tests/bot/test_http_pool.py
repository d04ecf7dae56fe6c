"""The Bot API's HTTP pool: idle connections the server closed are seen by one poll() a sweep
and dropped, so the next request goes out on a fresh connection; a sweep is one pass, and a
free connection goes to one waiting request."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator, Iterable

import httpx
import pytest

from bot import http_pool


def test_a_socket_is_readable_once_its_peer_closed_it() -> None:
    ours, theirs = socket.socketpair()
    assert not http_pool.readable(ours)
    theirs.close()
    assert http_pool.readable(ours)
    ours.close()
    assert http_pool.readable(ours) and http_pool.readable(None)  # gone: dropped too


@contextlib.asynccontextmanager
async def keep_alive_server(delay: float = 0.0) -> AsyncIterator[tuple[str, list]]:
    """A local HTTP/1.1 server answering "ok" after `delay`, keeping connections open; yields
    its URL and the connections it accepted."""
    connections: list[asyncio.StreamWriter] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(writer)
        with contextlib.suppress(asyncio.IncompleteReadError, ConnectionError):
            while await reader.readuntil(b"\r\n\r\n"):  # keep-alive, until we close it
                await asyncio.sleep(delay)
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                await writer.drain()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    async with server:
        yield f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/", connections


async def test_a_connection_the_server_closed_is_not_reused(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    asked: list[set[int]] = []

    def ready(socks: Iterable[socket.socket]) -> set[int]:
        asked.append(answer := real(socks))
        return answer

    real = http_pool.ready
    monkeypatch.setattr(http_pool, "ready", ready)
    async with keep_alive_server() as (url, connections), httpx.AsyncClient(
            transport=http_pool.transport()) as client:
        assert (await client.get(url)).text == "ok"
        assert (await client.get(url)).text == "ok" and len(connections) == 1  # kept alive
        connections[0].close()  # the server closes the idle connection
        await asyncio.sleep(0.05)
        assert (await client.get(url)).text == "ok"
    assert len(connections) == 2 and any(asked)  # seen closed, so a new one was made


async def test_a_sweep_asks_the_kernel_once_for_all_idle_connections(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    polls: list[int] = []
    real = http_pool.ready
    monkeypatch.setattr(http_pool, "ready", lambda socks: polls.append(1) or real(socks))
    monkeypatch.setattr(http_pool, "readable", lambda sock: pytest.fail("one poll a socket"))
    async with keep_alive_server(0.02) as (url, connections), httpx.AsyncClient(
            transport=http_pool.transport()) as client:
        await asyncio.gather(*(client.get(url) for _ in range(3)))  # three idle connections
        polls.clear()
        assert (await client.get(url)).text == "ok"
    assert len(connections) == 3 and len(polls) == 2  # placing the request, and its end


async def test_a_connection_is_handed_to_one_waiting_request_at_a_time(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """httpcore's own pool offers a free connection to every request waiting, and all but one
    go round again (ConnectionNotAvailable): a sweep each, each one over every connection."""
    sweeps: list[int] = []
    real = http_pool.Pool._assign_requests_to_connections
    monkeypatch.setattr(http_pool.Pool, "_assign_requests_to_connections",
                        lambda pool: sweeps.append(1) or real(pool))
    async with keep_alive_server(0.005) as (url, connections), httpx.AsyncClient(
            transport=http_pool.transport(pool=4)) as client:
        answers = await asyncio.gather(*(client.get(url) for _ in range(40)))
    assert [a.text for a in answers] == ["ok"] * 40 and len(connections) == 4
    assert len(sweeps) == 80  # one as each request comes, one as it ends: none again


async def test_idle_connections_past_the_keep_alive_limit_are_closed() -> None:
    transport = http_pool.transport()
    transport._pool._max_keepalive_connections = 1
    async with keep_alive_server(0.02) as (url, connections), httpx.AsyncClient(
            transport=transport) as client:
        await asyncio.gather(*(client.get(url) for _ in range(4)))
        assert len(connections) == 4 and len(transport._pool.connections) == 1
        assert (await client.get(url)).text == "ok" and len(connections) == 4  # the kept one


async def test_the_bot_request_sends_through_the_pool() -> None:
    request = http_pool.bot_request()
    await request.initialize()
    try:
        transport = request._client._transport
        assert isinstance(transport._pool._network_backend, http_pool.Backend)
    finally:
        await request.shutdown()


async def test_behind_a_proxy_the_bot_request_is_ptbs_own(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """httpx honours HTTPS_PROXY only for a transport it builds itself: sends must not go
    around the proxy while getUpdates goes through it."""
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:3128")
    request = http_pool.bot_request()
    await request.initialize()
    try:
        client = request._client
        assert not isinstance(client._transport._pool._network_backend, http_pool.Backend)
        assert any(key.scheme == "https" for key in client._mounts)  # through the proxy
    finally:
        await request.shutdown()

"""The Bot API's HTTP pool: idle connections the server closed are seen by one poll() and
dropped, so the next request goes out on a fresh connection."""

from __future__ import annotations

import asyncio
import socket

import httpx

from bot import http_pool


def test_a_socket_is_readable_once_its_peer_closed_it() -> None:
    ours, theirs = socket.socketpair()
    assert not http_pool.readable(ours)
    theirs.close()
    assert http_pool.readable(ours)
    ours.close()
    assert http_pool.readable(ours) and http_pool.readable(None)  # gone: dropped too


async def test_a_connection_the_server_closed_is_not_reused(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    connections: list[asyncio.StreamWriter] = []
    asked: list[bool] = []

    def readable(sock: socket.socket | None) -> bool:
        asked.append(answer := real(sock))
        return answer

    real = http_pool.readable
    monkeypatch.setattr(http_pool, "readable", readable)

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(writer)
        while await reader.readuntil(b"\r\n\r\n"):  # keep-alive, until we close it
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
            await writer.drain()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/"
    async with server, httpx.AsyncClient(transport=http_pool.transport()) as client:
        assert (await client.get(url)).text == "ok"
        assert (await client.get(url)).text == "ok" and len(connections) == 1  # kept alive
        connections[0].close()  # the server closes the idle connection
        await asyncio.sleep(0.05)
        assert (await client.get(url)).text == "ok"
    assert len(connections) == 2 and True in asked  # seen closed, so a new one was made


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

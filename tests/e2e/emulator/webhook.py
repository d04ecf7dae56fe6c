"""Webhook delivery as Telegram does it: POST each update to the registered URL's path with
the secret token header, several requests in flight, anything not answered 2xx retried.

Telegram posts to the public https URL; here a "load balancer" (``route_webhook``) maps it to
the local workers' plain-HTTP addresses, round robin, passing to the next one at once when one
refuses connections (as a reverse proxy's next upstream).
Like Telegram, deliveries keep their connections open between POSTs (HTTP/1.1 keep-alive).
All POSTs go from one event loop on one thread: Telegram's side of the work should cost the
machine the bot runs on as little as can be (a thread per POST in flight cost it more than
answering getUpdates does).
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import itertools
import json
import threading
import time
from collections import Counter, defaultdict
from urllib.parse import urlsplit

SECRET_HEADER = b"X-Telegram-Bot-Api-Secret-Token"
RETRY_AFTER = 0.3  # seconds before an unanswered update is posted again
POST_TIMEOUT = 10.0
REFUSED = "refused"  # no worker listens there: the balancer tries the next one at once
Job = tuple[dict, str, str, str]  # an update, the worker's address, the path, the secret


class WebhookMixin:
    """Delivers queued updates to the webhook, once it is set and routed."""

    def route_webhook(self, targets: list[str], *, in_flight: int = 6) -> None:
        """Deliver the webhook's POSTs to these http://host:port addresses (round robin), at
        most `in_flight` at once; an empty list stops delivering. Counters start from zero."""
        with self._cond:
            self._webhook_targets = list(targets)
            self._webhook_rr = itertools.count()
            self.webhook_posts: Counter = Counter()  # status (or "error") -> count
            self.webhook_delivered: Counter = Counter()  # update_id -> 2xx answers
            self._in_flight: set[int] = set()
            self._retry_at: dict[int, float] = {}
            self._most_in_flight = max(in_flight, getattr(self, "_most_in_flight", 0))
            if targets and not self._delivery_threads:
                self._bell: tuple[asyncio.AbstractEventLoop, asyncio.Event] | None = None
                self._rung = False
                thread = threading.Thread(target=lambda: asyncio.run(self._deliver()),
                                          daemon=True, name="webhook")
                self._delivery_threads.append(thread)
                thread.start()
        self._ring()

    def _ring(self) -> None:
        """Something to deliver may have come (an update, a webhook set, targets). Once a
        ring is on its way, the next ones are not: the deliverer takes everything queued
        when it comes (a storm's updates, each waking the deliverer, cost more than its POSTs)."""
        bell = getattr(self, "_bell", None)
        if bell is not None and not self._rung:
            self._rung = True
            bell[0].call_soon_threadsafe(self._rang, bell[1])

    def _rang(self, bell: asyncio.Event) -> None:
        """In the deliverer's loop: the ring arrived; what comes after it rings again."""
        self._rung = False
        bell.set()

    def _take(self, most: int) -> list[Job] | None:
        """Up to `most` updates to post now, and where (under the lock); None to stop."""
        with self._cond:
            if self._stopping:
                return None
            url = self._webhook.get("url") if self._webhook_targets else None
            # as Telegram: no more connections at once than the webhook's max_connections
            most = min(most, int(self._webhook.get("max_connections") or 40)
                       - len(self._in_flight))
            if not url or most <= 0:
                return []
            now, jobs = time.monotonic(), []
            for update in self._updates:
                uid = update["update_id"]
                if uid in self._in_flight or self._retry_at.get(uid, 0) > now:
                    continue
                self._in_flight.add(uid)
                target = self._webhook_targets[next(self._webhook_rr)
                                               % len(self._webhook_targets)]
                jobs.append((update, target, urlsplit(url).path or "/",
                             str(self._webhook.get("secret_token") or "")))
                if len(jobs) == most:
                    break
            return jobs

    def _next_retry(self) -> float:
        """Seconds until an unanswered update may be posted again (0.5 when none waits)."""
        with self._cond:
            now = time.monotonic()
            return min((t - now for t in self._retry_at.values() if t > now), default=0.5)

    async def _deliver(self) -> None:
        """Post what is queued, `_most_in_flight` at once, until the emulator stops."""
        bell = asyncio.Event()
        self._bell = (asyncio.get_running_loop(), bell)
        kept: dict[str, list[_Connection]] = defaultdict(list)  # idle connections, by target
        running: set[asyncio.Task] = set()
        while (jobs := self._take(self._most_in_flight - len(running))) is not None:
            for job in jobs:
                running.add(task := asyncio.create_task(self._deliver_one(kept, *job)))
                task.add_done_callback(lambda _t: bell.set())  # a slot came free
            bell.clear()
            if not jobs:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(bell.wait(), self._next_retry())
            running = {t for t in running if not t.done()}
        for task in running:
            task.cancel()
        for conn in itertools.chain.from_iterable(kept.values()):
            conn.close()

    async def _deliver_one(self, kept: dict[str, list[_Connection]], update: dict,
                           target: str, path: str, secret: str) -> None:
        body, targets = json.dumps(update).encode(), list(self._webhook_targets)
        first = targets.index(target) if target in targets else 0
        for n in range(max(len(targets), 1)):  # the balancer passes a worker that is down
            status = await _post(kept, targets[(first + n) % len(targets)] if targets
                                 else target, path, secret, body)
            if status != REFUSED:
                break
        with self._cond:
            uid = update["update_id"]
            self._in_flight.discard(uid)
            self.webhook_posts["error" if status == REFUSED else status] += 1
            if isinstance(status, int) and 200 <= status < 300:
                self.webhook_delivered[uid] += 1
                self._forget(uid)
                self._retry_at.pop(uid, None)
            else:
                self._retry_at[uid] = time.monotonic() + RETRY_AFTER


    def _forget(self, uid: int) -> None:
        """Drop a delivered update from the queue (under the lock). The queue is in update_id
        order (ids are handed out in turn): found by bisection, not a pass over every update
        queued, which cost a storm's deliveries more than their POSTs."""
        at = bisect.bisect_left(self._updates, uid, key=lambda u: u["update_id"])
        if at < len(self._updates) and self._updates[at]["update_id"] == uid:
            del self._updates[at]


class Closed(ConnectionError):
    """The worker closed the connection before answering."""


class _Connection:
    """One kept-alive HTTP/1.1 connection to a worker: a POST written whole, the answer read
    by its Content-Length (what uvicorn sends)."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                 host: str) -> None:
        self.reader, self.writer, self.host = reader, writer, host.encode()

    @classmethod
    async def open(cls, target: str) -> _Connection:
        address = urlsplit(target)
        reader, writer = await asyncio.open_connection(address.hostname, address.port)
        return cls(reader, writer, address.netloc)

    async def post(self, path: str, secret: str, body: bytes) -> tuple[int, bool]:
        """The answer's status, and whether the worker closes the connection after it."""
        head = [b"POST " + path.encode() + b" HTTP/1.1", b"Host: " + self.host,
                b"Content-Type: application/json", b"Content-Length: %d" % len(body)]
        if secret:
            head.append(SECRET_HEADER + b": " + secret.encode())
        self.writer.write(b"\r\n".join(head) + b"\r\n\r\n" + body)
        try:
            raw = await self.reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError as exc:
            raise Closed from exc
        status_line, *lines = raw.decode("latin-1").split("\r\n")
        fields = {name.strip().lower(): value.strip().lower()
                  for name, _, value in (line.partition(":") for line in lines if line)}
        await self.reader.readexactly(int(fields.get("content-length", "0")))
        return int(status_line.split()[1]), fields.get("connection") == "close"

    def close(self) -> None:
        self.writer.close()


async def _post(kept: dict[str, list[_Connection]], target: str, path: str, secret: str,
                body: bytes) -> int | str:
    """POST one update on a kept connection to `target` (a new one if none is idle, or the
    kept one was closed while idle); its HTTP status, or "error" when no answer came."""
    for fresh in (not kept[target], True):
        try:
            conn = kept[target].pop() if not fresh else await _Connection.open(target)
        except ConnectionRefusedError:
            return REFUSED
        except OSError:
            return "error"
        try:
            status, closing = await asyncio.wait_for(conn.post(path, secret, body),
                                                     POST_TIMEOUT)
        except (OSError, TimeoutError, ValueError, IndexError, asyncio.IncompleteReadError
                ) as exc:  # reset, timed out, garbled
            conn.close()
            if fresh or not isinstance(exc, (Closed, ConnectionResetError, BrokenPipeError)):
                return "error"
            continue
        if closing:
            conn.close()
        else:
            kept[target].append(conn)
        return status
    return "error"

"""Webhook delivery as Telegram does it: POST each update to the registered URL's path with
the secret token header, several requests in flight, anything not answered 2xx retried.

Telegram posts to the public https URL; here a "load balancer" (``route_webhook``) maps it to
the local workers' plain-HTTP addresses, round robin, skipping one that refuses connections.
Like Telegram, each delivery keeps its connections open between POSTs (HTTP/1.1 keep-alive).
"""

from __future__ import annotations

import http.client
import itertools
import json
import threading
import time
from collections import Counter
from urllib.parse import urlsplit

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
RETRY_AFTER = 0.3  # seconds before an unanswered update is posted again
POST_TIMEOUT = 10.0


class WebhookMixin:
    """Delivers queued updates to the webhook, once it is set and routed."""

    def route_webhook(self, targets: list[str], *, in_flight: int = 6) -> None:
        """Deliver the webhook's POSTs to these http://host:port addresses (round robin);
        an empty list stops delivering. Counters start again from zero."""
        with self._cond:
            self._webhook_targets = list(targets)
            self._webhook_rr = itertools.count()
            self.webhook_posts: Counter = Counter()  # status (or "error") -> count
            self.webhook_delivered: Counter = Counter()  # update_id -> 2xx answers
            self._in_flight: set[int] = set()
            self._retry_at: dict[int, float] = {}
            while targets and len(self._delivery_threads) < in_flight:
                thread = threading.Thread(target=self._deliver_loop, daemon=True,
                                          name=f"webhook-{len(self._delivery_threads)}")
                self._delivery_threads.append(thread)
                thread.start()
            self._cond.notify_all()

    def _next_delivery(self) -> tuple[dict, str, str, str] | None:
        """The next update to post and where (under the lock); None to stop."""
        while True:
            if self._stopping:
                return None
            url = self._webhook.get("url") if self._webhook_targets else None
            now = time.monotonic()
            update = next((u for u in self._updates if u["update_id"] not in self._in_flight
                           and self._retry_at.get(u["update_id"], 0) <= now), None) if url else None
            if update is not None:
                self._in_flight.add(update["update_id"])
                targets = self._webhook_targets
                target = targets[next(self._webhook_rr) % len(targets)]
                return (update, target, urlsplit(url).path or "/",
                        str(self._webhook.get("secret_token") or ""))
            waits = [t - now for t in self._retry_at.values() if t > now]
            self._cond.wait(min(waits, default=0.5))

    def _deliver_loop(self) -> None:
        connections: dict[str, http.client.HTTPConnection] = {}  # this thread's, by target
        while True:
            with self._cond:
                job = self._next_delivery()
            if job is None:
                for conn in connections.values():
                    conn.close()
                return
            update, target, path, secret = job
            status = _post(connections, target, path, secret, update)
            with self._cond:
                uid = update["update_id"]
                self._in_flight.discard(uid)
                self.webhook_posts[status] += 1
                if isinstance(status, int) and 200 <= status < 300:
                    self.webhook_delivered[uid] += 1
                    self._updates = [u for u in self._updates if u["update_id"] != uid]
                    self._retry_at.pop(uid, None)
                else:  # the others recompute when to look again (a success frees nothing)
                    self._retry_at[uid] = time.monotonic() + RETRY_AFTER
                    self._cond.notify_all()


def _post(connections: dict[str, http.client.HTTPConnection], target: str, path: str,
          secret: str, update: dict) -> int | str:
    """POST one update on the kept connection to `target` (a new one if the kept one was
    closed by the server while idle); its HTTP status, or "error" when no answer came."""
    headers = {"Content-Type": "application/json"}
    if secret:
        headers[SECRET_HEADER] = secret
    body = json.dumps(update).encode()
    for fresh in (target not in connections, True):
        conn = connections.get(target)
        if conn is None:
            address = urlsplit(target)
            conn = connections[target] = http.client.HTTPConnection(
                address.hostname, address.port, timeout=POST_TIMEOUT)
        try:
            conn.request("POST", path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
        except (OSError, http.client.HTTPException) as exc:
            conn.close()
            del connections[target]
            if fresh or not _closed_while_idle(exc):
                return "error"
            continue
        if response.will_close:
            conn.close()
            del connections[target]
        return response.status
    return "error"


def _closed_while_idle(exc: Exception) -> bool:
    """The server had closed a kept connection before this request reached it."""
    return isinstance(exc, (http.client.RemoteDisconnected, BrokenPipeError,
                            ConnectionResetError))

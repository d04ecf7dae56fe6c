"""The one rate-limited sender: limits, 429 waits, retries, unreachable users, migrated chats."""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

import httpx
from telegram import Bot
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)

from scheduler.limits import Limits, where
from scheduler.pacer import Before, Pacer
from scheduler.shared_limits import SharedPace
from scheduler.uploads import MAX_FILE, Upload, input_file, release, upload_size

log = logging.getLogger(__name__)

SENT, FAILED, UNREACHABLE, UNCERTAIN = "sent", "failed", "unreachable", "uncertain"
SKIPPED = "skipped"  # an acknowledgement over the group's budget
NOT_SENT = "not sent"  # `before` said no: nothing left, the claim is not ours to record
IN_FLIGHT = 32  # requests under way at once (far above what Telegram's limits let through)


class Call(Protocol):
    method: str
    kwargs: dict[str, Any]
    chat_id: int | None
    ack: bool
    fallback: str | Callable[[], str] | None  # rendered only when needed (see `fallback_text`)


def fallback_text(call: Call) -> str | None:
    """The line sent instead of a refused reaction or file (rendered now, if it was deferred)."""
    fallback = call.fallback
    return fallback() if callable(fallback) else fallback


@dataclass
class Result:
    status: str
    value: Any = None
    error: str = ""


Hook = Callable[..., Awaitable[None] | None]


class _NotMade(Exception):
    """The request was not made: `before` said no (NOT_SENT), or a droppable send was not
    worth waiting for (SKIPPED)."""

    def __init__(self, status: str) -> None:
        super().__init__(status)
        self.status = status


class Sender:
    """Sends Bot API calls within Telegram's limits; one ordered lane per chat."""

    def __init__(self, bot: Bot, *, limits: Limits | None = None, max_retries: int = 5,
                 on_unreachable: Hook | None = None, on_migrated: Hook | None = None,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                 shared: SharedPace | None = None) -> None:
        self.bot = bot
        self.pacer = Pacer(limits or Limits(), shared, sleep)
        self.max_retries = max_retries
        self.on_unreachable, self.on_migrated = on_unreachable, on_migrated
        self.sleep = sleep
        self._lanes: dict[int | None, deque[Call]] = defaultdict(deque)  # replies, in order
        self._acks: dict[int | None, deque[Call]] = defaultdict(deque)  # after replies
        self._tasks: dict[int | None, asyncio.Task] = {}
        self._gate = asyncio.Semaphore(IN_FLIGHT)

    @property
    def limits(self) -> Limits:
        """This process's own bookkeeping of its sends."""
        return self.pacer.limits

    @limits.setter
    def limits(self, limits: Limits) -> None:
        self.pacer.limits = limits

    @property
    def shared(self) -> SharedPace | None:
        """The database's pace, shared by every process sending (None: this one alone)."""
        return self.pacer.shared

    async def _request(self, method: str, kwargs: dict[str, Any], before: Before | None
                       ) -> Any:
        """The Bot API request itself, IN_FLIGHT at most at once (httpx scans every pooled
        connection for each request, so hundreds in flight cost more than they gain); `before`
        is asked once a slot is ours, right as the request leaves."""
        async with self._gate:
            if before is not None and not await before():
                raise _NotMade(NOT_SENT)
            return await getattr(self.bot, method)(**kwargs)

    async def _paced(self, method: str, kwargs: dict[str, Any], chat_id: int | None, *,
                     first: bool, reply: bool, droppable: bool, before: Before | None,
                     paced_at: float | None) -> Any:
        """One attempt, paced; only the `first` may be dropped, goes at its booked moment, and
        asks `before` (a retry is booked anew, and its send was marked already)."""
        bulk = not reply
        moment = await self.pacer.pace(chat_id, bulk=bulk, droppable=droppable and first,
                                       paced_at=paced_at if first else None)
        if moment is None:
            raise _NotMade(SKIPPED)
        return await self._request(method, kwargs, self.pacer.repacing(
            before if first else None, chat_id, bulk=bulk, moment=moment))

    async def call(self, method: str, kwargs: dict[str, Any], chat_id: int | None = None,
                   *, droppable: bool = False, before: Before | None = None,
                   reply: bool = False, paced_at: float | None = None) -> Result:
        """One call past limits (a `reply`'s not held to ~30/s) and 429s; never raises."""
        kwargs = dict(kwargs)
        timed_out = migrated = False
        for attempt in range(self.max_retries + 1):
            try:
                value = await self._paced(method, kwargs, chat_id, first=attempt == 0, reply=reply,
                                          droppable=droppable, before=before, paced_at=paced_at)
                return Result(UNCERTAIN if timed_out else SENT, value)
            except _NotMade as exc:
                return Result(exc.status)
            except RetryAfter as exc:
                await self.sleep(_seconds(exc.retry_after))
            except Forbidden as exc:
                await _call_hook(self.on_unreachable, chat_id)
                return Result(UNREACHABLE, error=exc.message)
            except ChatMigrated as exc:
                if migrated or chat_id is None:
                    return Result(FAILED, error=exc.message)
                migrated = True
                await _call_hook(self.on_migrated, chat_id, exc.new_chat_id)
                chat_id = kwargs["chat_id"] = exc.new_chat_id
            except BadRequest as exc:
                return Result(FAILED, error=exc.message)
            except NetworkError as exc:  # TimedOut included
                if not _may_have_arrived(exc):
                    log.warning("%s did not reach Telegram (retrying): %s", method, exc.message)
                    await self.sleep(1.0)
                    continue
                if timed_out:  # the outcome is unknown: retried once, then marked uncertain
                    return Result(UNCERTAIN, error=exc.message)
                timed_out = True
            except TelegramError as exc:
                return Result(FAILED, error=exc.message)
        return Result(FAILED, error="retries exhausted")

    # --- replies: queued per chat, sent in order, never blocking the inbox -------------------

    def submit(self, calls: list[Call]) -> None:
        """Queue replies; acknowledgements are dropped when the group's budget is used up."""
        for item in calls:
            if item.ack and self._over_budget(item.chat_id):
                log.info("group %s over budget: acknowledgement skipped", item.chat_id)
                continue
            (self._acks if item.ack else self._lanes)[item.chat_id].append(item)
            task = self._tasks.get(item.chat_id)
            if task is None or task.done():
                self._tasks[item.chat_id] = asyncio.create_task(self._run_lane(item.chat_id))

    def _over_budget(self, chat_id: int | None) -> bool:
        """Whether a group's 20/min would be used up by what was sent and what is queued."""
        if chat_id is None or not self.limits.is_group(chat_id):
            return False
        queued = len(self._lanes[chat_id]) + len(self._acks[chat_id])
        return self.limits.used(chat_id) + queued >= self.limits.per_group

    async def _run_lane(self, chat_id: int | None) -> None:
        lane, acks = self._lanes[chat_id], self._acks[chat_id]
        while lane or acks:
            item = lane.popleft() if lane else acks.popleft()
            if item.ack and self.limits.group_full(chat_id):  # the budget went meanwhile
                continue
            try:
                if getattr(item, "build", None) is not None:
                    await self._send_file(item)
                    continue
                result = await self.call(item.method, item.kwargs, item.chat_id,
                                         droppable=item.ack, reply=True,
                                         paced_at=getattr(item, "paced_at", None))
                if result.status == FAILED and item.fallback and item.chat_id is not None:
                    await self.call("send_message", {"chat_id": item.chat_id,
                                                     "text": fallback_text(item),
                                                     "reply_parameters": {
                                                         "message_id": item.kwargs["message_id"],
                                                         "allow_sending_without_reply": True}},
                                    item.chat_id, reply=True)
                elif result.status == FAILED:
                    log.warning("%s to %s failed: %s", item.method, where(chat_id), result.error)
            except Exception:
                log.exception("sending %s failed", item.method)

    async def _send_file(self, item: Call) -> None:
        """Build the file off the event loop, then send it; too big or failed: one line."""
        try:
            data = await asyncio.to_thread(item.build)  # type: ignore[attr-defined]
        except Exception:
            log.exception("building %s failed", item.filename)  # type: ignore[attr-defined]
            data = None
        try:
            if data is not None and upload_size(data) <= MAX_FILE:
                kwargs = {**item.kwargs, item.file_field: input_file(  # type: ignore[attr-defined]
                    data, item.filename)}  # type: ignore[attr-defined]
                result = await self.call(item.method, kwargs, item.chat_id, reply=True)
                if result.status != FAILED:
                    return
        finally:
            release(data)  # sent or not, a temporary file goes now
        if item.fallback and item.chat_id is not None:
            await self.call("send_message", {"chat_id": item.chat_id, "text": fallback_text(item),
                                             "parse_mode": "HTML"}, item.chat_id, reply=True)

    async def send_documents(self, chat_id: int, files: list[tuple[str, Upload]], caption: str,
                             too_big: str, *, before: Before | None = None) -> Result:
        """Documents in order, the caption on the first; past 50 MB the line `too_big` instead;
        temporary files closed whatever happens (`before`: see Before)."""
        try:
            if any(upload_size(data) > MAX_FILE for _name, data in files):
                return await self.call("send_message", {"chat_id": chat_id, "text": too_big},
                                       chat_id, before=before)
            result = Result(FAILED, error="nothing to send")
            for n, (name, data) in enumerate(files):
                kwargs: dict[str, Any] = {"chat_id": chat_id, "document": input_file(data, name)}
                if n == 0 and caption:
                    kwargs.update(caption=caption[:1024], parse_mode="HTML")
                result = await self.call("send_document", kwargs, chat_id,
                                         before=before if n == 0 else None)
                if result.status in (FAILED, NOT_SENT):
                    return result
            return result
        finally:
            for _name, data in files:
                release(data)

    async def drain(self, timeout: float | None = None) -> None:
        """Wait until every queued reply has been sent; past `timeout`, drop the rest."""
        try:
            async with asyncio.timeout(timeout):
                while tasks := [t for t in self._tasks.values() if not t.done()]:
                    await asyncio.gather(*tasks, return_exceptions=True)
        except TimeoutError:
            dropped = sum(len(q) for q in (*self._lanes.values(), *self._acks.values()))
            log.warning("stopping with %d queued replies unsent", dropped)
            for task in self._tasks.values():
                task.cancel()


def _seconds(retry: Any) -> float:
    """A 429's retry_after in seconds (PTB gives a timedelta or a number)."""
    return retry.total_seconds() if hasattr(retry, "total_seconds") else float(retry)


def _may_have_arrived(exc: NetworkError) -> bool:
    """Whether the request may have left (a read timeout, a dropped answer), unlike a refused
    connection or a full pool, which are safe to retry."""
    return not isinstance(exc.__cause__, httpx.ConnectError | httpx.ConnectTimeout
                          | httpx.PoolTimeout)


async def _call_hook(hook: Hook | None, *args: Any) -> None:
    if hook is None:
        return
    try:
        outcome = hook(*args)
        if asyncio.iscoroutine(outcome):
            await outcome
    except Exception as exc:  # its statement's parameters may hold a private chat's id
        log.error("sender hook failed: %s", type(exc).__name__)

"""Fault injection and reading what the bot did (calls, texts, waiting)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .objects import ApiError, TgObject, _obj
from .state import _CONFLICT_OTHER_POLL, _UNSET, _Fault

if TYPE_CHECKING:
    from .core import BotApiEmulator


class InspectionMixin:
    """Fault injection and reading what the bot did (calls, texts, waiting)."""

    # ---------------------------------------------------------------- fault injection

    def fail_next(
        self,
        method: str,
        chat_id: Any = None,
        error_code: int = 429,
        description: str = _UNSET,
        parameters: dict | None = _UNSET,
        times: int | None = 1,
    ) -> None:
        """Make the next ``times`` calls of ``method`` (optionally only for ``chat_id``) fail.

        Defaults: 429 "Too Many Requests: retry after 1" with ``{"retry_after": 1}``.
        ``times=None`` fails forever (until :meth:`clear_faults`).
        """
        if parameters is _UNSET:
            parameters = {"retry_after": 1} if error_code == 429 else None
        if description is _UNSET:
            description = {
                400: "Bad Request: something went wrong",
                401: "Unauthorized",
                403: "Forbidden: bot was blocked by the user",
                409: _CONFLICT_OTHER_POLL,
                429: f"Too Many Requests: retry after {(parameters or {}).get('retry_after', 1)}",
                500: "Internal Server Error",
                502: "Bad Gateway",
            }.get(error_code, f"Error {error_code}")
        cid = self._uid(chat_id) if isinstance(chat_id, dict) else chat_id
        with self._lock:
            self._faults.append(
                _Fault(method.lower(), cid, ApiError(error_code, description, parameters), times)
            )

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    # ---------------------------------------------------------------- inspection

    def sent(self, chat_id: Any = None, method: str | None = "sendMessage") -> list[TgObject]:
        """Accepted calls (``{method, params, files, time, result, chat_id}``), optionally
        filtered by chat (id or chat/user dict) and method (None = every method)."""
        cid = self._uid(chat_id) if isinstance(chat_id, dict) else chat_id
        with self._lock:
            return [
                c
                for c in self.calls
                if (method is None or c["method"].lower() == method.lower())
                and (cid is None or c.get("chat_id") == cid)
            ]

    def texts(self, chat_id: Any = None) -> list[str]:
        """Texts of the messages the bot sent (sendMessage) to ``chat_id``."""
        return [c["result"].get("text", "") for c in self.sent(chat_id)]

    def reactions(self, chat_id: Any) -> list[TgObject]:
        return self.sent(chat_id, method="setMessageReaction")

    def message(self, chat_id: Any, message_id: int) -> TgObject | None:
        """The current state of a message (after edits), None if unknown or deleted."""
        cid = self._uid(chat_id)
        with self._lock:
            state = self._chats.get(cid)
            if state is None or message_id in state.deleted:
                return None
            msg = state.messages.get(message_id)
            return _obj(msg) if msg is not None else None

    def is_deleted(self, chat_id: Any, message_id: int) -> bool:
        with self._lock:
            state = self._chats.get(self._uid(chat_id))
            return state is not None and message_id in state.deleted

    def callback_answer(self, query: Any) -> TgObject | None:
        """The params of answerCallbackQuery for ``query`` (dict or id), None if unanswered."""
        qid = query["id"] if isinstance(query, dict) else str(query)
        with self._lock:
            answer = self._callbacks.get(qid, {}).get("answer")
            return _obj(answer) if answer is not None else None

    def commands(self, scope: dict | None = None, language_code: str = "") -> list[TgObject]:
        with self._lock:
            key = (self._scope_key(scope or {"type": "default"}), language_code or "")
            return _obj(self._commands.get(key, []))

    def pending_updates(self) -> int:
        """Number of updates not yet confirmed by the bot."""
        with self._lock:
            return len(self._updates)

    def is_polling(self) -> bool:
        """True while a getUpdates long poll is waiting."""
        with self._lock:
            return self._polls_waiting > 0

    def wait_polling(self, timeout: float = 10.0) -> None:
        """Wait until the bot is long-polling (so allowed_updates etc. are in effect)."""
        self.wait_for(lambda e: e.is_polling(), timeout=timeout, message="bot never polled")

    def wait_for(
        self,
        predicate: Callable[[BotApiEmulator], Any],
        timeout: float = 10.0,
        *,
        message: str = "condition not met",
        interval: float = 0.02,
    ) -> Any:
        """Poll ``predicate(emu)`` until truthy and return its value; LookupErrors count as
        "not yet". On timeout raise AssertionError with a dump of the traffic."""
        deadline = time.monotonic() + timeout
        last_exc: Exception | None = None
        while True:
            try:
                value = predicate(self)
            except LookupError as exc:
                value, last_exc = None, exc
            if value:
                return value
            if time.monotonic() >= deadline:
                extra = f" (last error: {last_exc!r})" if last_exc else ""
                raise AssertionError(f"{message} within {timeout:.1f}s{extra}\n{self.dump()}")
            time.sleep(interval)

    def wait_sent(
        self,
        chat_id: Any,
        count: int = 1,
        method: str = "sendMessage",
        timeout: float = 10.0,
    ) -> list[TgObject]:
        """Wait until at least ``count`` accepted ``method`` calls for ``chat_id`` exist."""
        return self.wait_for(
            lambda e: (calls := e.sent(chat_id, method)) and len(calls) >= count and calls,
            timeout=timeout,
            message=f"expected {count} x {method} to chat {chat_id}",
        )

    def dump(self, last: int = 30) -> str:
        """Human-readable summary of the recent traffic (for assertion messages)."""
        with self._lock:
            lines = [
                f"pending updates: {len(self._updates)}, getUpdates calls: "
                f"{self._get_updates_calls}, polling now: {self._polls_waiting > 0}",
                f"last {last} accepted calls (getUpdates omitted):",
            ]
            calls = [c for c in self.calls if c["method"] != "getUpdates"][-last:]
            lines += [f"  {self._describe(c)}" for c in calls] or ["  (none)"]
            if self.internal_errors:
                lines.append("EMULATOR INTERNAL ERRORS:")
                lines += self.internal_errors[-3:]
            if self.rejected:
                lines.append("rejected calls:")
                lines += [
                    f"  {self._describe(c)} -> {c['error']['description']}"
                    for c in self.rejected[-last:]
                ]
            return "\n".join(lines)

    @staticmethod
    def _describe(call: dict) -> str:
        params = {k: v for k, v in call["params"].items() if k != "chat_id"}
        text = json.dumps(params, ensure_ascii=False)
        if len(text) > 200:
            text = text[:197] + "..."
        return f"{call['method']} chat={call.get('chat_id')} {text}"

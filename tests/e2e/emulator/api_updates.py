"""Bot API methods: getMe, getUpdates, webhooks, logOut/close."""

from __future__ import annotations

import copy
import time
from typing import Any

from .objects import ApiError, _bad, _plain
from .state import _CONFLICT_OTHER_POLL


class UpdatesApiMixin:
    """Bot API methods: getMe, getUpdates, webhooks, logOut/close."""

    # ---------------------------------------------------------------- Bot API methods

    def _api_getMe(self, params: dict, files: dict) -> dict:
        return {
            **self.bot_user,
            "can_join_groups": self.can_join_groups,
            "can_read_all_group_messages": self.can_read_all_group_messages,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _api_getUpdates(self, params: dict, files: dict) -> list[dict]:
        def as_int(name: str, default: int) -> int:
            value = params.get(name)
            if value in (None, ""):
                return default
            try:
                return int(value)
            except (TypeError, ValueError):
                raise _bad(f"wrong parameter {name} in request") from None

        offset = as_int("offset", 0)
        limit = as_int("limit", 100)
        limit = 100 if limit < 1 or limit > 100 else limit
        try:
            timeout = max(0.0, float(params.get("timeout") or 0))
        except (TypeError, ValueError):
            raise _bad("wrong parameter timeout in request") from None
        allowed = params.get("allowed_updates")
        with self._cond:
            self._get_updates_calls += 1
            if self._webhook.get("url"):
                raise ApiError(
                    409,
                    "Conflict: can't use getUpdates method while webhook is active; use "
                    "deleteWebhook to delete the webhook first",
                )
            if isinstance(allowed, list):
                self._allowed_updates = [str(a) for a in allowed] or None
            if offset > 0:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
            elif offset < 0:
                self._updates = self._updates[offset:]
            self._poll_generation += 1
            generation = self._poll_generation
            self._cond.notify_all()  # terminate a concurrent long poll
            deadline = time.monotonic() + timeout
            self._polls_waiting += 1
            try:
                while True:
                    if self._poll_generation != generation:
                        raise ApiError(409, _CONFLICT_OTHER_POLL)
                    if self._updates or self._stopping:
                        break
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        break
                    self._cond.wait(remaining)
            finally:
                self._polls_waiting -= 1
            return copy.deepcopy(self._updates[:limit])

    def _api_setWebhook(self, params: dict, files: dict) -> bool:
        url = params.get("url") or ""
        if url and not str(url).startswith("https://"):
            raise _bad("bad webhook: An HTTPS URL must be provided for webhook")
        if params.get("drop_pending_updates"):
            self._updates.clear()
        self._webhook = _plain(params) if url else {}
        allowed = params.get("allowed_updates")
        if url and isinstance(allowed, list):
            self._allowed_updates = [str(a) for a in allowed] or None
        self._cond.notify_all()
        self._ring()  # deliveries start
        return True

    def _api_deleteWebhook(self, params: dict, files: dict) -> bool:
        if params.get("drop_pending_updates"):
            self._updates.clear()
        self._webhook = {}
        return True

    def _api_getWebhookInfo(self, params: dict, files: dict) -> dict:
        info: dict[str, Any] = {
            "url": self._webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if self._webhook.get("url"):
            info["max_connections"] = int(self._webhook.get("max_connections") or 40)
            info["ip_address"] = "127.0.0.1"
            if self._webhook.get("allowed_updates"):
                info["allowed_updates"] = self._webhook["allowed_updates"]
        return info

    def _api_logOut(self, params: dict, files: dict) -> bool:
        return True

    def _api_close(self, params: dict, files: dict) -> bool:
        return True

"""Small helpers: JSON objects, errors, UTF-16 text, dates."""

from __future__ import annotations

import datetime as dtm
import time
from typing import Any


class TgObject(dict):
    """A JSON object (plain ``dict``) that additionally allows attribute access: ``u.id``."""

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def _obj(value: Any) -> Any:
    """Deep-copy JSON data into :class:`TgObject` instances."""
    if isinstance(value, dict):
        return TgObject({k: _obj(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return [_obj(v) for v in value]
    return value


def _plain(value: Any) -> Any:
    """Deep-copy JSON data into plain dicts/lists."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


class ApiError(Exception):
    """A Bot API error response (``ok: false``)."""

    def __init__(self, code: int, description: str, parameters: dict | None = None):
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def payload(self) -> dict:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def _bad(description: str, parameters: dict | None = None) -> ApiError:
    return ApiError(400, f"Bad Request: {description}", parameters)


def _forbidden(description: str) -> ApiError:
    return ApiError(403, f"Forbidden: {description}")


def _u16(text: str) -> int:
    """Length of ``text`` in UTF-16 code units (the unit of Telegram entity offsets)."""
    return len(text.encode("utf-16-le")) // 2


def _u16_slice(text: str, offset: int, length: int) -> str:
    raw = text.encode("utf-16-le")
    return raw[offset * 2 : (offset + length) * 2].decode("utf-16-le", errors="replace")


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _now() -> int:
    return int(time.time())


def _as_unix(date: Any) -> int:
    if date is None:
        return _now()
    if isinstance(date, dtm.datetime):
        return int(date.timestamp())
    return int(date)

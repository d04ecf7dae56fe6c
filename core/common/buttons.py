"""Signed inline-button data, so forged or stale presses are refused (SPEC §11)."""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from core.common.errors import UsageError

SIG_LEN = 10


@lru_cache(maxsize=4)
def _keyed(secret: str) -> hmac.HMAC:
    """The secret's HMAC with its key schedule done once: copied for each signature."""
    return hmac.new(secret.encode(), digestmod=hashlib.sha256)


def _sig(secret: str, body: str) -> str:
    mac = _keyed(secret).copy()
    mac.update(body.encode())
    return mac.hexdigest()[:SIG_LEN]


def sign(secret: str, *parts: object) -> str:
    """`part:part:…:sig`, at most 64 bytes as Telegram requires."""
    body = ":".join(str(p) for p in parts)
    sig = _sig(secret, body)
    data = f"{body}:{sig}"
    if len(data.encode()) > 64:
        raise ValueError("button data over 64 bytes")
    return data


def verify(secret: str, data: str, parts: int | None = None) -> list[str]:
    """The parts of signed data, or UsageError for forged data (or, given `parts`, data of
    another shape: a button of an earlier version)."""
    body, _, sig = data.rpartition(":")
    good = _sig(secret, body)
    if not body or not hmac.compare_digest(sig.encode(), good.encode()):
        raise UsageError("errors.bad_button")
    found = body.split(":")
    if parts is not None and len(found) != parts:
        raise UsageError("errors.bad_button")
    return found

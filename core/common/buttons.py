"""Signed inline-button data, so forged or stale presses are refused (SPEC §11)."""

from __future__ import annotations

import hashlib
import hmac

from core.common.errors import UsageError

SIG_LEN = 10


def sign(secret: str, *parts: object) -> str:
    """`part:part:…:sig`, at most 64 bytes as Telegram requires."""
    body = ":".join(str(p) for p in parts)
    sig = hmac.new(secret.encode(), body.encode(), hashlib.sha256).hexdigest()[:SIG_LEN]
    data = f"{body}:{sig}"
    if len(data.encode()) > 64:
        raise ValueError("button data over 64 bytes")
    return data


def verify(secret: str, data: str, parts: int | None = None) -> list[str]:
    """The parts of signed data, or UsageError for forged data (or, given `parts`, data of
    another shape: a button of an earlier version)."""
    body, _, sig = data.rpartition(":")
    good = hmac.new(secret.encode(), body.encode(), hashlib.sha256).hexdigest()[:SIG_LEN]
    if not body or not hmac.compare_digest(sig.encode(), good.encode()):
        raise UsageError("errors.bad_button")
    found = body.split(":")
    if parts is not None and len(found) != parts:
        raise UsageError("errors.bad_button")
    return found

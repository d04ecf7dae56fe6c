"""Keys that let the bot recognise a rater without knowing them (SPEC §6).

Everything is derived from FRONTLINE_SECRET: HMACs for the one-rating-per-period rule, the
daily flood counter and the flow state; Fernet for the inbox at rest and the 回访 contact.
Without the secret none of it leads back to a Telegram id.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import date
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken


@lru_cache(maxsize=16)
def _key(secret: str, purpose: str) -> bytes:
    """A sub-key of the secret for one purpose, so no two uses share a key (derived once)."""
    return hmac.new(secret.encode(), f"frontline:{purpose}".encode(), hashlib.sha256).digest()


@lru_cache(maxsize=16)
def _keyed(secret: str, purpose: str) -> hmac.HMAC:
    """An HMAC keyed for one purpose, its key schedule done once: copied for each use."""
    return hmac.new(_key(secret, purpose), digestmod=hashlib.sha256)


def _mac(secret: str, purpose: str, *parts: object) -> str:
    mac = _keyed(secret, purpose).copy()
    mac.update("\x1f".join(str(p) for p in parts).encode())
    return mac.hexdigest()


def dedupe(secret: str, user_id: int, target: str, bucket: str) -> str:
    """HMAC(secret, user, target, period): one rating per rater per target per window."""
    return _mac(secret, "dedupe", user_id, target, bucket)


def flood(secret: str, user_id: int, day: date) -> str:
    """HMAC(secret, user, day): the rater's counter for the daily flood limit."""
    return _mac(secret, "flood", user_id, day.isoformat())


def flow(secret: str, user_id: int) -> str:
    """HMAC(secret, user): where a rater is in the flow, without their id."""
    return _mac(secret, "flow", user_id)


def pseudonym(secret: str, value: int) -> int:
    """A keyed 62-bit number standing in for an id (the inbox's chat key, stranger hints)."""
    mac = _keyed(secret, "pseudonym").copy()
    mac.update(str(value).encode())
    digest = mac.digest()
    return int.from_bytes(digest[:8], "big") >> 2


@lru_cache(maxsize=8)
def box(secret: str, purpose: str) -> Fernet:
    """Authenticated encryption keyed from the secret for one purpose."""
    return Fernet(base64.urlsafe_b64encode(_key(secret, f"box:{purpose}")))


def seal(secret: str, purpose: str, text: str) -> str:
    return box(secret, purpose).encrypt(text.encode()).decode()


def unseal(secret: str, purpose: str, token: str) -> str | None:
    """The plain text, or None when the token is not ours (wrong secret, tampered)."""
    try:
        return box(secret, purpose).decrypt(token.encode()).decode()
    except InvalidToken:
        return None

"""How the inbox keeps an update at rest (SPEC §6, §10), and reads it back.

A group's update is kept as received. A private chat's (or a chat-less one's) is encrypted,
under a keyed chat key: a rater's Telegram id never reaches the database files in plain form.
The updates this process stored and has not processed yet are also held as received, in
memory only, so processing them here decrypts nothing.
"""

from __future__ import annotations

import json

from core.ratings import rater_keys as keys

SEALED = "sealed:"  # a payload encrypted at rest (private chats: raters must leave no trace)
HELD = 1_000  # updates held at most (another worker may process what this one stored)


def chat_id(update: dict) -> int | None:
    """The chat an update belongs to, read from Telegram's JSON."""
    for value in update.values():
        if isinstance(value, dict):
            chat = value.get("chat") or (value.get("message") or {}).get("chat")
            if chat:
                return chat.get("id")
    return None


def row(secret: str, update: dict) -> dict:
    """The inbox row for a received update: update_id, chat_id (keyed if private), payload."""
    chat = chat_id(update)
    payload = json.dumps(update, ensure_ascii=False)
    if chat is not None and chat < 0:
        return {"update_id": update["update_id"], "chat_id": chat, "payload": payload}
    return {"update_id": update["update_id"],
            "chat_id": None if chat is None else keys.pseudonym(secret, chat),
            "payload": SEALED + keys.seal(secret, "inbox", payload)}


def read(secret: str, payload: str) -> dict:
    """A stored payload's JSON, unsealed (None for a sealed one that is not ours)."""
    if payload.startswith(SEALED):
        payload = keys.unseal(secret, "inbox", payload[len(SEALED):]) or "null"
    return json.loads(payload)  # type: ignore[no-any-return]


class Held:
    """The updates this process stored, as received, until it opens them."""

    def __init__(self) -> None:
        self._held: dict[int, tuple[str, dict]] = {}  # update_id → (stored payload, JSON)

    def rows(self, secret: str, updates: list[dict]) -> list[dict]:
        """The inbox rows for received updates, each held until it is opened."""
        if len(self._held) + len(updates) > HELD:
            self._held.clear()  # stored here, processed elsewhere: read from the rows there
        made = [row(secret, update) for update in updates]
        for update, made_row in zip(updates, made, strict=True):
            self._held[made_row["update_id"]] = (made_row["payload"], update)
        return made

    def open(self, secret: str, update_id: int, payload: str) -> dict:
        """A stored update's JSON: as held, if this very payload was stored here; else read."""
        held = self._held.pop(update_id, None)
        if held is not None and held[0] == payload:  # a sealed payload is never made twice
            return held[1]
        return read(secret, payload)

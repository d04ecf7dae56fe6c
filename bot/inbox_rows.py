"""An update as the inbox keeps it: keyed by its chat, its JSON sealed for private chats.

Updates from private chats (and chat-less ones) are kept encrypted, under a keyed chat key: a
rater's Telegram id never reaches the database files in plain form (SPEC §6).
"""

from __future__ import annotations

import json

from core.ratings import rater_keys as keys

SEALED = "sealed:"  # a payload encrypted at rest (private chats: raters must leave no trace)


def chat_id(update: dict) -> int | None:
    """The chat an update belongs to, read from Telegram's JSON."""
    for value in update.values():
        if isinstance(value, dict):
            chat = value.get("chat") or (value.get("message") or {}).get("chat")
            if chat:
                return chat.get("id")
    return None


def is_update(value: object) -> bool:
    """Whether Telegram's JSON looks like an Update: an update_id and one object beside it."""
    return (isinstance(value, dict) and type(value.get("update_id")) is int
            and 0 <= value["update_id"] < 2**63
            and any(isinstance(v, dict) for k, v in value.items() if k != "update_id"))


def row(secret: str, update: dict, *, payload: bool = True) -> dict:
    """The inbox row of an update: a group's under its id; a private (or chat-less) one under
    a pseudonym, sealed. Without `payload`, only the mark of a sealed one (a row stored done)."""
    chat = chat_id(update)
    text = json.dumps(update, ensure_ascii=False) if payload else ""
    if chat is not None and chat < 0:
        return {"update_id": update["update_id"], "chat_id": chat, "payload": text}
    return {"update_id": update["update_id"],
            "chat_id": None if chat is None else keys.pseudonym(secret, chat),
            "payload": SEALED + (keys.seal(secret, "inbox", text) if payload else "")}


def opened(secret: str, payload: str) -> dict:
    """A stored payload's JSON, unsealed if need be (`null` when it cannot be unsealed)."""
    if payload.startswith(SEALED):
        payload = keys.unseal(secret, "inbox", payload[len(SEALED):]) or "null"
    return json.loads(payload)

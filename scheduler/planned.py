"""What a job plans: messages for the ledger, rendered by the bot's templates."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from storage.tables import Chat


class Texts(Protocol):
    """Rendering, injected by the bot (templates live there)."""

    def text(self, key: str, **view: Any) -> str: ...

    def parts(self, key: str, **view: Any) -> list[str]: ...


@dataclass(frozen=True)
class Planned:
    """One message the ledger will send exactly once."""

    job: str
    target: str
    period_key: str
    chat_id: int | None
    text: str
    markup: dict[str, Any] | None = None  # an inline keyboard, as Telegram's JSON
    contact: int | None = None  # a 回访 contact (sealed chat), used once, then deleted
    document: dict[str, Any] | None = None  # files to build and send (the text is the caption)


def slot_marker(chat: Chat) -> str:
    """The ledger target recording that a chat's slot was handled (or skipped)."""
    return f"slot:{chat.id}"

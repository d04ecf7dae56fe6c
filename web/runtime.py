"""What the HTTP side needs of the bot's runtime (`bot.app.Runtime` provides it): web never
imports bot, so the arrows keep pointing down."""

from __future__ import annotations

from typing import Any, Protocol


class WebSettings(Protocol):
    frontline_webhook_url: str
    webhook_path: str
    webhook_token: str


class Inbox(Protocol):
    def is_update(self, value: object) -> bool: ...

    async def commit(self, updates: list[Any]) -> int: ...


class Runtime(Protocol):
    """The settings, the inbox that commits an update before the 2xx, and the readiness check."""

    settings: WebSettings
    inbox: Inbox

    def ready(self) -> bool: ...

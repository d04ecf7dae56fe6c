"""What the dashboard needs from the process that serves it (wired by bot/)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlmodel import Session

from core.assessment import scores
from core.ratings import anonymity


class Config(Protocol):
    """The settings the dashboard reads."""

    telegram_bot_token: str
    frontline_admins: frozenset[int]
    frontline_lang: str
    frontline_anon_min: int
    frontline_anon_min_comments: int
    frontline_excellent_quota: float

    @property
    def tz(self) -> ZoneInfo: ...


class Pages(Protocol):
    """The bot's Jinja2 templates: one-line texts and whole documents."""

    def text(self, key: str, **view: Any) -> str: ...

    def document(self, name: str, **view: Any) -> str: ...


@dataclass
class Deps:
    """Settings, a session factory, the templates, where the page lives, a ledger kick."""

    settings: Config
    session: Callable[..., AbstractContextManager[Session]]  # session(write=False)
    pages: Pages
    base: str = "/dashboard"  # the path of FRONTLINE_WEBAPP_URL, without a trailing slash
    kick: Callable[[], None] | None = None  # flush the ledger now (after a commit)

    @property
    def grading(self) -> scores.Grading:
        """The anonymity thresholds and the 优秀 quota, as the chat commands take them."""
        s = self.settings
        return scores.Grading(anonymity.Thresholds(s.frontline_anon_min,
                                                   s.frontline_anon_min_comments),
                              s.frontline_excellent_quota)

    def today(self) -> date:
        """Today in FRONTLINE_TZ."""
        return datetime.now(self.settings.tz).date()

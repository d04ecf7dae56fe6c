"""The typed context handlers get: the update's session, the actor, and a reply queue.

The bot wires it (settings, rendering, the database) through `Services`; handlers see only
the protocols below, so nothing under handlers/ imports bot/ or storage/.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from typing import Any, BinaryIO, Protocol
from zoneinfo import ZoneInfo

from sqlmodel import Session
from telegram import ReactionTypeEmoji, ReplyParameters, Update
from telegram.ext import Application, CallbackContext, ExtBot

from core.common import deliveries
from core.org.people import Actor, UserInfo, actor_for
from core.org.projects import Chat, chat_with_project

ACK_EMOJI = "👌"
_ACK_REACTION = (ReactionTypeEmoji(ACK_EMOJI),)  # PTB objects are frozen: one serves all
_UNLOADED = object()


@dataclass
class Outgoing:
    """A Bot API call to make once the update's transaction has committed."""

    method: str
    kwargs: dict[str, Any]
    chat_id: int | None = None
    ack: bool = False  # an acknowledgement: skipped when the group's budget is used up
    # text to send instead when a reaction or file fails (a callable renders it only then)
    fallback: str | Callable[[], str] | None = None
    # a file built off the event loop: bytes, or a temporary file (the sender closes it)
    build: Callable[[], bytes | BinaryIO | None] | None = None
    file_field: str = ""  # photo | document
    filename: str = ""
    # booked in the shared pace by the update's own transaction: the moment it may go (Unix s)
    paced_at: float | None = None


@dataclass
class UpdateScope:
    """What one update's handling owns: its session, its queued replies, its outcome."""

    session: Session
    outgoing: list[Outgoing] = field(default_factory=list)
    error: BaseException | None = None
    actor: Actor | None = None
    throttle_user: int | None = None  # a stranger's hint: sent at most once a day
    chat: object = None  # the chat's row, loaded on first use (see Ctx.chat_row)
    planned: bool = False  # triggered messages went into the ledger: flush after the commit
    trial: bool = False  # a fresh group's try: a failure runs again, logged only there

    def __post_init__(self) -> None:
        self.chat = _UNLOADED


CURRENT: ContextVar[UpdateScope] = ContextVar("frontline_update_scope")


class Texts(Protocol):
    """Rendering of template keys (the bot's Jinja2 templates)."""

    def text(self, key: str, **view: Any) -> str: ...

    def parts(self, key: str, **view: Any) -> list[str]: ...


class Config(Protocol):
    """The settings handlers read."""

    frontline_secret: str
    frontline_admins: frozenset[int]
    frontline_tz: str
    frontline_lang: str
    frontline_anon_min: int
    frontline_anon_min_comments: int
    frontline_excellent_quota: float
    frontline_webapp_url: str

    @property
    def tz(self) -> ZoneInfo: ...


class Services:
    """Process-wide things built once at start (the application's bot_data)."""

    def __init__(self) -> None:
        self.settings: Config
        self.renderer: Texts
        # finds the CJK font for posters and charts (None when there is none), on first use:
        # the lookup loads Pillow, which an idle bot never imports
        self.find_font: Callable[[], Any] = lambda: None
        self.documents: Any = None  # builds charts, dossiers, exports (bot.documents)

    @property
    def font(self) -> Any:
        """The CJK font for posters and charts, or None when there is none."""
        return self.find_font()

    def today(self) -> date:
        """Today in FRONTLINE_TZ."""
        return datetime.now(self.settings.tz).date()


class Ctx(CallbackContext[ExtBot, dict, dict, Services]):
    """Custom context (as in PTB's contexttypesbot example), no string keys."""

    def __init__(self, application: Application, chat_id: int | None = None,
                 user_id: int | None = None) -> None:
        super().__init__(application, chat_id=chat_id, user_id=user_id)
        self.tg_update: Update | None = None

    @classmethod
    def from_update(cls, update: object, application: Application) -> Ctx:
        context = super().from_update(update, application)
        context.tg_update = update if isinstance(update, Update) else None
        return context

    @property
    def services(self) -> Services:
        return self.bot_data

    @property
    def settings(self) -> Config:
        return self.bot_data.settings

    @property
    def scope(self) -> UpdateScope:
        return CURRENT.get()

    @property
    def session(self) -> Session:
        return self.scope.session

    @property
    def user(self) -> UserInfo:
        tg = self.tg_update.effective_user if self.tg_update else None
        if tg is None:
            return UserInfo(id=0)
        return UserInfo(id=tg.id, username=tg.username, display=tg.full_name)

    @property
    def actor(self) -> Actor:
        """The acting person with roles, loaded once per update."""
        scope = self.scope
        if scope.actor is None:
            chat = self.tg_update.effective_chat if self.tg_update else None
            scope.actor = actor_for(self.session, self.user,
                                    admins=self.settings.frontline_admins,
                                    private=chat is not None and chat.type == "private")
        return scope.actor

    @property
    def chat_row(self) -> Chat | None:
        """The chat's row (its project loaded with it), once per update."""
        scope = self.scope
        if scope.chat is _UNLOADED:
            chat = self.tg_update.effective_chat if self.tg_update else None
            scope.chat = chat_with_project(self.session, chat.id) if chat else None
        return scope.chat  # type: ignore[return-value]

    def tz(self) -> ZoneInfo:
        """The group's timezone (/schedule tz); a private chat has the bot's, read no row."""
        tg_chat = self.tg_update.effective_chat if self.tg_update else None
        if tg_chat is not None and tg_chat.type == "private":
            return self.settings.tz
        chat = self.chat_row
        return ZoneInfo(chat.tz) if chat else self.settings.tz

    def today(self) -> date:
        return datetime.now(self.tz()).date()

    def text(self, key: str, **view: Any) -> str:
        return self.bot_data.renderer.text(key, **view)

    def label(self, key: str, **view: str | int) -> str:
        """A button's label (its key and plain arguments fix it): rendered once per process."""
        return self.bot_data.renderer.label(key, **view)

    # --- the reply queue: sent after commit ---------------------------------------------

    def reply(self, key: str, *, markup: Any = None, quote: bool = False, **view: Any) -> None:
        """Queue an answer in the update's chat (a reply to its message in groups, or quoted)."""
        update = self.tg_update
        assert update is not None and update.effective_chat is not None
        message = update.effective_message
        reply_to = None
        if message is not None and (quote or update.effective_chat.type != "private"):
            reply_to = ReplyParameters(message.message_id, allow_sending_without_reply=True)
        self.send(update.effective_chat.id, key, markup=markup, reply_parameters=reply_to, **view)

    def reply_long(self, key: str, **view: Any) -> None:
        """Queue an answer that may run past 4096 characters, split at line breaks."""
        chat_id = self.tg_update.effective_chat.id
        for part in self.bot_data.renderer.parts(key, **view):
            self.scope.outgoing.append(Outgoing("send_message", {
                "chat_id": chat_id, "text": part, "parse_mode": "HTML"}, chat_id=chat_id))

    def send(self, chat_id: int, key: str, *, markup: Any = None, reply_parameters: Any = None,
             **view: Any) -> None:
        kwargs: dict[str, Any] = {"chat_id": chat_id, "text": self.text(key, **view),
                                  "parse_mode": "HTML"}
        if markup is not None:
            kwargs["reply_markup"] = markup
        if reply_parameters is not None:
            kwargs["reply_parameters"] = reply_parameters
        self.scope.outgoing.append(Outgoing("send_message", kwargs, chat_id=chat_id))

    def ack(self, chat_id: int, message_id: int, fallback_key: str, **view: Any) -> None:
        """Acknowledge a report with 👌, or one short line where reactions are refused."""
        self.scope.outgoing.append(Outgoing(
            "set_message_reaction",
            {"chat_id": chat_id, "message_id": message_id, "reaction": _ACK_REACTION},
            chat_id=chat_id, ack=True, fallback=partial(self.text, fallback_key, **view)))

    def deliver(self, chat_id: int | None, key: str, *, job: str, recipient: str,
                period_key: str,
                markup: Any = None, due_at: datetime | None = None,
                extra: dict[str, Any] | None = None, **view: Any) -> None:
        """Plan a message to another chat in the Delivery ledger: committed with the update,
        then sent once (rate-limited) by whoever flushes the ledger first."""
        deliveries.plan(self.session, job=job, target=recipient, period_key=period_key,
                        chat_id=chat_id, text=self.text(key, **view),
                        markup=markup.to_dict() if markup else None, due_at=due_at, extra=extra)
        self.scope.planned = True

    def revise(self, key: str, *, job: str, period_key: str,
               due_at: datetime | None = None, **view: Any) -> None:
        """Re-render (and maybe bring forward) deliveries under `period_key` not sent yet."""
        deliveries.revise(self.session, job=job, period_key=period_key, text=self.text(key, **view),
                          due_at=due_at)
        self.scope.planned = True

    def withdraw(self, *, job: str, period_key: str) -> None:
        """Drop deliveries under `period_key` not sent yet."""
        deliveries.withdraw(self.session, job=job, period_key=period_key)

    def reply_file(self, method: str, field: str, filename: str,
                   build: Callable[[], bytes | BinaryIO | None], *, fallback_key: str,
                   caption: str | None = None, **view: Any) -> None:
        """Queue a file (photo or document) built after the commit, off the event loop."""
        chat_id = self.tg_update.effective_chat.id
        kwargs: dict[str, Any] = {"chat_id": chat_id}
        if caption:
            kwargs.update(caption=caption, parse_mode="HTML")
        self.scope.outgoing.append(Outgoing(method, kwargs, chat_id=chat_id, build=build,
                                            file_field=field, filename=filename,
                                            fallback=self.text(fallback_key, **view)))

    def answer_button(self, key: str | None = None, *, alert: bool = False,
                      **view: Any) -> None:
        query = self.tg_update.callback_query if self.tg_update else None
        if query is None:
            return
        kwargs: dict[str, Any] = {"callback_query_id": query.id}
        if key:
            kwargs["text"] = self.text(key, **view)[:200]
        if alert:
            kwargs["show_alert"] = True
        self.scope.outgoing.append(Outgoing("answer_callback_query", kwargs))

    def after(self, method: str, chat_id: int | None = None, **kwargs: Any) -> None:
        """Queue any other post-commit action (a Bot API method, or a bot-side follow-up)."""
        if chat_id is not None:
            kwargs["chat_id"] = chat_id
        self.scope.outgoing.append(Outgoing(method, kwargs, chat_id=chat_id))

"""The emulator: one object holding the emulated Telegram, composed by concern."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from http.server import ThreadingHTTPServer
from typing import Any

from .api_chats import ChatsApiMixin
from .api_messages import MessagesApiMixin
from .api_updates import UpdatesApiMixin
from .chats import ChatsMixin
from .inspection import InspectionMixin
from .objects import TgObject
from .server import ServerMixin
from .state import _ChatState, _Fault
from .validation import ValidationMixin
from .webhook import WebhookMixin
from .world import WorldMixin


class BotApiEmulator(ServerMixin, WorldMixin, InspectionMixin, ChatsMixin, ValidationMixin,
                     UpdatesApiMixin, MessagesApiMixin, ChatsApiMixin, WebhookMixin):
    """An emulated Telegram Bot API server plus the "Telegram users" that talk to the bot."""

    def __init__(
        self,
        token: str = "123:ABC",
        bot_username: str = "test_bot",
        *,
        bot_first_name: str | None = None,
        can_join_groups: bool = True,
        can_read_all_group_messages: bool = False,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        head, sep, secret = token.partition(":")
        if not (head.isdigit() and sep and secret):
            raise ValueError("token must look like '<bot id>:<secret>'")
        self.token = token
        self.bot_user: dict = {
            "id": int(head),
            "is_bot": True,
            "first_name": bot_first_name or bot_username,
            "username": bot_username,
        }
        self.can_join_groups = can_join_groups
        self.can_read_all_group_messages = can_read_all_group_messages
        self.host = host
        self.port = port

        self._lock = threading.RLock()
        self._cond = threading.Condition(self._lock)
        self.calls: list[TgObject] = []  # accepted bot calls: method, params, time, result, ...
        self.rejected: list[TgObject] = []  # bot calls answered with ok=false
        # Called with each accepted call once recorded, before the bot gets its answer.
        self.on_call: Callable[[TgObject], None] | None = None
        self.internal_errors: list[str] = []  # tracebacks of emulator bugs (answered with 500)

        self._users: dict[int, dict] = {}
        self._chats: dict[int, _ChatState] = {}
        self._migrated: dict[int, int] = {}
        self._started: set[int] = set()
        self._blocked: set[int] = set()
        self._user_ids = itertools.count(5_000_000_001)
        self._group_ids = itertools.count(1)
        self._updates: list[dict] = []
        self._next_update_id = 850_000_001
        self._allowed_updates: list[str] | None = None
        self._poll_generation = 0
        self._polls_waiting = 0
        self._get_updates_calls = 0
        self._webhook: dict = {}
        self._webhook_targets: list[str] = []
        self._delivery_threads: list[threading.Thread] = []
        self._in_flight: set[int] = set()
        self._retry_at: dict[int, float] = {}
        self._files: dict[str, dict] = {}
        self._files_by_path: dict[str, str] = {}
        self._file_counter = itertools.count(1)
        self._callbacks: dict[str, dict] = {}
        self._callback_ids = itertools.count(4_711_000_000_000_000_001, 7919)
        self._commands: dict[tuple[str, str], list[dict]] = {}
        self._bot_info: dict[str, str] = {"name": "", "description": "", "short_description": ""}
        self._faults: list[_Fault] = []

        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._stopping = False

        self._methods: dict[str, tuple[str, Callable[[dict, dict], Any]]] = {}
        for name in (
            "getMe", "getUpdates", "setWebhook", "deleteWebhook", "getWebhookInfo", "logOut",
            "close", "sendMessage", "editMessageText", "editMessageCaption",
            "editMessageReplyMarkup", "deleteMessage", "deleteMessages", "sendPhoto",
            "sendDocument", "setMessageReaction", "setMyCommands", "getMyCommands",
            "deleteMyCommands", "getChat", "getChatMember", "getChatAdministrators",
            "getChatMemberCount", "answerCallbackQuery", "sendChatAction", "getFile",
            "leaveChat", "pinChatMessage", "unpinChatMessage", "unpinAllChatMessages",
            "setMyName", "getMyName", "setMyDescription", "getMyDescription",
            "setMyShortDescription", "getMyShortDescription", "setChatMenuButton",
            "getChatMenuButton", "setMyDefaultAdministratorRights",
            "getMyDefaultAdministratorRights",
        ):  # fmt: skip
            self._methods[name.lower()] = (name, getattr(self, "_api_" + name))

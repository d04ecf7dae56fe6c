"""An offline Bot API that records every call and answers as Telegram would."""

from __future__ import annotations

import asyncio
import json
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from typing import IO, Any
from urllib.parse import unquote

from telegram.error import TimedOut
from telegram.request import BaseRequest, RequestData

BOT = {"id": 777000111, "is_bot": True, "first_name": "一线考察助手", "username": "frontline_bot",
       "can_join_groups": True, "can_read_all_group_messages": True,
       "supports_inline_queries": False}


@dataclass
class Fault:
    method: str
    code: int
    description: str
    chat_id: int | None = None
    parameters: dict | None = None
    times: int = 1


@dataclass
class Recorded:
    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)
    uploads: dict[str, tuple[str, bytes | _Kept]] = field(default_factory=dict)  # part → …

    @property
    def files(self) -> dict[str, tuple[str, bytes]]:
        """The files uploaded with this call: part → (file name, bytes)."""
        return {part: (name, content if isinstance(content, bytes) else content.read())
                for part, (name, content) in self.uploads.items()}

    @property
    def text(self) -> str:
        return self.params.get("text", "")

    @property
    def chat_id(self) -> int | None:
        value = self.params.get("chat_id")
        return int(value) if value is not None else None

    @property
    def file(self) -> tuple[str, bytes]:
        """The one file uploaded with this call: (file name, bytes)."""
        [found] = self.files.values()
        return found


class _Kept:
    """A file handle's upload, copied to a file of our own a chunk at a time as httpx sends
    it: the bot's memory is what is measured, not the recording's (read back on demand)."""

    def __init__(self, source: IO[bytes]) -> None:
        self.copy = tempfile.TemporaryFile()  # noqa: SIM115  (kept open; closed in __del__)
        source.seek(0)  # as httpx does for every attempt
        shutil.copyfileobj(source, self.copy)

    def read(self) -> bytes:
        self.copy.seek(0)
        return self.copy.read()

    def __del__(self) -> None:
        self.copy.close()


def _uploads(request_data: RequestData | None) -> dict[str, tuple[str, bytes | _Kept]]:
    """The files a call uploads (multipart parts): bytes as given, file handles copied."""
    if request_data is None or not request_data.contains_files:
        return {}
    found: dict[str, tuple[str, bytes | _Kept]] = {}
    for part, (filename, content, *_mime) in request_data.multipart_data.items():
        found[part] = (filename, content if isinstance(content, bytes) else _Kept(content))
    return found


class OfflineRequest(BaseRequest):
    """Never touches the network; `calls` is the chat transcript the bot produced."""

    def __init__(self, *, privacy_readable: bool = True, admin_in: set[int] | None = None
                 ) -> None:
        self.calls: list[Recorded] = []
        self.faults: list[Fault] = []
        self.bot = dict(BOT, can_read_all_group_messages=privacy_readable)
        self.admin_in = admin_in or set()
        self.crash_after: int | None = None  # simulate the process dying before send n+1
        self.crash_arrives = False  # ... or just after send n+1 reached Telegram
        self.crashed = False
        self._message_ids: dict[int, int] = {}
        self.stored: dict[str, bytes] = {}  # file_id → the bytes getFile and the download give
        self.answers: dict[str, int] = {}  # callback_query_id → answerCallbackQuery calls

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    @property
    def read_timeout(self) -> float:
        return 1.0

    def fail(self, method: str, code: int, description: str, *, chat_id: int | None = None,
             parameters: dict | None = None, times: int = 1) -> None:
        self.faults.append(Fault(method, code, description, chat_id, parameters, times))

    def sent(self, method: str = "sendMessage", chat_id: int | None = None) -> list[Recorded]:
        return [c for c in self.calls if c.method == method
                and (chat_id is None or c.chat_id == chat_id)]

    def texts(self, chat_id: int | None = None) -> list[str]:
        return [c.text for c in self.sent("sendMessage", chat_id)]

    def clear(self) -> None:
        self.calls.clear()

    def put_file(self, file_id: str, data: bytes) -> None:
        """Make a file downloadable, as if a user had sent it: getFile, then its file URL."""
        self.stored[file_id] = data

    def documents(self, method: str = "sendDocument", chat_id: int | None = None
                  ) -> list[tuple[str, bytes]]:
        """The files the bot sent with `method`, in order: (file name, bytes)."""
        return [c.file for c in self.sent(method, chat_id)]

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout: Any = None, write_timeout: Any = None,
                         connect_timeout: Any = None, pool_timeout: Any = None
                         ) -> tuple[int, bytes]:
        if "/file/bot" in url:  # a download: <base>/file/bot<token>/<file_path>
            data = self.stored.get(unquote(url.split("/file/bot", 1)[1].split("/", 1)[1]))
            return (200, data) if data is not None else (404, b"Not Found")
        name = url.rsplit("/", 1)[-1]
        params = request_data.parameters if request_data else {}
        if self.crash_after is not None and name == "sendMessage" \
                and len(self.sent()) >= self.crash_after:
            if self.crash_arrives and not self.crashed:
                self.calls.append(Recorded(name, params))
            self.crashed = True
            raise asyncio.CancelledError("simulated crash")
        for fault in self.faults:
            if fault.method == name and fault.times > 0 and (
                    fault.chat_id is None or int(params.get("chat_id", 0)) == fault.chat_id):
                fault.times -= 1
                if fault.code == 0:  # the answer never came back: a read timeout
                    self.calls.append(Recorded(name, params))
                    raise TimedOut(fault.description)
                body = {"ok": False, "error_code": fault.code, "description": fault.description}
                if fault.parameters:
                    body["parameters"] = fault.parameters
                return fault.code, json.dumps(body).encode()
        if name == "answerCallbackQuery":  # kept across clear(): every press answered once
            query_id = str(params.get("callback_query_id"))
            self.answers[query_id] = self.answers.get(query_id, 0) + 1
        if name not in ("getMe", "getUpdates"):
            self.calls.append(Recorded(name, params, uploads=_uploads(request_data)))
        if name == "getFile" and params.get("file_id") not in self.stored:
            body = {"ok": False, "error_code": 400,
                    "description": "Bad Request: invalid file_id"}
            return 400, json.dumps(body).encode()
        return 200, json.dumps({"ok": True, "result": self._result(name, params)}).encode()

    def _result(self, name: str, params: dict[str, Any]) -> Any:
        if name == "getMe":
            return self.bot
        if name == "getFile":
            file_id = params["file_id"]
            return {"file_id": file_id, "file_unique_id": f"u-{file_id}",
                    "file_size": len(self.stored[file_id]), "file_path": file_id}
        if name == "getUpdates":
            return []
        if name in ("sendMessage", "editMessageText", "sendDocument", "sendPhoto"):
            chat_id = int(params["chat_id"])
            self._message_ids[chat_id] = self._message_ids.get(chat_id, 0) + 1
            chat = {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"}
            if chat_id < 0:
                chat["title"] = "group"
            return {"message_id": params.get("message_id", self._message_ids[chat_id]),
                    "date": int(time.time()), "chat": chat, "from": self.bot,
                    "text": params.get("text", "")}
        if name == "getChatMember":
            status = "administrator" if int(params["chat_id"]) in self.admin_in else "member"
            member: dict[str, Any] = {"status": status, "user": self.bot}
            if status == "administrator":
                member.update(can_be_edited=False, is_anonymous=False, can_manage_chat=True,
                              can_delete_messages=True, can_manage_video_chats=True,
                              can_restrict_members=True, can_promote_members=False,
                              can_change_info=True, can_invite_users=True,
                              can_post_stories=False, can_edit_stories=False,
                              can_delete_stories=False)
            return member
        return True

"""Internals of the world: chat states, messages, updates, files."""

from __future__ import annotations

import base64
import copy
import json
import mimetypes
import struct
from typing import Any

from .images import _image_size
from .objects import TgObject, _as_unix, _bad, _now, _obj, _u16_slice
from .state import _ACTIVE, _ADMIN_RIGHTS, _DEFAULT_EXCLUDED_UPDATES, _SERVICE_KEYS, _ChatState


class ChatsMixin:
    """Internals of the world: chat states, messages, updates, files."""

    # ---------------------------------------------------------------- internals: world

    def _uid(self, obj: Any) -> int:
        if isinstance(obj, dict):
            return int(obj["id"])
        return int(obj)

    def _user_obj(self, user: Any) -> dict:
        uid = self._uid(user)
        if uid not in self._users:
            raise KeyError(f"unknown user {uid}; create it with emu.user()")
        return self._users[uid]

    def _group_state(self, group: Any) -> _ChatState:
        cid = self._uid(group)
        state = self._chats.get(cid)
        if state is None or state.kind == "private":
            raise KeyError(f"unknown group {cid}; create it with emu.group()")
        return state

    def _private_state(self, uid: int) -> _ChatState:
        state = self._chats.get(uid)
        if state is None:
            user = self._users[uid]
            chat = {"id": uid, "first_name": user["first_name"]}
            for key in ("last_name", "username"):
                if key in user:
                    chat[key] = user[key]
            chat["type"] = "private"
            state = self._chats[uid] = _ChatState(chat=chat)
        return state

    def _state_for_user_chat(self, user: dict, chat: Any) -> _ChatState:
        if chat == "private" or (isinstance(chat, dict) and "type" not in chat):
            if isinstance(chat, dict) and chat["id"] != user["id"]:
                raise ValueError("a private chat with the bot must be the sender's own")
            return self._private_state(user["id"])
        if isinstance(chat, dict) and chat.get("type") == "private":
            return self._private_state(user["id"])
        return self._group_state(chat)

    def _some_member(self, state: _ChatState) -> dict:
        for status in ("creator", "administrator", "member"):
            for uid, st in state.members.items():
                if st == status and uid in self._users:
                    return self._users[uid]
        if self._users:  # nobody joined explicitly: any known user acts as the owner
            return next(iter(self._users.values()))
        raise AssertionError("the group has no members; pass by=")

    def _stored_message(self, ref: Any) -> dict:
        if isinstance(ref, tuple):
            cid, mid = self._uid(ref[0]), int(ref[1])
        else:
            if "result" in ref and "method" in ref:  # a call record
                ref = ref["result"]
            cid, mid = ref["chat"]["id"], ref["message_id"]
        state = self._chats.get(cid)
        if state is None or mid not in state.messages:
            raise KeyError(f"unknown message {mid} in chat {cid}")
        if mid in state.deleted:
            raise AssertionError(f"message {mid} in chat {cid} was deleted")
        return state.messages[mid]

    @staticmethod
    def _reply_copy(msg: dict) -> dict:
        reply = copy.deepcopy(msg)
        reply.pop("reply_to_message", None)
        return reply

    def _new_message(
        self, state: _ChatState, sender: dict, content: dict, *, date: Any = None
    ) -> TgObject:
        msg: dict[str, Any] = {
            "message_id": state.next_message_id,
            "from": dict(sender),
            "chat": dict(state.chat),
            "date": _as_unix(date),
        }
        msg.update(copy.deepcopy(content))
        state.next_message_id += 1
        state.messages[msg["message_id"]] = msg
        if self._bot_receives(state, msg):
            self._push_update("message", copy.deepcopy(msg))
        return _obj(msg)

    def _bot_receives(self, state: _ChatState, msg: dict) -> bool:
        if state.kind == "private":
            return True
        if state.bot_status not in _ACTIVE or state.migrated_to is not None:
            return False
        if self.can_read_all_group_messages or state.bot_status in ("administrator", "creator"):
            return True
        if any(key in msg for key in _SERVICE_KEYS):
            return True
        reply = msg.get("reply_to_message")
        if reply and reply.get("from", {}).get("id") == self.bot_id:
            return True
        text = msg.get("text", msg.get("caption", ""))
        me = self.bot_username.lower()
        for entity in msg.get("entities", msg.get("caption_entities", [])):
            value = _u16_slice(text, entity["offset"], entity["length"])
            if entity["type"] == "bot_command" and entity["offset"] == 0:
                _, at, target = value.partition("@")
                return not at or target.lower() == me
            if entity["type"] == "mention" and value[1:].lower() == me:
                return True
            if entity["type"] == "text_mention" and entity["user"]["id"] == self.bot_id:
                return True
        return False

    def _update_allowed(self, kind: str) -> bool:
        if self._allowed_updates is None:
            return kind not in _DEFAULT_EXCLUDED_UPDATES
        return kind in self._allowed_updates

    def _push_update(self, kind: str, payload: dict) -> None:
        # Like Telegram, allowed_updates filters updates when they are created.
        if not self._update_allowed(kind):
            return
        self._updates.append({"update_id": self._next_update_id, kind: payload})
        self._next_update_id += 1
        self._cond.notify_all()
        self._ring()  # webhook deliveries

    def _member_obj(self, user: dict, status: str, *, is_bot_self: bool = False) -> dict:
        member: dict[str, Any] = {"user": dict(user), "status": status}
        if status == "administrator":
            member.update(_ADMIN_RIGHTS)
            if not is_bot_self:
                member["can_be_edited"] = False
        elif status == "creator":
            member["is_anonymous"] = False
        elif status == "kicked":
            member["until_date"] = 0
        return member

    def _push_my_chat_member(self, state: _ChatState, actor: dict, old: str, new: str) -> None:
        self._push_update(
            "my_chat_member",
            {
                "chat": dict(state.chat),
                "from": dict(actor),
                "date": _now(),
                "old_chat_member": self._member_obj(self.bot_user, old, is_bot_self=True),
                "new_chat_member": self._member_obj(self.bot_user, new, is_bot_self=True),
            },
        )

    def _push_chat_member(
        self, state: _ChatState, actor: dict, member: dict, old: str, new: str
    ) -> None:
        if state.bot_status not in ("administrator", "creator"):
            return  # Telegram only sends chat_member updates to administrator bots
        self._push_update(
            "chat_member",
            {
                "chat": dict(state.chat),
                "from": dict(actor),
                "date": _now(),
                "old_chat_member": self._member_obj(member, old),
                "new_chat_member": self._member_obj(member, new),
            },
        )

    def _new_file(self, data: bytes, kind: str, extension: str) -> dict:
        n = next(self._file_counter)
        prefix = {"photo": b"AgAC", "document": b"BQAC"}.get(kind, b"CAAC")
        raw = prefix + struct.pack(">QQ", n, (n * 0x9E3779B97F4A7C15) & (2**64 - 1))
        file_id = base64.urlsafe_b64encode(raw).decode().rstrip("=")
        unique = "AQAD" + base64.urlsafe_b64encode(struct.pack(">Q", n)).decode().rstrip("=")
        path = f"{kind}s/file_{n}{extension}"
        record = {
            "file_id": file_id,
            "file_unique_id": unique,
            "file_size": len(data),
            "file_path": path,
            "data": data,
        }
        self._files[file_id] = record
        self._files_by_path[path] = file_id
        return record

    def _store_photo(self, data: bytes) -> list[dict]:
        size = _image_size(data)
        if size is None or size[0] <= 0 or size[1] <= 0:
            raise _bad("IMAGE_PROCESS_FAILED")
        width, height = size
        sizes = []
        for limit in (90, 320, 800, 1280, 2560):
            scale = min(1.0, limit / max(width, height))
            record = self._new_file(data, "photo", ".jpg")
            sizes.append(
                {
                    "file_id": record["file_id"],
                    "file_unique_id": record["file_unique_id"],
                    "file_size": len(data),
                    "width": max(1, round(width * scale)),
                    "height": max(1, round(height * scale)),
                }
            )
            if max(width, height) <= limit:
                break
        return sizes

    def _store_document(self, data: bytes, filename: str, content_type: str | None) -> dict:
        ext = ""
        if "." in filename:
            ext = "." + filename.rsplit(".", 1)[1][:10]
        record = self._new_file(data, "document", ext)
        mime = mimetypes.guess_type(filename, strict=False)[0] or content_type
        document = {"file_name": filename}
        if mime:
            document["mime_type"] = mime
        document.update(
            file_id=record["file_id"],
            file_unique_id=record["file_unique_id"],
            file_size=len(data),
        )
        return document

    def _scope_key(self, scope: dict) -> str:
        scope = dict(scope)
        if "chat_id" in scope:
            scope["chat_id"] = self._chat_id_value(scope["chat_id"])
        return json.dumps(scope, sort_keys=True)

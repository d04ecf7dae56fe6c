"""Bot API methods: commands, chats and members, callbacks, files, bot profile."""

from __future__ import annotations

import copy
import re

from .objects import _bad, _plain
from .state import _ACTIVE, _ADMIN_RIGHTS, _CHAT_ACTIONS


class ChatsApiMixin:
    """Bot API methods: commands, chats and members, callbacks, files, bot profile."""

    def _api_setMyCommands(self, params: dict, files: dict) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise _bad("can't parse commands JSON object")
        if len(commands) > 100:
            raise _bad("too many commands specified")
        clean = []
        for item in commands:
            if not isinstance(item, dict):
                raise _bad("can't parse BotCommand JSON object")
            command = str(item.get("command", ""))
            description = str(item.get("description", ""))
            if not re.fullmatch(r"[a-z0-9_]{1,32}", command):
                raise _bad("BOT_COMMAND_INVALID")
            if not 1 <= len(description.strip()) <= 256:
                raise _bad(
                    "command description is empty"
                    if not description.strip()
                    else "BOT_COMMAND_DESCRIPTION_INVALID"
                )
            clean.append({"command": command, "description": description})
        key = self._commands_key(params)
        if clean:
            self._commands[key] = clean
        else:
            self._commands.pop(key, None)
        return True

    def _commands_key(self, params: dict) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        if not isinstance(scope, dict):
            raise _bad("can't parse BotCommandScope JSON object")
        valid = {
            "default", "all_private_chats", "all_group_chats", "all_chat_administrators",
            "chat", "chat_administrators", "chat_member",
        }  # fmt: skip
        if scope.get("type") not in valid:
            raise _bad("unsupported bot command scope type")
        if scope["type"].startswith("chat"):
            self._target({"chat_id": scope.get("chat_id")}, purpose="read")
        language = params.get("language_code") or ""
        if language and not re.fullmatch(r"[a-z]{2}", str(language)):
            raise _bad("invalid language code specified")
        return self._scope_key(scope), str(language)

    def _api_getMyCommands(self, params: dict, files: dict) -> list[dict]:
        return copy.deepcopy(self._commands.get(self._commands_key(params), []))

    def _api_deleteMyCommands(self, params: dict, files: dict) -> bool:
        self._commands.pop(self._commands_key(params), None)
        return True

    def _api_getChat(self, params: dict, files: dict) -> dict:
        state = self._target(params, purpose="read")
        info = dict(state.chat)
        info.update(
            accent_color_id=0,
            max_reaction_count=11,
            accepted_gift_types={
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        )
        if isinstance(state.reactions, list):
            info["available_reactions"] = [{"type": "emoji", "emoji": e} for e in state.reactions]
        elif state.reactions is False:
            info["available_reactions"] = []
        if state.kind != "private":
            info["permissions"] = {
                "can_send_messages": True,
                "can_send_audios": True,
                "can_send_documents": True,
                "can_send_photos": True,
                "can_send_videos": True,
                "can_send_video_notes": True,
                "can_send_voice_notes": True,
                "can_send_polls": True,
                "can_send_other_messages": True,
                "can_add_web_page_previews": True,
                "can_change_info": True,
                "can_invite_users": True,
                "can_pin_messages": True,
                "can_manage_topics": True,
            }
        return info

    def _api_getChatMember(self, params: dict, files: dict) -> dict:
        state = self._target(params, purpose="read")
        try:
            uid = int(params.get("user_id"))
        except (TypeError, ValueError):
            raise _bad("user not found") from None
        if uid == self.bot_id:
            status = "member" if state.kind == "private" else state.bot_status
            return self._member_obj(self.bot_user, status, is_bot_self=True)
        user = self._users.get(uid)
        if user is None:
            raise _bad("user not found")
        if state.kind == "private":
            if uid != state.chat["id"]:
                raise _bad("user not found")
            return self._member_obj(user, "member")
        return self._member_obj(user, state.members.get(uid, "left"))

    def _api_getChatAdministrators(self, params: dict, files: dict) -> list[dict]:
        state = self._target(params, purpose="read")
        if state.kind == "private":
            raise _bad("there are no administrators in the private chat")
        admins = [
            self._member_obj(self._users[uid], status)
            for uid, status in state.members.items()
            if status in ("creator", "administrator") and uid in self._users
        ]
        if state.bot_status == "administrator":
            admins.append(self._member_obj(self.bot_user, "administrator", is_bot_self=True))
        return admins

    def _api_getChatMemberCount(self, params: dict, files: dict) -> int:
        state = self._target(params, purpose="read")
        if state.kind == "private":
            return 2
        users = sum(1 for status in state.members.values() if status in _ACTIVE)
        return users + (1 if state.bot_status in _ACTIVE else 0)

    def _api_answerCallbackQuery(self, params: dict, files: dict) -> bool:
        entry = self._callbacks.get(str(params.get("callback_query_id") or ""))
        if entry is None or entry["answer"] is not None:
            raise _bad("query is too old and response timeout expired or query ID is invalid")
        text = params.get("text")
        if text is not None and len(str(text)) > 200:
            raise _bad("MESSAGE_TOO_LONG")
        entry["answer"] = _plain(params)
        return True

    def _api_sendChatAction(self, params: dict, files: dict) -> bool:
        self._target(params)
        if params.get("action") not in _CHAT_ACTIONS:
            raise _bad("wrong parameter action in request")
        return True

    def _api_getFile(self, params: dict, files: dict) -> dict:
        record = self._files.get(str(params.get("file_id") or ""))
        if record is None:
            raise _bad("invalid file_id")
        if record["file_size"] > 20 * 1024 * 1024:
            raise _bad("file is too big")
        return {key: record[key] for key in ("file_id", "file_unique_id", "file_size", "file_path")}

    def _api_leaveChat(self, params: dict, files: dict) -> bool:
        state = self._target(params, purpose="read")
        if state.kind == "private":
            raise _bad("chat member status can't be changed in private chats")
        old = state.bot_status
        state.bot_status = "left"
        self._push_my_chat_member(state, self.bot_user, old, "left")
        return True

    def _api_pinChatMessage(self, params: dict, files: dict) -> bool:
        state = self._target(params, purpose="edit")
        self._target_message(state, params, "message to pin not found")
        if state.kind != "private" and state.bot_status not in ("administrator", "creator"):
            raise _bad("not enough rights to manage pinned messages in the chat")
        return True

    def _api_unpinChatMessage(self, params: dict, files: dict) -> bool:
        state = self._target(params, purpose="edit")
        if state.kind != "private" and state.bot_status not in ("administrator", "creator"):
            raise _bad("not enough rights to manage pinned messages in the chat")
        return True

    def _api_unpinAllChatMessages(self, params: dict, files: dict) -> bool:
        return self._api_unpinChatMessage(params, files)

    def _api_setMyName(self, params: dict, files: dict) -> bool:
        self._bot_info["name"] = str(params.get("name") or "")
        return True

    def _api_getMyName(self, params: dict, files: dict) -> dict:
        return {"name": self._bot_info["name"] or self.bot_user["first_name"]}

    def _api_setMyDescription(self, params: dict, files: dict) -> bool:
        self._bot_info["description"] = str(params.get("description") or "")
        return True

    def _api_getMyDescription(self, params: dict, files: dict) -> dict:
        return {"description": self._bot_info["description"]}

    def _api_setMyShortDescription(self, params: dict, files: dict) -> bool:
        self._bot_info["short_description"] = str(params.get("short_description") or "")
        return True

    def _api_getMyShortDescription(self, params: dict, files: dict) -> dict:
        return {"short_description": self._bot_info["short_description"]}

    def _api_setChatMenuButton(self, params: dict, files: dict) -> bool:
        return True

    def _api_getChatMenuButton(self, params: dict, files: dict) -> dict:
        return {"type": "commands"}

    def _api_setMyDefaultAdministratorRights(self, params: dict, files: dict) -> bool:
        return True

    def _api_getMyDefaultAdministratorRights(self, params: dict, files: dict) -> dict:
        rights = {k: False for k in _ADMIN_RIGHTS if k != "can_be_edited"}
        return rights

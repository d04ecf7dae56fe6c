"""Validating Bot API parameters: targets, formatting, markup, replies, files."""

from __future__ import annotations

import copy
import re
from typing import Any

from .formatting import (
    _merge_entities,
    _parse_html,
    _ParseError,
    _trim,
)
from .images import make_png
from .markdown import _parse_markdown, _parse_markdown_v2
from .objects import _bad, _forbidden, _now, _plain
from .state import _ACTIVE, _ChatState


class ValidationMixin:
    """Validating Bot API parameters: targets, formatting, markup, replies, files."""

    # ---------------------------------------------------------------- internals: validation

    def _chat_id_value(self, raw: Any) -> int | None:
        if raw is None or raw == "":
            return None
        if isinstance(raw, bool):
            raise _bad("chat not found")
        if isinstance(raw, int):
            return raw
        if isinstance(raw, float) and raw.is_integer():
            return int(raw)
        if isinstance(raw, str):
            raw = raw.strip()
            if re.fullmatch(r"-?\d+", raw):
                return int(raw)
            if raw.startswith("@"):
                for cid, state in self._chats.items():
                    if state.chat.get("username", "").lower() == raw[1:].lower():
                        return cid
        raise _bad("chat not found")

    def _target(self, params: dict, purpose: str = "send") -> _ChatState:
        """Resolve ``chat_id`` for a bot call. purpose: send | edit | read."""
        cid = self._chat_id_value(params.get("chat_id"))
        if cid is None:
            raise _bad("chat_id is empty")
        if cid in self._migrated:
            raise _bad(
                "group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": self._migrated[cid]},
            )
        if cid > 0:
            if cid == self.bot_id or cid not in self._users:
                if purpose == "send" and cid == self.bot_id:
                    raise _forbidden("bot can't send messages to bots")
                raise _bad("chat not found")
            if purpose in ("send", "edit") and cid not in self._started:
                raise _forbidden("bot can't initiate conversation with a user")
            if purpose in ("send", "edit") and cid in self._blocked:
                raise _forbidden("bot was blocked by the user")
            return self._private_state(cid)
        state = self._chats.get(cid)
        if state is None:
            raise _bad("chat not found")
        where = "supergroup chat" if state.kind == "supergroup" else "group chat"
        if state.bot_status == "kicked":
            raise _forbidden(f"bot was kicked from the {where}")
        if state.bot_status not in _ACTIVE:
            if not state.bot_was_member:
                raise _bad("chat not found")
            raise _forbidden(f"bot is not a member of the {where}")
        return state

    def _format(
        self, text: Any, parse_mode: Any, entities: Any, *, what: str = "text"
    ) -> tuple[str, list[dict]]:
        text = "" if text is None else str(text)
        if entities not in (None, "", []):
            if not isinstance(entities, list):
                raise _bad(f"can't parse {what} entities JSON object")
            parsed_text, parsed = text, _plain(entities)
        elif parse_mode in (None, ""):
            parsed_text, parsed = text, []
        else:
            mode = str(parse_mode).lower()
            parser = {
                "html": _parse_html,
                "markdownv2": _parse_markdown_v2,
                "markdown": _parse_markdown,
            }.get(mode)
            if parser is None:
                raise _bad(f"unsupported parse_mode {parse_mode}")
            try:
                parsed_text, parsed = parser(text)
            except _ParseError as exc:
                raise _bad(f"can't parse entities: {exc}") from None
        return _trim(parsed_text, _merge_entities(parsed_text, parsed))

    def _inline_markup(self, markup: Any) -> dict | None:
        if markup in (None, ""):
            return None
        if not isinstance(markup, dict):
            raise _bad("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" not in markup:
            return None  # reply keyboards are not part of the returned Message
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise _bad("can't parse inline keyboard button: InlineKeyboardButton must be an Object")
        actions = (
            "url", "callback_data", "web_app", "login_url", "switch_inline_query",
            "switch_inline_query_current_chat", "switch_inline_query_chosen_chat",
            "copy_text", "callback_game", "pay",
        )  # fmt: skip
        for row in rows:
            for button in row:
                if not isinstance(button, dict) or not button.get("text"):
                    raise _bad("can't parse inline keyboard button: Text must be non-empty")
                if not any(key in button for key in actions):
                    raise _bad(
                        "can't parse inline keyboard button: Text buttons are unallowed in the "
                        "inline keyboard"
                    )
                data = button.get("callback_data")
                if data is not None and not 1 <= len(str(data).encode("utf-8")) <= 64:
                    raise _bad("BUTTON_DATA_INVALID")
        return _plain(markup)

    def _apply_reply(self, state: _ChatState, params: dict, msg: dict) -> None:
        reply = params.get("reply_parameters")
        if reply in (None, "") and params.get("reply_to_message_id") not in (None, ""):
            reply = {
                "message_id": params["reply_to_message_id"],
                "allow_sending_without_reply": params.get("allow_sending_without_reply", False),
            }
        if reply in (None, ""):
            return
        if not isinstance(reply, dict) or "message_id" not in reply:
            raise _bad("can't parse reply parameters JSON object")
        target_state = state
        if reply.get("chat_id") not in (None, ""):
            target_state = self._target({"chat_id": reply["chat_id"]}, purpose="read")
        try:
            mid = int(reply["message_id"])
        except (TypeError, ValueError):
            raise _bad("message to be replied not found") from None
        target = target_state.messages.get(mid)
        if target is None or mid in target_state.deleted:
            if reply.get("allow_sending_without_reply"):
                return
            raise _bad("message to be replied not found")
        msg["reply_to_message"] = self._reply_copy(target)
        if reply.get("quote"):
            msg["quote"] = {"text": reply["quote"], "position": reply.get("quote_position", 0)}

    def _bot_message(self, state: _ChatState, content: dict, params: dict) -> dict:
        msg: dict[str, Any] = {
            "message_id": state.next_message_id,
            "from": dict(self.bot_user),
            "chat": dict(state.chat),
            "date": _now(),
        }
        self._apply_reply(state, params, msg)
        msg.update(content)
        markup = self._inline_markup(params.get("reply_markup"))
        if markup is not None:
            msg["reply_markup"] = markup
        state.next_message_id += 1
        state.messages[msg["message_id"]] = msg
        return copy.deepcopy(msg)

    def _target_message(self, state: _ChatState, params: dict, missing: str) -> dict:
        if params.get("inline_message_id") not in (None, ""):
            raise _bad("MESSAGE_ID_INVALID")
        raw = params.get("message_id")
        if raw in (None, ""):
            raise _bad("message identifier is not specified")
        try:
            mid = int(raw)
        except (TypeError, ValueError):
            raise _bad("MESSAGE_ID_INVALID") from None
        msg = state.messages.get(mid)
        if msg is None or mid in state.deleted:
            raise _bad(missing)
        return msg

    def _input_file(self, params: dict, files: dict, name: str) -> tuple[bytes, str, str | None]:
        """Returns (data, filename, content_type) for a file parameter."""
        value = params.get(name)
        upload = files.get(name)
        if isinstance(value, str) and value.startswith("attach://"):
            upload = files.get(value[len("attach://") :])
            value = None
        if upload is not None:
            return upload.data, upload.filename, upload.content_type
        if value in (None, ""):
            raise _bad(f"there is no {name} in the request")
        if not isinstance(value, str):
            raise _bad(f"wrong type of the {name} parameter")
        if value.startswith(("http://", "https://")):
            # We cannot fetch URLs offline; pretend the download worked.
            name_part = value.rstrip("/").rsplit("/", 1)[-1] or "file"
            data = make_png(64, 64) if name == "photo" else b"downloaded from " + value.encode()
            return data, name_part, None
        record = self._files.get(value)
        if record is None:
            raise _bad("wrong file identifier/HTTP URL specified")
        return record["data"], record["file_path"].rsplit("/", 1)[-1], None

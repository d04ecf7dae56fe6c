"""Bot API methods: sending, editing and deleting messages, reactions."""

from __future__ import annotations

import copy
from typing import Any

from .objects import ApiError, _bad, _now
from .state import _NOT_MODIFIED, _REACTION_EMOJI, _ChatState


class MessagesApiMixin:
    """Bot API methods: sending, editing and deleting messages, reactions."""

    def _api_sendMessage(self, params: dict, files: dict) -> dict:
        state = self._target(params)
        text, entities = self._format(
            params.get("text"), params.get("parse_mode"), params.get("entities")
        )
        if not text:
            raise _bad("message text is empty")
        if len(text) > 4096:
            raise _bad("message is too long")
        content: dict[str, Any] = {"text": text}
        if entities:
            content["entities"] = entities
        if isinstance(params.get("link_preview_options"), dict):
            content["link_preview_options"] = params["link_preview_options"]
        return self._bot_message(state, content, params)

    def _media_caption(self, params: dict) -> dict:
        caption, entities = self._format(
            params.get("caption"),
            params.get("parse_mode"),
            params.get("caption_entities"),
            what="caption",
        )
        if len(caption) > 1024:
            raise _bad("message caption is too long")
        content: dict[str, Any] = {}
        if caption:
            content["caption"] = caption
            if entities:
                content["caption_entities"] = entities
        return content

    def _api_sendPhoto(self, params: dict, files: dict) -> dict:
        state = self._target(params)
        data, _, _ = self._input_file(params, files, "photo")
        if not data:
            raise _bad("file must be non-empty")
        if len(data) > 10 * 1024 * 1024:
            raise ApiError(413, "Request Entity Too Large")
        content = self._media_caption(params)
        return self._bot_message(state, {"photo": self._store_photo(data), **content}, params)

    def _api_sendDocument(self, params: dict, files: dict) -> dict:
        state = self._target(params)
        data, filename, content_type = self._input_file(params, files, "document")
        if not data:
            raise _bad("file must be non-empty")
        if len(data) > 50 * 1024 * 1024:
            raise ApiError(413, "Request Entity Too Large")
        content = self._media_caption(params)
        document = self._store_document(data, filename, content_type)
        return self._bot_message(state, {"document": document, **content}, params)

    def _check_editable(self, msg: dict) -> None:
        if msg.get("from", {}).get("id") != self.bot_id:
            raise _bad("message can't be edited")

    def _api_editMessageText(self, params: dict, files: dict) -> dict:
        state = self._target(params, purpose="edit")
        msg = self._target_message(state, params, "message to edit not found")
        self._check_editable(msg)
        if "text" not in msg:
            raise _bad("there is no text in the message to edit")
        text, entities = self._format(
            params.get("text"), params.get("parse_mode"), params.get("entities")
        )
        if not text:
            raise _bad("message text is empty")
        if len(text) > 4096:
            raise _bad("MESSAGE_TOO_LONG")
        markup = self._inline_markup(params.get("reply_markup"))
        if (
            text == msg["text"]
            and entities == msg.get("entities", [])
            and markup == msg.get("reply_markup")
        ):
            raise _bad(_NOT_MODIFIED)
        msg["text"] = text
        msg.pop("entities", None)
        if entities:
            msg["entities"] = entities
        # Like Telegram: an edit without reply_markup removes the inline keyboard.
        msg.pop("reply_markup", None)
        if markup is not None:
            msg["reply_markup"] = markup
        msg["edit_date"] = _now()
        return copy.deepcopy(msg)

    def _api_editMessageCaption(self, params: dict, files: dict) -> dict:
        state = self._target(params, purpose="edit")
        msg = self._target_message(state, params, "message to edit not found")
        self._check_editable(msg)
        if "text" in msg:
            raise _bad("there is no caption in the message to edit")
        content = self._media_caption(params)
        markup = self._inline_markup(params.get("reply_markup"))
        if (
            content.get("caption") == msg.get("caption")
            and content.get("caption_entities") == msg.get("caption_entities")
            and markup == msg.get("reply_markup")
        ):
            raise _bad(_NOT_MODIFIED)
        for key in ("caption", "caption_entities", "reply_markup"):
            msg.pop(key, None)
        msg.update(content)
        if markup is not None:
            msg["reply_markup"] = markup
        msg["edit_date"] = _now()
        return copy.deepcopy(msg)

    def _api_editMessageReplyMarkup(self, params: dict, files: dict) -> dict:
        state = self._target(params, purpose="edit")
        msg = self._target_message(state, params, "message to edit not found")
        self._check_editable(msg)
        markup = self._inline_markup(params.get("reply_markup"))
        if markup == msg.get("reply_markup"):
            raise _bad(_NOT_MODIFIED)
        msg.pop("reply_markup", None)
        if markup is not None:
            msg["reply_markup"] = markup
        msg["edit_date"] = _now()
        return copy.deepcopy(msg)

    def _delete_one(self, state: _ChatState, mid: int) -> None:
        msg = state.messages.get(mid)
        if msg is None or mid in state.deleted:
            raise _bad("message to delete not found")
        own = msg.get("from", {}).get("id") == self.bot_id
        if (
            not own
            and state.kind != "private"
            and state.bot_status
            not in (
                "administrator",
                "creator",
            )
        ):
            raise _bad("message can't be deleted")
        state.deleted.add(mid)

    def _api_deleteMessage(self, params: dict, files: dict) -> bool:
        state = self._target(params, purpose="edit")
        try:
            mid = int(params.get("message_id"))
        except (TypeError, ValueError):
            raise _bad("message identifier is not specified") from None
        self._delete_one(state, mid)
        return True

    def _api_deleteMessages(self, params: dict, files: dict) -> bool:
        state = self._target(params, purpose="edit")
        ids = params.get("message_ids")
        if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
            raise _bad("message identifiers are not specified")
        for mid in ids:
            if int(mid) in state.messages and int(mid) not in state.deleted:
                self._delete_one(state, int(mid))
        return True

    def _api_setMessageReaction(self, params: dict, files: dict) -> bool:
        state = self._target(params, purpose="edit")
        self._target_message(state, params, "MESSAGE_ID_INVALID")
        reaction = params.get("reaction") or []
        if not isinstance(reaction, list):
            raise _bad("can't parse reaction types JSON object")
        if reaction and state.reactions is False:
            raise _bad("REACTION_INVALID")
        if len(reaction) > 1:
            raise _bad("REACTIONS_TOO_MANY")
        for item in reaction:
            if not isinstance(item, dict) or item.get("type") != "emoji":
                raise _bad("REACTION_INVALID")
            emoji = str(item.get("emoji", "")).replace("\ufe0f", "")
            if emoji not in _REACTION_EMOJI:
                raise _bad("REACTION_INVALID")
            if isinstance(state.reactions, list) and emoji not in {
                e.replace("\ufe0f", "") for e in state.reactions
            }:
                raise _bad("REACTION_INVALID")
        return True

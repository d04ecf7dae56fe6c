"""The emulated world: users, groups, membership, and what users do."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from .formatting import _auto_entities
from .images import make_png
from .objects import TgObject, _as_unix, _now, _obj, _plain
from .state import _ACTIVE, _ChatState


class WorldMixin:
    """The emulated world: users, groups, membership, and what users do."""

    # ---------------------------------------------------------------- world building

    def user(
        self,
        first_name: str = "Test",
        username: str | None = None,
        last_name: str | None = None,
        *,
        language_code: str | None = None,
        user_id: int | None = None,
    ) -> TgObject:
        """Create a Telegram user (ids are > 2**32, like many real ones)."""
        with self._lock:
            uid = user_id if user_id is not None else next(self._user_ids)
            user: dict[str, Any] = {"id": uid, "is_bot": False, "first_name": first_name}
            if last_name:
                user["last_name"] = last_name
            if username:
                user["username"] = username
            if language_code:
                user["language_code"] = language_code
            self._users[uid] = user
            return _obj(user)

    def group(
        self,
        title: str = "Test group",
        supergroup: bool = False,
        *,
        username: str | None = None,
        creator: Any = None,
        reactions: bool | Iterable[str] = True,
    ) -> TgObject:
        """Create a basic group (id ``-4xxxxxxxxx``) or a supergroup (id ``-100xxxxxxxxxx``).

        ``reactions``: False disables reactions in the chat, a list of emoji restricts them.
        """
        with self._lock:
            n = next(self._group_ids)
            if supergroup:
                chat: dict[str, Any] = {"id": -(1_001_000_000_000 + n), "title": title}
                if username:
                    chat["username"] = username
                chat["type"] = "supergroup"
            else:
                chat = {"id": -(4_000_000_000 + n), "title": title, "type": "group"}
            state = _ChatState(chat=chat)
            state.reactions = reactions if isinstance(reactions, bool) else list(reactions)
            if creator is not None:
                state.members[self._uid(creator)] = "creator"
            self._chats[chat["id"]] = state
            return _obj(chat)

    def set_reactions(self, chat: Any, reactions: bool | Iterable[str]) -> None:
        with self._lock:
            state = self._group_state(chat)
            state.reactions = reactions if isinstance(reactions, bool) else list(reactions)

    def set_privacy(self, can_read_all_group_messages: bool) -> None:
        """Toggle privacy mode (reflected in getMe; applies to all groups immediately)."""
        with self._lock:
            self.can_read_all_group_messages = can_read_all_group_messages

    def add_bot_to_group(self, group: Any, by: Any, admin: bool = False) -> None:
        """``by`` adds the bot: a ``my_chat_member`` update (left -> member/administrator)
        followed by the ``new_chat_members`` service message."""
        with self._cond:
            state = self._group_state(group)
            if not self.can_join_groups:
                raise AssertionError("the bot has can_join_groups=False")
            adder = self._user_obj(by)
            state.members.setdefault(adder["id"], "member")
            old = state.bot_status
            state.bot_status = "administrator" if admin else "member"
            state.bot_was_member = True
            self._push_my_chat_member(state, adder, old, state.bot_status)
            self._new_message(
                state,
                adder,
                {
                    "new_chat_participant": dict(self.bot_user),
                    "new_chat_member": dict(self.bot_user),
                    "new_chat_members": [dict(self.bot_user)],
                },
            )

    def set_bot_admin(self, group: Any, admin: bool = True, *, by: Any = None) -> None:
        """Promote/demote the bot (``my_chat_member`` update)."""
        with self._cond:
            state = self._group_state(group)
            if state.bot_status not in _ACTIVE:
                raise AssertionError("the bot is not in this group")
            actor = self._user_obj(by) if by is not None else self._some_member(state)
            old = state.bot_status
            state.bot_status = "administrator" if admin else "member"
            if old != state.bot_status:
                self._push_my_chat_member(state, actor, old, state.bot_status)

    def remove_bot_from_group(self, group: Any, by: Any) -> None:
        """``by`` removes the bot: ``my_chat_member`` update (-> kicked). Afterwards the bot
        gets 403 "bot was kicked from the group chat" there."""
        with self._cond:
            state = self._group_state(group)
            actor = self._user_obj(by)
            old = state.bot_status
            state.bot_status = "kicked"
            self._push_my_chat_member(state, actor, old, "kicked")

    def add_member(self, group: Any, user: Any, *, admin: bool = False, by: Any = None) -> None:
        """``user`` joins (or is added by ``by``): a ``chat_member`` update (only delivered when
        the bot is an administrator and ``chat_member`` was requested in allowed_updates) and
        the ``new_chat_members`` service message."""
        with self._cond:
            state = self._group_state(group)
            member = self._user_obj(user)
            actor = self._user_obj(by) if by is not None else member
            old = state.members.get(member["id"], "left")
            state.members[member["id"]] = "administrator" if admin else "member"
            self._push_chat_member(state, actor, member, old, state.members[member["id"]])
            self._new_message(
                state,
                actor,
                {
                    "new_chat_participant": dict(member),
                    "new_chat_member": dict(member),
                    "new_chat_members": [dict(member)],
                },
            )

    def remove_member(self, group: Any, user: Any, *, by: Any = None) -> None:
        """``user`` leaves (or is removed by ``by``): ``chat_member`` update + service message."""
        with self._cond:
            state = self._group_state(group)
            member = self._user_obj(user)
            actor = self._user_obj(by) if by is not None else member
            old = state.members.get(member["id"], "left")
            kicked = actor["id"] != member["id"] and state.kind == "supergroup"
            state.members[member["id"]] = "kicked" if kicked else "left"
            self._push_chat_member(state, actor, member, old, state.members[member["id"]])
            self._new_message(
                state,
                actor,
                {"left_chat_participant": dict(member), "left_chat_member": dict(member)},
            )

    def set_admin(self, group: Any, user: Any, admin: bool = True, *, by: Any = None) -> None:
        """Promote/demote a user (``chat_member`` update if requested)."""
        with self._cond:
            state = self._group_state(group)
            member = self._user_obj(user)
            actor = self._user_obj(by) if by is not None else self._some_member(state)
            old = state.members.get(member["id"], "left")
            if old == "creator":
                raise AssertionError("cannot change the rights of the group creator")
            new = "administrator" if admin else "member"
            state.members[member["id"]] = new
            if old != new:
                self._push_chat_member(state, actor, member, old, new)

    def migrate(self, group: Any, *, by: Any = None) -> TgObject:
        """Upgrade a basic group to a supergroup, like Telegram: a service message with
        ``migrate_to_chat_id`` in the old group, one with ``migrate_from_chat_id`` in the new
        supergroup. Bot calls to the old id then fail with 400 + ``migrate_to_chat_id``."""
        with self._cond:
            old = self._group_state(group)
            if old.kind != "group":
                raise AssertionError("only basic groups can be migrated")
            actor = self._user_obj(by) if by is not None else self._some_member(old)
            n = next(self._group_ids)
            new_chat = {"id": -(1_001_000_000_000 + n), "title": old.chat["title"]}
            new_chat["type"] = "supergroup"
            new = _ChatState(
                chat=new_chat,
                members=dict(old.members),
                bot_status=old.bot_status,
                bot_was_member=old.bot_was_member,
                reactions=old.reactions,
            )
            self._chats[new_chat["id"]] = new
            self._new_message(old, actor, {"migrate_to_chat_id": new_chat["id"]})
            old.migrated_to = new_chat["id"]
            self._migrated[old.chat["id"]] = new_chat["id"]
            self._new_message(new, actor, {"migrate_from_chat_id": old.chat["id"]})
            return _obj(new_chat)

    def block(self, user: Any) -> None:
        """The user blocks the bot (``my_chat_member`` member -> kicked in the private chat)."""
        with self._cond:
            u = self._user_obj(user)
            if u["id"] in self._blocked:
                return
            self._blocked.add(u["id"])
            if u["id"] in self._started:
                self._push_my_chat_member(self._private_state(u["id"]), u, "member", "kicked")

    def unblock(self, user: Any) -> None:
        with self._cond:
            u = self._user_obj(user)
            if u["id"] not in self._blocked:
                return
            self._blocked.discard(u["id"])
            if u["id"] in self._started:
                self._push_my_chat_member(self._private_state(u["id"]), u, "kicked", "member")

    # ---------------------------------------------------------------- user actions

    def send(
        self,
        user: Any,
        chat: Any = "private",
        text: str | None = None,
        caption: str | None = None,
        photo: bool | bytes = False,
        document: tuple[bytes, str] | None = None,
        reply_to: Any = None,
        date: Any = None,
        entities: list[dict] | None = None,
    ) -> TgObject:
        """``user`` sends a message to ``chat`` ("private" = the private chat with the bot, or
        a group). Creates a ``message`` update if the bot would receive it (privacy mode!).

        ``photo``: True (a generated PNG) or image bytes; ``document``: ``(bytes, filename)``.
        Returns the message as Telegram would deliver it.
        """
        with self._cond:
            sender = self._user_obj(user)
            state = self._state_for_user_chat(sender, chat)
            if state.kind == "private":
                if sender["id"] in self._blocked:
                    self.unblock(sender)
                self._started.add(sender["id"])
            else:
                if state.migrated_to is not None:
                    raise AssertionError(f"group {state.chat['id']} was migrated")
                if state.members.get(sender["id"]) not in _ACTIVE:
                    state.members[sender["id"]] = "member"
            content: dict[str, Any] = {}
            body_key = "text"
            if photo is not False or document is not None:
                body_key = "caption"
                if photo is not False:
                    data = make_png() if photo is True else bytes(photo)
                    content["photo"] = self._store_photo(data)
                if document is not None:
                    data, filename = document
                    content["document"] = self._store_document(bytes(data), filename, None)
                body = caption if caption is not None else text
            else:
                body = text if text is not None else caption
                if body is None:
                    raise ValueError("send() needs text, caption, photo or document")
            if reply_to is not None:
                target = self._stored_message(reply_to)
                content["reply_to_message"] = self._reply_copy(target)
            if body is not None:
                content[body_key] = body
                ents = _plain(entities) if entities is not None else _auto_entities(body)
                if ents:
                    content["entities" if body_key == "text" else "caption_entities"] = ents
            return self._new_message(state, sender, content, date=date)

    def edit(self, message: Any, new_text: str, *, date: Any = None) -> TgObject:
        """The author edits a message: an ``edited_message`` update with ``edit_date``."""
        with self._cond:
            msg = self._stored_message(message)
            key = "text" if "text" in msg else "caption"
            msg[key] = new_text
            msg.pop("entities" if key == "text" else "caption_entities", None)
            ents = _auto_entities(new_text)
            if ents:
                msg["entities" if key == "text" else "caption_entities"] = ents
            msg["edit_date"] = _as_unix(date)
            state = self._chats[msg["chat"]["id"]]
            if self._bot_receives(state, msg):
                self._push_update("edited_message", copy.deepcopy(msg))
            return _obj(msg)

    def press(self, user: Any, message: Any, data: str) -> TgObject:
        """``user`` presses the inline button with ``callback_data == data`` on ``message``
        (the bot's message: a call record, a Message dict or ``(chat_id, message_id)``)."""
        with self._cond:
            presser = self._user_obj(user)
            msg = self._stored_message(message)
            buttons = [
                b for row in (msg.get("reply_markup") or {}).get("inline_keyboard", []) for b in row
            ]
            if not any(b.get("callback_data") == data for b in buttons):
                raise AssertionError(
                    f"message {msg['message_id']} in chat {msg['chat']['id']} has no inline "
                    f"button with callback_data={data!r}; buttons: {buttons!r}"
                )
            query_id = str(next(self._callback_ids))
            query = {
                "id": query_id,
                "from": dict(presser),
                "message": copy.deepcopy(msg),
                "chat_instance": str(-(abs(msg["chat"]["id"]) * 7919 % 10**18) - 10**17),
                "data": data,
            }
            self._callbacks[query_id] = {"query": query, "answer": None}
            self._push_update("callback_query", copy.deepcopy(query))
            return _obj(query)

    def react(self, user: Any, message: Any, emoji: str | None) -> None:
        """``user`` sets (or with None removes) a reaction: a ``message_reaction`` update
        (opt-in via allowed_updates; in groups only delivered when the bot is an admin)."""
        with self._cond:
            u = self._user_obj(user)
            msg = self._stored_message(message)
            state = self._chats[msg["chat"]["id"]]
            if state.kind != "private" and state.bot_status not in ("administrator", "creator"):
                return
            new = [{"type": "emoji", "emoji": emoji}] if emoji else []
            self._push_update(
                "message_reaction",
                {
                    "chat": dict(state.chat),
                    "message_id": msg["message_id"],
                    "user": dict(u),
                    "date": _now(),
                    "old_reaction": [],
                    "new_reaction": new,
                },
            )

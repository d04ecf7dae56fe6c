"""Factories for Telegram updates and people, so tests read like chats."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

from telegram import (
    CallbackQuery,
    Chat,
    ChatMemberLeft,
    ChatMemberMember,
    ChatMemberUpdated,
    Message,
    MessageEntity,
    PhotoSize,
    Update,
    User,
)

_update_ids = itertools.count(1)
_message_ids = itertools.count(1000)


def make_user(uid: int, first_name: str = "用户", username: str | None = None) -> User:
    return User(id=uid, first_name=first_name, is_bot=False, username=username)


def make_group(cid: int = -100200300, title: str = "城南快速路项目群",
               type_: str = Chat.SUPERGROUP) -> Chat:
    return Chat(id=cid, type=type_, title=title)


def private(user: User) -> Chat:
    return Chat(id=user.id, type=Chat.PRIVATE, first_name=user.first_name)


def make_message(chat: Chat, user: User, text: str | None = None, *,
                 date: datetime | None = None, reply_to: Message | None = None,
                 caption: str | None = None, photo: bool = False,
                 message_id: int | None = None, **extra: object) -> Message:
    """A message as Telegram sends it; a leading /command gets its bot_command entity."""
    entities = None
    if text and text.startswith("/"):
        entities = [MessageEntity(MessageEntity.BOT_COMMAND, 0, len(text.split()[0]))]
    photos = [PhotoSize("small", "u1", 90, 90), PhotoSize("big", "u2", 800, 600)] if photo \
        else None
    return Message(message_id=message_id or next(_message_ids),
                   date=date or datetime.now(UTC), chat=chat, from_user=user, text=text,
                   entities=entities, caption=caption, photo=photos,
                   reply_to_message=reply_to, **extra)


def message_update(message: Message, *, edited: bool = False) -> Update:
    if edited:
        return Update(next(_update_ids), edited_message=message)
    return Update(next(_update_ids), message=message)


def edit_of(message: Message, text: str) -> Update:
    """The same message, edited (Telegram keeps its date and adds edit_date)."""
    edited = Message(message_id=message.message_id, date=message.date, chat=message.chat,
                     from_user=message.from_user, text=text, caption=None,
                     edit_date=datetime.now(UTC))
    return message_update(edited, edited=True)


def button_press(user: User, message: Message, data: str) -> Update:
    query = CallbackQuery(id=str(next(_update_ids)), from_user=user, chat_instance="ci-1",
                          message=message, data=data)
    return Update(next(_update_ids), callback_query=query)


def member_left(chat: Chat, user: User, *, bot: bool = False) -> Update:
    change = ChatMemberUpdated(chat=chat, from_user=user, date=datetime.now(UTC),
                               old_chat_member=ChatMemberMember(user),
                               new_chat_member=ChatMemberLeft(user))
    if bot:
        return Update(next(_update_ids), my_chat_member=change)
    return Update(next(_update_ids), chat_member=change)

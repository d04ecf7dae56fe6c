"""Constants of the Bot API and the emulated chats' state."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .objects import ApiError

_DEFAULT_EXCLUDED_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_CHAT_ACTIONS = frozenset(
    {
        "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
        "upload_document", "choose_sticker", "find_location", "record_video_note",
        "upload_video_note",
    }
)  # fmt: skip
# Reactions a bot may set (Bot API "ReactionTypeEmoji"); compared without U+FE0F.
_REACTION_EMOJI = frozenset(
    e.replace("\ufe0f", "")
    for e in (
        "👍", "👎", "❤", "🔥", "🥰", "👏", "😁", "🤔", "🤯", "😱", "🤬",
        "😢", "🎉", "🤩", "🤮", "💩", "🙏", "👌", "🕊", "🤡", "🥱", "🥴",
        "😍", "🐳", "❤\u200d🔥", "🌚", "🌭", "💯", "🤣", "⚡", "🍌",
        "🏆", "💔", "🤨", "😐", "🍓", "🍾", "💋", "🖕", "😈", "😴", "😭",
        "🤓", "👻", "👨\u200d💻", "👀", "🎃", "🙈", "😇", "😨", "🤝",
        "✍", "🤗", "🫡", "🎅", "🎄", "☃", "💅", "🤪", "🗿", "🆒", "💘",
        "🙉", "🦄", "😘", "💊", "🙊", "😎", "👾", "🤷\u200d♂", "🤷",
        "🤷\u200d♀", "😡",
    )
)  # fmt: skip
_SERVICE_KEYS = frozenset(
    {
        "new_chat_members", "left_chat_member", "new_chat_title", "new_chat_photo",
        "delete_chat_photo", "group_chat_created", "supergroup_chat_created",
        "migrate_to_chat_id", "migrate_from_chat_id", "pinned_message",
        "message_auto_delete_timer_changed",
    }
)  # fmt: skip
_ADMIN_RIGHTS = {
    "can_be_edited": False,
    "is_anonymous": False,
    "can_manage_chat": True,
    "can_delete_messages": True,
    "can_manage_video_chats": True,
    "can_restrict_members": True,
    "can_promote_members": False,
    "can_change_info": True,
    "can_invite_users": True,
    "can_post_stories": True,
    "can_edit_stories": True,
    "can_delete_stories": True,
    "can_pin_messages": True,
    "can_manage_topics": False,
}
_ACTIVE = ("creator", "administrator", "member")
_UNSET: Any = object()

_CONFLICT_OTHER_POLL = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance "
    "is running"
)
_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)


@dataclass
class _ChatState:
    chat: dict
    members: dict[int, str] = field(default_factory=dict)  # user id -> ChatMember status
    bot_status: str = "left"
    bot_was_member: bool = False
    migrated_to: int | None = None
    reactions: bool | list[str] = True
    next_message_id: int = 1
    messages: dict[int, dict] = field(default_factory=dict)
    deleted: set[int] = field(default_factory=set)

    @property
    def kind(self) -> str:
        return self.chat["type"]


@dataclass
class _Fault:
    method: str
    chat_id: Any
    error: ApiError
    times: int | None

"""Chat lifecycle: supergroup migration, the bot added/removed, members leaving, DM reachability."""

from __future__ import annotations

from telegram import ChatMember, Update
from telegram.ext import Application, ChatMemberHandler, MessageHandler, TypeHandler, filters

from core.org import chats, projects, reachability
from handlers.context import Ctx

GONE = (ChatMember.LEFT, ChatMember.BANNED)


async def migrated(update: Update, context: Ctx) -> None:
    """The group became a supergroup: binding, schedule and deliveries follow the new id."""
    message = update.effective_message
    if message.migrate_to_chat_id:
        old, new = message.chat_id, message.migrate_to_chat_id
    else:
        old, new = message.migrate_from_chat_id, message.chat_id
    chats.migrate(context.session, old_id=old, new_id=new, title=message.chat.title or "")


async def bot_membership(update: Update, context: Ctx) -> None:
    """The bot was added, promoted or removed: prompts and nudges follow."""
    change = update.my_chat_member
    if change.chat.type == "private":
        if change.new_chat_member.status in GONE:
            reachability.mark_unreachable(context.session, change.from_user.id)
        return
    row = projects.chat_row(context.session, change.chat.id, title=change.chat.title or "",
                            type_=change.chat.type, default_tz=context.settings.frontline_tz)
    chats.bot_status(context.session, row, change.new_chat_member.status)


async def member_change(update: Update, context: Ctx) -> None:
    """A cadre left the group: nudges and prompts for them stop."""
    change = update.chat_member
    if change.new_chat_member.status in GONE and context.chat_row is not None:
        chats.member_left(context.session, context.chat_row, change.new_chat_member.user.id)


async def private_contact(update: Update, context: Ctx) -> None:
    """Anyone who writes to the bot in private is reachable for DMs again."""
    chat = update.effective_chat
    if chat is not None and chat.type == "private" and update.effective_user is not None:
        reachability.mark_reachable(context.session, context.user)


def register(app: Application) -> None:
    app.add_handler(TypeHandler(Update, private_contact), group=-1)
    app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, migrated))
    app.add_handler(ChatMemberHandler(bot_membership, ChatMemberHandler.MY_CHAT_MEMBER))
    app.add_handler(ChatMemberHandler(member_change, ChatMemberHandler.CHAT_MEMBER))

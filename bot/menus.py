"""Command menus per scope (setMyCommands): private chats, groups, group admins, our admins."""

from __future__ import annotations

import logging

from telegram import (
    BotCommand,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
)
from telegram.error import TelegramError
from telegram.ext import Application

from bot.render import Renderer

log = logging.getLogger(__name__)

PRIVATE = ["start", "help", "whoami", "daily", "weekly", "monthly", "my", "leave", "summary",
           "missing", "orders", "order", "progress", "done"]
GROUP = ["daily", "weekly", "monthly", "register", "undo", "my", "leave", "progress", "done",
         "help", "whoami"]
GROUP_ADMINS = [*GROUP, "summary", "missing", "rectify", "orders", "star", "ranking", "bind",
                "unbind", "schedule"]
ADMIN = ["start", "help", "whoami", "dashboard", "summary", "missing", "orders", "order",
         "rectify", "verify", "review", "ratelink", "ratings", "scores", "ranking", "cadre",
         "note", "grade", "period", "weights", "grant", "revoke", "domain", "project", "milestone",
         "leave", "my"]


def _commands(renderer: Renderer, names: list[str]) -> list[BotCommand]:
    return [BotCommand(name, renderer.text(f"menus.{name}")) for name in names]


async def set_menus(app: Application, admins: frozenset[int]) -> None:
    """Publish the menus in Chinese (default) and English; failures are logged, not fatal."""
    for lang in ("zh", "en"):
        renderer = Renderer(lang)
        code = None if lang == "zh" else "en"
        scopes = [(BotCommandScopeAllPrivateChats(), PRIVATE),
                  (BotCommandScopeAllGroupChats(), GROUP),
                  (BotCommandScopeAllChatAdministrators(), GROUP_ADMINS)]
        scopes += [(BotCommandScopeChat(admin), ADMIN) for admin in sorted(admins)]
        for scope, names in scopes:
            try:
                await app.bot.set_my_commands(_commands(renderer, names), scope=scope,
                                              language_code=code)
            except TelegramError as exc:
                log.info("menu for %s not set: %s", scope.type, exc.message)

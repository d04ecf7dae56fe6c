"""/dashboard and the menu button (SPEC §12), through the real Application."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest

from bot.app import Runtime
from scheduler.limits import Limits
from storage import migrate
from storage.db import Database
from tests.auxil.factories import make_group, make_message, make_user, message_update, private
from tests.auxil.offline import OfflineRequest
from tests.conftest import ADMIN_ID, Harness, make_settings

URL = "https://dash.example.org/dashboard"
ADMIN = make_user(ADMIN_ID, "组织部")
EXAMINER = make_user(5005, "考察员")


async def _harness(tmp_path, **settings: object) -> AsyncIterator[Harness]:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path}/f.db"
    database = Database(url)
    migrate.upgrade(database)
    offline = OfflineRequest()
    async with Runtime(make_settings(url, **settings), database, request=offline) as runtime:
        runtime.sender.limits = Limits(chat_gap=0.0)
        yield Harness(runtime, offline)
    database.dispose()


@pytest.fixture
async def h(tmp_path) -> AsyncIterator[Harness]:
    async for found in _harness(tmp_path, frontline_webapp_url=URL):
        yield found


def say(user, text: str, chat=None):  # type: ignore[no-untyped-def]
    return message_update(make_message(chat or private(user), user, text))


def _param(call, name: str) -> dict:  # type: ignore[no-untyped-def]
    value = call.params[name]
    return json.loads(value) if isinstance(value, str) else value


def _menus(h: Harness, chat_id: int) -> list[dict]:
    return [_param(c, "menu_button") for c in h.request.sent("setChatMenuButton", chat_id)]


async def test_an_examiner_gets_a_web_app_button_and_the_menu(h: Harness) -> None:
    await h.feed(say(ADMIN, f"/grant examiner {EXAMINER.id}"), say(EXAMINER, "/start"))
    h.request.clear()
    await h.feed(say(EXAMINER, "/dashboard"))
    [answer] = h.request.sent("sendMessage", EXAMINER.id)
    [[button]] = _param(answer, "reply_markup")["inline_keyboard"]
    assert button["web_app"] == {"url": URL} and button["text"] == "打开考察看板"
    assert _menus(h, EXAMINER.id) == [{"type": "web_app", "text": "看板",
                                       "web_app": {"url": URL}}]


async def test_others_get_one_line(h: Harness) -> None:
    cadre = make_user(6006, "干部")
    await h.feed(say(cadre, "/dashboard"))
    assert h.last(cadre.id) == "考察看板仅限考察员和管理员使用。"
    assert not h.request.sent("setChatMenuButton")


async def test_in_a_group_it_says_to_use_private(h: Harness) -> None:
    group = make_group()
    await h.feed(say(ADMIN, "/dashboard", chat=group))
    assert "私聊" in h.last(group.id) and "\n" not in h.last(group.id)
    assert not h.request.sent("setChatMenuButton")


async def test_grant_and_revoke_keep_the_menu_in_step(h: Harness) -> None:
    await h.feed(say(ADMIN, f"/grant examiner {EXAMINER.id}"))
    assert _menus(h, EXAMINER.id) == [{"type": "web_app", "text": "看板",
                                       "web_app": {"url": URL}}]
    await h.feed(say(ADMIN, f"/revoke examiner {EXAMINER.id}"))
    assert _menus(h, EXAMINER.id)[-1] == {"type": "default"}


async def test_without_a_webapp_url_it_says_so(tmp_path) -> None:
    async for h in _harness(tmp_path):
        await h.feed(say(ADMIN, "/dashboard"))
        assert "FRONTLINE_WEBAPP_URL" in h.last(ADMIN_ID)
        await h.feed(say(ADMIN, f"/grant examiner {EXAMINER.id}"))
        assert not h.request.sent("setChatMenuButton")

"""`frontline run` with FRONTLINE_WEBAPP_URL serves the dashboard beside polling (SPEC §9, §12),
and stops on SIGTERM like the bot alone."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable

import httpx

from tests.auxil.launch import sign_launch

from .conftest import TOKEN, BotProcess
from .emulator import TgObject
from .test_e2e import ask


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_run_serves_the_dashboard_beside_polling(make_bot: Callable[[], BotProcess],
                                                 admin: TgObject) -> None:
    port = _free_port()
    origin = f"http://127.0.0.1:{port}"
    bot = make_bot()
    bot.env.update({"FRONTLINE_WEBAPP_URL": f"{origin}/dash",
                    "FRONTLINE_WEB_LISTEN": f"127.0.0.1:{port}"})
    bot.start()
    bot.wait(lambda _e: _answers(f"{origin}/dash"), message="the dashboard never answered")
    page = httpx.get(f"{origin}/dash")
    assert page.status_code == 200 and "/dash/static/dashboard.js" in page.text
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert httpx.get(f"{origin}/dash/api/board").status_code == 401
    launch = {"Authorization": "tma " + sign_launch(TOKEN, admin.id)}
    picker = httpx.get(f"{origin}/dash/api/scopes", headers=launch)
    assert picker.status_code == 200 and picker.json()["me"]["role"] == "admin"
    ask(bot, admin, "private", "/dashboard", "考察看板")
    [reply] = [c for c in bot.emu.sent(admin.id) if "考察看板" in c["params"].get("text", "")]
    markup = reply["params"]["reply_markup"]
    markup = markup if isinstance(markup, dict) else json.loads(markup)
    assert markup["inline_keyboard"][0][0]["web_app"] == {"url": f"{origin}/dash"}
    assert bot.stop() == 0 and not bot.needed_kill
    assert not _answers(f"{origin}/dash")


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.HTTPError:
        return False

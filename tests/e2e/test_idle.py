"""Idle is light: a started `frontline run` is small, and serving chats it has not loaded
matplotlib, numpy or Pillow until a file is built (they come in where the file is made)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import BotProcess
from .emulator import BotApiEmulator, TgObject

pytestmark = pytest.mark.e2e

# The compiled parts of the heavy libraries: mapped into the process once it imports them.
HEAVY = {"numpy": "_multiarray_umath", "matplotlib": "ft2font", "Pillow": "PIL/_imaging"}
IDLE_RSS_MB = 110  # measured 101 MB (160.8 MB when the chart libraries came in at start)


def loaded(pid: int) -> set[str]:
    """Which heavy libraries have their extension module mapped into the process."""
    maps = Path(f"/proc/{pid}/maps").read_text()
    return {name for name, marker in HEAVY.items() if marker in maps}


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def ask(bot: BotProcess, user: TgObject, chat: object, text: str, expect: str) -> None:
    cid = user.id if chat == "private" else chat["id"]  # type: ignore[index]
    before = len(bot.emu.texts(cid))
    bot.emu.send(user, chat, text)
    bot.wait(lambda e: any(expect in t for t in e.texts(cid)[before:]), timeout=20,
             message=f"a reply containing {expect!r} to {text!r}")


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs Linux /proc")
def test_a_started_bot_serving_chats_has_not_loaded_the_file_libraries(
        make_bot: Callable[[], BotProcess], emu: BotApiEmulator, admin: TgObject) -> None:
    bot = make_bot().start()
    assert bot.proc is not None
    idle = rss_mb(bot.proc.pid)  # started, polling, nothing asked yet
    print(f"idle RSS of frontline run: {idle:.1f} MB")
    assert idle < IDLE_RSS_MB
    ask(bot, admin, "private", "/domain add 交通", "已创建领域")
    ask(bot, admin, "private", "/project add 交通 环线", "已创建项目")
    group = emu.group("环线项目群", creator=admin)
    emu.add_bot_to_group(group, by=admin, admin=True)
    ask(bot, admin, group, "/bind 环线", "本群已绑定项目")
    cadre = emu.user("钱七")
    ask(bot, cadre, group, "/register 钱七 科员", "已登记")
    ask(bot, admin, "private", "/summary 环线", "钱七")
    assert loaded(bot.proc.pid) == set(), "a bot serving chats loaded the libraries of files"
    print(f"RSS after serving chats: {rss_mb(bot.proc.pid):.1f} MB")
    # a poster is asked for: the font lookup brings Pillow in there (so the check above sees
    # what it looks for), and only there
    ask(bot, admin, "private", "/ratelink 环线", "评价链接")
    assert "Pillow" in loaded(bot.proc.pid)

"""Idle is light: the real Application, started and serving chats, has not imported the
libraries that build files (matplotlib, numpy, Pillow, openpyxl; they come in with a file),
nor, with no dashboard configured, the web server (Starlette, uvicorn)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HEAVY = ("matplotlib", "numpy", "PIL", "openpyxl", "starlette", "uvicorn")

# Run apart: this test process has long imported them for other tests.
SCRIPT = """
import asyncio, sys
from bot.app import Runtime
from bot.settings import Settings
from storage import migrate
from storage.db import Database
from tests.auxil.factories import make_group, make_message, make_user, message_update, private
from tests.auxil.offline import OfflineRequest

HEAVY = {heavy!r}
ADMIN = make_user(1, "老周")

async def main() -> None:
    url = "sqlite:///{tmp}/frontline.db"
    settings = Settings(_env_file=None, telegram_bot_token="123456:TESTTOKEN-abcdefghij",
                        frontline_secret="test-secret-0123456789abcdef",
                        frontline_admins=frozenset({{1}}), database_url=url,
                        telegram_api_base_url="http://127.0.0.1:9")
    db = Database(url)
    migrate.upgrade(db)
    async with Runtime(settings, db, request=OfflineRequest()) as runtime:
        group = make_group()
        for chat, text in [(private(ADMIN), "/start"), (private(ADMIN), "/help"),
                           (private(ADMIN), "/domain add 交通"),
                           (private(ADMIN), "/project add 交通 环线"), (group, "/bind 环线"),
                           (group, "/register 老周 处长"), (group, "#每日动态 完成：验收"),
                           (private(ADMIN), "/summary 环线 week"),
                           (private(ADMIN), "/scores 环线"), (private(ADMIN), "/cadre 老周")]:
            runtime.inbox.store([message_update(make_message(chat, ADMIN, text))])
            await runtime.inbox.process_pending()
            await runtime.settle()
        print("idle:", *sorted(m for m in HEAVY if m in sys.modules))
        runtime.inbox.store([message_update(make_message(private(ADMIN), ADMIN, "/export 环线"))])
        await runtime.inbox.process_pending()
        await runtime.settle()
        print("after export:", *sorted(m for m in HEAVY if m in sys.modules))

asyncio.run(main())
"""


def test_a_started_bot_imports_the_file_libraries_only_where_a_file_is_built(tmp_path) -> None:
    done = subprocess.run([sys.executable, "-c", SCRIPT.format(heavy=HEAVY, tmp=tmp_path)],
                          cwd=REPO, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    lines = dict(line.split(":", 1) for line in done.stdout.splitlines() if ":" in line)
    assert lines["idle"].split() == []
    assert "openpyxl" in lines["after export"].split()  # the check sees what it looks for

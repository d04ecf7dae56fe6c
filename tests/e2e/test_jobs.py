"""End to end: `frontline jobs run` sends through the ledger, once, to the emulator."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from core.review.schedule import next_run
from storage.tables import Chat

from .conftest import BotProcess

pytestmark = pytest.mark.e2e


def after_next(job: str) -> str:
    """Five minutes after the job's next slot with the default schedule (cadres join today)."""
    moment = next_run(Chat(id=-1, tz="Asia/Shanghai"), job, datetime.now(UTC))
    assert moment is not None
    return (moment + timedelta(minutes=5)).isoformat()


def jobs_run(bot: BotProcess, job: str, at: str) -> str:
    result = subprocess.run([sys.executable, "-m", "bot.cli", "jobs", "run", job, "--at", at],
                            cwd=bot.workdir, env=bot.env, capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.strip()


@pytest.fixture(scope="module")
def district(emu, admin, make_bot):
    """A bound group with two cadres; one of them has started the bot in private."""
    bot = make_bot().start()
    group = emu.group("城南快速路项目群", supergroup=True)
    emu.add_bot_to_group(group, by=admin, admin=True)
    for text in ("/domain add 项目建设", "/project add 项目建设 城南快速路 县交通局"):
        emu.send(admin, "private", text=text)
    emu.send(admin, group, text="/bind 城南快速路")
    reachable, silent = emu.user("李明", "liming"), emu.user("王芳", "wangfang")
    for user, post in ((reachable, "交通局副局长"), (silent, "项目办主任")):
        emu.add_member(group, user)
        emu.send(user, group, text=f"/register {user.first_name} {post}")
    emu.send(reachable, "private", text="/whoami")
    bot.wait(lambda e: len(e.texts(group.id)) >= 3 and e.texts(reachable.id),
             timeout=20, message="set-up replies")
    return bot, group, reachable, silent


def test_weekly_prompt_is_sent_once_even_when_run_twice(emu, district) -> None:
    bot, group, *_ = district
    before = len(emu.texts(group.id))
    assert jobs_run(bot, "weekly-prompt", after_next("weekly-prompt")).startswith("sent 1,")
    assert jobs_run(bot, "weekly-prompt", after_next("weekly-prompt")).startswith("sent 0,")
    prompts = emu.texts(group.id)[before:]
    assert len(prompts) == 1 and "#周报" in prompts[0] and "李明" in prompts[0]


def test_nudge_dms_the_reachable_and_names_the_rest_in_the_group(emu, district) -> None:
    bot, group, reachable, silent = district
    name = silent.first_name
    dms_before, group_before = len(emu.texts(reachable.id)), len(emu.texts(group.id))
    assert jobs_run(bot, "daily-nudge", after_next("daily-nudge")).startswith("sent 2,")
    assert jobs_run(bot, "daily-nudge", after_next("daily-nudge")).startswith("sent 0,")
    [dm] = emu.texts(reachable.id)[dms_before:]
    [named] = emu.texts(group.id)[group_before:]
    assert "每日动态" in dm and name in named and reachable.first_name not in named


def test_a_rehearsal_of_last_week_lists_a_cadre_who_registered_today(emu, district) -> None:
    from core.review.schedule import previous_slot

    bot, group, reachable, _silent = district
    last = previous_slot(Chat(id=-1, tz="Asia/Shanghai"), "weekly-prompt", datetime.now(UTC))
    assert last is not None
    emu.send(reachable, group, text=f"/daily {last.day.isoformat()} 完成：补报上周的征迁签约")
    bot.wait(lambda e: any("补记" in t for t in e.texts(group.id)), message="back-fill")
    before = len(emu.texts(group.id))
    at = (last.at + timedelta(minutes=5)).isoformat()
    assert jobs_run(bot, "weekly-prompt", at).startswith("sent 1,")
    [prompt] = emu.texts(group.id)[before:]
    assert "李明" in prompt and "补报上周的征迁签约" in prompt and "还没有登记的干部" not in prompt

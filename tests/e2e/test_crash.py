"""Crash test (SPEC §10): SIGKILL the real bot in the middle of a flood of hashtag reports.

Telegram keeps an update until the bot confirms it (the next getUpdates offset). Frontline
commits every update to its inbox before confirming it and processes the inbox afterwards, so a
crash at any moment loses nothing, and a replay stores nothing twice.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest

from .conftest import BotProcess
from .emulator import BotApiEmulator, TgObject

pytestmark = pytest.mark.e2e

TOTAL = 520  # hashtag reports sent
KILL_AFTER = 150  # SIGKILL the bot once this many have been sent (and it is busy storing them)
HOLD_AT = 300  # the sender waits here for the kill, so the rest surely arrive while it is down
PACE = 0.002  # seconds between two reports: a quick, steady stream
PROJECT = "城北污水厂"


def ask(bot: BotProcess, user: TgObject, chat: object, text: str, expect: str) -> str:
    emu = bot.emu
    cid = user.id if chat == "private" else chat["id"]  # type: ignore[index]
    before = len(emu.texts(cid))
    emu.send(user, chat, text)
    return bot.wait(lambda e: next((t for t in e.texts(cid)[before:] if expect in t), None),
                    timeout=15, message=f"a reply containing {expect!r} to {text!r}")


def test_reports_survive_a_sigkill_exactly_once(make_bot: Callable[[], BotProcess],
                                                emu: BotApiEmulator, admin: TgObject) -> None:
    bot = make_bot().start()
    ask(bot, admin, "private", "/domain add 生态环保", "已创建领域")
    ask(bot, admin, "private", f"/project add 生态环保 {PROJECT}", "已创建项目")
    group = emu.group(f"{PROJECT}项目群", creator=admin)
    emu.add_bot_to_group(group, by=admin, admin=True)
    ask(bot, admin, group, f"/bind {PROJECT}", "本群已绑定项目")
    cadres = [emu.user(name) for name in ("孙一", "周二", "吴三")]
    for n, cadre in enumerate(cadres):
        ask(bot, cadre, group, f"/register {cadre.first_name} 科员{n}", "已登记")

    sent: dict[tuple[int, int], str] = {}  # (chat_id, message_id) -> text
    killed = threading.Event()
    failure: list[BaseException] = []

    def flood() -> None:
        try:
            for i in range(TOTAL):
                if i == HOLD_AT and not killed.wait(timeout=60):
                    raise AssertionError("the bot was never killed")
                text = f"#每日动态 第{i + 1}条\n进度：{i % 101}%\n完成：事项{i + 1}\n问题：问题{i + 1}"
                msg = emu.send(cadres[i % len(cadres)], group, text)
                sent[(msg["chat"]["id"], msg["message_id"])] = text
                time.sleep(PACE)
        except BaseException as exc:
            failure.append(exc)

    sender = threading.Thread(target=flood, name="report-flood", daemon=True)
    sender.start()
    try:
        # Kill while reports are arriving and the bot is busy storing them.
        bot.wait(lambda e: len(sent) >= KILL_AFTER, timeout=30, message="reports sent")
        bot.wait_db("SELECT COUNT(*) FROM daily_report", until=lambda rows: rows[0][0] > 0,
                    timeout=30, message="the bot storing reports")
        bot.kill()
        sent_at_kill = len(sent)
    finally:
        killed.set()
        sender.join(timeout=60)
    assert not failure, failure
    assert not sender.is_alive() and len(sent) == TOTAL
    assert sent_at_kill < TOTAL  # the rest arrived while the bot was down

    after_crash = {
        "stored": bot.query("SELECT COUNT(*) FROM daily_report")[0][0],
        "inbox": dict(bot.query("SELECT status, COUNT(*) FROM inbox GROUP BY status")),
        "unconfirmed": emu.pending_updates(),
    }
    print(f"\nsent {sent_at_kill} before the kill, {TOTAL} in all; after the crash: {after_crash}")

    bot.start()  # same database
    # Idle again: every update confirmed (so committed to the inbox) and none left unfinished.
    bot.wait(lambda e: e.pending_updates() == 0, timeout=60,
             message="every update confirmed by the restarted bot")
    bot.wait_db("SELECT COUNT(*) FROM inbox WHERE status IN ('pending', 'failed')",
                until=lambda rows: rows[0][0] == 0, timeout=60,
                message="no unfinished inbox rows")
    rows = bot.query("SELECT chat_id, message_id, text FROM daily_report")

    keys = [(chat_id, message_id) for chat_id, message_id, _text in rows]
    assert len(keys) == len(set(keys)), "a report is stored twice"
    missing, unexpected = sorted(set(sent) - set(keys)), sorted(set(keys) - set(sent))
    assert not missing and not unexpected, (
        f"{len(missing)} reports lost, e.g. {missing[:5]}; {len(unexpected)} unexpected")
    assert {(c, m): t for c, m, t in rows} == sent
    assert bot.query("SELECT chat_id, message_id FROM daily_report "
                     "GROUP BY chat_id, message_id HAVING COUNT(*) > 1") == []
    [(items,)] = bot.query("SELECT COUNT(*) FROM report_item")
    assert items == 2 * TOTAL  # one 完成 and one 问题 line each, none doubled by a replay

    # Nothing was given up on either (a dead row is an update dropped after failing).
    statuses = dict(bot.query("SELECT status, COUNT(*) FROM inbox GROUP BY status"))
    assert set(statuses) <= {"done"}, f"inbox rows not done: {statuses}"

    # Never double-sent: no report was acknowledged twice, before and after the crash.
    acked = [c["params"]["message_id"] for c in emu.reactions(group)]
    assert len(acked) == len(set(acked)), "a report was acknowledged twice"
    assert emu.rejected == []
    assert bot.alive()

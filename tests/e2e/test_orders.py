"""End to end: a rectification order's whole loop with buttons, then simulated reminder days
through `frontline jobs run order-reminders --at T` against the Bot API emulator.

A `jobs run` process costs 2–4 s here (start-up), so only nine representative days are run:
days where something falls due (shifted past a holiday or weekend, on make-up working days),
the issuer's lists (a Monday, and the Thursday after 国庆), and quiet days (a Sunday, a holiday
Monday). Each day is run by two processes at once (each reminder must still go once), and one
day once more afterwards (nothing more goes). The full 75 days, each run twice, go through the
Runner in tests/test_order_reminders.py.
"""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from datetime import date

import pytest

from .conftest import BotProcess
from .test_e2e import ask
from .test_jobs import jobs_run

pytestmark = pytest.mark.e2e

PROJECT = "城南快速路"
NUMBER = re.compile(r"ZG-\d{4}-\d{4}")


def new_dm(bot: BotProcess, user, before: int, expect: str) -> dict:  # type: ignore[no-untyped-def]
    """Wait for a new private message to `user` containing `expect`; its call record."""
    return bot.wait(lambda e: next((c for c in e.sent(user.id)[before:]
                                    if expect in c["result"].get("text", "")), None),
                    message=f"a DM to {user.first_name} containing {expect!r}")


def button(call: dict, label: str) -> str:
    rows = call["result"].get("reply_markup", {}).get("inline_keyboard", [])
    found = [b["callback_data"] for row in rows for b in row if b["text"] == label]
    assert found, f"no {label!r} button in {rows!r}"
    return found[0]


def answer_of(bot: BotProcess, query: dict) -> str:
    answer = bot.wait(lambda e: e.callback_answer(query), message="the button's answer")
    return answer.get("text", "")


def write(bot: BotProcess, sql: str, params: tuple) -> None:
    """Change the bot's database under it (dates only: what days would have done)."""
    with closing(sqlite3.connect(bot.db_path, timeout=15)) as conn, conn:
        conn.execute(sql, params)


def state_of(bot: BotProcess, number: str) -> str:
    return bot.query("SELECT state FROM rectification WHERE number = ?", (number,))[0][0]


@pytest.fixture(scope="module")
def office(emu, admin, bot):  # type: ignore[no-untyped-def]
    """A bound group; cadres 张三 (has started the bot) and 李四; an examiner of the project."""
    ask(bot, admin, "private", "/domain add 项目建设", "项目建设")
    ask(bot, admin, "private", f"/project add 项目建设 {PROJECT}", PROJECT)
    group = emu.group(f"{PROJECT}项目群", supergroup=True)
    emu.add_bot_to_group(group, by=admin, admin=True)
    ask(bot, admin, group, f"/bind {PROJECT}", "绑定")
    zhang, li = emu.user("张三", "zhangsan"), emu.user("李四", "lisi")
    for user in (zhang, li):
        emu.add_member(group, user)
        ask(bot, user, group, f"/register {user.first_name} 科员", "已登记")
    examiner = emu.user("考察员甲", "kaocha")
    ask(bot, admin, "private", f"/grant examiner {examiner.id} {PROJECT}", "考察员")
    ask(bot, examiner, "private", "/whoami", "考察员")
    ask(bot, zhang, "private", "/whoami", "张三")
    return group, zhang, li, examiner


def test_an_order_goes_round_its_whole_loop_with_buttons(emu, office, bot) -> None:
    group, zhang, _li, examiner = office
    card = ask(bot, examiner, group, "/rectify 张三 15d 管线迁改滞后", "问题交办单")
    number = NUMBER.search(card)[0]
    dm = new_dm(bot, zhang, 0, number)
    assert "汇报进展" in str(dm["result"]["reply_markup"])

    before = len(emu.sent(zhang.id))
    answer_of(bot, emu.press(zhang, dm, button(dm, "汇报进展")))
    new_dm(bot, zhang, before, "整改进展")
    heard = len(emu.sent(examiner.id))
    emu.send(zhang, "private", "已制定迁改方案")
    new_dm(bot, examiner, heard, "汇报进展：已制定迁改方案")
    assert state_of(bot, number) == "progress"

    before = len(emu.sent(zhang.id))
    emu.press(zhang, dm, button(dm, "申请销号"))
    new_dm(bot, zhang, before, "整改完成情况")
    heard = len(emu.sent(examiner.id))
    emu.send(zhang, "private", "管线已迁改完毕")
    ask_verify = new_dm(bot, examiner, heard, "申请销号：管线已迁改完毕")

    before = len(emu.sent(examiner.id))
    emu.press(examiner, ask_verify, button(ask_verify, "退回"))
    new_dm(bot, examiner, before, "退回")
    told = len(emu.sent(zhang.id))
    emu.send(examiner, "private", "缺现场照片")
    back = new_dm(bot, zhang, told, "退回整改（缺现场照片）")
    assert state_of(bot, number) == "progress" and "申请销号" in str(back["result"])

    heard = len(emu.sent(examiner.id))
    emu.send(zhang, "private", f"/done {number} 照片已补")
    ask_verify = new_dm(bot, examiner, heard, "申请销号：照片已补")
    told = len(emu.sent(zhang.id))
    answer = answer_of(bot, emu.press(examiner, ask_verify, button(ask_verify, "通过")))
    assert number in answer
    new_dm(bot, zhang, told, "核验通过，销号")
    assert state_of(bot, number) == "closed"

    stale = emu.press(zhang, dm, button(dm, "申请销号"))  # the first card still has it
    assert answer_of(bot, stale) == f"交办单 {number} 已销号，无需再提交。"
    history = ask(bot, examiner, "private", f"/order {number}", "办理记录")
    assert "已销号" in history and history.count("\n· ") == 6  # issue, progress, done, fail…


def test_the_review_is_asked_after_thirty_days_and_no_relapse_keeps_it_closed(
        emu, office, bot) -> None:
    _group, zhang, _li, examiner = office
    number = NUMBER.search(ask(bot, examiner, "private", "/rectify 张三 围挡破损",
                               "已下发问题交办单"))[0]
    emu.send(zhang, "private", f"/done {number} 已修复")
    new_dm(bot, examiner, 0, "申请销号：已修复")
    ask(bot, examiner, "private", f"/verify {number} pass 属实", "已核验通过")
    write(bot, "UPDATE rectification SET closed_at = ? WHERE number = ?",
          ("2026-11-01 01:00:00.000000", number))  # closed Sun Nov 1, 09:00 in Shanghai
    heard = len(emu.sent(examiner.id))
    assert jobs_run(bot, "order-reviews", "2026-11-30T09:05").startswith("sent 0,")
    assert jobs_run(bot, "order-reviews", "2026-12-01T09:05").startswith("sent 1,")
    assert jobs_run(bot, "order-reviews", "2026-12-01T09:35").startswith("sent 0,")
    [review] = emu.sent(examiner.id)[heard:]
    assert "回头看" in review["result"]["text"] and number in review["result"]["text"]
    told = len(emu.sent(zhang.id))
    emu.press(examiner, review, button(review, "无反弹"))
    new_dm(bot, zhang, told, "回头看：无反弹")
    assert bot.query("SELECT state, reviewed_at IS NOT NULL FROM rectification WHERE number = ?",
                     (number,)) == [("closed", 1)]


# --- simulated days --------------------------------------------------------------------------

D = date
# letter: (cadre, deadline); issued 2026-08-31 (set in the database after /rectify)
ORDERS = {"A": ("张三", D(2026, 9, 30)), "B": ("张三", D(2026, 10, 12)),
          "C": ("李四", D(2026, 10, 10)), "E": ("张三", D(2026, 9, 27))}
# day → what 张三 (reachable, by DM) gets, what the group gets for 李四 (unreachable), what the
# issuer's Monday list holds; hand-computed as in tests/test_order_reminders.py
DAYS = {
    D(2026, 9, 20): ("E:d7", "", ""),               # Sunday, 调休 working day
    D(2026, 9, 28): ("E:overdue", "", "E"),         # Monday list; E's due date was a Sunday
    D(2026, 9, 30): ("A:due E:overdue", "", ""),
    D(2026, 10, 5): ("", "", ""),                   # 国庆, a Monday: no list, no reminders
    D(2026, 10, 8): ("A:overdue B:d7 E:overdue", "C:d7", "AE"),  # the week's first working day
    D(2026, 10, 9): ("A:overdue E:overdue", "C:d1", ""),
    D(2026, 10, 10): ("A:overdue E:overdue", "C:due", ""),          # Saturday, 调休
    D(2026, 10, 11): ("", "", ""),                  # Sunday
    D(2026, 10, 12): ("A:overdue B:due E:overdue", "C:overdue", "ACE"),  # d1 was a Sunday
}
KINDS = (("还有", "d7"), ("明天到期", "d1"), ("今天到期", "due"), ("已逾期", "overdue"))


def kinds(texts: list[str], letters: dict[str, str]) -> str:
    """'A:d7 B:due' from reminder texts (one line per order)."""
    found = []
    for text in texts:
        for line in text.splitlines():
            number = NUMBER.search(line)
            if number and number[0] in letters:
                kind = next(k for word, k in KINDS if word in line)
                found.append(f"{letters[number[0]]}:{kind}")
    return " ".join(sorted(found))


def jobs_run_twice_at_once(bot: BotProcess, job: str, at: str) -> list[str]:
    """Two `frontline jobs run` processes for the same moment, started together."""
    procs = [subprocess.Popen([sys.executable, "-m", "bot.cli", "jobs", "run", job, "--at", at],
                              cwd=bot.workdir, env=bot.env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=60) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err[-2000:] for _out, err in outputs]
    return [out.strip() for out, _err in outputs]


def sent_count(line: str) -> int:
    return int(re.match(r"sent (\d+),", line)[1])


def test_reminders_over_representative_days_come_once_and_on_working_days(
        emu, office, bot) -> None:
    group, zhang, _li, examiner = office
    letters = {}
    for letter, (who, _deadline) in ORDERS.items():
        text = ask(bot, examiner, "private", f"/rectify {who} 问题{letter}", "已下发问题交办单")
        letters[NUMBER.search(text)[0]] = letter
    for number, letter in letters.items():  # issued 2026-08-31 09:00 Shanghai (01:00 UTC)
        write(bot, "UPDATE rectification SET created_at = ?, deadline = ? WHERE number = ?",
              ("2026-08-31 01:00:00.000000", ORDERS[letter][1].isoformat(), number))
    seen = {chat: len(emu.sent(chat)) for chat in (zhang.id, group.id, examiner.id)}
    got: dict[date, tuple[str, str, str]] = {}
    started = time.monotonic()
    for day in DAYS:
        pair = jobs_run_twice_at_once(bot, "order-reminders", f"{day.isoformat()}T09:05")
        again = jobs_run(bot, "order-reminders", f"{day.isoformat()}T09:35") \
            if day == D(2026, 10, 8) else "sent 0,"
        new = {}
        for chat in seen:
            calls = emu.sent(chat)[seen[chat]:]
            seen[chat] += len(calls)
            new[chat] = [c["result"]["text"] for c in calls]
        assert sum(map(sent_count, pair)) == sum(map(len, new.values())), (day, pair)
        assert sent_count(again) == 0, (day, again)
        assert len(new[zhang.id]) <= 1 and len(new[group.id]) <= 1, (day, new)
        assert len(new[examiner.id]) <= 1, (day, new)
        issuer = "".join(sorted(letters[n] for t in new[examiner.id]
                                for n in NUMBER.findall(t) if n in letters))
        got[day] = (kinds(new[zhang.id], letters), kinds(new[group.id], letters), issuer)
    elapsed = time.monotonic() - started
    assert got == DAYS, f"{len(DAYS)} days took {elapsed:.0f}s"

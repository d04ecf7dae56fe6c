"""Anonymous ratings end to end: the real `frontline run` process and the Bot API emulator.

The module's story: an admin sets up a project with its cadre and makes a rating link for the
cadre (link and PNG poster); a rater opens it in private and rates in three taps, then adds a
dimension, a comment and asks for 回访, and finishes; the 差评 reaches the examiner, who turns it
into an order with one tap; the cadre asks for close-out, the examiner passes it, and the rater
rates the fix. Each test checks one part, on what the emulator recorded and on the database.
"""

from __future__ import annotations

import io
import json
import os
import re
import urllib.request
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.fonts import MISSING_FONT_PACKAGE, cjk_font
from core.orders.rules import RATING_WORKDAYS, add_workdays

from .conftest import BOT_USERNAME, TOKEN, BotProcess
from .emulator import BotApiEmulator, TgObject
from .test_e2e import ask

pytestmark = pytest.mark.e2e

PROJECT = "城南快速路"
RATER_ID = 987654321012  # distinctive: searched for in the bot's files and output
COMMENT = "窗口只开一个，排队两小时"
NUMBER = re.compile(r"ZG-\d{4}-\d{4}")


def buttons(emu: BotApiEmulator, chat_id: int, message_id: int) -> dict[str, str]:
    """label → callback data of a bot message as it is now (after edits)."""
    msg = emu.message(chat_id, message_id) or {}
    rows = (msg.get("reply_markup") or {}).get("inline_keyboard", [])
    return {b["text"]: b["callback_data"] for row in rows for b in row}


def tap(bot: BotProcess, user: TgObject, chat_id: int, message_id: int, label: str,
        expect: str) -> str:
    """Press a button; wait until that message reads `expect`; its new text."""
    emu = bot.emu
    data = buttons(emu, chat_id, message_id).get(label)
    assert data, f"no button {label!r} on message {message_id}: {buttons(emu, chat_id, message_id)}"
    emu.press(user, (chat_id, message_id), data)
    return bot.wait(lambda e: expect in (t := (e.message(chat_id, message_id) or {})
                                         .get("text", "")) and t,
                    message=f"message {message_id} to read {expect!r} after {label!r}")


def new_message(bot: BotProcess, chat_id: int, expect: str, after: int = 0) -> TgObject:
    """Wait for a bot message to `chat_id` (past the first `after`) containing `expect`."""
    return bot.wait(lambda e: next((c["result"] for c in e.sent(chat_id)[after:]
                                    if expect in c["result"].get("text", "")), None),
                    message=f"a message with {expect!r} in chat {chat_id}")


def download(emu: BotApiEmulator, file_id: str) -> bytes:
    with urllib.request.urlopen(f"{emu.base_url}/bot{TOKEN}/getFile?file_id={file_id}",
                                timeout=5) as answer:
        path = json.load(answer)["result"]["file_path"]
    with urllib.request.urlopen(f"{emu.base_url}/file/bot{TOKEN}/{path}", timeout=5) as answer:
        return answer.read()


@dataclass
class Story:
    bot: BotProcess
    admin: TgObject
    rater: TgObject
    cadre: TgObject
    link_reply: str = ""
    url: str = ""
    poster: bytes = b""
    rows_before_third_tap: list = field(default_factory=list)
    rows_after_third_tap: list = field(default_factory=list)
    menu_after_followup: list[str] = field(default_factory=list)
    thanks: str = ""
    alert: TgObject | None = None
    issued: str = ""
    number: str = ""
    followup_ask: TgObject | None = None
    verdict_thanks: str = ""
    order_view: str = ""
    today: date = field(default_factory=lambda: datetime.now(ZoneInfo("Asia/Shanghai")).date())


@pytest.fixture(scope="module")
def story(bot: BotProcess, emu: BotApiEmulator, admin: TgObject) -> Story:
    """The whole story, in order; the tests read what it left behind."""
    ask(bot, admin, "private", "/domain add 项目建设", "已创建领域")
    ask(bot, admin, "private", f"/project add 项目建设 {PROJECT} 县交通局", "已创建项目")
    group = emu.group(f"{PROJECT}工作专班", creator=admin)
    emu.add_bot_to_group(group, by=admin, admin=True)
    ask(bot, admin, group, f"/bind {PROJECT}", "本群已绑定")
    cadre = emu.user("张三")
    emu.add_member(group, cadre, by=admin)
    ask(bot, cadre, group, "/register 张三 县交通局副局长", "已登记：张三")
    s = Story(bot, admin, emu.user("服务对象", user_id=RATER_ID), cadre)

    s.link_reply = ask(bot, admin, "private", "/ratelink 张三", "评价链接")
    s.url = re.search(rf"https://t\.me/{BOT_USERNAME}\?start=r_[A-Za-z0-9_-]+", s.link_reply)[0]
    if cjk_font() is not None:  # the poster needs a CJK font (tests/test_poster.py)
        [doc] = bot.wait(lambda e: e.sent(admin.id, "sendDocument"), message="the poster")
        s.poster = download(emu, doc["result"]["document"]["file_id"])

    # A phone at a service window: Start, who you are, the overall level.
    rater, chat = s.rater, s.rater.id
    emu.send(rater, "private", f"/start {s.url.split('?start=')[1]}")
    mid = new_message(bot, chat, "请问您是")["message_id"]
    tap(bot, rater, chat, mid, "群众", "总体评价")
    s.rows_before_third_tap = bot.query("SELECT kind, overall FROM rating")
    tap(bot, rater, chat, mid, "不满意", "服务意识")
    s.rows_after_third_tap = bot.query("SELECT kind, overall, rated_on FROM rating")
    # What follows is optional: one dimension, a comment, 回访, 完成.
    tap(bot, rater, chat, mid, "非常不满意", "担当作为")
    tap(bot, rater, chat, mid, "跳过其余", "点“完成”结束")
    tap(bot, rater, chat, mid, "写一句评价", "请直接发送您的评价")
    sent = len(emu.sent(chat))
    emu.send(rater, "private", COMMENT)
    mid = new_message(bot, chat, "评论已收到", after=sent)["message_id"]
    tap(bot, rater, chat, mid, "问题解决后通知我（回访）", "还可以写一句评价；")
    s.menu_after_followup = list(buttons(emu, chat, mid))
    s.thanks = tap(bot, rater, chat, mid, "完成", "感谢您的评价")

    # The examiner's side: the alert, one tap to an order.
    s.alert = new_message(bot, admin.id, "收到差评")
    before = len(emu.sent(admin.id))
    emu.press(admin, s.alert, buttons(emu, admin.id, s.alert["message_id"])["转为交办单"])
    s.issued = new_message(bot, admin.id, "已下发问题交办单", after=before)["text"]
    s.number = NUMBER.search(s.issued)[0]

    # Close-out, then the rater is asked about the fix.
    ask(bot, cadre, group, f"/done {s.number} 已增设两个窗口", s.number)
    ask(bot, admin, "private", f"/verify {s.number} pass 现场核实", s.number)
    s.followup_ask = new_message(bot, chat, "请您对整改结果作出评价")
    s.verdict_thanks = tap(bot, rater, chat, s.followup_ask["message_id"], "基本满意",
                           "已记录")
    s.order_view = ask(bot, admin, "private", f"/order {s.number}", "群众回访")
    return s


def test_ratelink_sends_the_link_and_a_png_poster_that_scans_back_to_it(story: Story) -> None:
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image

    assert "有效期至" in story.link_reply
    if not story.poster:
        reason = f"no CJK font installed (apt install {MISSING_FONT_PACKAGE})"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but {reason}")
        pytest.skip(reason)
    assert story.poster.startswith(b"\x89PNG\r\n\x1a\n")
    [code] = zxingcpp.read_barcodes(Image.open(io.BytesIO(story.poster)))
    assert code.text == story.url


def test_the_rating_is_recorded_at_the_third_tap(story: Story) -> None:
    assert story.rows_before_third_tap == []
    assert story.rows_after_third_tap == [("resident", 2, story.today.isoformat())]


def test_the_optional_steps_are_kept_with_the_rating(story: Story) -> None:
    [(service, duty, comment)] = story.bot.query("SELECT service, duty, comment FROM rating")
    assert (service, duty, comment) == (1, None, COMMENT)
    assert story.menu_after_followup == ["写一句评价", "完成"]
    assert "匿名" in story.thanks


def test_the_bad_rating_reaches_the_examiner_with_one_tap_to_an_order(story: Story) -> None:
    assert story.alert is not None
    text = story.alert["text"]
    assert "张三" in text and "总体评价：不满意" in text and COMMENT in text
    assert str(RATER_ID) not in json.dumps(story.alert, ensure_ascii=False)


def test_the_order_is_due_in_fifteen_working_days(story: Story) -> None:
    [(deadline, name, rating_id)] = story.bot.query(
        "SELECT r.deadline, p.name, r.rating_id FROM rectification r "
        "JOIN person p ON p.id = r.person_id WHERE r.number = ?", (story.number,))
    assert (name, rating_id) == ("张三", 1)
    assert deadline == add_workdays(story.today, RATING_WORKDAYS).isoformat()
    assert deadline in story.issued


def test_the_rater_rates_the_fix_and_order_shows_it(story: Story) -> None:
    assert story.followup_ask is not None and story.number in story.followup_ask["text"]
    assert "基本满意" in story.verdict_thanks
    assert "群众回访：基本满意" in story.order_view and "已销号" in story.order_view
    [(followup,)] = story.bot.query("SELECT followup FROM rectification WHERE number = ?",
                                    (story.number,))
    assert followup == "基本满意"


def test_the_contact_is_deleted_and_the_rater_is_no_person(story: Story) -> None:
    assert story.bot.query("SELECT COUNT(*) FROM rating_contact") == [(0,)]
    assert story.bot.query("SELECT COUNT(*) FROM rating_flow") == [(0,)]
    assert story.bot.query("SELECT COUNT(*) FROM person WHERE tg_id = ?", (RATER_ID,)) == [(0,)]


def test_the_rater_id_is_in_no_database_file_and_no_output(story: Story) -> None:
    width = (RATER_ID.bit_length() + 7) // 8
    forms = [str(RATER_ID).encode(), RATER_ID.to_bytes(width, "big"),
             RATER_ID.to_bytes(width, "little")]
    files = sorted(story.bot.workdir.glob("frontline.db*"))
    assert files
    for path in files:
        data = path.read_bytes()
        assert not [f for f in forms if f in data], path.name
    assert str(RATER_ID) not in story.bot.output()


def test_the_bot_made_no_call_telegram_would_refuse(story: Story, emu: BotApiEmulator) -> None:
    refused = [(c["method"], c["error"]["description"]) for c in emu.rejected]
    assert refused == []

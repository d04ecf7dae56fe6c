"""A cadre's year so far, built through the bot as people would: the world the file tests read."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import select
from telegram import User

from storage.tables import Membership
from tests.auxil.cast import ADMIN, CADRE, GROUP, setup_project
from tests.auxil.factories import button_press, make_message, make_user, message_update, private
from tests.auxil.offline import BOT

TZ = ZoneInfo("Asia/Shanghai")
BOT_USER = User(BOT["id"], BOT["first_name"], True, username=BOT["username"])
PROJECT, PERIOD = "城南快速路", "第一期"
SCRIPT = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("x")'
REPORT = f"#日报\n进度：40%\n完成：{SCRIPT}\n问题：{FORMULA}"
ORDER_TEXT = f"{FORMULA} 管线迁改滞后"


def say(chat, user, text: str, **kw):
    return message_update(make_message(chat, user, text, **kw))


def admin_says(text: str):
    return say(private(ADMIN), ADMIN, text)


def local(days_ago: int, hour: int = 10) -> datetime:
    """A moment `days_ago` days back at `hour` o'clock in the project's zone, as Telegram dates it."""
    day = datetime.now(TZ).date() - timedelta(days=days_ago)
    return datetime.combine(day, time(hour), TZ).astimezone(UTC)


async def press(h, user, sent, row: int) -> None:
    """Press the first button of `row` under a message the bot sent (or edited) to `user`."""
    keyboard = sent.params["reply_markup"]["inline_keyboard"]
    message = make_message(private(user), BOT_USER, sent.params.get("text", ""),
                           message_id=int(sent.params.get("message_id", 1)))
    await h.feed(button_press(user, message, keyboard[row][0]["callback_data"]))


async def rate(h, token: str, rater, level_row: int = 1) -> None:
    """Three taps: the r_ link, who I am (群众), the overall level (row 1: 满意, 4)."""
    await h.feed(say(private(rater), rater, f"/start r_{token}"))
    await press(h, rater, h.request.sent(chat_id=rater.id)[-1], 1)
    await press(h, rater, h.request.sent("editMessageText", chat_id=rater.id)[-1], level_row)


@dataclass
class Record:
    report: object  # the message with the markup and the formula in it
    order: str  # the order number


async def build_record(h, *, raters: int = 5, close: bool = True) -> Record:
    """张三 of 城南快速路: a period, a milestone, reports, ratings, an order with its history,
    a note, a grade, a starred report; the period closed (so 一般 puts him in 三期管理)."""
    await setup_project(h)
    today = datetime.now(TZ).date()
    start, end = today - timedelta(days=40), today + timedelta(days=40)
    await h.feed(admin_says(f"/period open {PERIOD} {start} {end} {PROJECT}"))
    with h.db.session() as session:  # on the roster since the period began: 2 reports in it
        for member in session.exec(select(Membership)):
            member.joined_at = datetime.combine(start, time(9), TZ)
            session.add(member)
    await h.feed(admin_says(f"/milestone add {PROJECT} {today + timedelta(days=10)} 完成征迁 张三"))
    report = make_message(GROUP, CADRE, REPORT, date=local(1))
    await h.feed(message_update(report),
                 message_update(make_message(GROUP, CADRE, "#日报 进度：20%\n完成：签约3户",
                                             date=local(33))))
    if raters:
        await h.feed(admin_says("/ratelink 张三"))
        token = re.search(r"start=r_([\w-]+)", h.last(ADMIN.id))[1]
        for i in range(raters):
            await rate(h, token, make_user(9000 + i, f"群众{i}"))
    await h.feed(admin_says(f"/rectify 张三 {ORDER_TEXT}"))
    order = re.search(r"ZG-\d{4}-\d{4}", h.last(ADMIN.id))[0]
    await h.feed(say(private(CADRE), CADRE, f"/progress {order} 已开始管线迁改"))
    await h.feed(admin_says("/note 张三 -3 现场走访<b>迟到</b>"))
    await h.feed(admin_says("/grade 张三 40 需加强"))
    await h.feed(say(GROUP, ADMIN, "/star", reply_to=report))
    if close:
        await h.feed(admin_says("/period close"))
    h.request.clear()
    return Record(report, order)

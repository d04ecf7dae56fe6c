"""Raters in the harness: open a rating link, tap through the flow, read the bot's questions."""

from __future__ import annotations

import itertools
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date

from sqlmodel import select
from telegram import Message, User

from bot.app import Runtime
from scheduler.limits import Limits
from storage import migrate
from storage.db import Database
from storage.tables import Period, PeriodProject, Project
from tests.auxil.factories import (
    button_press,
    make_message,
    make_user,
    message_update,
    private,
)
from tests.auxil.offline import OfflineRequest, Recorded
from tests.conftest import Harness, make_settings

LEVELS = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}
KINDS = {"enterprise": "企业", "resident": "群众", "other": "其他服务对象"}
TOKEN = re.compile(r"start=r_([A-Za-z0-9_-]+)")


@asynccontextmanager
async def bot_with(url: str, **overrides: object) -> AsyncIterator[Harness]:
    """The harness's bot with settings changed (e.g. frontline_anon_min=3)."""
    database = Database(url)
    migrate.upgrade(database)
    offline = OfflineRequest()
    async with Runtime(make_settings(url, **overrides), database, request=offline,
                       shared=False) as runtime:  # as the harness: paced in memory
        runtime.sender.limits = Limits(chat_gap=0.0)
        harness = Harness(runtime, offline)
        yield harness
    database.dispose()
    harness.check_presses()


def say(user: User, text: str, chat=None):  # type: ignore[no-untyped-def]
    return message_update(make_message(chat or private(user), user, text))


async def ratelink(h: Harness, examiner: User, target: str) -> str:
    """/ratelink <target> in private; the token of the link the bot answered with."""
    await h.feed(say(examiner, f"/ratelink {target}"))
    found = TOKEN.search(h.last(examiner.id))
    assert found, h.last(examiner.id)
    return found[1]


def question(h: Harness, chat_id: int) -> Recorded:
    """The bot's latest message (sent or edited) in a chat."""
    calls = [c for c in h.request.calls if c.chat_id == chat_id
             and c.method in ("sendMessage", "editMessageText")]
    assert calls, f"nothing sent to {chat_id}: {[c.method for c in h.request.calls]}"
    return calls[-1]


def labels(call: Recorded) -> list[str]:
    markup = call.params.get("reply_markup") or {}
    return [b["text"] for row in markup.get("inline_keyboard", []) for b in row]


def data_of(call: Recorded, label: str) -> str:
    markup = call.params.get("reply_markup") or {}
    for row in markup.get("inline_keyboard", []):
        for button in row:
            if button["text"] == label:
                return button["callback_data"]
    raise AssertionError(f"no button {label!r} in {labels(call)}")


def bot_message(h: Harness, call: Recorded, chat) -> Message:  # type: ignore[no-untyped-def]
    """The bot's message a call produced, as a callback query carries it."""
    return make_message(chat, h.runtime.app.bot.bot, call.text,
                        message_id=int(call.params.get("message_id", 1)))


async def press_data(h: Harness, user: User, call: Recorded, data: str, chat=None) -> None:  # type: ignore[no-untyped-def]
    await h.feed(button_press(user, bot_message(h, call, chat or private(user)), data))


async def tap(h: Harness, user: User, label: str) -> Recorded:
    """Press the button labelled `label` on the bot's latest message to `user`; the press's
    message, for replaying it later."""
    call = question(h, user.id)
    await press_data(h, user, call, data_of(call, label))
    return call


async def rate(h: Harness, rater: User, token: str, level: int = 4, *, kind: str = "enterprise",
               dims: tuple[int | None, ...] = (), comment: str | None = None,
               followup: bool = False, finish: bool = True) -> None:
    """The whole flow: Start, who you are, the overall level, dimensions, comment, 回访, 完成."""
    await h.feed(say(rater, f"/start r_{token}"))
    await tap(h, rater, KINDS[kind])
    await tap(h, rater, LEVELS[level])
    if not (dims or comment is not None or followup or finish):
        return  # three taps: the rating is recorded, the rest is optional
    for dim in dims:
        await tap(h, rater, "跳过" if dim is None else LEVELS[dim])
    if len(dims) < 4:
        await tap(h, rater, "跳过其余")
    if comment is not None:
        await tap(h, rater, "写一句评价")
        await h.feed(say(rater, comment))
    if followup:
        await tap(h, rater, "问题解决后通知我（回访）")
    if finish:
        await tap(h, rater, "完成")


_rater_ids = itertools.count(5_000_000_001)


def new_rater(name: str = "服务对象") -> User:
    return make_user(next(_rater_ids), name)


async def crowd(h: Harness, token: str, count: int, level: int = 4, **flow: object
                ) -> list[User]:
    """`count` new raters each rate through the link (three taps unless told more)."""
    raters = [new_rater() for _ in range(count)]
    flow.setdefault("finish", False)
    for rater in raters:
        await rate(h, rater, token, level, **flow)  # type: ignore[arg-type]
    return raters


def open_period(h: Harness, project: str, start: date, end: date, theme: str = "重点项目攻坚"
                ) -> int:
    """Open a 考察期 over `project` directly in the database; its id."""
    with h.db.session() as s:
        project_id = s.exec(select(Project.id).where(Project.name == project)).one()
        period = Period(theme=theme, start=start, end=end)
        s.add(period)
        s.flush()
        s.add(PeriodProject(period_id=period.id, project_id=project_id))
        return period.id  # type: ignore[return-value]

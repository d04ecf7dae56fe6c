"""A district for rectification-order tests, set up through the bot as its users would."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import func, select

from storage.tables import Rectification, RectificationEvent
from tests.auxil.cast import ADMIN, CADRE, GROUP, setup_project
from tests.auxil.factories import make_group, make_message, make_user, message_update, private

OTHER = make_user(2002, "李四", "lisi")            # another cadre of the same project
EXAMINER = make_user(4001, "考察员甲", "kaocha")    # examiner of 城南快速路
FOREIGN = make_user(4002, "考察员乙", "beiqu")      # examiner of 北区学校 only
STRANGER = make_user(3001, "王五")                  # nobody to the bot
NORTH = make_group(-100777, "北区学校群")
PROJECT = "城南快速路"

__all__ = ["ADMIN", "CADRE", "EXAMINER", "FOREIGN", "GROUP", "NORTH", "OTHER", "PROJECT",
           "STRANGER", "Snapshot", "buttons", "data_of", "order", "say", "setup_orders",
           "snapshot"]


def say(chat, user, text, **kw):  # type: ignore[no-untyped-def]
    return message_update(make_message(chat, user, text, **kw))


async def setup_orders(h, *, reachable=(CADRE, EXAMINER)) -> None:  # type: ignore[no-untyped-def]
    """城南快速路 (group GROUP, cadres 张三 and 李四), 北区学校 (its own examiner)."""
    await setup_project(h, cadres=(CADRE, OTHER))
    for text in ("/project add 项目建设 北区学校", f"/grant examiner {EXAMINER.id} {PROJECT}",
                 f"/grant examiner {FOREIGN.id} 北区学校"):
        await h.feed(say(private(ADMIN), ADMIN, text))
    await h.feed(say(NORTH, ADMIN, "/bind 北区学校"))
    for user in reachable:  # writing to the bot in private makes one reachable for DMs
        await h.feed(say(private(user), user, "/whoami"))
    h.request.clear()


async def issue(h, text: str = "管线迁改滞后", *, by=EXAMINER, chat=None,  # type: ignore[no-untyped-def]
                deadline: str = "") -> Rectification:
    """The examiner issues an order to 张三; returns it (the newest order)."""
    words = " ".join(w for w in ("/rectify 张三", deadline, text) if w)
    await h.feed(say(chat or private(by), by, words))
    return order(h)


def order(h, number: str | None = None) -> Rectification:  # type: ignore[no-untyped-def]
    with h.db.session(write=False) as s:
        stmt = select(Rectification).order_by(Rectification.id.desc())  # type: ignore[union-attr]
        if number:
            stmt = select(Rectification).where(Rectification.number == number)
        found = s.exec(stmt).first()
        assert found is not None, "no order was created"
        return found


def orders_count(h) -> int:  # type: ignore[no-untyped-def]
    with h.db.session(write=False) as s:
        return s.exec(select(func.count()).select_from(Rectification)).one()


@dataclass(frozen=True)
class Snapshot:
    """What a refused command must leave untouched."""

    orders: int
    state: str
    events: int
    closed: bool


def snapshot(h, number: str) -> Snapshot:  # type: ignore[no-untyped-def]
    with h.db.session(write=False) as s:
        row = s.exec(select(Rectification).where(Rectification.number == number)).one()
        events = s.exec(select(func.count()).select_from(RectificationEvent)
                        .where(RectificationEvent.order_id == row.id)).one()
        total = s.exec(select(func.count()).select_from(Rectification)).one()
        return Snapshot(total, row.state, events, row.closed_at is not None)


def set_deadline(h, number: str, day: date) -> None:  # type: ignore[no-untyped-def]
    with h.db.session() as s:
        row = s.exec(select(Rectification).where(Rectification.number == number)).one()
        row.deadline = day
        s.add(row)


def buttons(call) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(label, callback data) of a recorded sendMessage's inline keyboard."""
    markup = call.params.get("reply_markup") or {}
    if not isinstance(markup, dict):
        markup = markup.to_dict()
    return [(b["text"], b["callback_data"]) for row in markup.get("inline_keyboard", [])
            for b in row]


def data_of(call, label: str) -> str:  # type: ignore[no-untyped-def]
    found = [d for text, d in buttons(call) if text == label]
    assert found, f"no button {label!r} in {buttons(call)}"
    return found[0]


def today() -> date:
    """Today where the bot counts it (FRONTLINE_TZ, Asia/Shanghai by default)."""
    return datetime.now(ZoneInfo("Asia/Shanghai")).date()


def in_days(n: int) -> date:
    return today() + timedelta(days=n)

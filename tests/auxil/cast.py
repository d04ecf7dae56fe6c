"""The usual cast: an admin, a cadre, their group, an examiner, and one bound project."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from tests.auxil.factories import (
    make_group,
    make_message,
    make_user,
    message_update,
    private,
)
from tests.conftest import ADMIN_ID

ADMIN = make_user(ADMIN_ID, "组织部")


CADRE = make_user(2001, "张三", "zhangsan")


GROUP = make_group()


async def setup_project(h, group=GROUP, cadres=(CADRE,)) -> None:
    await h.feed(message_update(make_message(private(ADMIN), ADMIN, "/domain add 项目建设")))
    await h.feed(message_update(make_message(private(ADMIN), ADMIN,
                                             "/project add 项目建设 城南快速路 县交通局")))
    await h.feed(message_update(make_message(group, ADMIN, "/bind 城南快速路")))
    for i, cadre in enumerate(cadres):
        await h.feed(message_update(make_message(group, cadre, f"/register {cadre.first_name} 职务{i}")))
    h.request.clear()


EXAMINER = make_user(4001, "考察员甲", "kaocha")


PROJECT = "城南快速路"


def today():  # type: ignore[no-untyped-def]
    return datetime.now(ZoneInfo("Asia/Shanghai")).date()

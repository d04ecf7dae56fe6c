"""An examiner limited to a project sees a cadre's record within that project only (SPEC §2)."""

from __future__ import annotations

from tests.auxil.cast import ADMIN, CADRE, GROUP, setup_project
from tests.auxil.factories import make_group, make_user, private
from tests.auxil.order_world import say

NORTH = make_group(-100777, "北区学校群")
LIMITED = make_user(4001, "考察员甲", "kaocha")


async def two_projects(h) -> None:  # type: ignore[no-untyped-def]
    """张三 works on 城南快速路 and on 北区学校; the examiner assesses 城南快速路 only."""
    await setup_project(h)
    await h.feed(say(private(ADMIN), ADMIN, "/project add 项目建设 北区学校"))
    await h.feed(say(NORTH, ADMIN, "/bind 北区学校"))
    await h.feed(say(NORTH, CADRE, "/register 张三 职务0"))
    await h.feed(say(private(ADMIN), ADMIN, f"/grant examiner {LIMITED.id} 城南快速路"))
    await h.feed(say(GROUP, CADRE, "#日报 完成：城南签约3户\n问题：城南管线滞后"))
    await h.feed(say(NORTH, CADRE, "#日报 完成：北区校舍封顶\n问题：北区资金未到"))
    h.request.clear()


async def test_cadre_brief_shows_only_the_examiners_project(harness) -> None:
    await two_projects(harness)
    await harness.feed(say(private(LIMITED), LIMITED, "/cadre 张三"))
    text = harness.last(LIMITED.id)
    assert "城南签约3户" in text and "城南管线滞后" in text
    assert "北区" not in text


async def test_dossier_shows_only_the_examiners_project(harness) -> None:
    await two_projects(harness)
    await harness.feed(say(private(LIMITED), LIMITED, "/dossier 张三"))
    files = harness.request.documents("sendDocument", LIMITED.id)
    html = next(data for name, data in files if name.endswith(".html")).decode()
    assert "城南签约3户" in html and "北区" not in html


async def test_an_admin_sees_both_projects(harness) -> None:
    await two_projects(harness)
    await harness.feed(say(private(ADMIN), ADMIN, "/cadre 张三"))
    text = harness.last(ADMIN.id)
    assert "城南签约3户" in text and "北区校舍封顶" in text

"""/ratings through the real Application: thresholds, breakdowns, windows and differencing
(SPEC §6). Raters take the three taps (and what a test adds); views show released snapshots.
"""

from __future__ import annotations

import re
from datetime import timedelta

from tests.auxil.cast import ADMIN, CADRE, PROJECT, setup_project, today
from tests.auxil.raters import bot_with, crowd, open_period, ratelink, say
from tests.conftest import Harness

NOT_ENOUGH = "评价不足 5 条，暂不显示"


async def ratings(h: Harness, args: str = PROJECT) -> str:
    await h.feed(say(ADMIN, f"/ratings {args}".strip()))
    return h.last(ADMIN.id)


def own(text: str) -> str:
    """The project-as-a-whole line of a /ratings answer."""
    return next(line for line in text.splitlines() if line.startswith("项目整体："))[5:]


def cadre(text: str, name: str = "张三") -> str:
    return next(line for line in text.splitlines() if line.startswith(f"· {name}："))[3 + len(name):]


def comments(text: str) -> list[str]:
    return re.findall(r"「(.*?)」", text)




async def project_link(h: Harness) -> str:
    await setup_project(h)
    return await ratelink(h, ADMIN, PROJECT)


async def test_four_ratings_are_not_shown_and_the_fifth_shows_five(harness) -> None:  # type: ignore[no-untyped-def]
    token = await project_link(harness)
    await crowd(harness, token, 4)
    assert own(await ratings(harness)) == NOT_ENOUGH
    await crowd(harness, token, 1)
    assert own(await ratings(harness)).startswith("共 5 条，平均 4.00 / 5（非常满意 0 · 满意 5 ·")


async def test_with_anon_min_three_the_third_rating_shows_three(tmp_path) -> None:  # type: ignore[no-untyped-def]
    async with bot_with(f"sqlite:///{tmp_path}/f.db", frontline_anon_min=3) as h:
        token = await project_link(h)
        await crowd(h, token, 2, level=5)
        assert own(await ratings(h)) == "评价不足 3 条，暂不显示"
        await crowd(h, token, 1, level=2)
        assert own(await ratings(h)).startswith("共 3 条，平均 4.00")


async def test_the_sixth_to_ninth_ratings_change_nothing_until_the_tenth(harness) -> None:  # type: ignore[no-untyped-def]
    token = await project_link(harness)
    await crowd(harness, token, 5, level=4)
    before = await ratings(harness)
    for _ in range(4):
        await crowd(harness, token, 1, level=1)
        assert await ratings(harness) == before
    await crowd(harness, token, 1, level=1)
    assert own(await ratings(harness)).startswith("共 10 条，平均 2.50")


async def test_kinds_are_not_broken_down_when_one_kind_is_short(harness) -> None:  # type: ignore[no-untyped-def]
    token = await project_link(harness)
    await crowd(harness, token, 6, kind="enterprise")
    await crowd(harness, token, 4, kind="resident")
    text = await ratings(harness)
    assert own(text).startswith("共 10 条") and "按评价人" not in text


async def test_kinds_are_broken_down_when_each_kind_has_enough(harness) -> None:  # type: ignore[no-untyped-def]
    token = await project_link(harness)
    await crowd(harness, token, 5, level=5, kind="enterprise")
    await crowd(harness, token, 5, level=3, kind="resident")
    assert "按评价人：企业 5 条 5.00 · 群众 5 条 3.00" in await ratings(harness)


async def test_dimensions_are_not_shown_when_one_dimension_is_short(tmp_path) -> None:  # type: ignore[no-untyped-def]
    async with bot_with(f"sqlite:///{tmp_path}/f.db", frontline_anon_min=3) as h:
        token = await project_link(h)
        await crowd(h, token, 2, dims=(5, 4, 3, 2))
        await crowd(h, token, 4, dims=(5, 4, 3, None))  # 廉洁自律 skipped
        text = await ratings(h)
        assert own(text).startswith("共 6 条") and "分项" not in text


async def test_dimensions_are_shown_when_each_has_enough(tmp_path) -> None:  # type: ignore[no-untyped-def]
    async with bot_with(f"sqlite:///{tmp_path}/f.db", frontline_anon_min=3) as h:
        token = await project_link(h)
        await crowd(h, token, 6, dims=(5, 4, 3, 2))
        assert "分项（满分 5）：服务意识 5.00 · 担当作为 4.00 · 解决问题 3.00 · 廉洁自律 2.00" \
            in await ratings(h)


async def test_a_periods_ratings_never_show_in_the_month(harness) -> None:  # type: ignore[no-untyped-def]
    token = await project_link(harness)
    open_period(harness, PROJECT, today() - timedelta(days=2), today() + timedelta(days=30))
    await crowd(harness, token, 5)
    period = await ratings(harness)
    assert "重点项目攻坚" in period.splitlines()[0] and own(period).startswith("共 5 条")
    assert own(await ratings(harness, f"{PROJECT} month")) == NOT_ENOUGH


async def test_a_months_ratings_never_show_in_the_period(harness) -> None:  # type: ignore[no-untyped-def]
    token = await project_link(harness)
    await crowd(harness, token, 5, level=5)
    open_period(harness, PROJECT, today() - timedelta(days=2), today() + timedelta(days=30))
    await crowd(harness, token, 4, level=1)
    assert own(await ratings(harness)) == NOT_ENOUGH  # the open period: 4 ratings
    await crowd(harness, token, 1, level=1)
    assert own(await ratings(harness)).startswith("共 5 条，平均 1.00")
    month = await ratings(harness, f"{PROJECT} month")
    assert own(month).startswith("共 5 条，平均 5.00")
    assert own(await ratings(harness, f"{PROJECT} {today():%Y-%m}")) == own(month)


async def test_project_and_person_ratings_are_counted_apart(harness) -> None:  # type: ignore[no-untyped-def]
    project = await project_link(harness)
    person = await ratelink(harness, ADMIN, "张三")
    await crowd(harness, project, 5, level=5)
    await crowd(harness, person, 4, level=1)
    text = await ratings(harness)
    assert own(text).startswith("共 5 条，平均 5.00") and cadre(text) == NOT_ENOUGH
    await crowd(harness, person, 1, level=1)
    text = await ratings(harness)
    assert own(text).startswith("共 5 条，平均 5.00")
    assert cadre(text).startswith("共 5 条，平均 1.00")
    assert cadre(await ratings(harness, "张三")) == cadre(text)


async def test_comments_below_their_threshold_are_not_shown(tmp_path) -> None:  # type: ignore[no-untyped-def]
    async with bot_with(f"sqlite:///{tmp_path}/f.db", frontline_anon_min=3,
                        frontline_anon_min_comments=4) as h:
        token = await project_link(h)
        for text in ("一", "二", "三"):
            await crowd(h, token, 1, comment=f"意见{text}")
        await crowd(h, token, 3)
        answer = await ratings(h)
        assert own(answer).startswith("共 6 条") and comments(answer) == []
        assert "评论满 4 条才显示" in answer


async def test_comments_at_their_threshold_are_shown_without_dates_in_varying_order(
        tmp_path) -> None:  # type: ignore[no-untyped-def]
    async with bot_with(f"sqlite:///{tmp_path}/f.db", frontline_anon_min=3,
                        frontline_anon_min_comments=4) as h:
        token = await project_link(h)
        texts = ["窗口热情", "办事快", "材料一次说清", "还要改进"]
        for text in texts:
            await crowd(h, token, 1, comment=text)
        await crowd(h, token, 2)
        answers = [await ratings(h) for _ in range(12)]
        assert all(sorted(comments(a)) == sorted(texts) for a in answers)
        assert len({tuple(comments(a)) for a in answers}) > 1
        assert not any(re.search(r"\d{4}-\d{2}-\d{2}|\d{1,2}月\d{1,2}日|\d{2}:\d{2}", a)
                       for a in answers)


async def test_a_cadre_cannot_read_ratings(harness) -> None:  # type: ignore[no-untyped-def]
    token = await project_link(harness)
    await crowd(harness, token, 5)
    await harness.feed(say(CADRE, f"/ratings {PROJECT}"))
    [answer] = harness.texts(CADRE.id)
    assert "考察员" in answer and "共 5 条" not in answer


async def test_a_closed_periods_ratings_are_shown_by_its_theme(harness) -> None:  # type: ignore[no-untyped-def]
    from storage.tables import Period

    token = await project_link(harness)
    period_id = open_period(harness, PROJECT, today() - timedelta(days=2),
                            today() + timedelta(days=30), theme="春季攻坚")
    await crowd(harness, token, 5, level=2)
    with harness.db.session() as s:
        s.get(Period, period_id).status = "closed"
    assert own(await ratings(harness)) == NOT_ENOUGH  # the month, now: nothing yet
    closed = await ratings(harness, f"{PROJECT} 春季攻坚")
    assert "春季攻坚" in closed.splitlines()[0] and own(closed).startswith("共 5 条，平均 2.00")
    assert own(await ratings(harness, "春季攻坚")) == own(closed)  # a lone theme is a window

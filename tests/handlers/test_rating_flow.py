"""The rater's flow and its links through the real Application (SPEC §6): three taps, one
line for every refusal, one rating per window, and 差评 → 交办单."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from core.orders.rules import RATING_WORKDAYS, add_workdays
from storage.tables import Membership, Person, Rating, RatingFlow, RatingLink, Rectification
from tests.auxil.cast import ADMIN, CADRE, PROJECT, setup_project, today
from tests.auxil.factories import make_user
from tests.auxil.raters import (
    LEVELS,
    crowd,
    data_of,
    labels,
    new_rater,
    press_data,
    question,
    rate,
    ratelink,
    say,
    tap,
)
from tests.conftest import Harness

STALE = "这个按钮已失效：请重新打开评价链接。"


def rows(h: Harness, model, *where):  # type: ignore[no-untyped-def]
    with h.db.session(write=False) as s:
        return list(s.exec(select(model).where(*where)))


async def link(h: Harness, target: str = PROJECT) -> str:
    """A project with its cadre 张三, and a rating link; the transcript starts empty."""
    await setup_project(h)
    token = await ratelink(h, ADMIN, target)
    h.request.clear()
    return token


def answers(h: Harness) -> list[str]:
    return [c.params.get("text", "") for c in h.request.sent("answerCallbackQuery")]


async def test_ratelink_answers_with_the_link_then_the_poster(harness) -> None:  # type: ignore[no-untyped-def]
    await setup_project(harness)
    token = await ratelink(harness, ADMIN, PROJECT)
    [made] = harness.texts(ADMIN.id)
    assert f"https://t.me/frontline_bot?start=r_{token}" in made and "有效期至" in made
    if harness.runtime.app.bot_data.font is None:  # no CJK font here: the link says why
        assert "fonts-noto-cjk" in made
    else:
        assert [c.method for c in harness.request.calls] == ["sendMessage", "sendDocument"]
    [(expires,)] = [(r.expires_at,) for r in rows(harness, RatingLink)]
    assert (expires.date() - today()).days in (89, 90)


async def test_the_rating_is_recorded_at_the_third_tap(harness) -> None:  # type: ignore[no-untyped-def]
    token = await link(harness)
    rater = new_rater()
    await harness.feed(say(rater, f"/start r_{token}"))
    assert labels(question(harness, rater.id)) == ["企业", "群众", "其他服务对象"]
    await tap(harness, rater, "群众")
    assert labels(question(harness, rater.id)) == list(LEVELS.values())
    assert rows(harness, Rating) == []
    await tap(harness, rater, "满意")
    [rating] = rows(harness, Rating)
    assert (rating.kind, rating.overall, rating.rated_on) == ("resident", 4, today())
    assert answers(harness)[-1] == "已记录，谢谢！"
    assert "已记录" in question(harness, rater.id).text


async def test_rating_again_in_the_same_window_replaces_the_earlier_one(harness) -> None:  # type: ignore[no-untyped-def]
    token = await link(harness)
    [first, *_] = await crowd(harness, token, 5, level=4)
    await rate(harness, first, token, 1, kind="resident", finish=False)
    ratings = rows(harness, Rating)
    assert len(ratings) == 5
    assert sorted((r.kind, r.overall) for r in ratings)[0] == ("enterprise", 4)
    assert ("resident", 1) in {(r.kind, r.overall) for r in ratings}
    await harness.feed(say(ADMIN, f"/ratings {PROJECT}"))
    assert "共 5 条，平均 4.00" in harness.last(ADMIN.id)


async def test_the_twenty_first_rating_of_the_day_gets_one_line(harness) -> None:  # type: ignore[no-untyped-def]
    token = await link(harness)
    rater = new_rater()
    for _ in range(20):
        await rate(harness, rater, token, 4, finish=False)
    harness.request.clear()
    await harness.feed(say(rater, f"/start r_{token}"))
    [line] = harness.request.calls
    assert line.text == "今天的评价次数已达上限（20 次），请明天再来。"
    assert "reply_markup" not in line.params
    assert len(rows(harness, Rating)) == 1


async def test_an_expired_link_says_so_in_one_line(harness) -> None:  # type: ignore[no-untyped-def]
    token = await link(harness)
    with harness.db.session() as s:
        found = s.exec(select(RatingLink)).one()
        found.expires_at = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
        s.add(found)
    rater = new_rater()
    await harness.feed(say(rater, f"/start r_{token}"))
    [line] = harness.request.sent(chat_id=rater.id)
    assert line.text == "这个评价链接已于 2025-03-01 过期：请向工作人员索取新链接。"
    assert "reply_markup" not in line.params


async def test_a_revoked_link_says_so_in_one_line(harness) -> None:  # type: ignore[no-untyped-def]
    token = await link(harness)
    await harness.feed(say(ADMIN, f"/ratelink revoke {PROJECT}"))
    assert "已停用 城南快速路 的 1 个评价链接" in harness.last(ADMIN.id)
    rater = new_rater()
    await harness.feed(say(rater, f"/start r_{token}"))
    [line] = harness.request.sent(chat_id=rater.id)
    assert line.text == "这个评价链接已停用：请向工作人员索取新链接。"


async def test_a_link_revoked_during_the_flow_refuses_the_overall_tap(harness) -> None:  # type: ignore[no-untyped-def]
    token = await link(harness)
    rater = new_rater()
    await harness.feed(say(rater, f"/start r_{token}"))
    await tap(harness, rater, "企业")
    await harness.feed(say(ADMIN, f"/ratelink revoke {PROJECT}"))
    await tap(harness, rater, "满意")
    assert answers(harness)[-1] == "这个评价链接已停用：请向工作人员索取新链接。"
    assert rows(harness, Rating) == []


async def test_an_unknown_link_says_so_in_one_line(harness) -> None:  # type: ignore[no-untyped-def]
    await link(harness)
    rater = new_rater()
    await harness.feed(say(rater, "/start r_AAAAAAAAAAAAAAAAAAAAAAAA"))
    assert harness.texts(rater.id) == ["这个评价链接无效：请重新扫描二维码，或向工作人员索取新链接。"]


async def test_each_bad_link_of_the_day_gets_its_line(harness) -> None:  # type: ignore[no-untyped-def]
    token = await link(harness)
    await harness.feed(say(ADMIN, f"/ratelink revoke {PROJECT}"))
    rater = new_rater()
    await harness.feed(say(rater, "/start r_AAAAAAAAAAAAAAAAAAAAAAAA"))
    await harness.feed(say(rater, f"/start r_{token}"))
    assert [t[:9] for t in harness.texts(rater.id)] == ["这个评价链接无效：", "这个评价链接已停用"]


async def test_a_too_long_comment_gets_one_line_after_an_earlier_mistake(harness) -> None:  # type: ignore[no-untyped-def]
    token = await link(harness)
    rater = new_rater()
    await harness.feed(say(rater, "/start r_AAAAAAAAAAAAAAAAAAAAAAAA"))
    await rate(harness, rater, token, 4, finish=False)
    await tap(harness, rater, "跳过其余")
    await tap(harness, rater, "写一句评价")
    await harness.feed(say(rater, "长" * 501))
    assert harness.last(rater.id) == "评价太长（上限 500 字），请精简后重新发送。"
    await harness.feed(say(rater, "短一点"))
    assert "评论已收到" in harness.last(rater.id)
    assert [r.comment for r in rows(harness, Rating)] == ["短一点"]


async def test_a_cadre_of_the_rated_project_is_refused_without_detail(harness) -> None:  # type: ignore[no-untyped-def]
    token = await link(harness, "张三")
    await harness.feed(say(CADRE, f"/start r_{token}"))
    assert harness.texts(CADRE.id) == ["您不能参与此项评价。"]
    assert rows(harness, RatingFlow) == [] and rows(harness, Rating) == []


async def test_a_forged_button_gets_one_line(harness) -> None:  # type: ignore[no-untyped-def]
    token = await link(harness)
    rater = new_rater()
    await harness.feed(say(rater, f"/start r_{token}"))
    call = question(harness, rater.id)
    nonce = data_of(call, "企业").split(":")[1]
    harness.request.clear()
    await press_data(harness, rater, call, f"rt:{nonce}:2:1:0123456789")
    assert answers(harness) == ["这个按钮不起作用（已失效或无法识别），按下不会做任何事：请重新发起操作。"]
    assert [c.method for c in harness.request.calls] == ["answerCallbackQuery"]
    assert rows(harness, Rating) == []


async def test_a_replayed_button_gets_one_line_and_changes_nothing(harness) -> None:  # type: ignore[no-untyped-def]
    token = await link(harness)
    rater = new_rater()
    await harness.feed(say(rater, f"/start r_{token}"))
    await tap(harness, rater, "企业")
    overall = await tap(harness, rater, "非常满意")
    harness.request.clear()
    await press_data(harness, rater, overall, data_of(overall, "非常不满意"))
    assert answers(harness) == [STALE]
    assert [c.method for c in harness.request.calls] == ["answerCallbackQuery"]
    [rating] = rows(harness, Rating)
    assert rating.overall == 5


async def test_a_stale_flow_gets_one_line(harness) -> None:  # type: ignore[no-untyped-def]
    token = await link(harness)
    rater = new_rater()
    await harness.feed(say(rater, f"/start r_{token}"))
    with harness.db.session() as s:
        flow = s.exec(select(RatingFlow)).one()
        flow.expires_at = datetime(2025, 1, 1, tzinfo=UTC)
        s.add(flow)
    await tap(harness, rater, "企业")
    assert answers(harness) == [STALE]


async def test_another_user_cannot_press_a_raters_buttons(harness) -> None:  # type: ignore[no-untyped-def]
    token = await link(harness)
    rater, other = new_rater(), new_rater()
    await harness.feed(say(rater, f"/start r_{token}"))
    await tap(harness, rater, "企业")
    call = question(harness, rater.id)
    await press_data(harness, other, call, data_of(call, "非常不满意"))
    assert answers(harness)[-1] == STALE and rows(harness, Rating) == []


async def test_a_good_rating_offers_no_followup_and_alerts_nobody(harness) -> None:  # type: ignore[no-untyped-def]
    token = await link(harness)
    rater = new_rater()
    await rate(harness, rater, token, 3, finish=False, dims=(3,))
    assert labels(question(harness, rater.id)) == ["写一句评价", "完成"]
    await tap(harness, rater, "完成")
    assert harness.texts(ADMIN.id) == []


async def test_a_bad_rating_alerts_once_the_rater_is_done(harness) -> None:  # type: ignore[no-untyped-def]
    token = await link(harness)
    rater = new_rater()
    await rate(harness, rater, token, 2, finish=False)
    assert harness.texts(ADMIN.id) == []  # it waits for the optional steps
    await tap(harness, rater, "跳过其余")
    await tap(harness, rater, "写一句评价")
    await harness.feed(say(rater, "材料退回三次"))
    await tap(harness, rater, "完成")
    [alert] = harness.texts(ADMIN.id)
    assert "收到差评" in alert and "总体评价：不满意" in alert and "评论：材料退回三次" in alert
    assert labels(question(harness, ADMIN.id)) == ["转为交办单"]


async def test_an_unfinished_bad_rating_alerts_after_ten_minutes(harness) -> None:  # type: ignore[no-untyped-def]
    token = await link(harness)
    await crowd(harness, token, 1, level=1)
    assert harness.texts(ADMIN.id) == []
    await later(harness)
    [alert] = harness.texts(ADMIN.id)
    assert "总体评价：非常不满意" in alert


async def later(h: Harness, minutes: int = 11) -> None:
    """The ledger's next pass, `minutes` from now."""
    await h.runtime.runner.flush(datetime.now(UTC) + timedelta(minutes=minutes))
    await h.runtime.settle()


async def test_a_bad_rating_replaced_by_a_good_one_alerts_nobody(harness) -> None:  # type: ignore[no-untyped-def]
    token = await link(harness)
    rater = new_rater()
    await rate(harness, rater, token, 1, finish=False)
    await rate(harness, rater, token, 5)
    await later(harness)
    assert harness.texts(ADMIN.id) == []


async def test_bad_then_good_then_bad_again_alerts_once_with_the_last_level(harness) -> None:  # type: ignore[no-untyped-def]
    token = await link(harness)
    rater = new_rater()
    await rate(harness, rater, token, 1, finish=False)
    await rate(harness, rater, token, 5, finish=False)
    await rate(harness, rater, token, 2)
    await later(harness)
    [alert] = harness.texts(ADMIN.id)
    assert "总体评价：不满意" in alert


async def test_a_bad_rating_since_replaced_by_a_good_one_cannot_become_an_order(harness) -> None:  # type: ignore[no-untyped-def]
    token = await link(harness, "张三")
    rater = new_rater()
    await rate(harness, rater, token, 1)
    alert = question(harness, ADMIN.id)
    await rate(harness, rater, token, 5)
    await press_data(harness, ADMIN, alert, data_of(alert, "转为交办单"))
    assert answers(harness)[-1] == "这个按钮不起作用（已失效或无法识别），按下不会做任何事：请重新发起操作。"
    assert rows(harness, Rectification) == []


async def test_a_person_links_bad_rating_becomes_an_order_in_one_tap(harness) -> None:  # type: ignore[no-untyped-def]
    token = await link(harness, "张三")
    await rate(harness, new_rater(), token, 1)
    alert = question(harness, ADMIN.id)
    await press_data(harness, ADMIN, alert, data_of(alert, "转为交办单"))
    [order] = rows(harness, Rectification)
    [rating] = rows(harness, Rating)
    [zhang] = rows(harness, Person, Person.tg_id == CADRE.id)
    assert (order.person_id, order.rating_id) == (zhang.id, rating.id)
    assert order.deadline == add_workdays(today(), RATING_WORKDAYS)
    assert harness.request.sent("editMessageReplyMarkup", ADMIN.id)  # the button is gone
    await press_data(harness, ADMIN, alert, data_of(alert, "转为交办单"))
    assert f"已转为交办单 {order.number}" in answers(harness)[-1]
    assert len(rows(harness, Rectification)) == 1


async def test_a_project_links_bad_rating_asks_which_cadre_lead_first(harness) -> None:  # type: ignore[no-untyped-def]
    lead = make_user(2002, "李四")
    await setup_project(harness, cadres=(CADRE, lead))
    with harness.db.session() as s:
        [(member, _p)] = s.exec(select(Membership, Person).join(Person)
                                .where(Person.tg_id == lead.id)).all()
        member.role = "负责人"
        s.add(member)
    token = await ratelink(harness, ADMIN, PROJECT)
    await rate(harness, new_rater(), token, 2)
    alert = question(harness, ADMIN.id)
    await press_data(harness, ADMIN, alert, data_of(alert, "转为交办单"))
    pick = question(harness, ADMIN.id)
    assert "请选择负责整改的干部" in pick.text and labels(pick) == ["李四", "张三"]
    assert rows(harness, Rectification) == []
    await press_data(harness, ADMIN, pick, data_of(pick, "李四"))
    [order] = rows(harness, Rectification)
    [li] = rows(harness, Person, Person.tg_id == lead.id)
    assert order.person_id == li.id


async def test_an_order_from_a_bad_rating_never_carries_the_raters_words(harness) -> None:  # type: ignore[no-untyped-def]
    token = await link(harness, "张三")
    await rate(harness, new_rater(), token, 1, comment="周二来办执照被拒")
    alert = question(harness, ADMIN.id)
    assert "周二来办执照被拒" in alert.text  # the examiners see the comment in the alert
    harness.request.clear()
    await press_data(harness, ADMIN, alert, data_of(alert, "转为交办单"))
    [order] = rows(harness, Rectification)
    assert "周二来办执照被拒" not in order.text
    assert all("周二来办执照被拒" not in c.params.get("text", "") for c in harness.request.calls)

"""The demo district's assessment side: a period, grades, notes, orders, ratings, a link."""

from __future__ import annotations

import random
import secrets
from datetime import date, time, timedelta

from sqlmodel import Session

from bot.demo_clock import StoryClock
from core.assessment import judgement
from core.orders import orders
from core.org.people import Actor, UserInfo
from core.ratings import releases
from storage.tables import Period, PeriodProject, Person, Project, Rating, RatingLink

THEME = "项目攻坚季"
GRADES = (92, 78, 85, 66, 88, 52, 90, 74, 81, 70, 62, 86, 77)
# (cadre index, working days before today, points, text)
NOTES = ((0, 26, 3, "主动协调管线迁改，现场解决问题"), (5, 12, -4, "质量巡查发现整改不及时"),
         (6, 19, 4, "带头入户做群众工作"), (11, 8, 2, "窗口服务获企业书面表扬"),
         (2, 15, 0, "现场查看路基填筑，台账清楚"))
COMMENTS = (None, "办事效率高", "态度很好", "有问题能及时回应", "希望再快一些", "跑一次就办成了")
# (cadre index, issued this many days before today, deadline days after issue, text,
#  steps as (action, days after issue)); every step after the issue, the last before today
ORDERS = (
    (12, 38, 15, "审批窗口群众等候时间过长",
     (("progress", 3), ("done", 8), ("pass", 10))),
    (4, 24, 15, "幕墙材料进场检验记录缺失", (("progress", 4),)),
    (7, 18, 30, "改厕验收资料不齐全", (("progress", 4), ("done", 14))),
    (1, 5, 20, "K3+200段施工围挡不规范，存在安全隐患", ()),
)
STEP_TEXT = {"progress": "正在推进，已落实专人负责", "done": "已按要求整改到位，资料已补齐",
             "pass": "现场核查，整改到位", "ok": "回头看：未发现反弹"}
REVIEW_AFTER = 30  # days after close-out the issuing examiner looks again (回头看)


def seed(session: Session, *, projects: list[Project], cadres: list[Person],
         examiner: Person, story: StoryClock, joined: list[date], minimum: int = 5,
         min_comments: int = 5) -> dict[str, int]:
    """An open 考察期 over every project, with the examiners' judgement and people's ratings."""
    rng = random.Random(8)
    actor = Actor(UserInfo(examiner.tg_id or 0), examiner, is_examiner=True)
    with story.dated(session, story.at(story.start, time(10))):
        period = Period(theme=THEME, start=story.start, end=story.today + timedelta(days=45),
                        created_by=examiner.id)
        session.add(period)
        session.flush()
        session.add_all(PeriodProject(period_id=period.id, project_id=p.id) for p in projects)
    recent = story.workdays(story.ago(12), story.ago(1))
    for i, (person, score) in enumerate(zip(cadres, GRADES, strict=True)):
        day = recent[i % len(recent)] if recent else story.ago(1)
        with story.dated(session, story.at(max(day, joined[i]), time(15, 10 + i * 3))):
            judgement.grade(session, actor, person, score, "")
    for index, back, points, text in NOTES:
        day = max(_workday_back(story, back), joined[index])
        with story.dated(session, story.at(day, time(11, 20))):
            judgement.note(session, actor, cadres[index], points, text)
    made = _orders(session, actor, cadres, story)
    ratings = _ratings(session, rng, projects, cadres, period, story, joined, minimum,
                       min_comments)
    with story.dated(session, story.at(story.start + timedelta(days=1), time(9))):
        session.add(RatingLink(token=secrets.token_urlsafe(18), project_id=projects[0].id,
                               created_by=examiner.id,
                               expires_at=story.now + timedelta(days=90)))
    return {"periods": 1, "grades": len(GRADES), "notes": len(NOTES), "orders": made,
            "ratings": ratings}


def _workday_back(story: StoryClock, days: int) -> date:
    return story.workday_on_or_before(story.ago(days))


def _orders(session: Session, actor: Actor, cadres: list[Person], story: StoryClock) -> int:
    """Orders at every stage: closed and looked at again, overdue in progress, awaiting
    close-out, just issued. Each step on a working day after the one before it."""
    for index, back, days, text, steps in ORDERS:
        cadre = cadres[index]
        issued = _workday_back(story, back)
        with story.dated(session, story.at(issued, time(10, 30))):
            order = orders.issue(session, actor, cadre, text, today=issued,
                                 deadline=issued + timedelta(days=days))
        cadre_actor = Actor(UserInfo(cadre.tg_id or 0), cadre, cadre_projects=[order.project_id])
        day = issued
        for step, after in steps:
            day = max(story.workday_on_or_after(issued + timedelta(days=after)),
                      day + timedelta(days=1))
            when = story.at(day, time(16, 40) if step != "pass" else time(10, 15))
            with story.dated(session, when):
                orders.act(session, actor if step == "pass" else cadre_actor, order.number,
                           step, STEP_TEXT[step])
            if step == "pass":
                order.closed_at = when
                review = story.workday_on_or_after(day + timedelta(days=REVIEW_AFTER))
                if review < story.today:
                    checked = story.at(review, time(9, 40))
                    with story.dated(session, checked):
                        orders.act(session, actor, order.number, "ok", STEP_TEXT["ok"])
                    order.reviewed_at = checked
            session.add(order)
    session.flush()
    return len(ORDERS)


def _ratings(session: Session, rng: random.Random, projects: list[Project],
             cadres: list[Person], period: Period, story: StoryClock, joined: list[date],
             minimum: int, min_comments: int) -> int:
    """Enough anonymous ratings for two cadres and one project to pass the threshold, given
    on days after the cadre joined, released as they came in."""
    bucket, count = f"P{period.id}", 0
    targets = [(projects[0].id, 0, 10), (projects[4].id, 11, 7), (projects[2].id, None, 6)]
    for project_id, index, n in targets:
        first = joined[index] if index is not None else period.start
        span = (story.ago(1) - first).days
        days = sorted(first + timedelta(days=rng.randint(1, span)) for _ in range(n))
        person_id = cadres[index].id if index is not None else None
        for day in days:
            level = rng.choice((5, 5, 4, 4, 4, 3, 2))
            with story.dated(session, story.at(day, time(rng.randint(9, 20), rng.randint(0, 59)))):
                session.add(Rating(project_id=project_id, person_id=person_id, bucket=bucket,
                                   dedupe=secrets.token_hex(32), kind=rng.choice(
                                       ("enterprise", "resident")), overall=level,
                                   service=rng.choice((4, 5)), duty=rng.choice((3, 4, 5)),
                                   solving=rng.choice((3, 4, 5)), integrity=5,
                                   comment=rng.choice(COMMENTS), rated_on=day))
                session.flush()
                releases.refresh(session, project_id=project_id, person_id=person_id,
                                    bucket=bucket, minimum=minimum, min_comments=min_comments)
            count += 1
    return count

"""The demo district's assessment side: a period, grades, notes, orders, ratings, a link."""

from __future__ import annotations

import random
import secrets
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from core.assessment import judgement
from core.orders import orders
from core.org.people import Actor, UserInfo
from core.ratings import flow
from storage.tables import Period, PeriodProject, Person, Project, Rating, RatingLink, utcnow

THEME = "项目攻坚季"
GRADES = (92, 78, 85, 66, 88, 58, 90, 74, 81, 70, 62, 86, 77)
NOTES = ((0, 3, "主动协调管线迁改，现场解决问题"), (5, -2, "质量巡查发现整改不及时"),
         (6, 4, "带头入户做群众工作"), (11, 2, "窗口服务获企业书面表扬"))
COMMENTS = (None, "办事效率高", "态度很好", "有问题能及时回应", "希望再快一些", "跑一次就办成了")
ORDERS = (  # (cadre index, days from today for the deadline, text, how far it got)
    (1, 20, "K3+200段施工围挡不规范，存在安全隐患", "open"),
    (4, -3, "幕墙材料进场检验记录缺失", "progress"),
    (7, 10, "改厕验收资料不齐全", "submitted"),
    (12, -40, "审批窗口群众等候时间过长", "closed"),
)


def seed(session: Session, *, projects: list[Project], cadres: list[Person],
         examiner: Person, today: date, tz: ZoneInfo, minimum: int = 5, min_comments: int = 5
         ) -> dict[str, int]:
    """An open 考察期 over every project, with the examiners' judgement and people's ratings."""
    rng = random.Random(8)
    actor = Actor(UserInfo(examiner.tg_id or 0), examiner, is_examiner=True)
    period = Period(theme=THEME, start=today - timedelta(days=21),
                    end=today + timedelta(days=60), created_by=examiner.id)
    session.add(period)
    session.flush()
    session.add_all(PeriodProject(period_id=period.id, project_id=p.id) for p in projects)
    session.flush()
    for person, score in zip(cadres, GRADES, strict=True):
        judgement.grade(session, actor, person, score, "")
    for index, points, text in NOTES:
        judgement.note(session, actor, cadres[index], points, text)
    made = _orders(session, actor, cadres, today)
    ratings = _ratings(session, rng, projects, cadres, period, today, minimum, min_comments)
    session.add(RatingLink(token=secrets.token_urlsafe(18), project_id=projects[0].id,
                           created_by=examiner.id, expires_at=utcnow() + timedelta(days=90)))
    return {"periods": 1, "grades": len(GRADES), "notes": len(NOTES), "orders": made,
            "ratings": ratings}


def _orders(session: Session, actor: Actor, cadres: list[Person], today: date) -> int:
    """Orders at every stage: open, overdue in progress, awaiting close-out, closed long ago."""
    for index, offset, text, stage in ORDERS:
        cadre = cadres[index]
        order = orders.issue(session, actor, cadre, text, today=today,
                             deadline=today + timedelta(days=max(offset, 1)))
        order.deadline = today + timedelta(days=offset)  # some were issued weeks ago
        steps = {"progress": ["progress"], "submitted": ["progress", "done"],
                 "closed": ["progress", "done", "pass"]}.get(stage, [])
        cadre_actor = Actor(UserInfo(cadre.tg_id or 0), cadre, cadre_projects=[order.project_id])
        for step in steps:
            who = actor if step == "pass" else cadre_actor
            orders.act(session, who, order.number, step, "已按要求整改到位" if step == "done"
                       else "正在推进" if step == "progress" else "")
        if stage == "closed":
            order.closed_at = datetime.combine(today - timedelta(days=35), datetime.min.time(),
                                               tzinfo=ZoneInfo("UTC"))
        session.add(order)
    return len(ORDERS)


def _ratings(session: Session, rng: random.Random, projects: list[Project],
             cadres: list[Person], period: Period, today: date, minimum: int,
             min_comments: int) -> int:
    """Enough anonymous ratings for two cadres and one project to pass the threshold."""
    bucket, count = f"P{period.id}", 0
    targets = [(projects[0].id, cadres[0].id, 9), (projects[4].id, cadres[11].id, 7),
               (projects[2].id, None, 6)]
    for project_id, person_id, n in targets:
        for _ in range(n):
            level = rng.choice((5, 5, 4, 4, 4, 3, 2))
            session.add(Rating(project_id=project_id, person_id=person_id, bucket=bucket,
                               dedupe=secrets.token_hex(32), kind=rng.choice(
                                   ("enterprise", "resident")), overall=level,
                               service=rng.choice((4, 5)), duty=rng.choice((3, 4, 5)),
                               solving=rng.choice((3, 4, 5)), integrity=5,
                               comment=rng.choice(COMMENTS),
                               rated_on=today - timedelta(days=rng.randint(1, 20))))
            count += 1
        session.flush()
        flow.refresh(session, project_id=project_id, person_id=person_id, bucket=bucket,
                            minimum=minimum, min_comments=min_comments)
    return count

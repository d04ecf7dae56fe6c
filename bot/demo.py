"""`frontline demo`: seed a realistic sample county district so every command can be tried."""

from __future__ import annotations

import random
import secrets
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot import demo_assessment, demo_text
from bot.demo_clock import StoryClock
from core.reporting import recaps
from core.reporting.posts import Clock, ReportMessage
from core.reporting.reports import record
from storage import projects as projects_q
from storage.tables import Chat, Domain, Leave, Membership, Milestone, Person, Project

DOMAINS = ("项目建设", "乡村振兴", "营商环境")
CHAT_BASE = -1009000000000
TG_BASE = 9100000000

# (domain index, project, unit, group title, base progress %,
#  milestones as (days from today, text, done))
PROJECTS = (
    (0, "城南快速路二期", "县交通运输局", "城南快速路二期·一线工作群", 42, (
        (-33, "完成征地拆迁交地", True),
        (-6, "主线桥梁桩基全部完成", False),
        (35, "主线路基贯通", False))),
    (0, "县人民医院新院区", "县卫生健康局", "人民医院新院区建设专班", 55, (
        (-25, "门诊楼主体结构封顶", True),
        (20, "住院楼主体结构封顶", False),
        (60, "机电安装进场", False))),
    (1, "青山村人居环境整治", "青山镇人民政府", "青山村人居环境整治群", 30, (
        (-30, "完成村庄规划编制", True),
        (15, "完成改厕120户", False),
        (45, "污水管网主管铺设完成", False),
        (75, "村道亮化工程验收", False))),
    (1, "高标准农田建设", "县农业农村局", "高标准农田建设推进群", 38, (
        (-20, "完成项目区土地平整一期", True),
        (25, "灌排渠系建设完成", False))),
    (2, "一件事一次办改革", "县政务服务中心", "一件事一次办工作专班", 60, (
        (-15, "上线企业开办一件事", True),
        (10, "上线不动产登记一件事", False),
        (40, "完成全县窗口人员轮训", False))),
)

# (name, post, project index, role); 王磊 appears twice, in different projects.
CADRES = (
    ("陈志强", "交通局副局长", 0, "负责人"),
    ("王磊", "项目办主任", 0, "成员"),
    ("刘晓燕", "交通局工程科科长", 0, "成员"),
    ("赵国栋", "卫健局党组书记", 1, "负责人"),
    ("孙丽华", "医院基建科科长", 1, "成员"),
    ("周涛", "县住建局质监站站长", 1, "成员"),
    ("吴建华", "青山镇党委书记", 2, "负责人"),
    ("郑海燕", "青山村驻村第一书记", 2, "成员"),
    ("黄伟", "乡党委副书记", 2, "成员"),
    ("马俊", "农业农村局副局长", 3, "负责人"),
    ("王磊", "农田建设股股长", 3, "成员"),
    ("何静", "政务服务中心主任", 4, "负责人"),
    ("林芳", "审批科科长", 4, "成员"),
)
EXAMINER = ("徐卫东", "县委组织部考核办主任", TG_BASE + 901)
ADMIN = ("钱晓峰", "县委组织部干部科科员", TG_BASE + 902)
# How each cadre reports, so the boards tell them apart: (days after the story's start they
# joined, chance of missing a working day, chance of reporting late, chance of answering a
# weekly or monthly prompt). Most joined when the district started; 周涛 and the second 王磊 later.
HABITS = (
    (0, 0.03, 0.05, 0.9), (0, 0.08, 0.10, 0.7), (0, 0.05, 0.25, 0.6), (0, 0.12, 0.08, 0.5),
    (0, 0.06, 0.10, 0.8), (10, 0.35, 0.30, 0.2), (0, 0.02, 0.03, 1.0), (0, 0.05, 0.12, 0.8),
    (0, 0.10, 0.15, 0.5), (0, 0.04, 0.06, 0.9), (7, 0.15, 0.10, 0.5), (0, 0.03, 0.05, 0.9),
    (0, 0.20, 0.25, 0.4),
)
# (cadre index, kind, reason, working days away, how far into the story it starts (0–1))
LEAVES = ((8, "出差", "赴市里参加乡村振兴专题培训", 3, 0.35),
          (4, "请假", "家中有事请假一天", 1, 0.7))
LEAVE_CADRE = 8  # 黄伟: 出差 for a few working days
def seed(session: Session, *, tz: ZoneInfo, today: date | None = None,
         now: datetime | None = None, minimum: int = 5, min_comments: int = 5
         ) -> dict[str, int]:
    """Seed the demo district; if it is already there, change nothing and return zeros.

    The story runs from six weeks before now to yesterday; `today` (08:00 that day) or `now`
    pin the clock for tests, else it is the wall clock.
    """
    counts = {"domains": 0, "projects": 0, "cadres": 0, "reports": 0, "milestones": 0}
    if any(projects_q.domain_by_name(session, name=name) for name in DOMAINS) or any(
            projects_q.project_by_name(session, name=row[1]) for row in PROJECTS):
        return counts
    if now is None:
        now = (datetime.combine(today, time(8), tzinfo=tz) if today is not None
               else datetime.now(tz))
    story = StoryClock(now=now, tz=tz)
    rng = random.Random(2026)
    with story.dated(session, story.at(story.start - timedelta(days=2), time(10))):
        domains = [Domain(name=name) for name in DOMAINS]
        session.add_all(domains)
        session.flush()
        projects, chats = _projects(session, domains, story)
        cadres = _cadres(session, projects, story)
        examiner = _staff(session)
    leaders = {p: person for person, (_, _, p, role) in zip(cadres, CADRES, strict=True)
               if role == "负责人"}
    milestones = _milestones(session, projects, leaders, story)
    away = _leave(session, cadres, story)
    reports = _reports(session, rng, cadres, projects, chats, away, story)
    answers = _recaps(session, rng, cadres, projects, chats, story)
    more = demo_assessment.seed(session, projects=projects, cadres=cadres, examiner=examiner,
                                story=story, joined=[joined_on(i, story) for i in
                                                     range(len(CADRES))],
                                minimum=minimum, min_comments=min_comments)
    return {"domains": len(domains), "projects": len(projects), "cadres": len(cadres),
            "reports": reports, "recaps": answers, "milestones": milestones, **more}


def joined_on(index: int, story: StoryClock) -> date:
    """The (working) day cadre `index` joined the project."""
    return story.workday_on_or_after(story.day(HABITS[index][0]))


def _projects(session: Session, domains: list[Domain], story: StoryClock
              ) -> tuple[list[Project], list[Chat]]:
    projects, chats = [], []
    bound = story.at(story.start - timedelta(days=1), time(17))
    for i, (domain, name, unit, title, *_rest) in enumerate(PROJECTS):
        project = Project(domain_id=domains[domain].id, name=name, unit=unit,
                          join_token=secrets.token_urlsafe(12))
        session.add(project)
        session.flush()
        chat = Chat(id=CHAT_BASE - i - 1, title=title, type="supergroup", project_id=project.id,
                    bound_at=bound, tz=story.tz.key)
        session.add(chat)
        projects.append(project)
        chats.append(chat)
    return projects, chats


def _cadres(session: Session, projects: list[Project], story: StoryClock) -> list[Person]:
    people = []
    for i, (name, post, project, role) in enumerate(CADRES):
        person = Person(tg_id=TG_BASE + i + 1, name=name, post=post, display=name,
                        reachable=True)
        session.add(person)
        session.flush()
        session.add(Membership(person_id=person.id, project_id=projects[project].id, role=role,
                               joined_at=story.at(joined_on(i, story), time(9, 30))))
        people.append(person)
    return people


def _staff(session: Session) -> Person:
    """The county's examiner and an admin; returns the examiner."""
    staff = [Person(tg_id=tg, name=name, post=post, display=name, reachable=True,
                    is_examiner=examiner, is_admin=not examiner)
             for (name, post, tg), examiner in ((EXAMINER, True), (ADMIN, False))]
    session.add_all(staff)
    session.flush()
    return staff[0]


def _milestones(session: Session, projects: list[Project], leaders: dict[int, Person],
                story: StoryClock) -> int:
    count = 0
    with story.dated(session, story.at(story.start, time(11))):
        for i, (*_head, milestones) in enumerate(PROJECTS):
            for offset, text, done in milestones:
                due = story.today + timedelta(days=offset)
                session.add(Milestone(
                    project_id=projects[i].id, due=due, text=text, person_id=leaders[i].id,
                    done_at=story.at(due - timedelta(days=2), time(17)) if done else None))
                count += 1
    return count


def _leave(session: Session, cadres: list[Person], story: StoryClock) -> dict[int, set[date]]:
    """A business trip and a day off, each asked for two days before it starts."""
    found: dict[int, set[date]] = {}
    days = story.workdays(story.start, story.ago(1))
    for index, kind, reason, length, where in LEAVES:
        away = days[int(len(days) * where):int(len(days) * where) + length]
        if not away:
            continue
        with story.dated(session, story.at(away[0] - timedelta(days=2), time(10))):
            session.add(Leave(person_id=cadres[index].id, start=away[0], end=away[-1],
                              kind=kind, reason=reason))
        found[index] = set(away)
    return found


def _reports(session: Session, rng: random.Random, cadres: list[Person],
             projects: list[Project], chats: list[Chat], away: dict[int, set[date]],
             story: StoryClock) -> int:
    """Each cadre's reports from the day they joined to yesterday, with their habits' gaps and
    late ones: after the 18:00 nudge, or back-filled (/daily 日期) the next working day."""
    count = 0
    message_ids = {chat.id: 100 for chat in chats}
    for i, person in enumerate(cadres):
        p = CADRES[i][2]
        _joined, missing, late, _answers = HABITS[i]
        progress = PROJECTS[p][4] - 8 + rng.randint(-3, 3)
        chat = chats[p]
        days = story.workdays(joined_on(i, story), story.ago(1))
        for n, day in enumerate(days):
            if day in away.get(i, set()) or rng.random() < missing:
                continue
            progress = min(100, progress + rng.randint(0, 2))
            backfill = None
            if rng.random() < late:
                later = days[n + 1] if n + 1 < len(days) else None
                if later is not None and rng.random() < 0.4:
                    backfill, posted = day, story.at(later, time(8, rng.randint(30, 59)))
                else:
                    posted = story.at(day, time(rng.randint(18, 21), rng.randint(5, 59)))
            else:
                posted = story.at(day, time(rng.randint(15, 17), rng.randint(0, 59)))
            message_ids[chat.id] += rng.randint(3, 12)
            text = demo_text.report(rng, p, progress, busy=missing < 0.2)
            msg = ReportMessage(chat_id=chat.id, message_id=message_ids[chat.id],
                                posted_at=posted,
                                text=text if backfill is None else f"{day.isoformat()} {text}")
            record(session, person=person, project=projects[p], msg=msg, tz=story.tz,
                   nudge_time=chat.daily_time, backfill=backfill, today=story.today)
            count += 1
    return count


def _recaps(session: Session, rng: random.Random, cadres: list[Person],
               projects: list[Project], chats: list[Chat], story: StoryClock) -> int:
    """周/月梳理 answers to the weekly and monthly prompts (the last working day of each)."""
    count = 0
    message_ids = {chat.id: 5000 for chat in chats}
    asked = recaps_asked(story)
    for i, person in enumerate(cadres):
        p = CADRES[i][2]
        for kind, day in asked:
            if day < joined_on(i, story) or rng.random() >= HABITS[i][3]:
                continue
            focus = rng.choice(demo_text.DONE[p]).format(n=rng.randint(10, 50))
            text = demo_text.recap(rng, kind, focus)
            message_ids[chats[p].id] += rng.randint(2, 9)
            msg = ReportMessage(chat_id=chats[p].id, message_id=message_ids[chats[p].id],
                                posted_at=story.at(day, time(rng.randint(16, 20),
                                                             rng.randint(0, 59))), text=text)
            recaps.record(session, person, projects[p], msg,
                          Clock(story.tz, chats[p].daily_time), kind=kind)
            count += 1
    return count


def recaps_asked(story: StoryClock) -> list[tuple[str, date]]:
    """(kind, day) of every weekly and monthly prompt from the story's start to yesterday."""
    found = []
    days = story.workdays(story.start, story.ago(1))
    for n, day in enumerate(days):
        following = days[n + 1] if n + 1 < len(days) else story.workday_on_or_after(
            story.today)
        if following.isocalendar()[:2] != day.isocalendar()[:2]:
            found.append(("weekly", day))
        if following.month != day.month:
            found.append(("monthly", day))
    return found

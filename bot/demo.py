"""`frontline demo`: seed a realistic sample county district so every command can be tried."""

from __future__ import annotations

import random
import secrets
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot import demo_assessment
from core.common.calendar import is_workday
from core.reporting.posts import ReportMessage
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
        (-40, "完成征地拆迁交地", True),
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
LEAVE_CADRE = 8  # 黄伟: 出差 for a few of the reported days

DONE = (
    ("桥梁桩基完成{n}根", "K3+200段路基填筑{n}米", "组织管线迁改协调会", "沥青拌合站调试到位",
     "雨污水管道铺设{n}米"),
    ("住院楼浇筑第{n}层楼板", "医疗专项设备选型论证", "幕墙样板段验收",
     "组织参建单位安全检查", "门诊楼二次结构砌筑完成{n}%"),
    ("改厕{n}户", "清理房前屋后垃圾{n}处", "召开村民议事会", "拆除危旧杂房{n}间",
     "污水管网开挖{n}米"),
    ("土地平整{n}亩", "新建机耕路{n}米", "灌溉渠道衬砌{n}米", "开展土壤取样检测",
     "与施工单位核对工程量"),
    ("梳理一件事事项清单{n}项", "窗口办件{n}件零差评", "系统联调测试通过",
     "开展窗口人员业务培训", "走访企业{n}家收集诉求"),
)
PROBLEMS = (
    "部分管线产权单位迁改进度滞后", "连续阴雨影响室外作业", "个别农户对方案有意见，需再做工作",
    "钢材价格上涨，施工单位资金压力大", "跨部门数据接口尚未打通", "用地指标审批仍在省厅流转",
)
PLANS = (
    "明日继续推进现场施工，盯紧安全", "协调供电公司落实临时用电", "组织监理开展质量巡查",
    "走访农户做好政策解释", "对接财政局落实资金拨付", "整理本周进度材料上报专班",
)
INTROS = ("", "", "今天在现场盯了一整天。", "上午开协调会，下午到一线查看。", "按专班部署推进。")


def seed(session: Session, *, tz: ZoneInfo, today: date | None = None, minimum: int = 5,
         min_comments: int = 5) -> dict[str, int]:
    """Seed the demo district; if it is already there, change nothing and return zeros."""
    counts = {"domains": 0, "projects": 0, "cadres": 0, "reports": 0, "milestones": 0}
    if any(projects_q.domain_by_name(session, name=name) for name in DOMAINS) or any(
            projects_q.project_by_name(session, name=row[1]) for row in PROJECTS):
        return counts
    today = today or datetime.now(tz).date()
    rng = random.Random(2026)
    joined = _at(today - timedelta(days=21), time(9, 30), tz)
    domains = [Domain(name=name) for name in DOMAINS]
    session.add_all(domains)
    session.flush()
    projects, chats = _projects(session, domains, tz, joined)
    cadres = _cadres(session, projects, joined)
    examiner = _staff(session)
    leaders = {p: person for person, (_, _, p, role) in zip(cadres, CADRES, strict=True)
               if role == "负责人"}
    milestones = _milestones(session, projects, leaders, today, tz)
    days = [today - timedelta(days=n) for n in range(14, 0, -1)]
    days = [day for day in days if is_workday(day)]
    leave = _leave(session, cadres[LEAVE_CADRE], days)
    reports = _reports(session, rng, cadres, projects, chats, days, leave, tz)
    more = demo_assessment.seed(session, projects=projects, cadres=cadres, examiner=examiner,
                                today=today, tz=tz, minimum=minimum, min_comments=min_comments)
    return {"domains": len(domains), "projects": len(projects), "cadres": len(cadres),
            "reports": reports, "milestones": milestones, **more}


def _at(day: date, clock: time, tz: ZoneInfo) -> datetime:
    """A local wall-clock time as aware UTC."""
    return datetime.combine(day, clock, tzinfo=tz).astimezone(UTC)


def _projects(session: Session, domains: list[Domain], tz: ZoneInfo, joined: datetime
              ) -> tuple[list[Project], list[Chat]]:
    projects, chats = [], []
    for i, (domain, name, unit, title, *_rest) in enumerate(PROJECTS):
        project = Project(domain_id=domains[domain].id, name=name, unit=unit,
                          join_token=secrets.token_urlsafe(12))
        session.add(project)
        session.flush()
        chat = Chat(id=CHAT_BASE - i - 1, title=title, type="supergroup", project_id=project.id,
                    bound_at=joined, tz=tz.key)
        session.add(chat)
        projects.append(project)
        chats.append(chat)
    return projects, chats


def _cadres(session: Session, projects: list[Project], joined: datetime) -> list[Person]:
    people = []
    for i, (name, post, project, role) in enumerate(CADRES):
        person = Person(tg_id=TG_BASE + i + 1, name=name, post=post, display=name,
                        reachable=True)
        session.add(person)
        session.flush()
        session.add(Membership(person_id=person.id, project_id=projects[project].id, role=role,
                               joined_at=joined))
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
                today: date, tz: ZoneInfo) -> int:
    count = 0
    for i, (*_head, milestones) in enumerate(PROJECTS):
        for offset, text, done in milestones:
            due = today + timedelta(days=offset)
            session.add(Milestone(
                project_id=projects[i].id, due=due, text=text, person_id=leaders[i].id,
                done_at=_at(due - timedelta(days=2), time(17), tz) if done else None))
            count += 1
    return count


def _leave(session: Session, person: Person, days: list[date]) -> set[date]:
    """A business trip over (up to) three working days a third of the way into the window."""
    away = days[len(days) // 3:len(days) // 3 + 3]
    if not away:
        return set()
    session.add(Leave(person_id=person.id, start=away[0], end=away[-1], kind="出差",
                      reason="赴市里参加乡村振兴专题培训"))
    return set(away)


def _reports(session: Session, rng: random.Random, cadres: list[Person],
             projects: list[Project], chats: list[Chat], days: list[date], leave: set[date],
             tz: ZoneInfo) -> int:
    count = 0
    message_ids = {chat.id: 100 for chat in chats}
    for i, person in enumerate(cadres):
        p = CADRES[i][2]
        progress = PROJECTS[p][4] + rng.randint(-5, 5)
        skips = 0.1 if i % 3 == 2 else 0.0  # some cadres miss a few days
        for day in days:
            if (i == LEAVE_CADRE and day in leave) or rng.random() < skips:
                continue
            progress = min(100, progress + rng.randint(1, 3))
            chat = chats[p]
            message_ids[chat.id] += rng.randint(3, 12)
            msg = ReportMessage(chat_id=chat.id, message_id=message_ids[chat.id],
                                posted_at=_at(day, _clock(rng), tz),
                                text=_text(rng, p, progress))
            record(session, person=person, project=projects[p], msg=msg, tz=tz,
                   nudge_time=chat.daily_time)
            count += 1
    return count


def _clock(rng: random.Random) -> time:
    """Mostly late afternoon, before 18:00; about one in eight after it (late)."""
    if rng.random() < 0.12:
        return time(rng.randint(18, 21), rng.randint(0, 59))
    return time(rng.randint(15, 17), rng.randint(0, 59))


def _text(rng: random.Random, project: int, progress: int) -> str:
    lines = ["#每日动态"]
    intro = rng.choice(INTROS)
    if intro:
        lines.append(intro)
    lines.append(f"进度：{progress}%")
    for item in rng.sample(DONE[project], rng.randint(1, 2)):
        lines.append("完成：" + item.format(n=rng.randint(3, 60)))
    if rng.random() < 0.3:
        lines.append("问题：" + rng.choice(PROBLEMS))
    if rng.random() < 0.85:
        lines.append("计划：" + rng.choice(PLANS))
    return "\n".join(lines)

"""A seeded district for period and score tests: domains, projects, cadres, reports by day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from core.assessment import boards, judgement, scores
from core.org import periods
from core.org.people import Actor, UserInfo
from core.ratings import anonymity
from storage.db import Database
from storage.tables import (
    DailyReport,
    Domain,
    Membership,
    Person,
    Project,
    ReportItem,
)
from tests.conftest import ADMIN_ID

TZ = ZoneInfo("Asia/Shanghai")
GRADING = scores.Grading(anonymity.Thresholds(minimum=5, min_comments=5), quota=0.2)
TODAY = date(2026, 12, 1)
JOINED = datetime(2026, 1, 1, tzinfo=UTC)

NOV = (date(2026, 11, 2), date(2026, 11, 27))  # 20 working days, Monday to Friday


QUARTERS = [(date(2026, 1, 5), date(2026, 3, 31)), (date(2026, 4, 1), date(2026, 6, 30)),
            (date(2026, 7, 1), date(2026, 9, 30)), (date(2026, 10, 1), date(2026, 10, 31)),
            (date(2026, 11, 1), date(2026, 11, 15)), (date(2026, 11, 16), date(2026, 11, 30))]


@dataclass
class District:
    admin: Actor
    examiner: Actor
    cadres: list[Person]
    projects: list[Project]


def seed(db: Database, cadres: int = 2) -> District:
    """A domain with two projects; `cadres` cadres in the first, one in the second."""
    with db.session() as s:
        domain = Domain(name="项目建设")
        s.add(domain)
        s.flush()
        projects = [Project(domain_id=domain.id, name=name, join_token=f"tok{n}")
                    for n, name in enumerate(("城南快速路", "北区学校"))]
        admin = Person(tg_id=ADMIN_ID, name="组织部", is_admin=True)
        examiner = Person(tg_id=4001, name="考察员甲", is_examiner=True)
        people = [Person(tg_id=2001 + n, name=f"干部{n}", post="科员") for n in range(cadres + 1)]
        s.add_all([*projects, admin, examiner, *people])
        s.flush()
        s.add_all(Membership(person_id=p.id, project_id=projects[n == cadres].id,
                             joined_at=JOINED) for n, p in enumerate(people))
    return District(Actor(UserInfo(ADMIN_ID), admin, is_admin=True),
                    Actor(UserInfo(4001), examiner, is_examiner=True), people, projects)


def open_(db: Database, d: District, theme: str, dates: tuple[date, date],
          *projects: str, kind: str = "regular") -> int:
    with db.session() as s:
        return periods.open_(s, d.admin, theme, *dates, list(projects), kind=kind).period.id


def close(db: Database, d: District, theme: str | None = None) -> boards.Closed:
    with db.session() as s:
        return boards.close(s, d.admin, theme, today=TODAY, grading=GRADING, tz=TZ)


def grade(db: Database, d: District, person: Person, value: int) -> None:
    with db.session() as s:
        judgement.grade(s, d.examiner, person, value, "")


def fill_reports(s: Session, person: Person, project: Project, days: list[date], *,
                 items: int = 0, chat_id: int = -1) -> None:
    """A report on each day (with `items` 完成 lines), as the bot would have stored it."""
    for day in days:
        report = DailyReport(person_id=person.id, project_id=project.id, chat_id=chat_id,
                             message_id=person.id * 100_000 + day.toordinal() % 100_000,
                             local_date=day, text="#日报 推进",
                             posted_at=datetime.combine(day, datetime.min.time(), TZ)
                             + timedelta(hours=10))
        s.add(report)
        s.flush()
        s.add_all(ReportItem(report_id=report.id, kind="done", position=n, text=f"事项{n}")
                  for n in range(items))









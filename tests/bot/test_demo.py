"""`frontline demo`: the sample district is complete, realistic and seeded only once."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func
from sqlmodel import select

from bot.demo import seed
from core.common.calendar import is_workday
from storage import migrate
from storage.db import Database
from storage.tables import (
    Chat,
    DailyReport,
    Domain,
    Leave,
    Membership,
    Milestone,
    Person,
    Project,
    ReportItem,
)

TZ = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 11, 20)
TABLES = (Domain, Project, Chat, Person, Membership, Milestone, DailyReport, ReportItem, Leave)


@pytest.fixture
def db(tmp_path):
    database = Database("sqlite:///" + str(tmp_path / "d.db"))
    migrate.upgrade(database)
    yield database
    database.dispose()


def _seed(db: Database) -> dict[str, int]:
    with db.session() as s:
        return seed(s, tz=TZ, today=TODAY)


def _row_counts(db: Database) -> dict[str, int]:
    with db.session(write=False) as s:
        return {t.__name__: s.exec(select(func.count()).select_from(t)).one() for t in TABLES}


def test_counts(db):
    counts = _seed(db)
    assert counts["domains"] == 3
    assert counts["projects"] == 5
    assert counts["cadres"] >= 12
    assert counts["milestones"] >= 10
    assert counts["reports"] > 100
    rows = _row_counts(db)
    assert rows["DailyReport"] == counts["reports"]
    assert rows["Milestone"] == counts["milestones"]
    assert rows["Membership"] == counts["cadres"]
    assert rows["Person"] == counts["cadres"] + 2


def test_projects_are_bound_and_staffed(db):
    _seed(db)
    with db.session(write=False) as s:
        for project in s.exec(select(Project)).all():
            chats = s.exec(select(Chat).where(Chat.project_id == project.id)).all()
            assert len(chats) == 1 and chats[0].id < 0 and chats[0].tz == "Asia/Shanghai"
            roles = s.exec(select(Membership.role).where(
                Membership.project_id == project.id, Membership.active)).all()
            assert roles.count("负责人") == 1 and len(roles) >= 2
            assert project.unit and project.join_token
        assert len(s.exec(select(Person).where(Person.is_examiner)).all()) == 1
        assert len(s.exec(select(Person).where(Person.is_admin)).all()) == 1
        milestones = s.exec(select(Milestone)).all()
        overdue = [m for m in milestones if m.done_at is None and m.due < TODAY]
        assert len(overdue) == 1
        assert any(m.done_at is not None for m in milestones)
        assert any(m.due > TODAY for m in milestones)


def test_reports_cover_two_weeks_of_workdays(db):
    _seed(db)
    with db.session(write=False) as s:
        reports = s.exec(select(DailyReport)).all()
        days = {r.local_date for r in reports}
        window = [TODAY - timedelta(days=n) for n in range(14, 0, -1)]
        assert days == {d for d in window if is_workday(d)}
        assert len(days) >= 9
        assert any(not r.on_time for r in reports)
        assert sum(r.on_time for r in reports) > len(reports) * 0.7
        assert all(r.progress is not None for r in reports)
        assert len({(r.chat_id, r.message_id) for r in reports}) == len(reports)
        kinds = set(s.exec(select(ReportItem.kind)).all())
        assert {"done", "problem", "plan"} <= kinds
        chat_of = {c.project_id: c.id for c in s.exec(select(Chat)).all()}
        assert all(r.chat_id == chat_of[r.project_id] for r in reports)


def test_progress_rises_and_some_days_are_missed(db):
    _seed(db)
    with db.session(write=False) as s:
        reports = s.exec(select(DailyReport).order_by(DailyReport.local_date)).all()
        by_person: dict[int, list[DailyReport]] = {}
        for r in reports:
            by_person.setdefault(r.person_id, []).append(r)
        for own in by_person.values():
            figures = [r.progress for r in own]
            assert figures == sorted(figures) and figures[-1] > figures[0]
        workdays = len({r.local_date for r in reports})
        assert any(len(own) < workdays for own in by_person.values())


def test_leave_days_have_no_reports(db):
    _seed(db)
    with db.session(write=False) as s:
        leave = s.exec(select(Leave)).one()
        assert leave.start <= leave.end < TODAY
        during = s.exec(select(DailyReport).where(
            DailyReport.person_id == leave.person_id,
            DailyReport.local_date >= leave.start, DailyReport.local_date <= leave.end)).all()
        assert during == []


def test_duplicate_name_pair(db):
    _seed(db)
    with db.session(write=False) as s:
        name = s.exec(select(Person.name).group_by(Person.name)
                      .having(func.count() > 1)).one()
        twins = s.exec(select(Person).where(Person.name == name)).all()
        assert len(twins) == 2 and twins[0].tg_id != twins[1].tg_id
        projects = {m.project_id for m in s.exec(select(Membership).where(
            Membership.person_id.in_([p.id for p in twins]))).all()}
        assert len(projects) == 2


def test_seeding_twice_changes_nothing(db):
    _seed(db)
    before = _row_counts(db)
    again = _seed(db)
    assert set(again.values()) == {0}
    assert _row_counts(db) == before

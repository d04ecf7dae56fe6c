"""`frontline demo`: the sample district tells one consistent story, whatever day it is seeded."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import DateTime, func
from sqlmodel import SQLModel, select

from bot.demo import seed
from bot.demo_clock import STORY_DAYS
from core.common.calendar import is_workday
from core.reporting.recaps import period_key
from storage import migrate
from storage.db import Database
from storage.tables import (
    Chat,
    DailyReport,
    Domain,
    Grade,
    Leave,
    Membership,
    Milestone,
    Observation,
    Person,
    Project,
    Rating,
    RatingRelease,
    Recap,
    Rectification,
    RectificationEvent,
    ReportItem,
    Trail,
)

TZ = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 11, 20)
TABLES = (Domain, Project, Chat, Person, Membership, Milestone, DailyReport, ReportItem, Leave)
# seeded on a Friday, a Sunday, the day after 国庆, over New Year, and a Monday at 07:00
NOWS = (datetime(2026, 11, 20, 8, tzinfo=TZ), datetime(2026, 12, 6, 15, 30, tzinfo=TZ),
        datetime(2026, 10, 9, 9, tzinfo=TZ), datetime(2027, 1, 2, 20, tzinfo=TZ),
        datetime(2026, 11, 23, 7, tzinfo=TZ))
FUTURE_BY_NATURE = {"expires_at", "claim_expires_at", "due_at"}


@pytest.fixture
def db(tmp_path):
    database = Database("sqlite:///" + str(tmp_path / "d.db"))
    migrate.upgrade(database)
    yield database
    database.dispose()


def _seed(db: Database, now: datetime | None = None) -> dict[str, int]:
    with db.session() as s:
        return seed(s, tz=TZ, today=None if now else TODAY, now=now)


def _row_counts(db: Database) -> dict[str, int]:
    with db.session(write=False) as s:
        return {t.__name__: s.exec(select(func.count()).select_from(t)).one() for t in TABLES}


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _joined(s) -> dict[int, datetime]:
    return {m.person_id: _utc(m.joined_at) for m in s.exec(select(Membership)).all()}


def test_counts(db):
    counts = _seed(db)
    assert counts["domains"] == 3
    assert counts["projects"] == 5
    assert counts["cadres"] >= 12
    assert counts["milestones"] >= 10
    assert counts["reports"] > 250
    assert counts["recaps"] > 20
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


@pytest.mark.parametrize("now", NOWS, ids=lambda n: n.strftime("%Y-%m-%d-%a-%H"))
def test_nothing_is_dated_after_now_or_before_the_story(db, now):
    _seed(db, now)
    start = datetime.combine(now.date() - timedelta(days=STORY_DAYS + 3), time(), TZ)
    checked = 0
    with db.session(write=False) as s:
        for table in SQLModel.metadata.sorted_tables:
            for column in table.columns:
                if not isinstance(getattr(column.type, "impl", column.type), DateTime) or column.name in FUTURE_BY_NATURE:
                    continue
                for value in s.exec(select(column).where(column.is_not(None))).all():
                    checked += 1
                    assert start <= _utc(value) <= now, (table.name, column.name, value)
        yesterday = now.date() - timedelta(days=1)
        assert max(s.exec(select(DailyReport.local_date)).all()) <= yesterday
        assert max(s.exec(select(Rating.rated_on)).all()) <= yesterday
    assert checked > 300


@pytest.mark.parametrize("now", NOWS, ids=lambda n: n.strftime("%Y-%m-%d-%a-%H"))
def test_cadres_report_from_joining_to_yesterday(db, now):
    _seed(db, now)
    yesterday = now.date() - timedelta(days=1)
    with db.session(write=False) as s:
        joined = _joined(s)
        leave = {(lv.person_id, lv.start + timedelta(days=n))
                 for lv in s.exec(select(Leave)).all()
                 for n in range((lv.end - lv.start).days + 1)}
        reports = s.exec(select(DailyReport)).all()
        for r in reports:
            local = _utc(r.posted_at).astimezone(TZ)
            assert is_workday(r.local_date)
            assert joined[r.person_id].astimezone(TZ).date() <= r.local_date <= yesterday
            assert (r.person_id, r.local_date) not in leave
            assert _utc(r.posted_at) >= joined[r.person_id]
            if r.backfilled:
                assert local.date() > r.local_date and not r.on_time
            else:
                assert local.date() == r.local_date
                assert r.on_time == (local.time() < time(18))
        assert len({(r.chat_id, r.message_id) for r in reports}) == len(reports)
        latest = max(r.local_date for r in reports)
        assert latest == max(d for d in (yesterday - timedelta(days=n) for n in range(10))
                             if is_workday(d))
        for summary in s.exec(select(Recap)).all():
            local = _utc(summary.posted_at).astimezone(TZ).date()
            assert summary.period_key == period_key(summary.kind, local)
            assert _utc(summary.posted_at) >= joined[summary.person_id]


def test_cadres_differ_in_reporting(db):
    _seed(db)
    with db.session(write=False) as s:
        reports = s.exec(select(DailyReport)).all()
        made = Counter(r.person_id for r in reports)
        late = Counter(r.person_id for r in reports if not r.on_time)
        answered = Counter(x.person_id for x in s.exec(select(Recap)).all())
        cadres = [m.person_id for m in s.exec(select(Membership)).all()]
        assert len({(made[p], late[p]) for p in cadres}) >= 8
        assert len({answered[p] for p in cadres}) >= 3
        assert any(r.backfilled for r in reports) and sum(late.values()) > 10
        kinds = set(s.exec(select(ReportItem.kind)).all())
        assert {"done", "problem", "plan"} <= kinds
        assert {lv.kind for lv in s.exec(select(Leave)).all()} == {"出差", "请假"}
        assert len(set(_joined(s).values())) >= 3  # not everyone joined on one day


def test_progress_rises(db):
    _seed(db)
    with db.session(write=False) as s:
        reports = s.exec(select(DailyReport).order_by(DailyReport.local_date)).all()
        by_person: dict[int, list[DailyReport]] = {}
        for r in reports:
            by_person.setdefault(r.person_id, []).append(r)
        for own in by_person.values():
            figures = [r.progress for r in own]
            assert figures == sorted(figures) and figures[-1] > figures[0]


@pytest.mark.parametrize("now", NOWS, ids=lambda n: n.strftime("%Y-%m-%d-%a-%H"))
def test_orders_follow_each_other_in_order(db, now):
    _seed(db, now)
    with db.session(write=False) as s:
        found = s.exec(select(Rectification)).all()
        assert {o.state for o in found} == {"open", "progress", "submitted", "closed"}
        joined = _joined(s)
        for order in found:
            events = s.exec(select(RectificationEvent).where(
                RectificationEvent.order_id == order.id).order_by(RectificationEvent.id)).all()
            times = [_utc(e.at) for e in events]
            assert events[0].action == "issue" and times[0] == _utc(order.created_at)
            assert times == sorted(times) and len(set(times)) == len(times)
            issued = _utc(order.created_at).astimezone(TZ).date()
            assert order.deadline > issued  # never overdue on the day it was issued
            assert _utc(order.created_at) >= joined[order.person_id]
            assert order.number.startswith(f"ZG-{issued.year}-")
            if order.state == "closed":
                assert _utc(order.closed_at) == times[[e.action for e in events].index("pass")]
                if order.reviewed_at is not None:
                    assert _utc(order.reviewed_at) - _utc(order.closed_at) >= timedelta(days=30)
                    assert events[-1].action == "ok"
            else:
                assert order.closed_at is None
        states = {o.state: o for o in found}
        today = now.date()
        assert states["progress"].deadline < today  # one is overdue
        assert states["open"].deadline > today and states["submitted"].deadline > today


def test_judgement_comes_after_joining(db):
    _seed(db)
    with db.session(write=False) as s:
        joined = _joined(s)
        for model in (Grade, Observation, Trail):
            for row in s.exec(select(model)).all():
                assert _utc(row.at) >= joined[row.person_id], (model.__name__, row)
        grades = [_utc(g.at) for g in s.exec(select(Grade)).all()]
        assert len({g.date() for g in grades}) >= 5  # spread over days, not one stamp
        for rating in s.exec(select(Rating)).all():
            if rating.person_id is not None:
                assert rating.rated_on >= joined[rating.person_id].astimezone(TZ).date()
        releases = s.exec(select(RatingRelease)).all()
        assert releases and all(_utc(r.created_at).date() < TODAY for r in releases)


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

"""Bulk builders for the /scores benchmark: a ~2,000-cadre domain and a 3-month open 考察期 on
top of the /summary benchmark's big database, with grades, notes, milestones, summaries, leave,
rating releases and 三期管理 stages for every cadre (bulk inserts, a few seconds)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import insert, text, update

from bench.query_data import CADRES, DOMAINS, Shape, chat_id, name
from core.ratings.anonymity import Stats, release
from storage.db import Database
from storage.tables import (
    Domain,
    Grade,
    Leave,
    Milestone,
    Observation,
    Period,
    PeriodProject,
    Person,
    Project,
    RatingRelease,
    Recap,
    StageEntry,
)

DOMAIN = "重点考核"
THEME = "攻坚季"
TARGET = 2_000  # cadres in the scored domain, at scale 1
EXAMINERS = 20
DAYS = 91  # the open period: three months to today
STAGES = ("screening", "warning", "watching")
TABLES = ("domain", "person", "period", "grade", "observation", "milestone", "summary", "leave",
          "rating_release", "stage_entry", "period_project", "project")


@dataclass(frozen=True)
class Extra:
    """What the scores benchmark checks in the answer."""

    cadres: int  # in the scored domain
    scored_names: list[str]


def _domain_projects(shape: Shape) -> tuple[list[int], int]:
    """Project indexes of the first domain, in order, until they hold TARGET cadres (scaled)."""
    counts = [0] * shape.projects
    for cadre in range(shape.cadres):
        counts[shape.project_of(cadre)] += 1
    target = max(CADRES, round(TARGET * shape.cadres / 10_000))
    chosen, total = [], 0
    for p in range(0, shape.projects, len(DOMAINS)):
        if total >= target:
            break
        chosen.append(p)
        total += counts[p]
    return chosen, total


def _releases() -> list[str]:
    """A few released rating snapshots (JSON), each over the anonymity threshold."""
    found = []
    for n in range(5):
        levels = [("enterprise", 5, 3 + n), ("resident", 4, 4), ("other", 3 - n % 2, 2)]
        found.append(release(Stats.of(levels, {}, []), None, minimum=5, min_comments=5)
                     .to_json())
    return found


def _keys(start: date, end: date) -> list[tuple[str, str]]:
    """(kind, period key) of every ISO week and month the window touches."""
    keys: dict[str, str] = {}
    day = start
    while day <= end:
        iso = day.isocalendar()
        keys[f"{iso.year}-W{iso.week:02d}"] = "weekly"
        keys[f"{day.year}-{day.month:02d}"] = "monthly"
        day += timedelta(days=1)
    return [(kind, key) for key, kind in keys.items()]


def load_extra(db: Database, shape: Shape, today: date) -> Extra:
    """The scored domain, two periods, and every cadre's assessment data."""
    chosen, total = _domain_projects(shape)
    start, closed_end = today - timedelta(days=DAYS - 1), today - timedelta(days=DAYS + 30)
    examiner0 = shape.cadres + 1
    at = datetime.combine(start, time(2), UTC)
    snapshots = _releases()
    keys = _keys(start, today)
    with db.session() as s:
        s.execute(insert(Domain), [{"id": len(DOMAINS) + 1, "name": DOMAIN}])
        s.execute(update(Project).where(Project.id.in_([p + 1 for p in chosen]))  # type: ignore[union-attr]
                  .values(domain_id=len(DOMAINS) + 1))
        s.execute(insert(Person), [{"id": examiner0 + k, "tg_id": 6_000_000 + k,
                                    "name": f"考察员{k:02d}", "is_examiner": True}
                                   for k in range(EXAMINERS)])
        s.execute(insert(Period), [
            {"id": 1, "theme": "上一期", "start": closed_end - timedelta(days=90),
             "end": closed_end, "status": "closed", "closed_at": at - timedelta(days=30)},
            {"id": 2, "theme": THEME, "start": start, "end": today}])
        s.execute(insert(PeriodProject), [{"period_id": period, "project_id": p + 1}
                                          for period in (1, 2) for p in range(shape.projects)])
        cadres = range(shape.cadres)
        s.execute(insert(Grade), [
            {"period_id": 2, "person_id": c + 1, "examiner_id": examiner0 + (c + k) % EXAMINERS,
             "score": 55 + (c * 7 + k * 11) % 45, "at": at}
            for c in cadres for k in range(1 + (c % 3 == 0))])
        s.execute(insert(Observation), [
            {"person_id": c + 1, "examiner_id": examiner0 + c % EXAMINERS,
             "points": c % 21 - 10, "text": "现场协调征迁", "at": at + timedelta(days=c % 80)}
            for c in cadres if c % 2 == 0])
        s.execute(insert(Milestone), [
            {"project_id": shape.project_of(c) + 1, "person_id": c + 1, "text": "节点",
             "due": start + timedelta(days=c % 80 + 200 * k),
             "done_at": at + timedelta(days=c % 80 - 1) if c % 3 and not k else None}
            for c in cadres for k in range(2)])
        message = 10_000_000
        rows = []
        for c in cadres:
            for n, (kind, key) in enumerate(keys):
                if (c + n) % 10 < 7:
                    message += 1
                    rows.append({"person_id": c + 1, "project_id": shape.project_of(c) + 1,
                                 "chat_id": chat_id(shape.project_of(c)),
                                 "message_id": message, "kind": kind, "period_key": key,
                                 "text": "#周报 本周推进", "posted_at": at})
        s.execute(insert(Recap), rows)
        s.execute(insert(Leave), [
            {"person_id": c + 1, "start": start + timedelta(days=10 + c % 30),
             "end": start + timedelta(days=14 + c % 30), "kind": "出差"}
            for c in cadres if c % 50 == 0])
        s.execute(insert(RatingRelease), [
            {"project_id": p + 1, "person_id": None, "bucket": "P2", "count": 9,
             "stats": snapshots[p % len(snapshots)], "created_at": at}
            for p in range(shape.projects)] + [
            {"project_id": shape.project_of(c) + 1, "person_id": c + 1, "bucket": "P2",
             "count": 9, "stats": snapshots[c % len(snapshots)], "created_at": at}
            for c in cadres if c % 3 == 0])
        s.execute(insert(StageEntry), [
            {"person_id": c + 1, "period_id": 1, "stage": STAGES[c % 3], "at": at}
            for c in cadres if c % 37 == 0])
    _analyze(db)
    last = max(c for c in range(shape.cadres) if shape.project_of(c) == chosen[-1])
    return Extra(total, [name(0), name(last)])


def _analyze(db: Database) -> None:
    """Sequences past the explicit ids (PostgreSQL), fresh planner statistics."""
    with db.engine.begin() as conn:
        if db.is_sqlite:
            conn.execute(text("ANALYZE"))
            return
        for table in TABLES:
            if table not in ("period_project",):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                  f"(SELECT max(id) FROM {table}))"))
            conn.execute(text(f"ANALYZE {table}"))

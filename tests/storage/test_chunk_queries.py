"""The queries the export reads in chunks: a scope's cadres by keyset, and the grouped figures,
stars, progress and orders of some cadres only. Every test uses the `db` fixture, so it runs
on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session

from storage import cadre_records as cadre_records_q
from storage import figures as figures_q
from storage import orders as orders_q
from storage import reports as reports_q
from storage.db import Database
from storage.tables import (
    DailyReport,
    Domain,
    Grade,
    Membership,
    Period,
    Person,
    Project,
    Recap,
    Rectification,
    ReportItem,
    Star,
)

D1, D2 = date(2026, 11, 16), date(2026, 11, 17)
_message = iter(range(1, 10_000))


def _at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def _report(s: Session, person: Person, project: Project, day: date, *, done: int = 0,
            progress: int | None = None, withdrawn: bool = False, hour: int = 9
            ) -> DailyReport:
    report = DailyReport(person_id=person.id, project_id=project.id, chat_id=-100,
                         message_id=next(_message), local_date=day, posted_at=_at(day, hour),
                         on_time=True, text="#日报", progress=progress, withdrawn=withdrawn)
    s.add(report)
    s.flush()
    for n in range(done):
        s.add(ReportItem(report_id=report.id, kind="done", position=n, text=f"完成{n}"))
    return report


@pytest.fixture
def world(db: Database) -> dict[str, int]:
    """Two projects of one scope and one outside it; six cadres (one in two projects), an
    examiner and an admin in the scope, a cadre who left, one only outside."""
    with db.session() as s:
        domain = Domain(name="项目建设")
        s.add(domain)
        s.flush()
        projects = [Project(domain_id=domain.id, name=n, join_token=n)
                    for n in ("城南快速路", "北区安置房", "外区")]
        people = [Person(tg_id=100 + n, name=f"干部{n}") for n in range(6)]
        people += [Person(tg_id=200, name="考察员", is_examiner=True),
                   Person(tg_id=201, name="管理员", is_admin=True),
                   Person(tg_id=202, name="离开"), Person(tg_id=203, name="外人")]
        s.add_all([*projects, *people])
        s.flush()
        seats = [(p, projects[n % 2]) for n, p in enumerate(people[:8])]
        seats += [(people[0], projects[1]), (people[9], projects[2])]
        s.add_all([Membership(person_id=p.id, project_id=pr.id) for p, pr in seats])
        s.add(Membership(person_id=people[8].id, project_id=projects[0].id, active=False))
        return {"a": projects[0].id, "b": projects[1].id, "out": projects[2].id,
                **{f"p{n}": p.id for n, p in enumerate(people)}}


def test_cadre_ids_come_in_keyset_chunks_of_the_scopes_cadres_only(db: Database, world) -> None:
    scope = [world["a"], world["b"]]
    with db.session(write=False) as s:
        chunks, after = [], 0
        while ids := figures_q.cadre_ids(s, project_ids=scope, after=after, limit=4):
            chunks.append(ids)
            after = ids[-1]
    cadres = sorted(world[f"p{n}"] for n in range(6))  # p0 once though in both projects
    assert chunks == [cadres[:4], cadres[4:]]


def test_roster_of_some_people_only(db: Database, world) -> None:
    with db.session(write=False) as s:
        rows = figures_q.roster(s, project_ids=[world["a"], world["b"]],
                                person_ids=[world["p0"], world["p3"], world["p9"]])
    assert sorted((p.id, pr.id) for p, _m, pr in rows) == sorted([
        (world["p0"], world["a"]), (world["p0"], world["b"]), (world["p3"], world["b"])])


def test_grouped_figures_of_some_people_only_match_the_whole_scopes(db: Database,
                                                                    world) -> None:
    scope, some = [world["a"], world["b"]], [world["p0"], world["p1"]]
    with db.session() as s:
        person = {n: s.get(Person, world[f"p{n}"]) for n in range(3)}
        a, b = s.get(Project, world["a"]), s.get(Project, world["b"])
        period = Period(theme="攻坚季", start=D1, end=D2)
        s.add(period)
        s.flush()
        _report(s, person[0], a, D1, done=2, progress=30)
        _report(s, person[0], b, D2, done=1, progress=50, hour=10)
        _report(s, person[1], b, D1, done=3, progress=70)
        _report(s, person[2], a, D1, done=4, progress=90)
        for n, key in ((0, "2026-W47"), (0, "2026-11"), (2, "2026-W47")):
            s.add(Recap(person_id=person[n].id, project_id=a.id, chat_id=-100,
                        message_id=next(_message), kind="weekly", period_key=key, text="梳理",
                        posted_at=_at(D2, 12)))
        for n, score in ((0, 80), (1, 90), (2, 70)):
            s.add(Grade(period_id=period.id, person_id=person[n].id,
                        examiner_id=world["p6"], score=score))
        period_id = period.id
    window = {"project_ids": scope, "start": D1, "end": D2}
    with db.session(write=False) as s:
        items = figures_q.done_items(s, person_ids=some, **window)
        progress = reports_q.latest_progress_of_projects(s, person_ids=some, **window)
        recaps = figures_q.recaps_answered(s, project_ids=scope, keys=["2026-W47", "2026-11"],
                                           person_ids=some)
        graded = figures_q.grades(s, period_id=period_id, person_ids=some)
        whole = (figures_q.done_items(s, **window),
                 reports_q.latest_progress_of_projects(s, **window))
    p0, p1, p2 = world["p0"], world["p1"], world["p2"]
    assert items == {p0: 3, p1: 3} and whole[0] == {**items, p2: 4}
    assert progress == {p0: 50, p1: 70} and whole[1] == {**progress, p2: 90}
    assert recaps == {p0: 2}
    assert graded == {p0: (80.0, 1), p1: (90.0, 1)}


def test_star_counts_of_some_people_in_the_window(db: Database, world) -> None:
    with db.session() as s:
        p0, p1, p2 = (s.get(Person, world[f"p{n}"]) for n in range(3))
        a, out = s.get(Project, world["a"]), s.get(Project, world["out"])
        starred = [_report(s, p0, a, D1), _report(s, p0, a, D2),
                   _report(s, p0, a, date(2026, 11, 20)),  # after the window
                   _report(s, p0, a, D1, withdrawn=True), _report(s, p0, out, D1),
                   _report(s, p2, a, D1)]  # not asked for
        _report(s, p1, a, D1)  # not starred
        s.flush()
        s.add_all([Star(report_id=r.id) for r in starred])
    with db.session(write=False) as s:
        found = cadre_records_q.star_counts(s, project_ids=[world["a"], world["b"]],
                                            person_ids=[world["p0"], world["p1"]],
                                            start=D1, end=D2)
        none = cadre_records_q.star_counts(s, project_ids=[world["a"]], person_ids=[],
                                           start=D1, end=D2)
    assert found == {world["p0"]: 2} and none == {}


def test_ledger_chunks_follow_the_order_numbers_of_the_scope(db: Database, world) -> None:
    with db.session() as s:
        for n, project in ((3, "a"), (1, "b"), (5, "out"), (12, "a"), (2, "a")):
            s.add(Rectification(number=f"ZG-2026-{n:04d}", project_id=world[project],
                                person_id=world["p0"], issuer_id=world["p6"], text="整改",
                                deadline=D2))
    scope = [world["a"], world["b"]]
    with db.session(write=False) as s:
        chunks, after = [], ""
        while found := orders_q.ledger_chunk(s, project_ids=scope, after=after, limit=2):
            chunks.append([o.number for o, *_people in found])
            after = found[-1][0].number
        [(order, cadre, issuer, project)] = orders_q.ledger_chunk(
            s, project_ids=scope, after="ZG-2026-0003", limit=5)
    assert chunks == [["ZG-2026-0001", "ZG-2026-0002"], ["ZG-2026-0003", "ZG-2026-0012"]]
    assert (order.number, cadre.name, issuer.name, project.name) == (
        "ZG-2026-0012", "干部0", "考察员", "城南快速路")

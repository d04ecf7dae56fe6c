"""The board, the orders board and the picker (SPEC §12): the numbers /scores gives, the
permissions the chat applies, a fixed number of SQL statements however many cadres."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import event
from sqlmodel import select

from storage.tables import ExaminerProject, Membership, Person, Project
from tests.web.conftest import EXAMINER_TG, launch
from tests.web.scores_text import scores_as_said


def _board(client, scope: str = "", user: int = EXAMINER_TG) -> dict:  # type: ignore[no-untyped-def]
    answer = client.get("/dashboard/api/board", params={"scope": scope}, headers=launch(user))
    assert answer.status_code == 200, answer.text
    return answer.json()


def _as_said(board: dict) -> dict[str, dict]:
    return {f"{r['name']}（{'、'.join(r['projects'])}）": {"composite": r["composite"], "grade": r["grade"],
                        "parts": {k: p["value"] for k, p in r["parts"].items()}}
            for r in board["rows"]}


async def test_the_board_gives_every_number_scores_gives(client, settings, demo) -> None:  # type: ignore[no-untyped-def]
    board = _board(client)
    said = await scores_as_said(settings, demo, EXAMINER_TG)
    assert len(said) == len(board["rows"]) >= 12
    assert _as_said(board) == said
    assert any(r["composite"] is not None for r in board["rows"])


async def test_a_domain_board_equals_scores_of_that_domain(client, settings, demo) -> None:  # type: ignore[no-untyped-def]
    board = _board(client, "项目建设")
    assert board["scope"] == {"kind": "domain", "name": "项目建设"}
    said = await scores_as_said(settings, demo, EXAMINER_TG, "项目建设")
    assert _as_said(board) == said and len(said) == 6


def test_each_part_comes_with_its_figures(client) -> None:  # type: ignore[no-untyped-def]
    row = _board(client)["rows"][0]
    assert set(row["parts"]) == {"achievement", "diligence", "rating", "examiners"}
    figures = row["figures"]
    assert figures["workdays"] >= figures["reported"] > 0
    assert {"milestones_due", "items", "recaps", "rating_count", "graders"} <= set(figures)


def test_an_examiner_limited_to_a_project_sees_only_it(client, demo) -> None:  # type: ignore[no-untyped-def]
    with demo.session() as session:
        examiner = session.exec(select(Person).where(Person.tg_id == EXAMINER_TG)).one()
        project = session.exec(select(Project).where(Project.name == "城南快速路二期")).one()
        session.add(ExaminerProject(person_id=examiner.id, project_id=project.id))
        outsider = session.exec(select(Membership).where(
            Membership.project_id != project.id)).first()
    board = _board(client)
    assert {p for r in board["rows"] for p in r["projects"]} == {"城南快速路二期"}
    picker = client.get("/dashboard/api/scopes", headers=launch()).json()
    assert [p["name"] for p in picker["projects"]] == ["城南快速路二期"]
    orders = client.get("/dashboard/api/orders", headers=launch()).json()["rows"]
    assert orders and {o["project"] for o in orders} == {"城南快速路二期"}
    other = client.get(f"/dashboard/api/cadre/{outsider.person_id}", headers=launch())
    assert other.status_code == 400 and "\n" not in other.json()["error"]
    elsewhere = client.get("/dashboard/api/board", params={"scope": "县人民医院新院区"},
                           headers=launch())
    assert elsewhere.status_code == 400


def test_an_unknown_scope_is_one_line(client) -> None:  # type: ignore[no-untyped-def]
    answer = client.get("/dashboard/api/board", params={"scope": "火星基地"}, headers=launch())
    assert answer.status_code == 400
    assert "火星基地" in answer.json()["error"]


def test_the_orders_board_puts_overdue_first_with_days(client) -> None:  # type: ignore[no-untyped-def]
    rows = client.get("/dashboard/api/orders", headers=launch()).json()["rows"]
    assert len(rows) == 4
    flags = [r["overdue"] for r in rows]
    assert flags == sorted(flags, reverse=True) and flags[0]
    first = rows[0]
    assert first["days"] < 0 and first["state"] in ("open", "progress", "submitted")
    assert rows[-1]["state"] == "closed"


def test_the_picker_offers_domains_projects_and_periods(client) -> None:  # type: ignore[no-untyped-def]
    picker = client.get("/dashboard/api/scopes", headers=launch()).json()
    assert picker["me"] == {"name": "徐卫东", "role": "examiner"}
    assert len(picker["domains"]) == 3 and len(picker["projects"]) == 5
    assert [p["status"] for p in picker["periods"]] == ["open"]


def _statements(client, demo) -> int:  # type: ignore[no-untyped-def]
    count = 0

    def counter(*_args: object) -> None:
        nonlocal count
        count += 1

    event.listen(demo.engine, "before_cursor_execute", counter)
    try:
        _board(client)
    finally:
        event.remove(demo.engine, "before_cursor_execute", counter)
    return count


def test_the_board_costs_the_same_statements_for_more_cadres(client, demo) -> None:  # type: ignore[no-untyped-def]
    before = _statements(client, demo)
    with demo.session() as session:
        projects = list(session.exec(select(Project)))
        for n in range(40):
            person = Person(tg_id=8_000_000 + n, name=f"新干部{n}", post="科员")
            session.add(person)
            session.flush()
            session.add(Membership(person_id=person.id, project_id=projects[n % 5].id,
                                   joined_at=datetime(2026, 1, 1, tzinfo=UTC)))
    assert len(_board(client)["rows"]) >= 52
    assert _statements(client, demo) == before
    assert before <= 25


def test_a_bad_period_parameter_is_ignored_not_a_crash(client) -> None:  # type: ignore[no-untyped-def]
    for value in ("²", "-1", "x"):
        answer = client.get("/dashboard/api/board", params={"period": value}, headers=launch())
        assert answer.status_code == 200

"""A cadre's page (SPEC §12): the /dossier record, the calendar strip, ratings only through
the anonymity gate; and the file buttons, sent once through the Delivery ledger."""

from __future__ import annotations

import time
from datetime import date

from sqlmodel import select

from bot.app import Runtime
from bot.demo import CADRES, LEAVE_CADRE
from bot.documents import Documents
from bot.settings import Settings
from storage.tables import Person
from tests.auxil.offline import OfflineRequest
from tests.conftest import make_settings
from tests.web.conftest import EXAMINER_TG, launch


def _person_id(demo, name: str, index: int = 0) -> int:  # type: ignore[no-untyped-def]
    with demo.session(write=False) as session:
        return list(session.exec(select(Person).where(Person.name == name)
                                 .order_by(Person.id)))[index].id


def _cadre(client, person_id: int) -> dict:  # type: ignore[no-untyped-def]
    answer = client.get(f"/dashboard/api/cadre/{person_id}", headers=launch())
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_the_page_holds_the_whole_record(client, demo) -> None:  # type: ignore[no-untyped-def]
    board = client.get("/dashboard/api/board", headers=launch()).json()
    top = board["rows"][0]
    page = _cadre(client, top["id"])
    assert page["name"] == top["name"] and page["in_period"]
    assert page["period"]["id"] == board["period"]["id"]
    [now] = [s for s in page["scores"] if s["period"]["id"] == board["period"]["id"]]
    assert now["composite"] == top["composite"]  # the grade is ranked within the project
    assert page["achievements"] and page["trail"] and page["notes"] is not None
    statuses = {d["status"] for d in page["days"]}
    assert {"on_time", "weekend"} <= statuses
    span = date.fromisoformat(page["period"]["end"]) - date.fromisoformat(page["period"]["start"])
    assert len(page["days"]) == span.days + 1


def test_leave_shows_on_the_strip(client, demo) -> None:  # type: ignore[no-untyped-def]
    page = _cadre(client, _person_id(demo, CADRES[LEAVE_CADRE][0]))
    assert "leave" in {d["status"] for d in page["days"]}


def test_orders_carry_state_deadline_and_days(client, demo) -> None:  # type: ignore[no-untyped-def]
    orders = client.get("/dashboard/api/orders", headers=launch()).json()["rows"]
    late = orders[0]
    page = _cadre(client, late["cadre_id"])
    [mine] = [o for o in page["orders"] if o["number"] == late["number"]]
    assert (mine["state"], mine["deadline"], mine["overdue"], mine["days"]) == (
        late["state"], late["deadline"], True, late["days"])


def _ratings_everywhere(client, demo) -> tuple[list[dict], list[dict]]:  # type: ignore[no-untyped-def]
    board = client.get("/dashboard/api/board", headers=launch()).json()["rows"]
    pages = [_cadre(client, row["id"]) for row in board]
    return board, [r for page in pages for r in page["ratings"]]


def test_ratings_under_the_threshold_show_nothing(client, demo) -> None:  # type: ignore[no-untyped-def]
    from starlette.testclient import TestClient

    from bot.dashboard import web_app

    usual_board, usual = _ratings_everywhere(client, demo)
    strict = make_settings(demo.url, frontline_webapp_url="https://d.example/dashboard",
                           frontline_anon_min=10, frontline_anon_min_comments=10)
    with TestClient(web_app(strict, demo)) as strict_client:
        board, ratings = _ratings_everywhere(strict_client, demo)
    for row in board:  # a rating part only from 10 released ratings, else nothing at all
        f = row["figures"]
        assert (row["parts"]["rating"]["value"] is None) == (f["rating"] is None)
        assert (f["rating"] is None and f["rating_count"] == 0) or f["rating_count"] >= 10
    for rating in ratings:
        assert rating["count"] >= 10 if rating["shown"] else set(rating) == {
            "project", "window", "shown"}
    hidden = {r["id"] for r in board if r["parts"]["rating"]["value"] is None}
    shown_before = {r["id"] for r in usual_board if r["parts"]["rating"]["value"] is not None}
    assert hidden & shown_before  # the stricter gate hides figures the usual one shows
    assert sum(r["shown"] for r in ratings) < sum(r["shown"] for r in usual)


def test_released_ratings_show_what_the_gate_lets_through(client, demo) -> None:  # type: ignore[no-untyped-def]
    board, ratings = _ratings_everywhere(client, demo)
    assert any(r["parts"]["rating"]["value"] is not None for r in board)
    for rating in ratings:
        if rating["shown"]:
            assert rating["count"] >= 5 and 0 <= rating["score"] <= 100


async def _sent(settings: Settings, demo, client_call) -> OfflineRequest:  # type: ignore[no-untyped-def]
    offline = OfflineRequest()
    async with Runtime(settings, demo, request=offline) as runtime:
        client_call()
        await runtime.runner.flush()
        await runtime.settle()
    return offline


async def test_the_dossier_button_sends_both_files_once(client, settings, demo) -> None:  # type: ignore[no-untyped-def]
    person = _person_id(demo, CADRES[0][0])
    answers = []

    if time.localtime().tm_sec >= 58:  # both taps in one minute (the ledger's key)
        time.sleep(3)

    def press() -> None:
        for _ in range(2):  # a double tap
            answers.append(client.post("/dashboard/api/send", headers=launch(),
                                       json={"kind": "dossier", "person": person}))

    offline = await _sent(settings, demo, press)
    assert [a.status_code for a in answers] == [200, 200]
    assert "私聊" in answers[0].json()["line"] and "一分钟内" in answers[1].json()["line"]
    names = [name for name, _data in offline.documents(chat_id=EXAMINER_TG)]
    assert names == [f"{CADRES[0][0]}-履职档案.html", f"{CADRES[0][0]}-履职档案.xlsx"]


async def test_the_export_button_sends_the_workbook(client, settings, demo, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    made = []
    export_for = Documents.export_for

    def recording(*args, **kwargs):  # type: ignore[no-untyped-def]
        made.append(export_for(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(Documents, "export_for", recording)

    def press() -> None:
        answer = client.post("/dashboard/api/send", headers=launch(),
                             json={"kind": "export", "scope": "项目建设"})
        assert answer.status_code == 200

    offline = await _sent(settings, demo, press)
    [(name, data)] = offline.documents(chat_id=EXAMINER_TG)
    assert name.endswith(".xlsx") and "项目建设" in name and data[:2] == b"PK"
    [call] = offline.sent("sendDocument", chat_id=EXAMINER_TG)
    assert not isinstance(call.uploads["document"][1], bytes)  # sent from the disk
    assert [file.closed for file in made] == [True]  # the temporary file gone once sent


def test_a_button_for_what_the_chat_refuses_is_one_line(client, demo) -> None:  # type: ignore[no-untyped-def]
    for body in ({"kind": "dossier", "person": 999_999}, {"kind": "poster"},
                 {"kind": "export", "scope": "火星基地"}):
        answer = client.post("/dashboard/api/send", headers=launch(), json=body)
        assert answer.status_code == 400 and "\n" not in answer.json()["error"]


def test_the_strip_counts_the_days_the_board_counts(client, demo) -> None:  # type: ignore[no-untyped-def]
    """The strip and the board read the one working-day record: the same days, per cadre."""
    board = client.get("/dashboard/api/board", headers=launch()).json()
    for row in board["rows"]:
        page = _cadre(client, row["id"])
        counted = [d["status"] for d in page["days"] if d["day"] <= board["end"]]
        figures = row["figures"]
        assert (counted.count("on_time"), counted.count("late"), counted.count("missing")) == (
            figures["on_time"], figures["late"], figures["workdays"] - figures["reported"]), row

"""Launch data (SPEC §12): signed by Telegram for this bot, under 24 hours old, from an
examiner or admin today — anything else is 401 with one line and no data."""

from __future__ import annotations

import time
from urllib.parse import parse_qsl, urlencode

import pytest

from tests.auxil.launch import sign_launch
from tests.web.conftest import ADMIN_TG, CADRE_TG, EXAMINER_TG, TOKEN, launch
from web.dashboard.auth import Launches, Unauthorized

OTHER_BOT = "654321:OTHERTOKEN-zyxwvutsrq"


def _refused(client, headers: dict[str, str]) -> str:  # type: ignore[no-untyped-def]
    answer = client.get("/dashboard/api/board", headers=headers)
    assert answer.status_code == 401
    body = answer.json()
    assert list(body) == ["error"] and "\n" not in body["error"] and body["error"]
    return body["error"]


def _tamper(init_data: str, **changes: str) -> str:
    fields = dict(parse_qsl(init_data))
    fields.update(changes)
    return urlencode(fields)


def test_a_launch_signed_for_this_bot_names_its_user() -> None:
    user = Launches(TOKEN).user("tma " + sign_launch(TOKEN, 42, first_name="王"))
    assert (user.id, user.display) == (42, "王")


def test_examiner_and_admin_see_the_board(client) -> None:  # type: ignore[no-untyped-def]
    for user in (EXAMINER_TG, ADMIN_TG):
        answer = client.get("/dashboard/api/board", headers=launch(user))
        assert answer.status_code == 200
        assert answer.json()["rows"]


def test_no_launch_data_is_refused(client) -> None:  # type: ignore[no-untyped-def]
    assert "Telegram" in _refused(client, {})
    _refused(client, {"Authorization": "tma "})
    _refused(client, {"Authorization": "Bearer " + sign_launch(TOKEN, EXAMINER_TG)})


def test_forged_launch_data_is_refused(client) -> None:  # type: ignore[no-untyped-def]
    signed = sign_launch(TOKEN, 12345)  # a stranger's real launch, with the examiner's id
    forged = _tamper(signed, user=f'{{"id":{EXAMINER_TG},"first_name":"x"}}')
    line = _refused(client, {"Authorization": "tma " + forged})
    assert "无效" in line
    _refused(client, {"Authorization": "tma " + _tamper(sign_launch(TOKEN, EXAMINER_TG),
                                                          hash="0" * 64)})
    older = sign_launch(TOKEN, EXAMINER_TG, auth_date=int(time.time()) - 23 * 3600)
    _refused(client, {"Authorization": "tma " + _tamper(older, auth_date=str(int(time.time())))})


def test_expired_launch_data_is_refused(client) -> None:  # type: ignore[no-untyped-def]
    day_ago = int(time.time()) - 24 * 3600 - 60
    assert "24" in _refused(client, launch(auth_date=day_ago))
    fresh = int(time.time()) - 23 * 3600
    assert client.get("/dashboard/api/board", headers=launch(auth_date=fresh)).status_code == 200


def test_launch_data_signed_in_the_future_is_refused(client) -> None:  # type: ignore[no-untyped-def]
    _refused(client, launch(auth_date=int(time.time()) + 3600))


def test_another_bots_launch_data_is_refused(client) -> None:  # type: ignore[no-untyped-def]
    _refused(client, launch(token=OTHER_BOT))


@pytest.mark.parametrize("path", ["scopes", "board", "orders", "cadre/1"])
def test_a_cadres_launch_shows_nothing(client, path: str) -> None:  # type: ignore[no-untyped-def]
    answer = client.get(f"/dashboard/api/{path}", headers=launch(CADRE_TG))
    assert answer.status_code == 401
    assert answer.json() == {"error": "考察看板仅限考察员和管理员使用。"}


def test_a_stranger_and_a_revoked_examiner_are_refused(client, demo) -> None:  # type: ignore[no-untyped-def]
    _refused(client, launch(99_999))
    from sqlmodel import select

    from storage.tables import Person
    with demo.session() as session:  # the role as it is today, not when the page was opened
        examiner = session.exec(select(Person).where(Person.tg_id == EXAMINER_TG)).one()
        examiner.is_examiner = False
        session.add(examiner)
    _refused(client, launch(EXAMINER_TG))


def test_a_refused_send_plans_nothing(client) -> None:  # type: ignore[no-untyped-def]
    answer = client.post("/dashboard/api/send", json={"kind": "dossier", "person": 1},
                         headers=launch(CADRE_TG))
    assert answer.status_code == 401


def test_unauthorized_carries_its_line() -> None:
    with pytest.raises(Unauthorized) as caught:
        Launches(TOKEN).user("tma " + sign_launch(OTHER_BOT, 1))
    assert caught.value.key == "dashboard.bad_launch"


def test_webapp_link_opens_the_page_as_that_examiner(monkeypatch, capsys, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from urllib.parse import parse_qs, urlsplit

    from bot.cli import main

    monkeypatch.chdir(tmp_path)  # no .env
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("FRONTLINE_SECRET", "test-secret-0123456789abcdef")
    monkeypatch.setenv("FRONTLINE_WEBAPP_URL", "https://dash.example.org/dashboard")
    assert main(["webapp-link", "--user", str(EXAMINER_TG)]) == 0
    link = capsys.readouterr().out.strip()
    assert link.startswith("https://dash.example.org/dashboard#tgWebAppData=")
    [data] = parse_qs(urlsplit(link).fragment)["tgWebAppData"]
    assert Launches(TOKEN).user("tma " + data).id == EXAMINER_TG
    with pytest.raises(Unauthorized):
        Launches(OTHER_BOT).user("tma " + data)

"""Files the bot sends on its own: charts under /summary and /scores, the period's 专报 through
the ledger, and the one line when a file cannot go (no CJK font, over 50 MB)."""

from __future__ import annotations

import logging
import threading
import warnings
from datetime import datetime, timedelta
from html.parser import HTMLParser

import pytest
from sqlmodel import select

from bot import charts, fonts
from bot.documents import Documents
from scheduler import sender
from storage.tables import PeriodReport
from tests.auxil.cast import ADMIN, CADRE, GROUP, setup_project
from tests.auxil.factories import make_user
from tests.auxil.record import (
    PERIOD,
    PROJECT,
    SCRIPT,
    TZ,
    admin_says,
    build_record,
    press,
    say,
)

PNG = b"\x89PNG\r\n\x1a\n"
REPORT_NAME = f"{PROJECT}-{PERIOD}-专报.html"
NAMES = [make_user(2002 + i, name) for i, name in enumerate(["欧阳建国", "司马相如", "黄晓明"])]


@pytest.fixture
def cjk_installed() -> None:
    if fonts.cjk_font() is None:
        pytest.skip(f"no CJK font installed (apt install {fonts.MISSING_FONT_PACKAGE})")


async def reporting(h) -> None:
    """城南快速路 with four cadres, three of whom reported today."""
    await setup_project(h, cadres=(CADRE, *NAMES))
    for user in (CADRE, *NAMES[:2]):
        await h.feed(say(GROUP, user, "#日报\n进度：30%\n完成：现场踏勘"))
    h.request.clear()


def photos(h) -> list[bytes]:
    return [data for _name, data in h.request.documents("sendPhoto", chat_id=ADMIN.id)]


async def chart_button(h, command: str = "scores") -> None:
    """/scores (or /ranking), then the 📊 button under its answer."""
    await h.feed(admin_says(f"/{command} {PROJECT} {PERIOD}"))
    [offer] = [c for c in h.request.sent(chat_id=ADMIN.id) if "reply_markup" in c.params]
    await press(h, ADMIN, offer, 0)


# --- charts ------------------------------------------------------------------------------------

async def test_summary_month_sends_a_png_chart(harness, cjk_installed) -> None:
    await reporting(harness)
    await harness.feed(admin_says(f"/summary {PROJECT} month"))
    [png] = photos(harness)
    assert png.startswith(PNG)
    assert harness.request.sent("sendPhoto")[0].file[0] == "summary.png"


async def test_summary_today_sends_no_chart(harness, cjk_installed) -> None:
    await reporting(harness)
    await harness.feed(admin_says(f"/summary {PROJECT} today"))
    assert harness.texts(ADMIN.id) and photos(harness) == []


@pytest.mark.parametrize("command", ["scores", "ranking"])
async def test_chart_button_under_scores_and_ranking_sends_a_png(harness, cjk_installed,
                                                                 command) -> None:
    await build_record(harness, raters=0, close=False)
    await chart_button(harness, command)
    [png] = photos(harness)
    assert png.startswith(PNG)


async def test_charts_are_drawn_off_the_event_loop(harness, cjk_installed,
                                                   monkeypatch) -> None:
    drawn_in: list[threading.Thread] = []
    draw = Documents.summary_chart

    def recording(self, view):  # type: ignore[no-untyped-def]
        drawn_in.append(threading.current_thread())
        return draw(self, view)

    monkeypatch.setattr(Documents, "summary_chart", recording)
    await reporting(harness)
    await harness.feed(admin_says(f"/summary {PROJECT} month"))
    assert len(photos(harness)) == 1
    assert drawn_in and drawn_in[0] is not threading.main_thread()


def _glyph_trouble(caught, caplog) -> list[str]:
    messages = [str(w.message) for w in caught] + [r.getMessage() for r in caplog.records]
    return [m for m in messages if "missing from" in m or "Glyph" in m or "findfont" in m]


async def test_bot_charts_of_chinese_names_have_no_missing_glyphs(harness, cjk_installed,
                                                                  caplog) -> None:
    await reporting(harness)
    today = datetime.now(TZ).date()
    await harness.feed(admin_says(f"/period open {PERIOD} {today - timedelta(days=20)} "
                                  f"{today + timedelta(days=20)} {PROJECT}"))
    with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.WARNING):
        warnings.simplefilter("always")
        await harness.feed(admin_says(f"/summary {PROJECT} month"))  # rate and progress
        await chart_button(harness)  # composite by cadre
        await harness.feed(admin_says("/dossier 欧阳建国"))  # by month, in the HTML
    assert len(photos(harness)) == 2
    assert b"data:image/png;base64," in dict(harness.request.documents())["欧阳建国-履职档案.html"]
    assert _glyph_trouble(caught, caplog) == []


async def test_the_glyph_check_sees_the_chart_threads_warnings(harness, cjk_installed,
                                                               caplog, monkeypatch) -> None:
    monkeypatch.setattr(charts, "_family", lambda: "DejaVu Sans")  # a font without Chinese
    await reporting(harness)
    with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.WARNING):
        warnings.simplefilter("always")
        await harness.feed(admin_says(f"/summary {PROJECT} month"))
    assert _glyph_trouble(caught, caplog)


async def test_without_a_cjk_font_a_chart_is_one_line_naming_the_package(harness,
                                                                         monkeypatch) -> None:
    monkeypatch.setattr(fonts, "cjk_font", lambda: None)
    await reporting(harness)
    await harness.feed(admin_says(f"/summary {PROJECT} month"))
    assert photos(harness) == []
    line = harness.last(ADMIN.id)
    assert "fonts-noto-cjk" in line and "\n" not in line


async def test_without_a_cjk_font_the_dossier_comes_without_its_chart(harness,
                                                                      monkeypatch) -> None:
    monkeypatch.setattr(fonts, "cjk_font", lambda: None)
    await build_record(harness, raters=0, close=False)
    await harness.feed(admin_says("/dossier 张三"))
    files = dict(harness.request.documents(chat_id=ADMIN.id))
    assert b"<img" not in files["张三-履职档案.html"] and "张三-履职档案.xlsx" in files


# --- 一期一专报 ----------------------------------------------------------------------------------

class Text(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.text = ""
        self.feed(html)

    def handle_starttag(self, tag, attrs) -> None:  # type: ignore[no-untyped-def]
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text += data


def kept(h) -> list[PeriodReport]:
    with h.db.session(write=False) as s:
        return list(s.exec(select(PeriodReport)))


def reports_sent(h) -> list[tuple[str, bytes]]:
    return [(n, d) for n, d in h.request.documents(chat_id=ADMIN.id) if n.endswith(".html")]


async def test_period_close_sends_the_report_to_the_admin_once_and_keeps_it(harness) -> None:
    await build_record(harness, raters=0, close=False)
    await harness.feed(admin_says("/period close"))
    [(name, html)] = reports_sent(harness)
    [call] = [c for c in harness.request.sent("sendDocument") if c.file[0] == name]
    assert name == REPORT_NAME and "一期一专报" in call.params["caption"]
    [row] = kept(harness)
    assert row.html.encode() == html
    await harness.runtime.runner.flush()  # the ledger again: already sent
    await harness.feed(say(GROUP, CADRE, "#日报 收尾"))
    assert len(reports_sent(harness)) == 1 and len(kept(harness)) == 1


async def test_period_report_shows_the_starred_achievement_as_text(harness) -> None:
    await build_record(harness, raters=0, close=False)
    await harness.feed(admin_says("/period close"))
    [(_name, html)] = reports_sent(harness)
    page = Text(html.decode())
    assert "script" not in page.tags
    assert SCRIPT in page.text and PROJECT in page.text and PERIOD in page.text


async def test_period_report_sends_the_kept_report_again(harness) -> None:
    await build_record(harness, raters=0)
    with harness.db.session() as s:  # what was kept is what goes, not a rebuild
        row = s.exec(select(PeriodReport)).one()
        row.html = "<!DOCTYPE html><p>专报（存档）</p>"
        s.add(row)
    for ask in ("/period report", f"/period report {PERIOD}"):
        harness.request.clear()
        await harness.feed(admin_says(ask))
        assert reports_sent(harness) == [(REPORT_NAME, "<!DOCTYPE html><p>专报（存档）</p>".encode())]
    assert len(kept(harness)) == 1


async def test_period_report_of_an_open_period_is_one_line(harness) -> None:
    await build_record(harness, raters=0, close=False)
    await harness.feed(admin_says(f"/period report {PERIOD}"))
    assert reports_sent(harness) == []
    assert PERIOD in harness.last(ADMIN.id) and "\n" not in harness.last(ADMIN.id)


# --- too big -----------------------------------------------------------------------------------

async def test_file_over_the_50mb_limit_is_refused_with_one_line(harness, monkeypatch) -> None:
    monkeypatch.setattr(sender, "MAX_FILE", 1000)  # every workbook is bigger than this
    made = built_exports(monkeypatch)
    await build_record(harness, raters=0, close=False)
    await harness.feed(admin_says(f"/export {PROJECT}"))
    assert harness.request.sent("sendDocument") == []
    line = harness.last(ADMIN.id)
    assert "超过 50 MB" in line and "\n" not in line
    assert [file.closed for file in made] == [True]  # refused, its temporary file gone too


async def test_a_small_file_under_the_limit_still_goes(harness, monkeypatch) -> None:
    monkeypatch.setattr(sender, "MAX_FILE", 10_000_000)
    await build_record(harness, raters=0, close=False)
    await harness.feed(admin_says(f"/export {PROJECT}"))
    [(name, _data)] = harness.request.documents(chat_id=ADMIN.id)
    assert name == f"{PROJECT}-两表一单.xlsx"



# --- from the disk -----------------------------------------------------------------------------

def built_exports(monkeypatch) -> list:  # type: ignore[no-untyped-def]
    """The workbooks Documents.export_for hands the sender, as it hands them."""
    made = []
    export_for = Documents.export_for

    def recording(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        made.append(export_for(self, *args, **kwargs))
        return made[-1]

    monkeypatch.setattr(Documents, "export_for", recording)
    return made


async def test_export_is_sent_from_a_temporary_file_then_removed(harness, monkeypatch) -> None:
    made = built_exports(monkeypatch)
    await build_record(harness, raters=0, close=False)
    await harness.feed(admin_says(f"/export {PROJECT}"))
    [call] = harness.request.sent("sendDocument", chat_id=ADMIN.id)
    [(name, upload)] = call.uploads.values()
    assert not isinstance(upload, bytes)  # the request read the file as it sent it
    assert name == f"{PROJECT}-两表一单.xlsx" and call.file[1][:2] == b"PK"
    [file] = made
    assert file.closed  # an unnamed temporary file: closed, it is gone from the disk


async def test_a_temporary_file_goes_when_its_send_fails(harness, monkeypatch) -> None:
    made = built_exports(monkeypatch)
    await build_record(harness, raters=0, close=False)
    harness.request.fail("sendDocument", 400, "Bad Request: wrong file")
    await harness.feed(admin_says(f"/export {PROJECT}"))
    assert harness.request.sent("sendDocument") == []
    assert "\n" not in harness.last(ADMIN.id)  # the one line instead
    assert [file.closed for file in made] == [True]

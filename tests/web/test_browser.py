"""The dashboard in a real browser (SPEC §12): what a person sees at 360 px, the numbers of
/scores, nothing for forged launch data, nothing fetched from another origin."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from bot.dashboard import web_app
from tests.auxil.launch import fragment, sign_launch
from tests.web.browser import ARGS, CHROMIUM, DARK, LIGHT, require_chromium, serving
from tests.web.conftest import EXAMINER_TG, TOKEN
from tests.web.scores_text import scores_as_said

pytestmark = pytest.mark.browser
WIDTH = 360


@pytest.fixture
def origin(settings, demo) -> Iterator[str]:  # type: ignore[no-untyped-def]
    require_chromium()
    with serving(web_app(settings, demo)) as found:
        yield found


@pytest.fixture
def browser() -> Iterator[object]:
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        found = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield found
        found.close()


def _open(browser, origin: str, init_data: str, theme: dict | None = LIGHT):  # type: ignore[no-untyped-def]
    """A phone-sized page opened as Telegram opens a Mini App; every request is recorded."""
    page = browser.new_page(viewport={"width": WIDTH, "height": 740})
    page.requests = []
    page.on("request", lambda r: page.requests.append(r.url))
    page.goto(f"{origin}/dashboard{fragment(init_data, theme)}")
    return page


def _no_horizontal_scroll(page) -> None:  # type: ignore[no-untyped-def]
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    assert page.evaluate("document.body.scrollWidth") <= WIDTH


def _board_as_seen(page) -> dict[str, dict]:  # type: ignore[no-untyped-def]
    """Each row as a person reads it: name, projects, composite, grade, the four parts."""
    rows = page.eval_on_selector_all("#rows .row", """rows => rows.map(r => ({
        name: r.querySelector('.name').innerText, projects: r.querySelector('.sub').innerText,
        comp: r.querySelector('.comp').innerText,
        grade: (r.querySelector('.grade') || {innerText: ''}).innerText,
        parts: Object.fromEntries([...r.querySelectorAll('.part')].map(
            p => [p.dataset.part, p.querySelector('.v').innerText]))}))""")
    number = lambda text: None if text == "无数据" else float(text)  # noqa: E731
    return {f"{r['name']}（{r['projects']}）": {
        "composite": number(r["comp"]), "grade": r["grade"],
        "parts": {k: number(v) for k, v in r["parts"].items()}} for r in rows}


@pytest.fixture
def said(settings, demo) -> dict[str, dict]:  # type: ignore[no-untyped-def]
    """/scores as the examiner reads it in the chat (before the browser's loop starts)."""
    return asyncio.run(scores_as_said(settings, demo, EXAMINER_TG))


def test_the_board_reads_as_scores_says(said, browser, origin) -> None:  # type: ignore[no-untyped-def]
    page = _open(browser, origin, sign_launch(TOKEN, EXAMINER_TG))
    page.wait_for_selector("#rows .row")
    assert page.inner_text("#title") == "考察看板"
    assert "13 名干部" in page.inner_text("#board .meta")
    assert _board_as_seen(page) == said
    text = page.inner_text("body")
    assert "undefined" not in text and "NaN" not in text and "{" not in text
    _no_horizontal_scroll(page)


# each figure's words (完成 46, 5 条, 1 人) as they fall on a line: one client rect, one line
_SPLIT_WORDS = """smalls => smalls.flatMap(small => {
    const node = small.firstChild, text = node ? node.textContent : '';
    return [...text.matchAll(/完成 \\d+|\\d+\\u00a0[条人]/g)].filter(m => {
        const range = document.createRange();
        range.setStart(node, m.index); range.setEnd(node, m.index + m[0].length);
        return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size > 1;
    }).map(m => m[0]);
})"""


def test_a_figure_never_breaks_inside_its_words(browser, origin) -> None:  # type: ignore[no-untyped-def]
    page = _open(browser, origin, sign_launch(TOKEN, EXAMINER_TG))
    page.wait_for_selector("#rows .row")
    figures = page.eval_on_selector_all("#rows .part small", "els => els.length")
    assert figures == 13 * 4
    assert page.eval_on_selector_all("#rows .part small", _SPLIT_WORDS) == []


def test_sorting_and_search(browser, origin) -> None:  # type: ignore[no-untyped-def]
    page = _open(browser, origin, sign_launch(TOKEN, EXAMINER_TG))
    page.wait_for_selector("#rows .row")
    page.click("button[data-sort=diligence]")
    values = [float(v) for v in page.eval_on_selector_all(
        "#rows .part[data-part=diligence] .v", "els => els.map(e => e.innerText)")]
    assert values == sorted(values, reverse=True) and len(values) == 13
    page.click("button[data-sort=diligence]")
    again = [float(v) for v in page.eval_on_selector_all(
        "#rows .part[data-part=diligence] .v", "els => els.map(e => e.innerText)")]
    assert again == sorted(values)
    page.fill("#search", "王磊")
    assert page.eval_on_selector_all("#rows .name", "els => els.map(e => e.innerText)") == [
        "王磊", "王磊"]


def test_a_cadre_opens_from_the_board(browser, origin) -> None:  # type: ignore[no-untyped-def]
    page = _open(browser, origin, sign_launch(TOKEN, EXAMINER_TG), DARK)
    page.wait_for_selector("#rows .row")
    first = page.inner_text("#rows .row .name")
    composite = page.inner_text("#rows .row .comp")
    page.click("#rows .row")
    page.wait_for_selector("#cadre .strip .cell")
    assert page.inner_text("#cadre h1").startswith(first)
    assert page.inner_text("#cadre-score .comp") == composite
    for heading in ("责任清单", "实绩清单", "问题清单", "问题交办单", "服务评价", "考察纪实",
                    "评分与评定", "工作纪实", "报送日历"):
        assert heading in page.inner_text("#cadre")
    assert page.locator("#cadre .cell.on_time").count() > 0
    text = page.inner_text("#cadre")
    assert "undefined" not in text and "NaN" not in text and "{" not in text
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(23, 33, 43)"
    _no_horizontal_scroll(page)
    page.click("#back")
    page.wait_for_selector("#rows .row")


def test_orders_and_charts_fit_the_phone(browser, origin) -> None:  # type: ignore[no-untyped-def]
    page = _open(browser, origin, sign_launch(TOKEN, EXAMINER_TG))
    page.wait_for_selector("#rows .row")
    page.click("button[data-tab=orders]")
    page.wait_for_selector("#orders li")
    text = page.inner_text("#orders")
    assert text.index("已逾期") < text.index("待整改") and "逾期 " in text
    _no_horizontal_scroll(page)
    page.click("button[data-tab=charts]")
    page.wait_for_selector("#charts canvas")
    assert page.locator("#charts canvas").count() == 3
    assert page.evaluate("Chart.getChart(document.querySelector('#charts canvas')).data"
                         ".datasets[0].data.length") == 13
    _no_horizontal_scroll(page)


def test_forged_launch_data_shows_nothing(browser, origin) -> None:  # type: ignore[no-untyped-def]
    forged = sign_launch("654321:SOMEONE-ELSES-TOKEN", EXAMINER_TG)
    page = _open(browser, origin, forged)
    page.wait_for_selector("#fatal", state="visible")
    assert "无效" in page.inner_text("#fatal")
    assert page.locator("#rows .row").count() == 0
    assert page.is_hidden("#top")
    assert page.inner_text("main").strip() == page.inner_text("#fatal").strip()


def test_the_page_asks_nothing_of_another_origin(browser, origin) -> None:  # type: ignore[no-untyped-def]
    page = _open(browser, origin, sign_launch(TOKEN, EXAMINER_TG))
    page.wait_for_selector("#rows .row")
    page.click("#rows .row")
    page.wait_for_selector("#cadre .strip .cell")
    page.wait_for_load_state("networkidle")
    assert page.requests and all(url.startswith(origin + "/") for url in page.requests)
    assert any(url.endswith("/static/vendor/chart.umd.min.js") for url in page.requests)

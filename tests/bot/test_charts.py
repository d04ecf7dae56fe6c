"""Charts: PNG bytes from plain data, Chinese text with real glyphs, safe in worker threads."""

from __future__ import annotations

import io
import logging
import os
import warnings
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

import pytest
from matplotlib.font_manager import FontProperties, fontManager
from PIL import Image, ImageColor

from bot import charts, fonts
from bot.charts import (
    DPI,
    MONTHLY_WIDTH_IN,
    WIDTH_IN,
    ChartLabels,
    ChartsUnavailable,
    composite_chart,
    monthly_chart,
    reporting_chart,
)

LABELS = ChartLabels(
    rate_panel="按工作日报送率",
    progress_panel="各干部最新进度",
    rate_axis="报送率（%）",
    progress_axis="最新进度（%）",
    composite_axis="综合得分",
    no_data="暂无",
    excellent="优秀 85",
    fair="一般 60",
)
NAMES = ["张伟", "王芳", "欧阳建国", "李娜", "司马相如", "陈静", "赵敏", "黄强", "周杰", "吴霞"]
DAYS = [date(2026, 11, 2) + timedelta(days=i) for i in range(23)]
RATES = [None if i == 5 else (i * 37) % 101 for i in range(23)]


@pytest.fixture(autouse=True)
def cjk_installed() -> None:
    """Skip where no CJK font is installed, except in CI where it must be."""
    if fonts.cjk_font() is None:
        reason = f"no CJK font installed (apt install {fonts.MISSING_FONT_PACKAGE})"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but {reason}")
        pytest.skip(reason)


@pytest.fixture
def no_glyph_warnings(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Fail when matplotlib warns of missing glyphs or cannot find the font family."""
    with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.WARNING):
        warnings.simplefilter("always")
        yield
    messages = [str(w.message) for w in caught] + [r.getMessage() for r in caplog.records]
    bad = [m for m in messages if "missing from" in m or "Glyph" in m or "findfont" in m]
    assert not bad


def _png(data: bytes, width: float = WIDTH_IN) -> Image.Image:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(data))
    image.load()
    assert image.format == "PNG"
    assert image.width == width * DPI
    return image


def _progress(count: int) -> list[tuple[str, int | None]]:
    return [(f"{NAMES[i % 10]}{i}", None if i % 7 == 3 else (i * 13) % 101) for i in range(count)]


def test_reporting_chart_draws_chinese_without_missing_glyphs(no_glyph_warnings: None) -> None:
    image = _png(reporting_chart("城南快速路二期 · 2026年11月", DAYS, RATES, _progress(10), LABELS))
    assert image.height > 600


def test_composite_chart_draws_chinese_without_missing_glyphs(no_glyph_warnings: None) -> None:
    scores = [96.5, 88.0, None, 84.9, 72.3, 61.0, 59.9, 40.0, 100.0, 0.0]
    _png(composite_chart("城南片区 综合得分", NAMES, scores, LABELS))


def test_monthly_chart_draws_chinese_without_missing_glyphs(no_glyph_warnings: None) -> None:
    months = [f"2026年{m}月" for m in range(1, 13)]
    _png(monthly_chart("张伟 · 月度报送率", months, [None, *range(80, 91)], LABELS), MONTHLY_WIDTH_IN)


def test_the_glyph_check_would_catch_a_font_without_chinese(monkeypatch) -> None:
    monkeypatch.setattr(charts, "_family", lambda: "DejaVu Sans")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        monthly_chart("张伟", ["一月"], [50.0], LABELS)
    assert any("missing from" in str(w.message) for w in caught)


def test_a_chart_of_120_cadres_renders_taller_but_capped(no_glyph_warnings: None) -> None:
    few = _png(reporting_chart("城南", DAYS, RATES, _progress(10), LABELS))
    many = _png(reporting_chart("城南", DAYS, RATES, _progress(120), LABELS))
    crowded = _png(reporting_chart("城南", DAYS, RATES, _progress(61), LABELS))
    assert few.height < crowded.height == many.height <= 20 * DPI + 200


def test_one_day_one_cadre_and_empty_series_render(no_glyph_warnings: None) -> None:
    _png(reporting_chart("城南", DAYS[:1], [100.0], [("张伟", 60)], LABELS))
    _png(reporting_chart("城南", [], [], [], LABELS))
    _png(composite_chart("城南", [], [], LABELS))
    _png(monthly_chart("张伟", [], [], LABELS), MONTHLY_WIDTH_IN)


def test_a_long_period_of_working_days_renders(no_glyph_warnings: None) -> None:
    days = [date(2026, 9, 1) + timedelta(days=i) for i in range(90)]
    _png(reporting_chart("城南 · 第三期", days, [float(i % 101) for i in range(90)], _progress(5), LABELS))


def test_none_values_render(no_glyph_warnings: None) -> None:
    _png(reporting_chart("城南", DAYS[:5], [None] * 5, [("张伟", None), ("王芳", None)], LABELS))
    _png(composite_chart("城南", ["张伟", "王芳"], [None, None], LABELS))
    _png(monthly_chart("张伟", ["2026-10", "2026-11"], [None, None], LABELS), MONTHLY_WIDTH_IN)


def test_output_size_depends_only_on_the_shape_of_the_data() -> None:
    a = _png(composite_chart("城南", NAMES, [50.0] * 10, LABELS))
    b = _png(composite_chart("一个很长很长的标题" * 10, [n * 5 for n in NAMES], [99.9] * 10, LABELS))
    assert a.size == b.size
    days = [_png(reporting_chart("城南", DAYS[:n], RATES[:n], _progress(5), LABELS)) for n in (1, 23)]
    assert days[0].size == days[1].size


def test_series_of_different_lengths_are_refused() -> None:
    with pytest.raises(ValueError):
        monthly_chart("张伟", ["2026-10", "2026-11"], [90.0], LABELS)
    with pytest.raises(ValueError):
        composite_chart("城南", ["张伟"], [], LABELS)


def test_charts_are_unavailable_without_a_cjk_font(monkeypatch) -> None:
    monkeypatch.setattr(fonts, "cjk_font", lambda: None)
    calls: list[Callable[[], bytes]] = [
        lambda: reporting_chart("城南", DAYS, RATES, _progress(3), LABELS),
        lambda: composite_chart("城南", ["张伟"], [90.0], LABELS),
        lambda: monthly_chart("张伟", ["2026-11"], [90.0], LABELS),
    ]
    for call in calls:
        with pytest.raises(ChartsUnavailable) as raised:
            call()
        assert raised.value.package == "fonts-noto-cjk"
        assert "fonts-noto-cjk" in str(raised.value)


def test_charts_render_from_worker_threads_as_they_do_alone() -> None:
    jobs: list[Callable[[], bytes]] = [
        lambda: reporting_chart("城南快速路二期", DAYS, RATES, _progress(40), LABELS),
        lambda: composite_chart("城南片区", NAMES, [float(i * 11) for i in range(10)], LABELS),
        lambda: monthly_chart("张伟", [f"{m}月" for m in range(1, 13)], [80.0] * 12, LABELS),
        lambda: reporting_chart("城北", DAYS[:10], RATES[:10], _progress(30), LABELS),
    ]
    alone = [job() for job in jobs]
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(lambda job: job(), jobs))
    assert together == alone


def test_a_day_stacks_its_late_reports_on_the_on_time_ones(no_glyph_warnings: None) -> None:
    late = [0.0, 20.0, None, 50.0, 0.0][: len(DAYS[:5])]
    image = _png(reporting_chart("城南", DAYS[:5], [100.0, 80.0, None, 100.0, 60.0],
                                 [("张伟", 60)], LABELS, late=late))
    colours = {c for _n, c in image.convert("RGB").getcolors(maxcolors=1 << 20)}
    orange = ImageColor.getrgb(charts.LATE)
    assert orange in colours and ImageColor.getrgb(charts.BAR) in colours
    plain = _png(reporting_chart("城南", DAYS[:5], [100.0, 80.0, None, 100.0, 60.0],
                                 [("张伟", 60)], LABELS))
    assert orange not in {c for _n, c in plain.convert("RGB").getcolors(maxcolors=1 << 20)}


def test_titles_are_drawn_in_the_cjk_fonts_bold_weight() -> None:
    font = fonts.cjk_font()
    bold = fonts.bold_sibling(font) if font else None
    if bold is None:
        pytest.skip("this CJK font ships no bold file")
    monthly_chart("张伟 · 月度报送率", ["2026-11"], [90.0], LABELS, late=[10.0])
    found = fontManager.findfont(FontProperties(family=charts._family(), weight="bold"),
                                 fallback_to_default=False)
    assert Path(found) == bold

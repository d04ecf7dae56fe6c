"""PNG charts for /summary and the dossier, from plain data; matplotlib without pyplot."""

from __future__ import annotations

import contextlib
import io
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import fontManager
from matplotlib.transforms import blended_transform_factory

from bot import fonts

DPI = 150
WIDTH_IN = 8.0  # 1200 px at DPI
MONTHLY_WIDTH_IN = 5.0  # the dossier's chart, shown at a phone's width as well as on A4
EXCELLENT, FAIR = 85.0, 60.0  # composite-score grade thresholds (SPEC §8: 优秀 ≥ 85, 一般 < 60)
ROW_IN = 0.26  # height of one cadre's bar row, up to CROWDED rows
CROWDED = 60  # beyond this many rows the panel stops growing and the rows get thinner
NAME_CHARS = 12
MAX_COLUMN_LABELS = 31  # columns beyond this get no value labels and thinned tick labels
TITLE_CHARS = 40

BAR = "#3b6fb6"
LATE = "#f0a030"  # the late part of a day's reporting, stacked on the on-time part
MUTED = "#9e9e9e"
EXCELLENT_LINE, FAIR_LINE = "#2e7d32", "#c62828"
_UNDERLAY = {"facecolor": "white", "edgecolor": "none", "pad": 0.4}  # keeps values off the lines


class ChartsUnavailable(Exception):
    """No font with Chinese glyphs is installed; `package` names the one to install."""

    def __init__(self) -> None:
        self.package = fonts.MISSING_FONT_PACKAGE
        super().__init__(f"no CJK font found; install {self.package}")


@dataclass(frozen=True)
class ChartLabels:
    """The user-facing words on the charts, filled from templates by the caller."""

    rate_panel: str  # title of the reporting-rate panel
    progress_panel: str  # title of the latest-progress panel
    rate_axis: str  # reporting rate, in %
    progress_axis: str  # progress, in %
    composite_axis: str  # composite score, 0–100
    no_data: str  # beside a bar that has no figure
    excellent: str  # the 85 line
    fair: str  # the 60 line
    on_time: str = "on time"  # the stacked parts of a day's reporting
    late: str = "late"


def reporting_chart(
    title: str,
    days: list[date],
    rates: list[float | None],
    progress: list[tuple[str, int | None]],
    labels: ChartLabels,
    *,
    late: list[float | None] | None = None,
) -> bytes:
    """Reporting rate (0–100) per working day above — on time and late stacked when `late`
    (the late share of each day) is given — and the latest progress (%) by cadre below."""
    _same_length(days, rates)
    family = _family()
    rows, row_in, size = _rows(len(progress))
    top_in, bottom_in = 2.8, rows * row_in + 0.7
    fig = _figure(0.6 + top_in + bottom_in + 0.9, title, family)
    top, bottom = fig.subplots(2, 1, height_ratios=[top_in, bottom_in])

    ticks = [f"{day.month}/{day.day}" for day in days]
    _columns(top, ticks, rates, labels, family, rotate=len(days) > 15, late=late)
    top.set_title(labels.rate_panel, family=family, fontsize=11, loc="left")
    top.set_ylabel(labels.rate_axis, family=family, fontsize=9)

    names = [name for name, _value in progress]
    values = [None if value is None else float(value) for _name, value in progress]
    _bars(bottom, names, values, labels, family, size, lambda v: f"{v:.0f}%")
    bottom.set_title(labels.progress_panel, family=family, fontsize=11, loc="left")
    bottom.set_xlabel(labels.progress_axis, family=family, fontsize=9)
    return _png(fig)


def composite_chart(
    title: str,
    names: list[str],
    composites: list[float | None],
    labels: ChartLabels,
    *,
    excellent: float = EXCELLENT,
    fair: float = FAIR,
) -> bytes:
    """Composite scores (0–100) as horizontal bars in the given order, with the grade lines."""
    _same_length(names, composites)
    family = _family()
    rows, row_in, size = _rows(len(names))
    fig = _figure(0.9 + rows * row_in + 1.2, title, family)
    ax = fig.subplots()
    _bars(ax, names, composites, labels, family, size, lambda v: f"{v:.1f}")
    ax.set_xlabel(labels.composite_axis, family=family, fontsize=9)
    above = blended_transform_factory(ax.transData, ax.transAxes)
    for value, text, colour in ((excellent, labels.excellent, EXCELLENT_LINE),
                                (fair, labels.fair, FAIR_LINE)):
        ax.axvline(value, color=colour, linestyle="--", linewidth=1.2, zorder=3)
        ax.text(value, 1.01, text, transform=above, ha="center", va="bottom", color=colour,
                family=family, fontsize=9)
    return _png(fig)


def monthly_chart(
    title: str, months: list[str], rates: list[float | None], labels: ChartLabels, *,
    late: list[float | None] | None = None,
) -> bytes:
    """Reporting rate (0–100) by month, on time and late stacked, for the dossier: narrow, so
    its words stay legible on a phone."""
    _same_length(months, rates)
    family = _family()
    fig = _figure(3.6, title, family, width=MONTHLY_WIDTH_IN)
    ax = fig.subplots()
    _columns(ax, months, rates, labels, family, rotate=len(months) > 8, late=late)
    ax.set_ylabel(labels.rate_axis, family=family, fontsize=9)
    return _png(fig)


_lock = threading.Lock()
_families: dict[tuple[Path, int], str] = {}


def _family() -> str:
    """The matplotlib family name of the CJK font, registered once; ChartsUnavailable without."""
    font = fonts.cjk_font()
    if font is None:
        raise ChartsUnavailable
    key = (font.path, font.index)
    with _lock:
        if key not in _families:
            try:
                fontManager.addfont(font.path)
            except Exception as exc:
                raise ChartsUnavailable from exc
            bold = fonts.bold_sibling(font)
            if bold is not None:  # bold titles: matplotlib finds the weight only if registered
                with contextlib.suppress(Exception):  # else titles stay regular
                    fontManager.addfont(bold)
            faces = [e for e in fontManager.ttflist if Path(e.fname) == font.path]
            if not faces:
                raise ChartsUnavailable
            # matplotlib ≥ 3.10 lists every face of a .ttc; older ones only the first.
            same = [e for e in faces if getattr(e, "index", 0) == font.index]
            _families[key] = (same or faces)[0].name
        return _families[key]


def _same_length(a: Sequence[object], b: Sequence[object]) -> None:
    """Refuse series of different lengths."""
    if len(a) != len(b):
        raise ValueError(f"{len(a)} labels but {len(b)} values")


def _rows(count: int) -> tuple[int, float, float]:
    """Rows to draw, the height of one (inches) and the font size that fits it."""
    rows = max(1, count)
    row_in = ROW_IN if rows <= CROWDED else ROW_IN * CROWDED / rows
    return rows, row_in, max(5.5, min(9.0, row_in * 72 * 0.62))


def _figure(height_in: float, title: str, family: str, *, width: float = WIDTH_IN) -> Figure:
    """A titled figure (WIDTH_IN wide), rendered by Agg (never pyplot: charts run in threads)."""
    fig = Figure(figsize=(width, round(height_in, 2)), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    fig.suptitle(_short(title, TITLE_CHARS), family=family, fontsize=13, fontweight="bold")
    return fig


def _short(text: str, limit: int) -> str:
    """`text` cut to `limit` characters with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _columns(
    ax: Axes,
    ticks: list[str],
    rates: list[float | None],
    labels: ChartLabels,
    family: str,
    *,
    rotate: bool,
    late: list[float | None] | None = None,
) -> None:
    """Vertical 0–100 bars, with their values while they fit; `no_data` where a rate is None.
    With `late`, each bar stacks its on-time part (blue) under its late part (orange)."""
    positions = range(len(ticks))
    small = 7 if len(ticks) > 12 else 8
    shares = late if late is not None else [None] * len(rates)
    for x, rate, part in zip(positions, rates, shares, strict=True):
        _column(ax, x, rate, part, labels, family, small, stacked=late is not None,
                valued=len(ticks) <= MAX_COLUMN_LABELS)
    step = max(1, -(-len(ticks) // MAX_COLUMN_LABELS))  # a long period: every step-th label
    ax.set_xticks(list(positions)[::step], ticks[::step], rotation=45 if rotate else 0,
                  ha="right" if rotate else "center")
    ax.set_xlim(-0.6, max(len(ticks), 1) - 0.4)
    ax.set_ylim(0, 112)
    if late is not None and any(r is not None for r in rates):
        ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=2, frameon=False,
                  prop={"family": family, "size": 8})  # above the bars, beside the title
    ax.set_yticks(range(0, 101, 20))
    _style(ax, family, "y")
    if not ticks:
        _empty(ax, labels, family)


def _column(ax: Axes, x: int, rate: float | None, part: float | None, labels: ChartLabels,
            family: str, small: int, *, stacked: bool, valued: bool) -> None:
    """One day's bar: on time (blue) under late (orange) when stacked, its value on top."""
    if rate is None:
        ax.text(x, 2, labels.no_data, rotation=90, ha="center", va="bottom", color=MUTED,
                family=family, fontsize=small)
        return
    whole = min(max(rate, 0.0), 100.0)
    behind = min(max(part or 0.0, 0.0), whole)
    ax.bar(x, whole - behind, width=0.7, color=BAR, zorder=2,
           label=labels.on_time if x == 0 and stacked else None)
    if stacked:
        ax.bar(x, behind, bottom=whole - behind, width=0.7, color=LATE, zorder=2,
               label=labels.late if x == 0 else None)
    if valued:
        ax.text(x, whole + 1.5, f"{rate:.0f}", ha="center", va="bottom", family=family,
                fontsize=small)


def _bars(
    ax: Axes,
    names: list[str],
    values: list[float | None],
    labels: ChartLabels,
    family: str,
    size: float,
    shown: Callable[[float], str],
) -> None:
    """Horizontal 0–100 bars, first name on top; an empty outlined bar where a value is None."""
    for y, value in enumerate(values):
        if value is None:
            ax.barh(y, 100, height=0.7, fill=False, edgecolor=MUTED, linestyle=":", zorder=2)
            ax.text(1.5, y, labels.no_data, va="center", color=MUTED, family=family,
                    fontsize=size)
            continue
        ax.barh(y, min(max(value, 0.0), 100.0), height=0.7, color=BAR, zorder=2)
        ax.text(min(max(value, 0.0), 100.0) + 1, y, shown(value), va="center", family=family,
                fontsize=size, zorder=4, bbox=_UNDERLAY)
    ax.set_yticks(range(len(names)), [_short(name, NAME_CHARS) for name in names])
    ax.set_ylim(max(len(names), 1) - 0.5, -0.5)
    ax.set_xlim(0, 112)
    ax.set_xticks(range(0, 101, 20))
    _style(ax, family, "x")
    ax.tick_params(axis="y", labelsize=size, length=0)
    if not names:
        _empty(ax, labels, family)


def _style(ax: Axes, family: str, grid: str) -> None:
    """Quiet axes: CJK tick labels, a light grid along the value axis, no top/right spines."""
    ax.tick_params(labelfontfamily=family, labelsize=8)
    ax.grid(axis=grid, color="#e0e0e0", linewidth=0.8, zorder=0)
    ax.spines[["top", "right"]].set_visible(False)


def _empty(ax: Axes, labels: ChartLabels, family: str) -> None:
    """Say `no_data` in the middle of an empty panel."""
    ax.text(0.5, 0.5, labels.no_data, transform=ax.transAxes, ha="center", va="center",
            color=MUTED, family=family, fontsize=10)


def _png(fig: Figure) -> bytes:
    """Render the figure to PNG bytes and free it."""
    out = io.BytesIO()
    try:
        fig.savefig(out, format="png", dpi=DPI, metadata={"Software": None})
    finally:
        fig.clear()
    return out.getvalue()

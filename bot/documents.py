"""Files examiners hand on, built off the event loop from view data: charts (PNG), the
dossier (HTML + XLSX), the export (XLSX), the period's 专报 (HTML, and PDF with WeasyPrint)."""

from __future__ import annotations

import base64
import logging
import tempfile
from io import BytesIO
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, BinaryIO

from bot import fonts
from bot.fonts import MISSING_FONT_PACKAGE
from bot.render import Renderer
from core.assessment import board_digest
from core.documents import dossier_sheets, export_sheets, export_view, period_report
from core.documents.xlsx import workbook_bytes, write_workbook
from storage.tables import Period, Project

if TYPE_CHECKING:
    from bot import charts

log = logging.getLogger(__name__)


def _charts() -> ModuleType:
    """bot.charts, imported where a chart is drawn: matplotlib never weighs on an idle bot."""
    from bot import charts
    return charts


class Documents:
    """Builds every file; a missing CJK font makes charts (only) unavailable."""

    package = MISSING_FONT_PACKAGE

    def __init__(self, renderer: Renderer, db: Any = None) -> None:
        self.renderer, self.db = renderer, db

    @property
    def charts_ok(self) -> bool:
        return fonts.cjk_font() is not None  # the lookup the charts themselves make

    # --- labels from the templates ---------------------------------------------------------

    def _t(self, key: str, **view: Any) -> str:
        return self.renderer.text(f"files.{key}", **view)

    def _list(self, key: str) -> list[str]:
        return self._t(key).split("|")

    def _map(self, key: str) -> dict[str, str]:
        return dict(item.split("=", 1) for item in self._t(key).split("|"))

    def _chart_labels(self) -> charts.ChartLabels:
        return _charts().ChartLabels(**{name: self._t(f"chart_{name}") for name in (
            "rate_panel", "progress_panel", "rate_axis", "progress_axis", "composite_axis",
            "no_data", "excellent", "fair", "on_time", "late")})

    # --- charts ----------------------------------------------------------------------------

    def summary_chart(self, view: Any) -> bytes:
        """Reporting rate per working day, and the latest progress by cadre."""
        days = [d for d, _done, _due in view.daily]
        rates = [100.0 * done / due if due else None for _d, done, due in view.daily]
        late = [100.0 * view.late.get(d, 0) / due if due else None for d, _done, due in view.daily]
        progress = [(c.person.name, c.progress) for c in view.cadres]
        return _charts().reporting_chart(self._t("chart_summary_title", view=view), days, rates,
                                      progress, self._chart_labels(), late=late)

    def composite_chart(self, view: Any) -> bytes:
        """The composite by cadre, with the 优秀 and 一般 lines."""
        apart = board_digest.distinctions(view.rows)  # namesakes told apart, as on the board
        return _charts().composite_chart(self._t("chart_composite_title", view=view),
                                      [self._t("chart_name", name=r.person.name,
                                               extra=apart.get(r.person.id, ""))
                                       for r in view.rows],
                                      [r.score.composite for r in view.rows],
                                      self._chart_labels())

    def _png(self, build: Any) -> str | None:
        """A chart as a data: URI for HTML, or None without a CJK font."""
        try:
            return "data:image/png;base64," + base64.b64encode(build()).decode()
        except _charts().ChartsUnavailable:
            return None

    # --- dossier ---------------------------------------------------------------------------

    def dossier_name(self, view: Any) -> str:
        return self._t("dossier_name", person=view.person)

    def dossier_html(self, view: Any) -> bytes:
        late = [100.0 * m.late / m.workdays if m.workdays else None for m in view.months]
        chart = self._png(lambda: _charts().monthly_chart(
            self._t("chart_monthly_title", person=view.person), [m.month for m in view.months],
            [m.rate for m in view.months], self._chart_labels(), late=late))
        return self.renderer.document("dossier", view=view, chart=chart).encode()

    def dossier_xlsx(self, view: Any) -> bytes:
        headers = {key: self._list(f"dossier_{key}") for key in (
            "basics", "duties", "items", "reports", "ratings", "orders", "notes", "scores",
            "trail")}
        labels = {"sheets": self._list("dossier_sheets"), "headers": headers,
                  "title": self._t("dossier_title", person=view.person),
                  "field": self._map("dossier_fields"), "stages": self._map("stages"),
                  "states": self._map("states"), "actions": self._map("actions"),
                  "trail": self._map("trail"), "yes": self._t("yes"), "no": self._t("no"),
                  "hidden": self._t("hidden")}
        return workbook_bytes(dossier_sheets.sheets(view, labels))

    # --- the whole board (/scores, /ranking past a screenful) -------------------------------

    def board_name(self, view: Any) -> str:
        return self._t("board_name", view=view)

    def board_html(self, view: Any) -> bytes:
        """Every cadre of the board, with each part and its figures, as one HTML page."""
        return self.renderer.document("board", view=view,
                                      apart=board_digest.distinctions(view.rows)).encode()

    # --- export ----------------------------------------------------------------------------

    def export_name(self, scope: Any) -> str:
        return self._t("export_name", scope=scope.name)

    def export_for(self, actor: Any, word: str | None, period_word: str | None,
                   **options: Any) -> BinaryIO:
        """Rank the export's cadres in a session of this (worker) thread, then write it to an
        unnamed temporary file as its rows are read, handed back at its start: it is sent from
        the disk, never held in memory (closing it removes it)."""
        with self.db.session(write=False) as session:
            view = export_view.build(session, actor, word, period_word, **options)
        out = tempfile.TemporaryFile()  # noqa: SIM115  (handed on open; the sender closes it)
        try:
            self.export(view, out)
        except BaseException:
            out.close()
            raise
        out.seek(0)
        return out

    def export_labels(self, view: Any) -> dict[str, Any]:
        return {"title": self._t("export_title", scope=view.scope.name,
                                 period=view.period, end=view.end, in_period=view.in_period),
                "achievements": self._list("export_achievements"),
                "kinds": self._list("export_kinds"),
                "diligence": self._list("export_diligence"),
                "evaluation": self._list("export_evaluation"),
                "ledger": self._list("export_ledger"), "states": self._map("states"),
                "stages": self._map("stages"), "rating_scopes": self._map("rating_scopes"),
                "yes": self._t("yes"), "no": self._t("no")}

    def export(self, view: Any, target: str | Path | BinaryIO) -> None:
        """Stream the workbook to a path or file object (openpyxl write-only mode)."""
        write_workbook(export_sheets.sheets(view, self.export_labels(view)), target)

    def export_xlsx(self, view: Any) -> bytes:
        out = BytesIO()
        self.export(view, out)
        return out.getvalue()

    # --- the period's 专报 -------------------------------------------------------------------

    def report_name(self, view: Any) -> str:
        return self._t("report_name", project=view.project, period=view.period)

    def report_html(self, view: Any) -> str:
        """The period's report for one project, charts embedded."""
        chart = self._png(lambda: self.composite_chart(view.scores))
        return self.renderer.document("period_report", view=view, chart=chart)

    @staticmethod
    def pdf(html: str) -> bytes | None:
        """The HTML as PDF when WeasyPrint is installed (the optional `pdf` extra)."""
        try:
            from weasyprint import HTML  # type: ignore[import-not-found]
        except ImportError:
            return None
        try:
            return HTML(string=html).write_pdf()
        except Exception:
            log.exception("PDF rendering failed")
            return None


def period_report_files(db: Any, documents: Documents, quota: float, doc: dict[str, Any]
                        ) -> list[tuple[str, bytes]]:
    """A ledger delivery's files: the period's 专报 for one project (kept once made)."""
    with db.session() as session:
        period = session.get(Period, doc["period"])
        project = session.get(Project, doc["project"])
        if period is None or project is None:
            return []
        found = period_report.kept(session, period.id, project.id)
        view = period_report.build(session, period, project, quota=quota)
        html = found.html if found is not None else documents.report_html(view)
        period_report.keep(session, period.id, project.id, html)
        name = documents.report_name(view)
    files = [(f"{name}.html", html.encode())]
    pdf = documents.pdf(html)
    if pdf is not None:
        files.append((f"{name}.pdf", pdf))
    return files

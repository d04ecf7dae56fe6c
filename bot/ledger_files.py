"""The files a ledger delivery carries: a dashboard button's dossier or export, else a 专报.

Kept apart from the dashboard's web app: every bot builds these, few serve the dashboard.
"""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace
from typing import Any, BinaryIO

from bot.documents import Documents, period_report_files
from bot.settings import Settings
from core.assessment import scores
from core.documents import dossier_view, file_requests
from core.org.people import UserInfo
from core.ratings import anonymity
from core.review.dashboard import viewer
from storage import people as people_q
from storage.db import Database


def grading(settings: Settings) -> scores.Grading:
    """The anonymity thresholds and the 优秀 quota, from the settings."""
    return scores.Grading(anonymity.Thresholds(settings.frontline_anon_min,
                                               settings.frontline_anon_min_comments),
                          settings.frontline_excellent_quota)


def ledger_files(db: Database, documents: Documents, settings: Settings, doc: dict[str, Any]
                 ) -> list[tuple[str, bytes | BinaryIO]]:
    """A ledger delivery's files: a dashboard button's dossier or export, else a 专报."""
    kind = doc.get("kind")
    if kind not in file_requests.KINDS:
        return period_report_files(db, documents, settings.frontline_excellent_quota, doc)
    today = datetime.now(settings.tz).date()
    with db.session(write=False) as session:  # the examiner's rights as they are now
        actor = viewer(session, UserInfo(id=int(doc["tg"])), admins=settings.frontline_admins)
        if kind == "dossier":
            person = people_q.by_ids(session, ids=[int(doc["person"])])[0]
            view = dossier_view.build(session, actor, person, today=today,
                                      grading=grading(settings), tz=settings.tz)
    if kind == "dossier":
        name = documents.dossier_name(view)
        return [(f"{name}.html", documents.dossier_html(view)),
                (f"{name}.xlsx", documents.dossier_xlsx(view))]
    period = str(doc["period"]) if doc.get("period") else None
    with db.session(write=False) as session:
        scope = file_requests.check(session, actor, "export", person_id=None,
                                    scope=doc.get("scope"), period_id=doc.get("period"))
    name = documents.export_name(SimpleNamespace(name=scope))
    return [(f"{name}.xlsx", documents.export_for(  # a temporary file, closed once sent
        actor, doc.get("scope"), period, today=today, grading=grading(settings),
        tz=settings.tz, group_project=None))]

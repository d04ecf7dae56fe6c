"""Reading /scores as a person reads it: per cadre the composite, grade and each part."""

from __future__ import annotations

import re

from bot.app import Runtime
from bot.settings import Settings
from storage.db import Database
from tests.auxil.factories import make_message, make_user, message_update, private
from tests.auxil.offline import OfflineRequest

_ROW = re.compile(r"^\d+\. <b>(?P<name>[^<]+)</b>（(?P<projects>[^）·]*?)(?: · [^）]*)?）"
                  r"(?: 综合 (?P<comp>[\d.]+) / 100 · (?P<grade>\S+)| 综合：无数据)")
_PART = re.compile(r"^\s+(?P<part>实绩|状态|评价|考核组) (?:(?P<value>[\d.]+)（权重|无数据)")
PARTS = {"实绩": "achievement", "状态": "diligence", "评价": "rating", "考核组": "examiners"}


async def scores_as_said(settings: Settings, db: Database, user_id: int, args: str = ""
                         ) -> dict[str, dict]:
    """/scores [args] in private → 姓名（项目） → {composite, grade, parts}."""
    offline = OfflineRequest()
    user = make_user(user_id, "考察员")
    async with Runtime(settings, db, request=offline) as runtime:
        runtime.inbox.store([message_update(make_message(private(user), user,
                                                         f"/scores {args}".strip()))])
        await runtime.inbox.process_pending()
        await runtime.settle()
    found: dict[str, dict] = {}
    current: dict | None = None
    for line in "\n".join(offline.texts(user_id)).splitlines():
        row = _ROW.match(line)
        if row:
            current = found[f"{row['name']}（{row['projects']}）"] = {
                "composite": float(row["comp"]) if row["comp"] else None,
                "grade": row["grade"] or "", "parts": {}}
            continue
        part = _PART.match(line)
        if part and current is not None:
            current["parts"][PARTS[part["part"]]] = float(part["value"]) if part["value"] else None
    return found

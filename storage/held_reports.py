"""New daily reports a group of updates holds back, then writes together (one statement on
PostgreSQL, two on SQLite).

A group commit's updates (bot.group_commit) mostly each store one new report: two statements
apiece (on PostgreSQL a round trip and a plan each, more than all the rest of the update).
In a group's session they are held on its connection instead and written together (on
PostgreSQL the reports and their lines as JSON in one statement; on SQLite one INSERT of many
rows, then the lines) before the connection runs any other statement, and before it commits.
So every statement, the group's own reads included, still sees every report stored before it,
and a rollback drops what is held with the rest.

A held report counts as a write of its update (a failure later in that update breaks the
group, as any written update does). The write itself can fail, or find a report already
stored for the message (a replay): then `Unwritten` is raised, counted as a failed statement,
and the group's updates run again, one transaction each, where nothing is held.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlalchemy import Connection, Engine, event, text
from sqlalchemy.dialects import sqlite
from sqlmodel import Session

from storage.tables import DailyReport, ReportItem

_ON = "hold_reports"  # session.info: this session's new reports may be held
_HELD = "held_reports"  # connection.info: [(values, items), ...] not written yet
_REPORTS, _ITEMS = DailyReport.__table__, ReportItem.__table__  # type: ignore[attr-defined]
_INSERT = sqlite.insert(_REPORTS).on_conflict_do_nothing().returning(
    _REPORTS.c.id, _REPORTS.c.chat_id, _REPORTS.c.message_id)
_INSERT_ITEMS = _ITEMS.insert()
_COLUMNS = {"person_id": "integer", "project_id": "integer", "chat_id": "bigint",
            "message_id": "bigint", "local_date": "date", "posted_at": "timestamptz",
            "on_time": "boolean", "backfilled": "boolean", "text": "text", "photos": "text",
            "progress": "integer", "withdrawn": "boolean"}
_LINES = {"line_chat": "bigint", "line_message": "bigint", "kind": "varchar",
          "position": "integer", "line_text": "text"}


def _record(columns: dict[str, str]) -> str:
    """json_to_recordset's column list for these columns."""
    return ", ".join(f"{name} {kind}" for name, kind in columns.items())


# PostgreSQL: one statement, the same for any number of reports (prepared once per connection).
# The reports and lines go as two JSON documents, written by json.dumps in C: as arrays, psycopg
# would build each element's text in Python.
_PG_INSERT = text(f"""
WITH report AS (
    INSERT INTO daily_report ({", ".join(_COLUMNS)})
    SELECT {", ".join(_COLUMNS)}
    FROM json_to_recordset(CAST(:reports AS json)) AS held({_record(_COLUMNS)})
    ON CONFLICT DO NOTHING RETURNING id, chat_id, message_id),
line AS (
    INSERT INTO report_item (report_id, kind, position, text)
    SELECT report.id, line.kind, line.position, line.line_text
    FROM json_to_recordset(CAST(:lines AS json)) AS line({_record(_LINES)})
    JOIN report ON report.chat_id = line.line_chat AND report.message_id = line.line_message)
SELECT count(*) FROM report""")


def _iso(value: date) -> str:
    """A date or datetime as JSON carries it (PostgreSQL reads it back by the column's type)."""
    return value.isoformat()


class Unwritten(Exception):
    """The held reports could not be written as held: the group runs again, one by one."""


def enable(session: Session) -> None:
    """Let this (group) session hold its new reports until its next statement or commit."""
    session.info[_ON] = True


def hold(session: Session, values: dict, items: list[tuple[str, str]]) -> bool:
    """Hold a new report with its lines, if this session may; True when held."""
    if not session.info.get(_ON):
        return False
    info = session.connection().info
    info.setdefault(_HELD, []).append((values, items))
    info["writes"] = info.get("writes", 0) + 1  # its update has written (storage.db)
    return True


def _write(conn: Connection) -> None:
    """Write what `conn` holds: the reports in one INSERT, their lines in another."""
    held = conn.info.pop(_HELD, None)
    if not held:
        return
    writes = conn.info.get("writes", 0)  # counted when held: not twice
    try:
        stored = (_write_pg if conn.dialect.name == "postgresql" else _write_sqlite)(conn, held)
        if stored != len(held):
            raise Unwritten(f"{len(held) - stored} of {len(held)} reports were stored before")
    except Exception as exc:
        conn.info["failures"] = conn.info.get("failures", 0) + 1  # the group cannot go on
        raise exc if isinstance(exc, Unwritten) else Unwritten(str(exc)) from exc
    finally:
        conn.info["writes"] = writes


def _write_pg(conn: Connection, held: list[tuple[dict, list]]) -> int:
    """Reports and lines as JSON, in one round trip; how many reports were new."""
    reports = [{name: values[name] for name in _COLUMNS} for values, _items in held]
    lines = [{"line_chat": values["chat_id"], "line_message": values["message_id"],
              "kind": kind, "position": position, "line_text": line}
             for values, items in held for position, (kind, line) in enumerate(items)]
    return int(conn.execute(_PG_INSERT, {
        "reports": json.dumps(reports, ensure_ascii=False, default=_iso),
        "lines": json.dumps(lines, ensure_ascii=False)}).scalar_one())


def _write_sqlite(conn: Connection, held: list[tuple[dict, list]]) -> int:
    """Reports in one INSERT of many rows, then their lines; how many reports were new."""
    stored = conn.execute(_INSERT, [values for values, _items in held])
    ids = {(chat, message): report_id for report_id, chat, message in stored}
    lines = [{"report_id": ids[values["chat_id"], values["message_id"]], "kind": kind,
              "position": position, "text": line}
             for values, items in held if (values["chat_id"], values["message_id"]) in ids
             for position, (kind, line) in enumerate(items)]
    if lines:
        conn.execute(_INSERT_ITEMS, lines)
    return len(ids)


def install(engine: Engine) -> None:
    """Write held reports before any other statement and at commit; drop them at rollback."""

    @event.listens_for(engine, "before_execute")
    def _before(conn: Connection, *_args: Any) -> None:
        if conn.info.get(_HELD):
            _write(conn)

    @event.listens_for(engine, "commit")
    def _commit(conn: Connection) -> None:
        if conn.info.get(_HELD):
            _write(conn)

    @event.listens_for(engine, "rollback")
    def _rollback(conn: Connection) -> None:
        if not conn.invalidated:  # a lost connection's info went with it (asking would raise)
            conn.info.pop(_HELD, None)

"""A rater leaves no trace (SPEC §6): not in the database files, not in the logs, not as a
person. The whole flow runs (an error line, a 差评 with a comment and 回访, the order, the
close-out and the rater's verdict) with a distinctive id that is then searched for."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from sqlalchemy import event, text
from sqlmodel import select

from storage.tables import (
    Delivery,
    HintLog,
    Inbox,
    Pending,
    Person,
    Rating,
    RatingContact,
    Rectification,
)
from tests.auxil.cast import ADMIN, CADRE, setup_project
from tests.auxil.factories import make_user
from tests.auxil.raters import bot_with, data_of, press_data, question, rate, ratelink, say
from tests.conftest import Harness

RATER = make_user(987654321012, "评价人")
ID = RATER.id


class Remember(logging.Handler):
    """Every record logged anywhere, formatted with its traceback."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture):  # type: ignore[no-untyped-def]
    """caplog at DEBUG, and a handler of our own on the root logger."""
    caplog.set_level(logging.DEBUG)
    handler = Remember()
    root = logging.getLogger()
    root.addHandler(handler)
    yield lambda: caplog.text + "\n".join(handler.lines)
    root.removeHandler(handler)


async def whole_story(h: Harness) -> str:
    """An error line, a 差评 with everything, 转为交办单, /done, /verify pass, the verdict."""
    await setup_project(h)
    token = await ratelink(h, ADMIN, "张三")
    await h.feed(say(RATER, "/start r_nosuchlink000"))
    assert "评价链接无效" in h.last(RATER.id)
    await h.feed(say(RATER, "/nosuchcommand"))  # a stranger's line: throttled, so remembered
    assert "/nosuchcommand" in h.last(RATER.id)
    await rate(h, RATER, token, 1, dims=(2, None, 1), comment="办事要跑三趟", followup=True)
    alert = question(h, ADMIN.id)
    assert "收到差评" in alert.text
    await press_data(h, ADMIN, alert, data_of(alert, "转为交办单"))
    with h.db.session(write=False) as s:
        number = s.exec(select(Rectification.number)).one()
    await h.feed(say(CADRE, f"/done {number} 已增设窗口"))
    await h.feed(say(ADMIN, f"/verify {number} pass 现场核实"))
    ask = question(h, RATER.id)
    assert number in ask.text
    await press_data(h, RATER, ask, data_of(ask, "满意"))
    assert "满意" in question(h, RATER.id).text
    return number


def forms(value: int) -> list[bytes]:
    """The id as text, and its significant bytes in either order: SQLite stores an integer
    big-endian in the fewest of 1, 2, 3, 4, 6 or 8 bytes, so this covers every width."""
    width = (value.bit_length() + 7) // 8
    return [str(value).encode(), value.to_bytes(width, "big"), value.to_bytes(width, "little")]


def test_forms_find_the_id_as_sqlite_writes_it(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "probe.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE t (v INTEGER)")
        conn.execute("INSERT INTO t VALUES (?)", (ID,))
    data = path.read_bytes()
    assert str(ID).encode() not in data and forms(ID)[1] in data


async def test_no_database_file_holds_the_rater_id(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/frontline.db"
    async with bot_with(url) as h:
        await whole_story(h)
        files = sorted(tmp_path.glob("frontline.db*"))
        assert {f.name for f in files} >= {"frontline.db", "frontline.db-wal"}
        for path in files:
            data = path.read_bytes()
            for form in forms(ID):
                assert form not in data, f"{form!r} found in {path.name}"


async def test_no_log_line_names_the_rater(tmp_path: Path, logs) -> None:  # type: ignore[no-untyped-def]
    async with bot_with(f"sqlite:///{tmp_path}/frontline.db") as h:
        await whole_story(h)
    written = logs()
    assert written, "nothing was logged: the capture is not working"
    assert str(ID) not in written


async def test_no_integer_or_text_column_holds_the_rater_id_on_postgresql(pg_url: str) -> None:
    async with bot_with(pg_url) as h:
        await whole_story(h)
        with h.db.session(write=False) as s:
            columns = s.execute(text(
                "SELECT table_name, column_name, data_type FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND data_type IN "
                "('smallint', 'integer', 'bigint', 'numeric', 'text', 'character varying')"
            )).all()
            hits = []
            for table, column, kind in columns:
                if kind in ("text", "character varying"):
                    where, value = f'"{column}" LIKE :v', f"%{ID}%"
                else:
                    where, value = f'"{column}" = :v', ID
                found = s.execute(text(f'SELECT COUNT(*) FROM "{table}" WHERE {where}'),
                                  {"v": value}).scalar_one()
                if found:
                    hits.append(f"{table}.{column}")
    assert {t for t, _c, k in columns if k == "bigint"} >= {"inbox", "person", "delivery"}
    assert hits == []


async def test_a_rater_is_no_person_and_has_no_row_of_their_own(harness) -> None:  # type: ignore[no-untyped-def]
    number = await whole_story(harness)
    with harness.db.session(write=False) as s:
        assert s.exec(select(Person).where(Person.tg_id == ID)).all() == []
        assert s.exec(select(Pending)).all() == []
        hints = s.exec(select(HintLog.user_id)).all()
        assert hints and ID not in hints  # the error line was throttled under a pseudonym
        assert s.exec(select(Delivery).where(Delivery.chat_id == ID)).all() == []
        assert s.exec(select(Inbox).where(Inbox.chat_id == ID)).all() == []
        order = s.exec(select(Rectification).where(Rectification.number == number)).one()
        assert order.followup == "满意"
        assert s.exec(select(RatingContact)).all() == []  # deleted after the 回访
        [rating] = s.exec(select(Rating)).all()
        assert str(ID) not in rating.dedupe and rating.comment == "办事要跑三趟"


async def test_a_raters_steps_write_nothing_to_person(harness) -> None:  # type: ignore[no-untyped-def]
    """A rater is no person: their updates (every one passes the reachability check first)
    change no person row and run no statement that would."""
    await setup_project(harness)
    token = await ratelink(harness, ADMIN, "张三")
    written: list[str] = []

    def watch(_conn, _cursor, statement: str, *_rest: object) -> None:
        if statement.lstrip().upper().startswith(("UPDATE PERSON", "INSERT INTO PERSON",
                                                  "DELETE FROM PERSON")):
            written.append(statement)

    event.listen(harness.db.engine, "before_cursor_execute", watch)
    try:
        await rate(harness, RATER, token, 2, dims=(3,), comment="慢", followup=True)
    finally:
        event.remove(harness.db.engine, "before_cursor_execute", watch)
    assert "感谢" in question(harness, RATER.id).text
    assert written == []

"""Counting the SQL statements one update costs (bounded queries, whatever the cadres)."""

from __future__ import annotations

from sqlalchemy import event

from tests.auxil.factories import make_message, make_user, message_update, private
from tests.conftest import ADMIN_ID

ADMIN = make_user(ADMIN_ID, "组织部")


async def statements(h, text: str, user=ADMIN) -> int:  # type: ignore[no-untyped-def]
    """How many statements the bot runs for `text` sent in private by `user`."""
    count = 0

    def counter(*_args: object) -> None:
        nonlocal count
        count += 1

    event.listen(h.db.engine, "before_cursor_execute", counter)
    try:
        await h.feed(message_update(make_message(private(user), user, text)))
    finally:
        event.remove(h.db.engine, "before_cursor_execute", counter)
    return count

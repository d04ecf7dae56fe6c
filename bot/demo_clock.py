"""The demo's story clock: every row the demo makes is dated inside the story, not at seeding."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import event
from sqlmodel import Session

from core.common.calendar import is_workday

STORY_DAYS = 42  # six weeks: the district started work this long before "now"
STAMPED = ("at", "created_at")  # the columns core fills with the wall clock


@dataclass(frozen=True)
class StoryClock:
    """Days and times of the story: it starts `STORY_DAYS` before now and ends yesterday."""

    now: datetime  # aware; nothing in the story happens after it
    tz: ZoneInfo

    @property
    def today(self) -> date:
        return self.now.astimezone(self.tz).date()

    @property
    def start(self) -> date:
        return self.today - timedelta(days=STORY_DAYS)

    def day(self, offset: int) -> date:
        """The story's day `offset` days after its start."""
        return self.start + timedelta(days=offset)

    def ago(self, days: int) -> date:
        return self.today - timedelta(days=days)

    def at(self, day: date, clock: time) -> datetime:
        """A local wall-clock time as aware UTC, never after now."""
        found = datetime.combine(day, clock, tzinfo=self.tz).astimezone(UTC)
        if found > self.now:
            raise ValueError(f"the demo story must not reach past now: {found} > {self.now}")
        return found

    def workday_on_or_before(self, day: date) -> date:
        while not is_workday(day):
            day -= timedelta(days=1)
        return day

    def workday_on_or_after(self, day: date) -> date:
        while not is_workday(day):
            day += timedelta(days=1)
        return day

    def workdays(self, first: date, last: date) -> list[date]:
        """The working days from first to last, both included."""
        count = (last - first).days + 1
        return [d for d in (first + timedelta(days=n) for n in range(max(count, 0)))
                if is_workday(d)]

    @contextmanager
    def dated(self, session: Session, when: datetime) -> Iterator[None]:
        """Rows added inside the block get `when` as their `at` / `created_at`."""
        if when > self.now:
            raise ValueError(f"the demo story must not reach past now: {when} > {self.now}")

        def stamp(sess: Session, _context: object, _instances: object) -> None:
            for obj in sess.new:
                for name in STAMPED:
                    if hasattr(obj, name):
                        setattr(obj, name, when)

        event.listen(session, "before_flush", stamp)
        try:
            yield
            session.flush()
        finally:
            event.remove(session, "before_flush", stamp)

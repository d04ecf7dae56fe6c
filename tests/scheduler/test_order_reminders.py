"""order-reminders over 75 days (2026-09-01 … 11-14), each day run twice, through the Runner.

No clock is faked: orders are stored with past issue dates and chosen deadlines, and the runner
is asked for each day's 09:05 (`live=False`, as `frontline jobs run --at`). The expected
reminders are written out by hand from the 2026 calendar (see tests/test_order_schedule.py):
中秋 Fri Sep 25 and 国庆 Oct 1–7 off, Sun Sep 20 and Sat Oct 10 make-up working days.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import func, select

from storage.db import Database
from storage.tables import Chat, Delivery, Domain, Membership, Person, Project, Rectification
from tests.auxil.offline import OfflineRequest
from tests.auxil.runners import make_runner

TZ = ZoneInfo("Asia/Shanghai")
START, DAYS = date(2026, 9, 1), 75
GROUP = -100_500
ZHANG, LI, WANG, ISSUER = 501, 502, 503, 601
OFF = {date(2026, 9, 25), *(date(2026, 10, d) for d in (1, 2, 5, 6, 7))}  # weekdays off
ON = {date(2026, 9, 20), date(2026, 10, 10)}  # weekend days worked (调休)
KIND = (("还有", "d7"), ("明天到期", "d1"), ("今天到期", "due"), ("已逾期", "overdue"))
NUMBER = re.compile(r"ZG-2026-\d{4}")

# letter: (cadre, project, deadline, state)
ORDERS = {
    "A": (ZHANG, 1, date(2026, 9, 30), "open"),        # closed after Oct 16's run
    "B": (ZHANG, 1, date(2026, 10, 12), "progress"),   # cancelled after Oct 20's run
    "C": (LI, 1, date(2026, 10, 10), "open"),          # due on a make-up Saturday
    "D": (LI, 1, date(2026, 9, 27), "submitted"),      # d7 on a make-up Sunday
    "E": (WANG, 2, date(2026, 11, 9), "open"),         # a project without a group
    "F": (ZHANG, 1, date(2026, 10, 20), "closed"),
    "G": (ZHANG, 1, date(2026, 10, 21), "cancelled"),
    "H": (ZHANG, 1, date(2026, 12, 31), "open"),       # due after the window
    "I": (WANG, 2, date(2026, 11, 6), "open"),         # issued on Nov 3
    "K": (ZHANG, 1, date(2026, 9, 15), "open"),        # closed after Sep 18's run
}
NUMBERS = {letter: f"ZG-2026-{n:04d}" for n, letter in enumerate(ORDERS, start=1)}


def d(month: int, day: int) -> date:
    return date(2026, month, day)


def working(day: date) -> bool:
    return (day.weekday() < 5 or day in ON) and day not in OFF


def every_workday(first: date, last: date) -> list[date]:
    return [first + timedelta(n) for n in range((last - first).days + 1)
            if working(first + timedelta(n))]


def expected_cadre_reminders() -> dict[tuple[date, int], set[tuple[str, str]]]:
    found: dict[tuple[date, int], set[tuple[str, str]]] = defaultdict(set)

    def add(letter: str, kind: str, *days: date) -> None:
        for day in days:
            found[(day, ORDERS[letter][0])].add((NUMBERS[letter], kind))

    add("K", "d7", d(9, 8))
    add("K", "d1", d(9, 14))
    add("K", "due", d(9, 15))
    add("K", "overdue", d(9, 16), d(9, 17), d(9, 18))  # no issuer list: not overdue on Monday
    add("A", "d7", d(9, 23))
    add("A", "d1", d(9, 29))
    add("A", "due", d(9, 30))
    add("A", "overdue", *every_workday(d(10, 1), d(10, 16)))
    add("B", "d7", d(10, 8))                      # Oct 5 (国庆) → Thu Oct 8
    add("B", "due", d(10, 12))                    # d1 (Sun Oct 11) moved onto the due date
    add("B", "overdue", *every_workday(d(10, 13), d(10, 20)))
    add("C", "d7", d(10, 8))                      # Oct 3 → Oct 8
    add("C", "d1", d(10, 9))
    add("C", "due", d(10, 10))                    # Saturday, 调休
    add("C", "overdue", *every_workday(d(10, 11), d(11, 14)))
    add("D", "d7", d(9, 20))                      # Sunday, 调休
    add("D", "overdue", *every_workday(d(9, 28), d(11, 14)))  # Sep 26/27 off: overdue then
    add("E", "d7", d(11, 2))
    add("E", "due", d(11, 9))                     # d1 (Sun Nov 8) moved onto the due date
    add("E", "overdue", *every_workday(d(11, 10), d(11, 14)))
    add("I", "d1", d(11, 5))                      # d7 (Oct 30) came before the order
    add("I", "due", d(11, 6))
    add("I", "overdue", *every_workday(d(11, 7), d(11, 14)))
    return dict(found)


# a few lines in full: the days left or overdue are counted in calendar days
SPOT = {(date(2026, 10, 8), ZHANG): "ZG-2026-0002（城南快速路）还有 4 天到期",
        (date(2026, 10, 12), LI): "ZG-2026-0003（城南快速路）已逾期 2 天",
        (date(2026, 11, 9), WANG): "ZG-2026-0005（北区学校）今天到期"}

# the issuer's list, on each week's first working day that has overdue orders
EXPECTED_ISSUER = {d(9, 28): "D", d(10, 8): "AD", d(10, 12): "ACD", d(10, 19): "BCD",
                   d(10, 26): "CD", d(11, 2): "CD", d(11, 9): "CDI"}


def seed(db: Database) -> None:
    issued = datetime(2026, 8, 31, 9, 0, tzinfo=TZ)
    with db.session() as s:
        domain = Domain(name="项目建设")
        s.add(domain)
        s.flush()
        projects = [Project(domain_id=domain.id, name=n, join_token=f"t{n}")
                    for n in ("城南快速路", "北区学校")]
        s.add_all(projects)
        people = {tg: Person(tg_id=tg, name=name, post="科员", reachable=True)
                  for tg, name in ((ZHANG, "张三"), (LI, "李四"), (WANG, "王五"),
                                   (ISSUER, "考察员甲"))}
        people[ISSUER].is_examiner = True
        s.add_all(people.values())
        s.flush()
        for tg, project in ((ZHANG, 0), (LI, 0), (WANG, 1)):
            s.add(Membership(person_id=people[tg].id, project_id=projects[project].id,
                             joined_at=issued))
        s.add(Chat(id=GROUP, title="城南快速路项目群", project_id=projects[0].id, tz=TZ.key,
                   bound_at=issued))
        for letter, (cadre, project, deadline, state) in ORDERS.items():
            if letter != "I":
                s.add(Rectification(number=NUMBERS[letter], project_id=project,
                                    person_id=people[cadre].id, issuer_id=people[ISSUER].id,
                                    text=f"问题{letter}", deadline=deadline, state=state,
                                    created_at=issued))


def set_state(db: Database, letter: str, state: str) -> None:
    with db.session() as s:
        row = s.exec(select(Rectification).where(Rectification.number == NUMBERS[letter])).one()
        row.state = state
        s.add(row)


def issue_i(db: Database) -> None:
    with db.session() as s:
        issuer = s.exec(select(Person).where(Person.tg_id == ISSUER)).one()
        wang = s.exec(select(Person).where(Person.tg_id == WANG)).one()
        s.add(Rectification(number=NUMBERS["I"], project_id=2, person_id=wang.id,
                            issuer_id=issuer.id, text="问题I", deadline=ORDERS["I"][2],
                            created_at=datetime(2026, 11, 3, 8, 0, tzinfo=TZ)))


def deliveries(db: Database) -> int:
    with db.session(write=False) as s:
        return s.exec(select(func.count()).select_from(Delivery)).one()


def kinds_in(text: str) -> set[tuple[str, str]]:
    found = set()
    for line in text.splitlines():
        number = NUMBER.search(line)
        if number:
            found.add((number[0], next(k for word, k in KIND if word in line)))
    return found


async def test_seventy_five_days_of_reminders_each_once_on_working_days(db: Database) -> None:
    seed(db)
    request = OfflineRequest()
    runner = await make_runner(db, request)
    got_cadres: dict[tuple[date, int], set[tuple[str, str]]] = {}
    got_issuer: dict[date, str] = {}
    for n in range(DAYS):
        day = START + timedelta(days=n)
        if day == d(11, 3):
            issue_i(db)
        moment = datetime.combine(day, datetime.min.time(), TZ).replace(hour=9, minute=5)
        rows_before = deliveries(db)
        first = await runner.run(moment, jobs=("order-reminders",), live=False)
        calls = request.sent()
        request.clear()
        rows_after = deliveries(db)
        second = await runner.run(moment + timedelta(minutes=30), jobs=("order-reminders",),
                                  live=False)
        assert request.sent() == [] and second.counts["sent"] == 0, day
        assert deliveries(db) == rows_after, day
        assert first.counts["sent"] == len(calls) and first.counts["failed"] == 0, day
        if not working(day):
            assert calls == [] and rows_after == rows_before, day
        for call in calls:
            if call.chat_id == ISSUER:
                assert day not in got_issuer, day
                got_issuer[day] = "".join(sorted(letter for letter, number in NUMBERS.items()
                                                 if number in call.text))
                assert call.text.startswith("⏰ 您交办的以下问题已逾期"), call.text
            else:
                assert call.chat_id in (ZHANG, LI, WANG), call.chat_id
                assert (day, call.chat_id) not in got_cadres, (day, call.chat_id)
                got_cadres[(day, call.chat_id)] = kinds_in(call.text)
                assert SPOT.get((day, call.chat_id), "") in call.text
        if day == d(9, 18):
            set_state(db, "K", "closed")
        if day == d(10, 16):
            set_state(db, "A", "closed")
        if day == d(10, 20):
            set_state(db, "B", "cancelled")
    assert got_issuer == EXPECTED_ISSUER
    expected = expected_cadre_reminders()
    for key in sorted(set(expected) | set(got_cadres)):
        assert got_cadres.get(key) == expected.get(key), key

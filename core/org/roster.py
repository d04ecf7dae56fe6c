"""Who reports for a project (its cadres, less examiners and admins) and their days away."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta, tzinfo

from sqlmodel import Session

from core.common import names
from storage import figures as figures_q
from storage import people as people_q
from storage import reports as reports_q
from storage.tables import Person


def reporters(session: Session, project_id: int, admins: frozenset[int], tz: tzinfo
              ) -> list[tuple[Person, date]]:
    """The project's active cadres with their local join day, less examiners and admins; its
    负责人 first, then by pinyin."""
    members = names.leaders_first(people_q.members(session, project_id=project_id),
                                  lambda pm: pm[1].role, lambda pm: pm[0].name)
    return [(p, m.joined_at.astimezone(tz).date()) for p, m in members
            if not (p.is_admin or p.is_examiner or p.tg_id in admins)]


def leave_days(session: Session, people: list[Person], start: date, end: date
               ) -> dict[int, set[date]]:
    """person id → the days in [start, end] they are on leave, trip or secondment."""
    days: dict[int, set[date]] = defaultdict(set)
    for leave in reports_q.leaves_between(session, person_ids=[p.id for p in people], start=start,
                                          end=end):
        day = max(leave.start, start)
        while day <= min(leave.end, end):
            days[leave.person_id].add(day)
            day += timedelta(days=1)
    return days


def seats(session: Session, project_ids: list[int], admins: frozenset[int], tz: tzinfo
          ) -> tuple[dict[int, list[Person]], list[tuple[int, int, date]]]:
    """Each project's cadres (less examiners and admins), and every seat as the one
    working-day record takes it: (project id, person id, the local day they joined)."""
    roster: dict[int, list[Person]] = {}
    found = []
    for person, member, project in figures_q.roster(session, project_ids=project_ids):
        if not (person.is_admin or person.is_examiner or person.tg_id in admins):
            roster.setdefault(project.id, []).append(person)
            found.append((project.id, person.id, member.joined_at.astimezone(tz).date()))
    return roster, found

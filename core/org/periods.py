"""考察期 (assessment periods): the windows ratings and scores are counted in (SPEC §4, §6, §8)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session

from core.common.errors import UsageError
from core.org import projects
from core.org.people import Actor
from storage import periods as periods_q
from storage import projects as projects_q
from storage.tables import Period, PeriodProject, Project


def month_bucket(day: date) -> str:
    return f"{day.year}-{day.month:02d}"


def period_bucket(period: Period) -> str:
    return id_bucket(period.id)


def id_bucket(period_id: int | None) -> str:
    """The window of the period with this id: `P<id>`."""
    return f"P{period_id}"


def rating_bucket(period_id: int | None, day: date) -> str:
    """The window a rating made on `day` belongs to: the open 考察期 covering it (its id, read
    with the rater's flow), else the month."""
    return id_bucket(period_id) if period_id is not None else month_bucket(day)


def open_period(session: Session, project_id: int) -> Period | None:
    """The project's open period, if any."""
    return periods_q.open_for_project(session, project_id=project_id)


THEME_MAX = 64
REVIEW_EVERY = 3  # the "3+1" rule: after every three regular periods, a 回头看 period
REVIEW_DAYS = 30


@dataclass(frozen=True)
class PeriodView:
    period: Period
    projects: list[Project]


def open_(session: Session, actor: Actor, theme: str, start: date, end: date,
          project_names: list[str], *, kind: str = "regular") -> PeriodView:
    """/period open: one theme over dates and projects (all when none named)."""
    actor.require_admin()
    if not theme or len(theme) > THEME_MAX:
        raise UsageError("periods.bad_theme", limit=THEME_MAX)
    if end < start:
        raise UsageError("errors.date_order", start=start.isoformat(), end=end.isoformat())
    chosen = ([projects.get_project(session, name) for name in dict.fromkeys(project_names)]
              if project_names else projects_q.all_projects(session))
    if not chosen:
        raise UsageError("errors.no_projects")
    clash = periods_q.overlapping(session, project_ids=[p.id for p in chosen], start=start, end=end)
    if clash:
        period, project_id = clash[0]
        name = next(p.name for p in chosen if p.id == project_id)
        raise UsageError("periods.overlap", project=name, theme=period.theme,
                         start=period.start.isoformat(), end=period.end.isoformat())
    busy = periods_q.open_of_projects(session, project_ids=[p.id for p in chosen])
    if busy:  # SPEC §4: one open period per project, whatever its dates
        period, project_id = busy[0]
        name = next(p.name for p in chosen if p.id == project_id)
        raise UsageError("periods.still_open", project=name, theme=period.theme)
    period = Period(theme=theme, start=start, end=end, kind=kind,
                    created_by=actor.person.id if actor.person else None)
    session.add(period)
    session.flush()
    session.add_all(PeriodProject(period_id=period.id, project_id=p.id) for p in chosen)
    return PeriodView(period, chosen)


def find(session: Session, word: str | None, *, status: str | None = None) -> Period:
    """A period by theme or id; without a word, the only one in that status."""
    if word is None:
        found = periods_q.listing(session, status=status)
        if len(found) == 1:
            return found[0]
        if not found:
            raise UsageError("periods.nothing", status=status or "")
        raise UsageError("periods.which", themes="、".join(p.theme for p in found[:8]))
    found = periods_q.by_theme(session, theme=word)
    if not found and word.isdigit():
        period = periods_q.by_id(session, period_id=int(word))
        found = [period] if period else []
    if not found:
        raise UsageError("periods.unknown", theme=word)
    return found[0]


def projects_of(session: Session, period: Period) -> list[Project]:
    ids = set(periods_q.project_ids(session, period_id=period.id))
    return [p for p in projects_q.all_projects(session) if p.id in ids]


def listing(session: Session, actor: Actor) -> list[PeriodView]:
    """/period list: newest first, with their projects."""
    actor.require_examiner()
    periods = periods_q.listing(session)
    ids = periods_q.with_projects(session, period_ids=[p.id for p in periods])
    names = {p.id: p for p in projects_q.all_projects(session)}
    return [PeriodView(p, [names[i] for i in ids.get(p.id, []) if i in names]) for p in periods]


def proposes_review(session: Session, period: Period, project_ids: list[int]) -> bool:
    """Whether closing this regular period makes three since the last 回头看 (the "3+1" rule)."""
    if period.kind != "regular" or not project_ids:
        return False
    closed = periods_q.closed_of_project(session, project_id=project_ids[0])
    since = 0
    for item in closed:
        since = 0 if item.kind == "review" else since + 1
    return since > 0 and since % REVIEW_EVERY == 0


def open_review(session: Session, actor: Actor, period_id: int, theme: str, *, today: date
                ) -> PeriodView:
    """The proposed 回头看 period over the same projects, from tomorrow for 30 days."""
    closed = periods_q.by_id(session, period_id=period_id)
    if closed is None or closed.status != "closed":
        raise UsageError("errors.bad_button")
    start = today + timedelta(days=1)
    theme = f"{theme}·{closed.theme}"[:THEME_MAX]  # 回头看·<the third period's theme>
    return open_(session, actor, theme, start, start + timedelta(days=REVIEW_DAYS - 1),
                 [p.name for p in projects_of(session, closed)], kind="review")

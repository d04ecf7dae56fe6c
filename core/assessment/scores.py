"""Scores and grades for a scope (project, domain, all) and a period (SPEC §8), from SQL
aggregates — a fixed number of statements however many cadres there are."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from core.assessment import _scoring
from core.common.calendar import last_workday, month_bounds, week_bounds
from core.org import periods
from core.ratings import anonymity
from core.reporting import attendance
from core.reporting.recaps import period_key
from storage import figures as figures_q
from storage import people as people_q
from storage import ratings as ratings_q
from storage.tables import Period, Person, Project, ScoreSnapshot

DEFAULT_WEIGHTS = _scoring.Weights()


@dataclass
class CadreScore:
    """One cadre's score, grade and 三期 stage in the period."""

    person: Person
    projects: list[str]
    score: _scoring.Score
    grade: str = ""
    stage: str | None = None
    project_ids: list[int] | None = None


@dataclass(frozen=True)
class Grading:
    """What scoring takes from the settings: the anonymity thresholds and the 优秀 quota."""

    thresholds: anonymity.Thresholds
    quota: float


def counted_until(period: Period, today: date) -> date:
    """The last day counted: today in an open period; a closed one at its end (a period
    closed early ends on the day it was closed, in the bot's timezone)."""
    return min(period.end, today) if period.status == "open" else period.end


def _recap_keys(start: date, end: date) -> dict[str, date]:
    """The weekly and monthly prompts asked in the window → the day each was asked (the
    last working day of each week and month that falls inside it)."""
    keys: dict[str, date] = {}
    for bounds, kind in ((week_bounds, "weekly"), (month_bounds, "monthly")):
        first = bounds(start)[0]
        while first <= end:
            last = bounds(first)[1]
            asked = last_workday(first, last)
            if asked is not None and start <= asked <= end:
                keys[period_key(kind, asked)] = asked
            first = last + timedelta(days=1)
    return keys


def compute(session: Session, projects: list[Project], period: Period, *, today: date,
            grading: Grading, tz: ZoneInfo) -> list[CadreScore]:
    """Live scores of the scope's cadres in the period, graded within the scope."""
    project_ids = [p.id for p in projects]
    end = counted_until(period, today)
    people = cadres(session, project_ids, tz)
    shared = scope_inputs(session, project_ids, period, end)
    found = gather(session, people, project_ids, period, end, tz)
    reference = _scoring.items_reference([found.items.get(pid, 0) / record.expected
                                          for pid, record in found.days.items()
                                          if record.expected])
    rows = []
    for pid, (person, mine, joined) in people.items():
        figures = found.figures(pid, joined, rating(shared, person, mine, grading), tz)
        rows.append(CadreScore(person, [p.name for p in mine],
                               _scoring.score(replace(figures, items_reference=reference),
                                              shared.weights_of(mine[0])),
                               project_ids=[p.id for p in mine]))
    # the tie rule's last step is earlier registration (lower person id), not the roster's
    # name order (which also depends on the database's collation)
    grades = _scoring.grades([(r.person.id, r.score)
                             for r in sorted(rows, key=lambda r: r.person.id)], grading.quota)
    for row in rows:
        row.grade = grades[row.person.id]
    return rank(rows)


def cadres(session: Session, project_ids: list[int], tz: ZoneInfo,
           person_ids: list[int] | None = None
           ) -> dict[int, tuple[Person, list[Project], date]]:
    """person id → (the cadre, their projects in scope, the day they first joined one); of
    these people only, when given."""
    people: dict[int, tuple[Person, list[Project], date]] = {}
    for person, member, project in figures_q.roster(session, project_ids=project_ids,
                                                    person_ids=person_ids):
        if person.is_admin or person.is_examiner:
            continue
        joined = member.joined_at.astimezone(tz).date()
        _p, mine, since = people.get(person.id, (person, [], joined))
        people[person.id] = (person, [*mine, project], min(since, joined))
    return people


@dataclass(frozen=True)
class Shared:
    """What every cadre of the scope is scored against: the summaries asked, the released
    ratings, the domains' weights."""

    recap_keys: dict[str, date]
    bucket: str
    releases: dict
    weights: dict[int, _scoring.Weights]  # by domain
    shown: dict[tuple, anonymity.Disclosure] = field(default_factory=dict)  # read so far

    def disclosed(self, key: tuple, grading: Grading) -> anonymity.Disclosure:
        """What may be shown of a target's release (read through the gate once per target:
        a project's release serves each of its cadres without one of their own)."""
        shown = self.shown.get(key)
        if shown is None:
            found = self.releases.get(key)
            shown = anonymity.disclose(
                anonymity.Release.from_json(found.stats) if found else None,
                minimum=grading.thresholds.minimum, min_comments=grading.thresholds.min_comments)
            if found is not None:  # kept for targets with a release only, not one per cadre
                self.shown[key] = shown
        return shown

    def weights_of(self, project: Project) -> _scoring.Weights:
        """The project's domain's weights (one object per domain)."""
        return self.weights.get(project.domain_id, DEFAULT_WEIGHTS)


def scope_inputs(session: Session, project_ids: list[int], period: Period, end: date
                 ) -> Shared:
    """Read what the whole scope shares (two statements)."""
    bucket = periods.period_bucket(period)
    return Shared(_recap_keys(period.start, end), bucket,
                  ratings_q.releases_of_projects(session, project_ids=project_ids,
                                                 buckets=[bucket]),
                  {domain_id: _scoring.Weights(w.achievement, w.diligence, w.rating, w.examiners)
                   for domain_id, w in figures_q.weights(session).items()})


@dataclass
class Inputs:
    """Every figure of some of the scope's cadres, one grouped query each (SPEC §8)."""

    days: dict[int, attendance.DayRecord]
    milestones: dict[int, list[tuple[date, datetime | None]]]
    items: dict[int, int]
    recap_keys: dict[str, date]
    recaps: dict[int, int]
    graded: dict[int, tuple[float, int]]
    notes: dict[int, int]

    def figures(self, pid: int, joined: date, rating: tuple[float | None, int, str],
                tz: ZoneInfo) -> _scoring.Figures:
        """One cadre's figures, as /scores shows them (against the full items' pace)."""
        record, due = self.days[pid], self.milestones.get(pid, [])
        grade, graders = self.graded.get(pid, (None, 0))
        return _scoring.Figures(
            milestones_due=len(due),
            milestones_on_time=sum(1 for d, done in due
                                   if done is not None and done.astimezone(tz).date() <= d),
            items=self.items.get(pid, 0), workdays=record.expected, reported=record.reported,
            on_time=record.on_time, late=record.late, leave=record.leave,
            recaps_due=sum(1 for asked in self.recap_keys.values() if asked >= joined),
            recaps=self.recaps.get(pid, 0),
            rating=rating[0], rating_count=rating[1], rating_scope=rating[2], grade=grade,
            graders=graders, note_points=self.notes.get(pid, 0))


def gather(session: Session, people: dict[int, tuple[Person, list[Project], date]],
           project_ids: list[int], period: Period, end: date, tz: ZoneInfo, *,
           chunk: bool = False) -> Inputs:
    """Read every figure of these cadres in the period so far, a fixed number of statements
    (a `chunk` of the scope's cadres: the grouped queries read theirs only)."""
    ids = list(people)
    only = ids if chunk else None
    days = attendance.records(session, {pid: joined for pid, (_p, _m, joined) in people.items()},
                              project_ids=project_ids, start=period.start, end=end, chunk=chunk)
    milestones: dict[int, list[tuple[date, datetime | None]]] = {}
    for pid, due, done_at in figures_q.milestones_due(session, person_ids=ids,
                                                      start=period.start, end=end):
        milestones.setdefault(pid, []).append((due, done_at))
    keys = _recap_keys(period.start, end)
    return Inputs(
        days=days, milestones=milestones,
        items=figures_q.done_items(session, project_ids=project_ids, start=period.start,
                                   end=end, person_ids=only),
        recap_keys=keys,
        recaps=figures_q.recaps_answered(session, project_ids=project_ids, keys=list(keys),
                                         person_ids=only),
        graded=figures_q.grades(session, period_id=period.id, person_ids=only),
        notes=figures_q.note_points(session, person_ids=ids,
                                    start=datetime.combine(period.start, time(), tz),
                                    end=datetime.combine(end + timedelta(days=1), time(), tz)))


def day_records(session: Session, projects: list[Project], period: Period, *, end: date,
                tz: ZoneInfo) -> dict[int, attendance.DayRecord]:
    """The scope's cadres' working-day records in the period (two statements)."""
    return attendance.records(session, joined_days(session, [p.id for p in projects], tz),
                              project_ids=[p.id for p in projects], start=period.start, end=end)


def joined_days(session: Session, project_ids: list[int], tz: ZoneInfo) -> dict[int, date]:
    """The scope's cadres (not examiners or admins) → the first day they joined one of it."""
    found: dict[int, date] = {}
    for person, member, _project in figures_q.roster(session, project_ids=project_ids):
        if not (person.is_admin or person.is_examiner):
            joined = member.joined_at.astimezone(tz).date()
            found[person.id] = min(found.get(person.id, joined), joined)
    return found


def rating(shared: Shared, person: Person, projects: list[Project], grading: Grading
           ) -> tuple[float | None, int, str]:
    """The cadre's own released ratings over the threshold, else their project's."""
    bucket = shared.bucket
    for scope, key_of in (("person", lambda p: (p.id, person.id, bucket)),
                          ("project", lambda p: (p.id, None, bucket))):
        for project in projects:
            shown = shared.disclosed(key_of(project), grading)
            if shown.shown:
                return shown.score, shown.count, scope
    return None, 0, ""


def rank(rows: list[CadreScore]) -> list[CadreScore]:
    """Highest composite first; cadres without one last, by name."""
    return sorted(rows, key=lambda r: (r.score.composite is None, -(r.score.composite or 0),
                                       r.person.name))


def freeze(session: Session, period: Period, rows: list[CadreScore]) -> None:
    """Keep the period's scores and grades as they are now (the period closes)."""
    for row in rows:
        session.add(ScoreSnapshot(period_id=period.id, person_id=row.person.id,
                                  composite=row.score.composite, grade=row.grade,
                                  parts=json.dumps({"projects": row.projects,
                                                    "project_ids": row.project_ids,
                                                    "figures": asdict(row.score.figures),
                                                    "parts": {k: asdict(v) for k, v in
                                                              row.score.parts.items()}},
                                                   ensure_ascii=False)))


def frozen(session: Session, period: Period, projects: list[Project]) -> list[CadreScore]:
    """A closed period's frozen scores of the cadres who were in these projects then."""
    wanted = {p.id for p in projects}
    snaps = {pid: (snap, json.loads(snap.parts))
             for pid, snap in figures_q.snapshots(session, period_id=period.id).items()}
    snaps = {pid: v for pid, v in snaps.items() if wanted & set(v[1]["project_ids"])}
    people = {p.id: p for p in people_q.by_ids(session, ids=list(snaps))}
    rows = []
    for pid, (snap, data) in snaps.items():
        score = _scoring.Score(_scoring.Figures(**data["figures"]),
                              {k: _scoring.Part(**v) for k, v in data["parts"].items()},
                              snap.composite)
        rows.append(CadreScore(people[pid], data["projects"], score, snap.grade,
                               project_ids=data["project_ids"]))
    return rank(rows)

"""View models for scheduled messages: the daily nudge, the weekly and monthly prompts (SPEC §5)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from core.common.calendar import month_bounds, week_bounds
from core.orders import orders
from core.org.roster import leave_days, reporters
from core.reporting import attendance
from core.reporting.posts import chat_project
from core.reporting.recaps import period_key
from storage import recaps as recaps_q
from storage import reports as reports_q
from storage.tables import Chat, Person, Project


@dataclass(frozen=True)
class NudgeTargets:
    """Who the daily nudge is for: by DM (reachable) or named in the group (unreachable)."""

    reachable: list[Person]
    unreachable: list[Person]


@dataclass
class CadreDigest:
    """One cadre's period: reports, latest 进度, 完成/问题 lines, last period's 计划, the answer."""

    person: Person
    reports: int = 0
    progress: int | None = None
    done: list[tuple[date, str]] = field(default_factory=list)
    problems: list[tuple[date, str]] = field(default_factory=list)
    plans: list[tuple[date, str]] = field(default_factory=list)  # the previous period's 计划
    answered: bool = False
    orders: list = field(default_factory=list)  # live rectification orders (OrderLine)
    days: attendance.DayRecord = field(default_factory=attendance.DayRecord)  # working days


@dataclass(frozen=True)
class MilestoneLine:
    """节点对账: a milestone due in the month (or earlier and still open) with its status."""

    id: int
    due: date
    text: str
    owner: str | None
    status: str  # done | overdue | open


@dataclass
class Digest:
    """The weekly or monthly prompt's content for one chat's project."""

    project: Project
    kind: str  # weekly | monthly
    period_key: str  # 2026-W47 | 2026-11
    start: date
    end: date
    cadres: list[CadreDigest]
    milestones: list[MilestoneLine] = field(default_factory=list)
    all_reports: int = 0  # including those of people no longer on the project's roster

    @property
    def year(self) -> int:
        """The ISO year of the week, or the month's year."""
        return int(self.period_key[:4])

    @property
    def number(self) -> int:
        """The ISO week number, or the month number."""
        return int(self.period_key.rsplit("W" if self.kind == "weekly" else "-", 1)[1])

    @property
    def reports(self) -> int:
        return sum(c.reports for c in self.cadres)

    @property
    def answered(self) -> int:
        return sum(c.answered for c in self.cadres)


def _project(session: Session, chat: Chat) -> Project:
    project = chat_project(session, chat)
    if project is None:
        raise ValueError(f"chat {chat.id} is not bound to a project")
    return project


def nudge_targets(session: Session, *, chat: Chat, day: date, admins: frozenset[int],
                  rehearsal: bool = False) -> NudgeTargets:
    """Active cadres who have no report dated day (any project) and are not on leave that day."""
    project = _project(session, chat)
    roster = [p for p, joined in reporters(session, project.id, admins, ZoneInfo(chat.tz))
              if rehearsal or joined <= day]
    done = reports_q.reported_on(session, person_ids=[p.id for p in roster], day=day)
    away = leave_days(session, roster, day, day)
    due = [p for p in roster if p.id not in done and not away.get(p.id)]
    return NudgeTargets(reachable=[p for p in due if p.reachable],
                        unreachable=[p for p in due if not p.reachable])


def _previous(kind: str, start: date) -> tuple[date, date]:
    """The period before the one containing start: last ISO week, or last calendar month."""
    bounds = week_bounds if kind == "weekly" else month_bounds
    return bounds(bounds(start)[0] - timedelta(days=1))


def _prompt(session: Session, chat: Chat, kind: str, start: date, end: date,
            admins: frozenset[int], rehearsal: bool) -> Digest:
    project = _project(session, chat)
    roster = [(p, joined) for p, joined in reporters(session, project.id, admins,
                                                     ZoneInfo(chat.tz))
              if rehearsal or joined <= end]
    people = [p for p, _joined in roster]
    lines = {p.id: CadreDigest(person=p) for p in people}
    found = attendance.records(session, {p.id: min(joined, start) if rehearsal else joined
                                         for p, joined in roster},
                               project_ids=[project.id], start=start, end=end)
    for pid, record in found.items():
        lines[pid].days = record
    counts = recaps_q.report_counts(session, project_id=project.id, start=start, end=end)
    progress = reports_q.latest_progress(session, project_id=project.id, start=start, end=end)
    for pid, line in lines.items():
        line.reports, line.progress = counts.get(pid, 0), progress.get(pid)
    before_start, before_end = _previous(kind, start)
    for _rid, pid, day, item, text in reports_q.items_between(session, project_id=project.id,
                                                      start=before_start, end=end):
        line = lines.get(pid)
        if line is None:
            continue
        if day <= before_end and item == "plan":
            line.plans.append((day, text))
        elif day >= start and item in ("done", "problem"):
            (line.done if item == "done" else line.problems).append((day, text))
    for pid, live in orders.live_by_person(session, project_id=project.id, today=end).items():
        if pid in lines:
            lines[pid].orders = live
    key = period_key(kind, start)
    for pid in recaps_q.answered(session, project_id=project.id, kind=kind, period_key=key):
        if pid in lines:
            lines[pid].answered = True
    return Digest(project=project, kind=kind, period_key=key, start=start, end=end,
                  cadres=list(lines.values()), all_reports=sum(counts.values()))


def weekly_prompt(session: Session, *, chat: Chat, start: date, end: date,
                  admins: frozenset[int], rehearsal: bool = False) -> Digest:
    """The week so far, per cadre, with last week's 计划 beside this week's 完成."""
    return _prompt(session, chat, "weekly", start, end, admins, rehearsal)


def monthly_prompt(session: Session, *, chat: Chat, start: date, end: date,
                   admins: frozenset[int], today: date, rehearsal: bool = False) -> Digest:
    """The month so far, per cadre, plus 节点对账: milestones due this month and still-open ones."""
    prompt = _prompt(session, chat, "monthly", start, end, admins, rehearsal)
    first, last = month_bounds(start)
    for milestone, owner in recaps_q.milestones_to_reconcile(session, project_id=prompt.project.id,
                                                      start=first, end=last):
        status = ("done" if milestone.done_at is not None
                  else "overdue" if milestone.due < today else "open")
        prompt.milestones.append(MilestoneLine(id=milestone.id, due=milestone.due,
                                               text=milestone.text, owner=owner, status=status))
    return prompt

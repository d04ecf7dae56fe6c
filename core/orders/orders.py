"""Rectification orders (问题交办单): issue, act on, show and list them (SPEC §4, §7)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta, tzinfo

from sqlmodel import Session

from core.common import deadlines
from core.common.errors import Refused, UsageError
from core.orders import rules
from core.org import trail
from core.org.people import Actor
from core.reporting.posts import project_clock
from core.reporting.report_text import parse_report
from storage import orders as orders_q
from storage import people as people_q
from storage import projects as projects_q
from storage import reports as reports_q
from storage.tables import DailyReport, Person, Project, Rectification, RectificationEvent, utcnow

TEXT_MAX = 1000
FILTERS = {"open": rules.LIVE, "overdue": rules.LIVE, "closed": ("closed", "cancelled")}


def parse_deadline(token: str, today: date) -> date | None:
    """`15d`, `15天` or `2026-12-31` → the date; None when the word is no deadline (it is text
    then); a deadline-shaped word that cannot be one is refused (core.common.deadlines)."""
    return deadlines.due(token, today, limit=rules.MAX_DAYS)


def problem_text(report: DailyReport) -> str:
    """What an order made from a report says: its 问题 lines, else its whole text."""
    problems = parse_report(report.text).of("problem")
    return "；".join(problems) if problems else report.text.strip()


def _project_for(session: Session, actor: Actor, person: Person, hint: int | None) -> Project:
    """The cadre's project the examiner may see: the hinted one (group, report) first."""
    projects = [p for p in people_q.projects_of(session, person_id=person.id)
                if actor.sees_project(p.id)]
    if not projects:
        raise UsageError("orders.not_a_cadre", name=person.name or person.tg_id)
    return next((p for p in projects if p.id == hint), projects[0])


def issue(session: Session, actor: Actor, person: Person, text: str, *, today: date,
          deadline: date | None = None, project_hint: int | None = None,
          report: DailyReport | None = None, rating_id: int | None = None) -> Rectification:
    """Issue an order to a cadre: numbered in this transaction, logged, on their trail."""
    actor.require_examiner()
    text = text.strip()
    if not text:
        raise UsageError("usage.rectify")
    if len(text) > TEXT_MAX:
        raise UsageError("errors.too_long", limit=TEXT_MAX)
    project = _project_for(session, actor, person,
                           report.project_id if report is not None else project_hint)
    actor.require_examiner(project.id)
    year = today.year
    order = Rectification(number=rules.number(year, orders_q.next_seq(session, year=year)),
                          project_id=project.id, person_id=person.id,
                          issuer_id=actor.person.id if actor.person else None, text=text,
                          deadline=deadline or today + timedelta(days=rules.DEFAULT_DAYS),
                          report_id=report.id if report is not None else None,
                          rating_id=rating_id)
    session.add(order)
    session.flush()
    _log(session, actor, order, "issue", None, "open", text)
    trail.record(session, actor, person_id=person.id, action="order_issued",
                 detail=f"{order.number} {text}")
    return order


@dataclass(frozen=True)
class Change:
    """What an action did to an order."""

    order: Rectification
    event: RectificationEvent
    role: str  # who acted: cadre | examiner


def check(actor: Actor, order: Rectification, action: str) -> tuple[str, str]:
    """(role, next state) when the actor may take the action now; else one line why not."""
    role = rules.ROLE_OF[action]
    if role == rules.CADRE:
        if actor.person is None or actor.person.id != order.person_id:
            raise Refused("orders.not_your_order", number=order.number)
    else:
        actor.require_examiner(order.project_id)
    if action == "ok" and order.state == "closed" and order.reviewed_at is not None:
        raise UsageError("orders.already_rechecked", number=order.number)  # a stale 无反弹
    try:
        return role, rules.transition(order.state, action, role)
    except rules.Refusal as refusal:
        raise UsageError(refusal.reason, number=order.number, state=refusal.state) from None


def act(session: Session, actor: Actor, number: str, action: str, comment: str = ""
        ) -> Change:
    """Apply an action through the state machine; a refusal changes nothing."""
    order = get(session, number)
    if len(comment) > TEXT_MAX:
        raise UsageError("errors.too_long", limit=TEXT_MAX)
    role, to_state = check(actor, order, action)
    if action in NEEDS_TEXT and not comment.strip():
        raise UsageError(f"usage.{_USAGE[action]}")
    before = order.state
    order.state = to_state
    now = utcnow()
    if to_state == "closed" and before != "closed":
        order.closed_at, order.reviewed_at = now, None
    if action in ("ok", "relapse"):
        order.reviewed_at = now
    if action == "relapse":
        order.closed_at = None
    session.add(order)
    event = _log(session, actor, order, action, before, to_state, comment.strip())
    if role == rules.EXAMINER:
        trail.record(session, actor, person_id=order.person_id, action=f"order_{action}",
                     detail=f"{order.number} {comment}".strip())
    return Change(order, event, role)


_USAGE = {"progress": "progress", "done": "done", "fail": "verify", "relapse": "review",
          "cancel": "order"}
NEEDS_TEXT = tuple(_USAGE)  # these actions say what was done, or why


def _log(session: Session, actor: Actor, order: Rectification, action: str,
         before: str | None, after: str, comment: str) -> RectificationEvent:
    event = RectificationEvent(order_id=order.id, actor_id=actor.person.id if actor.person
                               else None, action=action, from_state=before, to_state=after,
                               comment=comment)
    session.add(event)
    session.flush()
    return event


def by_id(session: Session, order_id: int) -> Rectification:
    """The order a (signed) button names; a vanished one is a stale button."""
    order = orders_q.by_id(session, order_id=order_id)
    if order is None:
        raise UsageError("errors.bad_button")
    return order


def report_author(session: Session, report: DailyReport) -> Person:
    """Who posted a report."""
    person = session.get(Person, report.person_id)
    assert person is not None
    return person


def get(session: Session, number: str) -> Rectification:
    """The order with this number, or one line saying there is none."""
    normal = rules.normalize_number(number)
    order = orders_q.by_number(session, number=normal) if normal else None
    if order is None:
        raise UsageError("orders.unknown", number=number)
    return order


@dataclass
class OrderView:
    """/order: the order, its people, the linked report and one line per event."""

    order: Rectification
    cadre: Person
    issuer: Person | None
    project: Project
    events: list[tuple[RectificationEvent, Person | None]]
    report: DailyReport | None
    today: date
    tz: tzinfo

    @property
    def overdue(self) -> bool:
        return rules.is_overdue(self.order.state, self.order.deadline, self.today)


def show(session: Session, actor: Actor, number: str, *, today: date,
         default_tz: str = "Asia/Shanghai") -> OrderView:
    """The order for its cadre, the project's examiners and admins."""
    normal = rules.normalize_number(number)
    row = orders_q.detail(session, number=normal) if normal else None
    if row is None:
        raise UsageError("orders.unknown", number=number)
    order, cadre, issuer, project = row
    if not (actor.person is not None and actor.person.id == cadre.id):
        actor.require_examiner(project.id)
    report = orders_q.report_of(session, report_id=order.report_id) if order.report_id else None
    tz = project_clock(session, project, default_tz).tz
    return OrderView(order, cadre, issuer, project, orders_q.events(session, order_id=order.id),
                     report, today, tz)


@dataclass
class OrderLine:
    order: Rectification
    cadre: Person
    project: Project
    overdue: bool


def listing(session: Session, actor: Actor, project: Project | None, which: str, *,
            today: date) -> list[OrderLine]:
    """/orders: the examiner's orders (all their projects, or one), open/overdue/closed."""
    actor.require_examiner(project.id if project else None)
    ids = [project.id] if project else (
        None if actor.is_admin or not actor.examiner_projects else actor.examiner_projects)
    rows = orders_q.listing(session, project_ids=ids, states=FILTERS[which],
                     overdue_before=today if which == "overdue" else None)
    return [OrderLine(o, c, p, rules.is_overdue(o.state, o.deadline, today))
            for o, c, _i, p in rows]


def open_for(session: Session, person: Person, *, today: date) -> list[OrderLine]:
    """A cadre's live orders (for /my)."""
    rows = orders_q.listing(session, project_ids=None, states=rules.LIVE, person_id=person.id)
    return [OrderLine(o, c, p, rules.is_overdue(o.state, o.deadline, today))
            for o, c, _i, p in rows]


@dataclass(frozen=True)
class Parties:
    """Who hears of an order: its cadre, its issuer, and the project's groups."""

    cadre: Person
    issuer: Person | None
    project: Project
    groups: list[int]


def parties(session: Session, order: Rectification) -> Parties:
    """The order's cadre, issuer and the project's groups the bot is in."""
    cadre = session.get(Person, order.person_id)
    project = session.get(Project, order.project_id)
    assert cadre is not None and project is not None
    issuer = session.get(Person, order.issuer_id) if order.issuer_id else None
    groups = [c.id for c in projects_q.chats_of(session, project_id=project.id)
              if c.migrated_to is None and c.bot_status in ("member", "administrator", "creator")]
    return Parties(cadre, issuer, project, groups)


def report_for_reply(session: Session, *, chat_id: int, message_id: int) -> DailyReport | None:
    """The report a command replies to, if that message is one (and not withdrawn)."""
    report = reports_q.by_message(session, chat_id=chat_id, message_id=message_id)
    return report if report is not None and not report.withdrawn else None


def live_by_person(session: Session, *, project_id: int, today: date
                   ) -> dict[int, list[OrderLine]]:
    """person id → their live orders in the project (for /summary and the prompts)."""
    found: dict[int, list[OrderLine]] = {}
    for o, c, _i, p in orders_q.listing(session, project_ids=[project_id], states=rules.LIVE,
                                 limit=10_000):
        found.setdefault(c.id, []).append(
            OrderLine(o, c, p, rules.is_overdue(o.state, o.deadline, today)))
    return found

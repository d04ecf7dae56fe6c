"""Domains, projects, bound chats and milestones (SPEC §4, admin)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from core.common import names
from core.common.errors import Refused, UsageError
from core.org.people import Actor
from storage import people as people_q
from storage import projects as projects_q
from storage.tables import Chat, Domain, Milestone, Person, Project, utcnow

NAME_MAX = 64
TEXT_MAX = 500


def add_domain(session: Session, actor: Actor, name: str) -> Domain:
    actor.require_admin()
    _check_name(name)
    if projects_q.domain_by_name(session, name=name):
        raise UsageError("errors.exists", what="domain", name=name)
    domain = Domain(name=name)
    session.add(domain)
    return domain


def list_domains(session: Session, actor: Actor) -> list[tuple[Domain, int]]:
    actor.require_examiner()
    return projects_q.domains_with_counts(session)


def add_project(session: Session, actor: Actor, domain_name: str, name: str, unit: str) -> Project:
    actor.require_admin()
    domain = projects_q.domain_by_name(session, name=domain_name)
    if domain is None:
        raise UsageError("errors.unknown_domain", name=domain_name)
    _check_name(name)
    if len(unit) > 128:
        raise UsageError("errors.too_long", limit=128)
    if projects_q.project_by_name(session, name=name):
        raise UsageError("errors.exists", what="project", name=name)
    project = Project(domain_id=domain.id, name=name, unit=unit,
                      join_token=secrets.token_urlsafe(12))
    session.add(project)
    return project


def get_project(session: Session, name: str) -> Project:
    project = projects_q.project_by_name(session, name=name)
    if project is None:
        raise UsageError("errors.unknown_project", name=name)
    return project


def visible_projects(session: Session, actor: Actor) -> list[tuple[Project, str, int]]:
    """Projects this examiner or admin may see, with domain and cadre count."""
    actor.require_examiner()
    ids = None if actor.is_admin or not actor.examiner_projects else actor.examiner_projects
    return names.in_pinyin_order(projects_q.projects_with_counts(session, ids=ids),
                                 lambda row: row[0].name)


@dataclass
class ProjectView:
    project: Project
    domain: str
    chats: list[Chat]
    cadres: list[tuple[Person, str]]
    milestones: list[Milestone]


def show_project(session: Session, actor: Actor, name: str) -> ProjectView:
    project = get_project(session, name)
    actor.require_examiner(project.id)
    domain = session.get(Domain, project.domain_id)
    return ProjectView(
        project=project,
        domain=domain.name if domain else "",
        chats=projects_q.chats_of(session, project_id=project.id),
        cadres=[(p, m.role) for p, m in names.leaders_first(
            people_q.members(session, project_id=project.id), lambda pm: pm[1].role,
            lambda pm: pm[0].name)],
        milestones=projects_q.milestones(session, project_id=project.id),
    )


def chat_row(session: Session, chat_id: int, *, title: str = "", type_: str = "group",
             default_tz: str = "Asia/Shanghai") -> Chat:
    """The Chat row, created on first sight."""
    chat = session.get(Chat, chat_id)
    if chat is None:
        chat = Chat(id=chat_id, title=title[:255], type=type_, tz=default_tz)
        session.add(chat)
    elif title and chat.title != title:
        chat.title = title[:255]
        session.add(chat)
    return chat


def chat_with_project(session: Session, chat_id: int) -> Chat | None:
    """A chat row; its bound project comes in the same query (then in the session's map)."""
    return projects_q.chat_with_project(session, chat_id=chat_id)


def bind(session: Session, actor: Actor, chat: Chat, project_name: str) -> Project:
    """/bind: the chat now belongs to the project."""
    actor.require_admin()
    project = get_project(session, project_name)
    if chat.project_id != project.id:
        chat.project_id, chat.bound_at = project.id, utcnow()
    session.add(chat)
    return project


def unbind(session: Session, actor: Actor, chat: Chat) -> Project:
    actor.require_admin()
    if chat.project_id is None:
        raise UsageError("errors.not_bound")
    project = session.get(Project, chat.project_id)
    chat.project_id, chat.bound_at = None, None
    session.add(chat)
    assert project is not None
    return project


def add_milestone(session: Session, actor: Actor, project_name: str, due: date, text: str,
                  person: Person | None, *, today: date) -> Milestone:
    actor.require_admin()
    project = get_project(session, project_name)
    if due < today:
        raise UsageError("errors.past_date", date=due.isoformat())
    if not text:
        raise UsageError("usage.milestone")
    if len(text) > TEXT_MAX:
        raise UsageError("errors.too_long", limit=TEXT_MAX)
    if person is not None and not people_q.membership(session, person_id=person.id,
                                                      project_id=project.id):
        raise UsageError("errors.not_member", name=person.name, project=project.name)
    milestone = Milestone(project_id=project.id, due=due, text=text,
                          person_id=person.id if person else None)
    session.add(milestone)
    session.flush()
    return milestone


def milestone_done(session: Session, actor: Actor, milestone_id: int) -> Milestone:
    actor.require_admin()
    milestone = session.get(Milestone, milestone_id)
    if milestone is None:
        raise UsageError("errors.unknown_milestone", id=milestone_id)
    if milestone.done_at is not None:
        raise UsageError("errors.milestone_already_done", id=milestone_id)
    milestone.done_at = utcnow()
    session.add(milestone)
    return milestone


def project_name(session: Session, project_id: int) -> str:
    """The name of a project picked by id (a button press)."""
    project = session.get(Project, project_id)
    if project is None:
        raise UsageError("errors.bad_button")
    return project.name


def open_milestones(session: Session, actor: Actor) -> list[Milestone]:
    """Milestones not yet done, for an admin to pick from."""
    actor.require_admin()
    return projects_q.open_milestones(session)


def project_for_chat(session: Session, chat: Chat | None) -> Project:
    """The project a group is bound to, or a refusal naming /bind."""
    if chat is None or chat.project_id is None:
        raise Refused("errors.chat_not_bound")
    project = session.get(Project, chat.project_id)
    assert project is not None
    return project


def _check_name(name: str) -> None:
    if not name:
        raise UsageError("errors.name_missing")
    if len(name) > NAME_MAX:
        raise UsageError("errors.too_long", limit=NAME_MAX)

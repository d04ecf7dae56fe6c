"""Queries about domains, projects, chats and milestones."""

from __future__ import annotations

from sqlalchemy import bindparam, func
from sqlmodel import Session, select

from storage import memo
from storage.tables import Chat, Domain, Membership, Milestone, Project


def domain_by_name(session: Session, *, name: str) -> Domain | None:
    return session.exec(select(Domain).where(Domain.name == name)).first()


def domains_with_counts(session: Session) -> list[tuple[Domain, int]]:
    """Every domain with its number of projects."""
    stmt = (select(Domain, func.count(Project.id))
            .join(Project, Project.domain_id == Domain.id, isouter=True)
            .group_by(Domain.id).order_by(Domain.name))
    return list(session.exec(stmt).all())


def project_by_name(session: Session, *, name: str) -> Project | None:
    return session.exec(select(Project).where(Project.name == name)).first()


def project_by_token(session: Session, *, token: str) -> Project | None:
    return session.exec(select(Project).where(Project.join_token == token)).first()


def projects_with_counts(session: Session, *, ids: list[int] | None = None
                         ) -> list[tuple[Project, str, int]]:
    """Projects (all, or those in ids) with their domain name and active cadre count."""
    stmt = (select(Project, Domain.name, func.count(Membership.id))
            .join(Domain, Domain.id == Project.domain_id)
            .join(Membership, (Membership.project_id == Project.id) & Membership.active,
                  isouter=True)
            .group_by(Project.id, Domain.name).order_by(Domain.name, Project.name))
    if ids is not None:
        stmt = stmt.where(Project.id.in_(ids))  # type: ignore[union-attr]
    return list(session.exec(stmt).all())


def all_projects(session: Session) -> list[Project]:
    return list(session.exec(select(Project).order_by(Project.name)))


def chats_of(session: Session, *, project_id: int) -> list[Chat]:
    """Chats bound to a project."""
    stmt = select(Chat).where(Chat.project_id == project_id).order_by(Chat.id)
    return list(session.exec(stmt))


def milestones(session: Session, *, project_id: int) -> list[Milestone]:
    stmt = select(Milestone).where(Milestone.project_id == project_id).order_by(Milestone.due)
    return list(session.exec(stmt))


_PRESENT = ("member", "administrator", "creator")


def scheduled_chats(session: Session) -> list[Chat]:
    """Bound chats with the bot still in them (their schedule on or off)."""
    stmt = (select(Chat).where(Chat.project_id.is_not(None),  # type: ignore[union-attr]
                               Chat.migrated_to.is_(None),  # type: ignore[union-attr]
                               Chat.bot_status.in_(_PRESENT))  # type: ignore[attr-defined]
            .order_by(Chat.id))
    return list(session.exec(stmt))


def projects_without_group(session: Session) -> list[int]:
    """Ids of projects with no bound group the bot is in (their jobs run on our own clock)."""
    grouped = (select(Chat.project_id).where(Chat.project_id.is_not(None),  # type: ignore[union-attr]
                                             Chat.migrated_to.is_(None),  # type: ignore[union-attr]
                                             Chat.bot_status.in_(_PRESENT)))  # type: ignore[attr-defined]
    stmt = select(Project.id).where(Project.id.not_in(grouped))  # type: ignore[union-attr]
    return list(session.exec(stmt))


_CHAT_WITH_PROJECT = (select(Chat, Project)
                      .join(Project, Project.id == Chat.project_id, isouter=True)
                      .where(Chat.id == bindparam("chat_id")))


def chat_with_project(session: Session, *, chat_id: int) -> Chat | None:
    """A chat and its bound project in one query; `session.get(Project, …)` then needs none
    (the project is held for the session's life: the identity map alone would let it go).
    A group's updates share it while no chat or project changes."""
    return memo.remembered(session, ("chat", chat_id), lambda: _chat_with_project(session, chat_id))


def prefetch_chats(session: Session, *, chat_ids: set[int]) -> None:
    """Read the chats of a group's updates in one query (see `chat_with_project`)."""
    if not chat_ids:
        return
    rows = session.execute(_CHATS_WITH_PROJECT, {"chat_ids": list(chat_ids)}).all()
    found: dict[tuple, object] = {("chat", chat_id): None for chat_id in chat_ids}
    for chat, project in rows:
        if project is not None:
            session.info.setdefault("held", []).append(project)
        found[("chat", chat.id)] = chat
    memo.fill(session, found)


_CHATS_WITH_PROJECT = (select(Chat, Project)
                       .join(Project, Project.id == Chat.project_id, isouter=True)
                       .where(Chat.id.in_(bindparam("chat_ids", expanding=True))))  # type: ignore[attr-defined]


def _chat_with_project(session: Session, chat_id: int) -> Chat | None:
    row = session.execute(_CHAT_WITH_PROJECT, {"chat_id": chat_id}).first()
    if row is None:
        return None
    if row[1] is not None:
        session.info.setdefault("held", []).append(row[1])
    return row[0]


def open_milestones(session: Session) -> list[Milestone]:
    """Milestones not yet done, soonest first."""
    stmt = select(Milestone).where(Milestone.done_at.is_(None)).order_by(Milestone.due)  # type: ignore[union-attr]
    return list(session.exec(stmt))


def projects_in_domain(session: Session, *, domain_id: int) -> list[Project]:
    stmt = select(Project).where(Project.domain_id == domain_id).order_by(Project.name)
    return list(session.exec(stmt))


def project_by_id(session: Session, *, project_id: int) -> Project | None:
    return session.get(Project, project_id)


def domain_by_id(session: Session, *, domain_id: int) -> Domain | None:
    return session.get(Domain, domain_id)

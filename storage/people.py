"""Queries about people, their roles and memberships."""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import bindparam, func
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from storage import memo
from storage.tables import ExaminerProject, Membership, Pending, Person, Project

# Built once (its cache key too): the actor of every update is loaded with it.
_WITH_PROJECTS = (select(Person, Membership.project_id)
                  .join(Membership, (Membership.person_id == Person.id) & Membership.active,
                        isouter=True)
                  .where(Person.tg_id == bindparam("tg_id")))


def with_projects(session: Session, *, tg_id: int) -> tuple[Person | None, list[int]]:
    """A person by Telegram id and their active projects' ids, in one query (shared by a
    group's updates while no one's roles change)."""
    person, project_ids = memo.remembered(session, ("with_projects", tg_id),
                                          lambda: _with_projects(session, tg_id))
    return person, list(project_ids)


def prefetch(session: Session, *, tg_ids: set[int]) -> None:
    """Read the people behind a group's updates in one query (see `with_projects`)."""
    if not tg_ids:
        return
    rows = session.execute(_MANY_WITH_PROJECTS, {"tg_ids": list(tg_ids)}).all()
    found: dict[tuple, object] = {("with_projects", tg_id): (None, []) for tg_id in tg_ids}
    for person, project_id in rows:
        _person, project_ids = found[("with_projects", person.tg_id)]
        found[("with_projects", person.tg_id)] = (person, [
            *project_ids, *([project_id] if project_id is not None else [])])
    memo.fill(session, found)


_MANY_WITH_PROJECTS = (select(Person, Membership.project_id)
                       .join(Membership, (Membership.person_id == Person.id) & Membership.active,
                             isouter=True)
                       .where(Person.tg_id.in_(bindparam("tg_ids", expanding=True))))  # type: ignore[union-attr]


def _with_projects(session: Session, tg_id: int) -> tuple[Person | None, list[int]]:
    rows = session.execute(_WITH_PROJECTS, {"tg_id": tg_id}).all()
    if not rows:
        return None, []
    return rows[0][0], [pid for _p, pid in rows if pid is not None]


_BY_TG = select(Person).where(Person.tg_id == bindparam("tg_id"))


def by_tg(session: Session, *, tg_id: int) -> Person | None:
    return session.execute(_BY_TG, {"tg_id": tg_id}).scalars().first()


def add_by_tg(session: Session, *, tg_id: int, username: str | None, display: str) -> None:
    """Add a person for a Telegram id unless one holds it: another worker may have just
    added them (INSERT … ON CONFLICT (tg_id) DO NOTHING, so no unique-key error)."""
    session.flush()
    connection = session.connection()
    stmt = _add_by_tg(connection.dialect.name)
    connection.execute(stmt, {"tg_id": tg_id, "username": username, "display": display})


@cache
def _add_by_tg(dialect_name: str) -> Any:
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    table = Person.__table__  # type: ignore[attr-defined]
    return dialect.insert(table).on_conflict_do_nothing(  # type: ignore[attr-defined]
        index_elements=[table.c.tg_id])


def by_username(session: Session, *, username: str) -> Person | None:
    stmt = select(Person).where(func.lower(Person.username) == username.lower())
    return session.exec(stmt).first()


def by_name(session: Session, *, name: str) -> list[Person]:
    return list(session.exec(select(Person).where(Person.name == name).order_by(Person.id)))


def examiner_project_ids(session: Session, *, person_id: int) -> list[int]:
    """The projects an examiner is limited to (none: all)."""
    stmt = select(ExaminerProject.project_id).where(ExaminerProject.person_id == person_id)
    return list(memo.remembered(session, ("examiner_projects", person_id),
                                lambda: list(session.exec(stmt))))


def set_examiner_projects(session: Session, *, person_id: int, project_ids: list[int]) -> None:
    for row in session.exec(select(ExaminerProject).where(ExaminerProject.person_id == person_id)):
        session.delete(row)
    for pid in project_ids:
        session.add(ExaminerProject(person_id=person_id, project_id=pid))


def membership(session: Session, *, person_id: int, project_id: int) -> Membership | None:
    stmt = select(Membership).where(Membership.person_id == person_id,
                                    Membership.project_id == project_id)
    return session.exec(stmt).first()


def projects_of(session: Session, *, person_id: int) -> list[Project]:
    """Projects where the person is an active cadre, by name."""
    stmt = (select(Project).join(Membership, Membership.project_id == Project.id)
            .where(Membership.person_id == person_id, Membership.active)
            .order_by(Project.name))
    return list(session.exec(stmt))


def project_names_of(session: Session, *, person_ids: list[int]) -> dict[int, list[str]]:
    """Each person's active projects' names (one statement for all of them)."""
    stmt = (select(Membership.person_id, Project.name)
            .join(Project, Project.id == Membership.project_id)
            .where(Membership.person_id.in_(person_ids), Membership.active)
            .order_by(Membership.person_id, Project.name))
    found: dict[int, list[str]] = {}
    for person_id, name in session.exec(stmt):
        found.setdefault(person_id, []).append(name)
    return found


def members(session: Session, *, project_id: int) -> list[tuple[Person, Membership]]:
    """Active cadres of a project, by name."""
    stmt = (select(Person, Membership).join(Membership, Membership.person_id == Person.id)
            .where(Membership.project_id == project_id, Membership.active)
            .order_by(Person.name, Person.id))
    return list(session.exec(stmt).all())


def answered(session: Session, *, kind: str, key: str) -> bool:
    """Whether a question (kind, key) was answered already."""
    stmt = select(Pending.id).where(Pending.kind == kind, Pending.payload == key)
    return session.exec(stmt).first() is not None


def open_pending(session: Session, *, person_id: int, kind: str) -> list[Pending]:
    """A person's unanswered questions of a kind, newest first."""
    stmt = (select(Pending).where(Pending.person_id == person_id, Pending.kind == kind,
                                  Pending.answered_at.is_(None))  # type: ignore[union-attr]
            .order_by(Pending.id.desc()))  # type: ignore[union-attr]
    return list(session.exec(stmt))


def examiners_of(session: Session, *, project_id: int, admins: frozenset[int]) -> list[Person]:
    """The project's examiners (assigned to it, or to no project); else its admins."""
    assigned = select(ExaminerProject.person_id).where(ExaminerProject.project_id == project_id)
    limited = select(ExaminerProject.person_id)
    stmt = select(Person).where(Person.is_examiner,
                                Person.id.in_(assigned) | Person.id.not_in(limited))  # type: ignore[union-attr]
    found = list(session.exec(stmt.order_by(Person.id)))
    if found:
        return found
    stmt = select(Person).where(Person.is_admin | Person.tg_id.in_(admins))  # type: ignore[union-attr,attr-defined]
    return list(session.exec(stmt.order_by(Person.id)))


def by_ids(session: Session, *, ids: list[int]) -> list[Person]:
    if not ids:
        return []
    return list(session.exec(select(Person).where(Person.id.in_(ids))))  # type: ignore[union-attr]


def examiners_and_admins(session: Session, *, admins: frozenset[int]) -> list[Person]:
    """Everyone who gets the examiner digest: examiners and admins with a Telegram id."""
    stmt = select(Person).where(Person.tg_id.is_not(None),  # type: ignore[union-attr]
                                Person.is_examiner | Person.is_admin
                                | Person.tg_id.in_(admins))  # type: ignore[union-attr]
    return list(session.exec(stmt.order_by(Person.id)))


def admins(session: Session, *, env_admins: frozenset[int]) -> list[Person]:
    stmt = select(Person).where(Person.is_admin | Person.tg_id.in_(env_admins))  # type: ignore[union-attr]
    return list(session.exec(stmt.order_by(Person.id)))

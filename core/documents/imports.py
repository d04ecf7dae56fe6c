"""Bulk import (SPEC §4 /import, §9 `frontline import`): apply the checked rows in one
transaction — domains, projects, people, memberships, examiners — idempotently."""

from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import dataclass, field

from sqlmodel import Session

from core.documents.import_rows import ImportRow, ImportTable, RowProblem
from core.org.people import Actor
from storage import people as people_q
from storage import projects as projects_q
from storage.tables import Domain, ExaminerProject, Membership, Person, Project


@dataclass
class ImportReport:
    """What the import created, what was there already, and the rows skipped with why."""

    created: Counter = field(default_factory=Counter)  # domain, project, person, member, examiner
    existing: int = 0  # rows that changed nothing (the same file twice creates nothing new)
    problems: list[RowProblem] = field(default_factory=list)
    rows: int = 0


def apply(session: Session, actor: Actor, table: ImportTable) -> ImportReport:
    """Apply every valid row; a row the database contradicts is skipped with its reason."""
    actor.require_admin()
    report = ImportReport(problems=list(table.problems), rows=len(table.rows) +
                          len({p.line for p in table.problems}))
    seen: dict[tuple[str, str], Domain | Project | None] = {}  # one lookup per name per file
    for row in table.rows:
        before = sum(report.created.values())
        problem = _apply_row(session, row, report, seen)
        if problem is not None:
            report.problems.append(problem)
        elif sum(report.created.values()) == before:
            report.existing += 1
    report.problems.sort(key=lambda p: p.line)
    return report


def _apply_row(session: Session, row: ImportRow, report: ImportReport,
               seen: dict[tuple[str, str], Domain | Project | None]) -> RowProblem | None:
    project_key, domain_key = ("project", row.project), ("domain", row.domain)
    if project_key not in seen:
        seen[project_key] = projects_q.project_by_name(session, name=row.project)
    if domain_key not in seen:
        seen[domain_key] = projects_q.domain_by_name(session, name=row.domain)
    project, domain = seen[project_key], seen[domain_key]
    if project is not None and (domain is None or project.domain_id != domain.id):
        return RowProblem(row.line, "领域", "imports.other_domain", row.domain)  # nothing made
    if domain is None:
        domain = seen[domain_key] = Domain(name=row.domain)
        session.add(domain)
        session.flush()
        report.created["domain"] += 1
    if project is None:
        project = seen[project_key] = Project(domain_id=domain.id, name=row.project,
                                              unit=row.unit,
                                              join_token=secrets.token_urlsafe(12))
        session.add(project)
        session.flush()
        report.created["project"] += 1
    person, problem = _person(session, row, project, report)
    if problem is not None:
        return problem
    _seat(session, row, person, project, report)
    return None


def _seat(session: Session, row: ImportRow, person: Person, project: Project,
          report: ImportReport) -> None:
    """The row's role in the project: an examiner's assignment, else an active membership."""
    if row.role == "examiner":
        if not person.is_examiner:
            person.is_examiner = True
            session.add(person)
        if project.id not in people_q.examiner_project_ids(session, person_id=person.id):
            session.add(ExaminerProject(person_id=person.id, project_id=project.id))
            report.created["examiner"] += 1
        return
    member = people_q.membership(session, person_id=person.id, project_id=project.id)
    if member is None:
        session.add(Membership(person_id=person.id, project_id=project.id))
        report.created["member"] += 1
    elif not member.active:
        member.active, member.left_at = True, None
        session.add(member)
        report.created["member"] += 1


def _person(session: Session, row: ImportRow, project: Project, report: ImportReport
            ) -> tuple[Person, RowProblem | None]:
    """The person a row names: by Telegram id, by @username, else by name in the project."""
    person = None
    if row.tg_id is not None:
        person = people_q.by_tg(session, tg_id=row.tg_id)
    if person is None and row.username:
        person = people_q.by_username(session, username=row.username)
        if person is not None and row.tg_id is not None and person.tg_id not in (None,
                                                                                  row.tg_id):
            return person, RowProblem(row.line, "用户名", "imports.username_taken",
                                      row.username)
    if person is None and row.tg_id is None and not row.username:
        # the project's member of that name: still unlinked, or since registered (the same
        # file again after /register, or a roster naming cadres who registered themselves)
        members = [p for p in people_q.by_name(session, name=row.name)
                   if people_q.membership(session, person_id=p.id, project_id=project.id)
                   or (row.role == "examiner" and project.id in
                       people_q.examiner_project_ids(session, person_id=p.id))]
        person = next((p for p in members if p.tg_id is None), members[0] if members else None)
    if person is not None:
        if person.name and person.name != row.name:
            return person, RowProblem(row.line, "姓名", "imports.other_name", row.name)
        changed = False
        for attr, value in (("name", row.name), ("post", row.post),
                            ("tg_id", row.tg_id), ("username", row.username)):
            if value and not getattr(person, attr):
                setattr(person, attr, value)
                changed = True
        if changed:
            session.add(person)
        return person, None
    person = Person(tg_id=row.tg_id, username=row.username, name=row.name, post=row.post)
    session.add(person)
    session.flush()
    report.created["person"] += 1
    return person, None

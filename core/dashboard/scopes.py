"""The scope picker: the domains, projects and periods an examiner may choose from."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from core import projects
from core.people import Actor
from storage import periods as periods_q
from storage import projects as projects_q
from storage.assessment_models import Period
from storage.models import Domain, Project


@dataclass
class Choices:
    domains: list[Domain]
    projects: list[tuple[Project, str, int]]  # project, domain name, cadres
    periods: list[Period]  # open first, then closed, latest first


def choices(session: Session, actor: Actor) -> Choices:
    """What the picker offers this examiner: four queries, however many projects."""
    visible = projects.visible_projects(session, actor)
    ids = {p.id for p, _d, _n in visible}
    domain_ids = {p.domain_id for p, _d, _n in visible}
    domains = [d for d, _n in projects_q.domains_with_counts(session) if d.id in domain_ids]
    found = periods_q.listing(session)
    covers = periods_q.with_projects(session, period_ids=[p.id for p in found])
    shown = [p for p in found if ids & set(covers.get(p.id, []))]
    shown.sort(key=lambda p: p.status != "open")  # stable: latest first within each status
    return Choices(domains, visible, shown)

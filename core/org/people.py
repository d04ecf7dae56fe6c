"""Who is acting, who is named, and the roles they hold (SPEC §2)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session

from core.common.errors import Ambiguous, Refused, UsageError
from storage import people as people_q
from storage import projects as projects_q
from storage.tables import Membership, Pending, Person, Project, utcnow

NAME_MAX = 16
POST_MAX = 40


@dataclass(frozen=True)
class UserInfo:
    """The Telegram user behind an update, without Telegram types."""

    id: int
    username: str | None = None
    display: str = ""


@dataclass
class Actor:
    """The person acting in this update, with roles resolved."""

    user: UserInfo
    person: Person | None
    is_admin: bool = False
    is_examiner: bool = False
    examiner_projects: list[int] = field(default_factory=list)
    cadre_projects: list[int] = field(default_factory=list)

    @property
    def is_cadre(self) -> bool:
        return bool(self.cadre_projects)

    @property
    def role(self) -> str:
        if self.is_admin:
            return "admin"
        if self.is_examiner:
            return "examiner"
        return "cadre" if self.is_cadre else "guest"

    def sees_project(self, project_id: int) -> bool:
        """SPEC §2: admins all, examiners their projects (all if unassigned), cadres their own."""
        if self.is_admin or (self.is_examiner and not self.examiner_projects):
            return True
        return self.is_examiner and project_id in self.examiner_projects

    def require_admin(self) -> None:
        if not self.is_admin:
            raise Refused("errors.admin_only")

    def require_examiner(self, project_id: int | None = None) -> None:
        if not (self.is_admin or self.is_examiner):
            raise Refused("errors.examiner_only")
        if project_id is not None and not self.sees_project(project_id):
            raise Refused("errors.not_your_project")

    def require_person(self) -> Person:
        if self.person is None or not self.person.name:
            raise Refused("errors.not_registered")
        return self.person


def actor_for(session: Session, user: UserInfo, *, admins: frozenset[int],
              private: bool = False) -> Actor:
    """Load the acting person (keeping their @username fresh) and their roles.

    An admin named in FRONTLINE_ADMINS gets a person row on first sight, so what they do
    (orders, notes) names them and notices reach them.
    """
    person, project_ids = people_q.with_projects(session, tg_id=user.id)
    if person is None and user.username and _link_imported(session, user):
        person, project_ids = people_q.with_projects(session, tg_id=user.id)
    if person is None and user.id in admins:
        person = ensure_person(session, user)
        person.reachable = private
        session.add(person)
    if person is not None and (person.username != user.username or person.display != user.display):
        person.username, person.display = user.username, user.display[:128]
        session.add(person)
    return actor_of(session, user, person, project_ids, admins=admins)


def actor_of(session: Session, user: UserInfo, person: Person | None, project_ids: list[int],
             *, admins: frozenset[int]) -> Actor:
    """The actor with the roles the person holds today (FRONTLINE_ADMINS counts as admin)."""
    actor = Actor(user=user, person=person, is_admin=user.id in admins)
    if person is not None:
        actor.is_admin = actor.is_admin or person.is_admin
        actor.is_examiner = person.is_examiner
        if person.is_examiner:
            actor.examiner_projects = people_q.examiner_project_ids(session, person_id=person.id)
        actor.cadre_projects = project_ids
    return actor


def _link_imported(session: Session, user: UserInfo, *, name: str | None = None,
                   project_id: int | None = None) -> bool:
    """An imported person without a Telegram id becomes this user: by @username, or (on
    /register) by the exact name in a group of their project (SPEC §4 /import)."""
    found = None
    if user.username:
        found = people_q.by_username(session, username=user.username)
    if (found is None or found.tg_id is not None) and name and project_id is not None:
        found = next((p for p in people_q.by_name(session, name=name) if p.tg_id is None
                      and people_q.membership(session, person_id=p.id, project_id=project_id)),
                     None)
    if found is None or found.tg_id is not None:
        return False
    found.tg_id, found.display = user.id, user.display[:128]
    found.username = user.username or found.username
    session.add(found)
    session.flush()
    return True


def ensure_person(session: Session, user: UserInfo) -> Person:
    """The person row for a Telegram user, created if new."""
    person = people_q.by_tg(session, tg_id=user.id)
    return person if person is not None else _add_person(session, user)


def _add_person(session: Session, user: UserInfo) -> Person:
    """Insert-or-ignore, then read: one user's first updates may reach two workers at once,
    and the row the other one added is the same person."""
    people_q.add_by_tg(session, tg_id=user.id, username=user.username,
                       display=user.display[:128])
    person = people_q.by_tg(session, tg_id=user.id)
    assert person is not None  # ours, or the one that won the race (committed)
    return person


def is_tg_id(token: str) -> bool:
    """An all-digit argument is a Telegram id (ASCII digits, short enough for BIGINT)."""
    return token.isascii() and token.isdigit() and len(token) <= 15


def is_person_token(session: Session, token: str) -> bool:
    """SPEC §4: a trailing word names a person only as @username, an id, or an exact name."""
    return token.startswith("@") or is_tg_id(token) or bool(people_q.by_name(session, name=token))


def resolve(session: Session, token: str | None, *, reply_to: UserInfo | None = None,
            create: bool = False) -> Person:
    """Find the person named by reply, @username, Telegram id or registered name."""
    if token is None:
        if reply_to is None:
            raise UsageError("errors.person_missing")
        return ensure_person(session, reply_to) if create else _known(
            people_q.by_tg(session, tg_id=reply_to.id), reply_to.display)
    if token.startswith("@"):
        return _known(people_q.by_username(session, username=token[1:]), token)
    if is_tg_id(token):
        person = people_q.by_tg(session, tg_id=int(token))
        if person is None and create:
            return ensure_person(session, UserInfo(id=int(token)))
        return _known(person, token)
    found = people_q.by_name(session, name=token)
    if len(found) > 1:  # told apart by 职务 and 项目, never by their Telegram ids
        raise Ambiguous(token, found, people_q.project_names_of(
            session, person_ids=[p.id for p in found if p.id is not None]))
    return _known(found[0] if found else None, token)


def _known(person: Person | None, label: str) -> Person:
    if person is None:
        raise UsageError("errors.unknown_person", name=label)
    return person


def answer_once(session: Session, user: UserInfo, *, chat_id: int, message_id: int) -> None:
    """A question's buttons work once: a second press, or a stale one, is refused."""
    key = f"{chat_id}:{message_id}"
    if people_q.answered(session, kind="who", key=key):
        raise UsageError("errors.bad_button")
    person = ensure_person(session, user)
    session.add(Pending(person_id=person.id, kind="who", payload=key, answered_at=utcnow()))


def name_to_id(session: Session, command: str, tg_id: int) -> str:
    """The command with the chosen person's name replaced by their Telegram id (once)."""
    person = people_q.by_tg(session, tg_id=tg_id)
    words = command.split(" ")
    if person is None or person.name not in words[1:]:
        raise UsageError("errors.bad_button")
    words[words.index(person.name, 1)] = str(tg_id)
    return " ".join(words)


def check_name_post(name: str, post: str) -> None:
    if not name or not post:
        raise UsageError("usage.register")
    if len(name) > NAME_MAX or len(post) > POST_MAX:
        raise UsageError("errors.too_long", limit=f"{NAME_MAX}/{POST_MAX}")


def join(session: Session, user: UserInfo, project: Project, name: str, post: str,
         *, role: str = "成员") -> tuple[Person, bool]:
    """Register the user as a cadre of the project; returns (person, newly joined)."""
    check_name_post(name, post)
    if people_q.by_tg(session, tg_id=user.id) is None:
        _link_imported(session, user, name=name, project_id=project.id)
    person = ensure_person(session, user)
    person.name, person.post, person.join_project_id = name, post, None
    session.add(person)
    member = people_q.membership(session, person_id=person.id, project_id=project.id)
    if member is not None and member.active:
        return person, False
    if member is None:
        member = Membership(person_id=person.id, project_id=project.id, role=role)
    member.active, member.left_at, member.joined_at = True, None, utcnow()
    session.add(member)
    return person, True


def ask_join(session: Session, user: UserInfo, token: str) -> Project:
    """A join link was opened: the person's next private message names them."""
    project = projects_q.project_by_token(session, token=token)
    if project is None:
        raise UsageError("errors.bad_link")
    person = ensure_person(session, user)
    person.join_project_id = project.id
    session.add(person)
    return project


def projects_of(session: Session, actor: Actor) -> list[Project]:
    """The projects the acting person is a cadre of."""
    return people_q.projects_of(session, person_id=actor.person.id) if actor.person else []


def answer_join(session: Session, user: UserInfo, text: str | None
                ) -> tuple[Person, Project, bool] | None:
    """The answer `<姓名> <职务>` to a join link; None when no join is pending."""
    person = people_q.by_tg(session, tg_id=user.id)
    if person is None or person.join_project_id is None:
        return None
    project = session.get(Project, person.join_project_id)
    if project is None:
        return None
    name, _, post = (text or "").strip().partition(" ")
    person, new = join(session, user, project, name, post.strip())
    return person, project, new


def grant(session: Session, actor: Actor, role: str, person: Person,
          projects: list[Project]) -> None:
    """/grant admin|examiner: give a role (examiners optionally limited to projects)."""
    actor.require_admin()
    if role == "admin":
        person.is_admin = True
    else:
        person.is_examiner = True
        people_q.set_examiner_projects(session, person_id=person.id,
                                       project_ids=[p.id for p in projects])
    session.add(person)


def revoke(session: Session, actor: Actor, role: str, person: Person,
           *, env_admins: frozenset[int]) -> None:
    """/revoke admin|examiner."""
    actor.require_admin()
    if role == "admin":
        if person.tg_id in env_admins:
            raise Refused("errors.env_admin", name=person.name or person.tg_id)
        if not person.is_admin:
            raise UsageError("errors.role_absent", role=role)
        person.is_admin = False
    else:
        if not person.is_examiner:
            raise UsageError("errors.role_absent", role=role)
        person.is_examiner = False
        people_q.set_examiner_projects(session, person_id=person.id, project_ids=[])
    session.add(person)


def admins_to_tell(session: Session, env_admins: frozenset[int]) -> list[Person]:
    """Admins (granted or from FRONTLINE_ADMINS) who can be told in private."""
    return [p for p in people_q.admins(session, env_admins=env_admins) if p.tg_id and p.reachable]

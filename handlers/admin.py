"""Admin commands: roles, domains, projects, binding chats, milestones."""

from __future__ import annotations

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application, CommandHandler, filters

from core.common import deadlines
from core.common.errors import UsageError
from core.org import people, projects
from handlers import dashboard, dialogues
from handlers.args import replied_user
from handlers.context import Ctx

MSG = filters.UpdateType.MESSAGE
ROLES = ("admin", "examiner")


def _role_and_person(update: Update, context: Ctx, usage: str, *, create: bool):
    """`<role> <person> [rest…]`, or `<role> [rest…]` as a reply to the person's message."""
    args = context.args or []
    if not args or args[0] not in ROLES:
        raise UsageError(usage)
    reply = replied_user(update)
    if reply is not None and (len(args) == 1 or not people.is_person_token(context.session,
                                                                            args[1])):
        return args[0], people.resolve(context.session, None, reply_to=reply, create=create), \
            args[1:]
    if len(args) < 2:
        raise UsageError(usage)
    return args[0], people.resolve(context.session, args[1], create=create), args[2:]


async def grant(update: Update, context: Ctx) -> None:
    """/grant admin|examiner <person> [project…]"""
    context.actor.require_admin()
    role, person, rest = _role_and_person(update, context, "usage.grant", create=True)
    scoped = [projects.get_project(context.session, name) for name in rest]
    people.grant(context.session, context.actor, role, person, scoped)
    dashboard.sync_menu(context, person)
    context.reply("admin.granted", person=person, role=role, projects=[p.name for p in scoped])


async def revoke(update: Update, context: Ctx) -> None:
    """/revoke admin|examiner <person>"""
    context.actor.require_admin()
    role, person, _rest = _role_and_person(update, context, "usage.revoke", create=True)
    people.revoke(context.session, context.actor, role, person,
                  env_admins=context.settings.frontline_admins)
    dashboard.sync_menu(context, person)
    context.reply("admin.revoked", person=person, role=role)


async def domain(update: Update, context: Ctx) -> None:
    """/domain add <name> | /domain list"""
    args = context.args or []
    if args[:1] == ["add"] and len(args) == 2:
        created = projects.add_domain(context.session, context.actor, args[1])
        context.reply("admin.domain_added", domain=created)
    elif args == ["list"]:
        context.reply("admin.domains", rows=projects.list_domains(context.session, context.actor))
    else:
        raise UsageError("usage.domain")


async def project(update: Update, context: Ctx) -> None:
    """/project add <domain> <name> [unit] | list | show <name>"""
    args = context.args or []
    if args[:1] == ["add"] and len(args) >= 3:
        created = projects.add_project(context.session, context.actor, args[1], args[2],
                                       " ".join(args[3:]))
        context.reply("admin.project_added", project=created, link=_join_link(context, created))
    elif args == ["list"]:
        context.reply("admin.projects",
                      rows=projects.visible_projects(context.session, context.actor))
    elif args[:1] == ["show"] and len(args) == 2:
        view = projects.show_project(context.session, context.actor, args[1])
        context.reply("admin.project_show", view=view, link=_join_link(context, view.project))
    elif args == ["show"]:
        dialogues.ask_project(context, "show")
    else:
        raise UsageError("usage.project")


def _join_link(context: Ctx, project: projects.Project) -> str:
    return f"https://t.me/{context.bot.username}?start=j_{project.join_token}"


async def bind(update: Update, context: Ctx) -> None:
    """/bind <project> in a group; warns when the bot cannot read ordinary messages."""
    chat = update.effective_chat
    if chat.type == "private" or (context.args and len(context.args) != 1):
        raise UsageError("errors.group_only" if chat.type == "private" else "usage.bind")
    if not context.args:
        context.actor.require_admin()
        dialogues.ask_project(context, "bind")
        return
    # Ask Telegram first: no database transaction is open yet, so no lock is held meanwhile.
    readable = context.bot.can_read_all_group_messages or await _bot_is_admin(context, chat.id)
    context.actor.require_admin()
    row = projects.chat_row(context.session, chat.id, title=chat.title or "", type_=chat.type,
                            default_tz=context.settings.frontline_tz)
    bound = projects.bind(context.session, context.actor, row, context.args[0])
    context.reply("admin.bound", project=bound, readable=readable)


async def _bot_is_admin(context: Ctx, chat_id: int) -> bool:
    try:
        member = await context.bot.get_chat_member(chat_id, context.bot.id)
    except TelegramError:
        return False
    return member.status in ("administrator", "creator")


async def unbind(update: Update, context: Ctx) -> None:
    """/unbind in a bound group."""
    row = context.chat_row
    if row is None:
        raise UsageError("errors.not_bound")
    unbound = projects.unbind(context.session, context.actor, row)
    context.reply("admin.unbound", project=unbound)


async def milestone(update: Update, context: Ctx) -> None:
    """/milestone add <project> <date> <text> [person] | /milestone done <id>"""
    args = context.args or []
    if args[:1] == ["done"] and len(args) == 2 and people.is_tg_id(args[1]):
        done = projects.milestone_done(context.session, context.actor, int(args[1]))
        context.reply("admin.milestone_done", milestone=done)
    elif args == ["done"]:
        dialogues.ask(context, "mdone", "dialogues.pick_milestone", [
            (f"#{m.id} {m.due.isoformat()} {m.text}", m.id)
            for m in projects.open_milestones(context.session, context.actor)])
    elif args[:1] == ["add"] and len(args) >= 4:
        _add_milestone(context, args[1], args[2], args[3:])
    else:
        raise UsageError("usage.milestone")


def _add_milestone(context: Ctx, project: str, due: str, words: list[str]) -> None:
    """/milestone add: the last word is the responsible cadre when it names one exactly."""
    context.actor.require_admin()
    person = None
    if len(words) > 1 and people.is_person_token(context.session, words[-1]):
        person = people.resolve(context.session, words[-1])
        words = words[:-1]
    created = projects.add_milestone(context.session, context.actor, project,
                                     deadlines.milestone_due(due, context.today()),
                                     " ".join(words), person, today=context.today())
    context.reply("admin.milestone_added", milestone=created, person=person)


def register(app: Application) -> None:
    for name, callback in (("grant", grant), ("revoke", revoke), ("domain", domain),
                           ("project", project), ("bind", bind), ("unbind", unbind),
                           ("milestone", milestone)):
        app.add_handler(CommandHandler(name, callback, filters=MSG))

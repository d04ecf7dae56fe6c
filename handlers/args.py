"""Shared argument parsing for commands: dates, people, the text after a command."""

from __future__ import annotations

import re
from datetime import date

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update

from core.assessment import boards, scores
from core.common import deadlines
from core.common.buttons import sign, verify
from core.common.errors import UsageError
from core.org import projects
from core.org.people import UserInfo
from core.org.projects import Project
from core.ratings import anonymity
from core.reporting import posts
from core.reporting.posts import ReportMessage
from handlers.context import Ctx

_DURATION = re.compile(r"^(\d{1,3})d$")


def command_text(message: Message | None) -> str:
    """Everything after the command word, line breaks kept."""
    text = (message.text or message.caption or "") if message else ""
    parts = text.split(maxsplit=1)
    if not parts:
        return ""
    rest = text[text.index(parts[0]) + len(parts[0]):]
    return rest.strip()


def parse_date(value: str) -> date:
    """A date word (`2026-12-31`); a date that does not exist says so."""
    day = deadlines.as_date(value)
    if day is None:
        raise UsageError("errors.bad_date", value=value)
    return day


def parse_days(value: str) -> int:
    """`15d` or `15` → 15."""
    match = _DURATION.match(value) or re.match(r"^(\d{1,3})$", value)
    if not match or int(match[1]) == 0:
        raise UsageError("errors.bad_duration", value=value)
    return int(match[1])


def replied_user(update: Update) -> UserInfo | None:
    """The author of the message this one replies to (not a bot)."""
    message = update.effective_message
    target = message.reply_to_message if message else None
    user = target.from_user if target else None
    if user is None or user.is_bot:
        return None
    return UserInfo(id=user.id, username=user.username, display=user.full_name)


def photo_ids(message: Message) -> list[str]:
    """The largest size of an attached photo, if any."""
    return [message.photo[-1].file_id] if message.photo else []


def ask_project(context: Ctx, prefix: str, key: str, pending_id: int, candidates: list) -> None:
    """Ask which project a private post belongs to, one signed button per project."""
    secret = context.settings.frontline_secret
    rows = [[InlineKeyboardButton(p.name, callback_data=sign(secret, prefix, pending_id, p.id))]
            for p in candidates]
    context.reply(key, markup=InlineKeyboardMarkup(rows))


def file_post(context: Ctx, text: str, pipeline: posts.Pipeline, *, question: str,
              prefix: str, **extra: object) -> posts.Recorded | None:
    """File the update's message as a post (report or recap); None when asked which project."""
    message = context.tg_update.effective_message
    outcome = posts.file(context.session, context.actor, context.chat_row,
                         post_of(message, text), pipeline, private=message.chat.type == "private",
                         default_tz=context.settings.frontline_tz, **extra)
    if isinstance(outcome, posts.Question):
        ask_project(context, prefix, question, outcome.pending_id, outcome.projects)
        return None
    return outcome


def choose_project(context: Ctx, pipeline: posts.Pipeline) -> posts.Recorded:
    """A press on the project question of a private post: file it there."""
    query = context.tg_update.callback_query
    _kind, pending_id, project_id = verify(context.settings.frontline_secret, query.data or "",
                                           parts=3)
    outcome = posts.answer_choice(context.session, context.actor, int(pending_id),
                                  int(project_id), pipeline,
                                  default_tz=context.settings.frontline_tz)
    context.answer_button()
    return outcome


def post_of(message: Message, text: str) -> ReportMessage:
    """A report or answer as core takes it: where, when, what (and the photo, if any)."""
    return ReportMessage(chat_id=message.chat_id, message_id=message.message_id,
                         posted_at=message.date, text=text, photos=photo_ids(message))


def projects_for(context: Ctx, name: str | None) -> list[projects.Project]:
    """The named project, else the group's, else every project the examiner sees."""
    if name:
        return [projects.get_project(context.session, name)]
    row = context.chat_row
    if row is not None and row.project_id is not None:
        return [projects.project_for_chat(context.session, row)]
    if context.tg_update.effective_chat.type != "private":
        projects.project_for_chat(context.session, row)  # raises: this group is not bound
    return [p for p, _domain, _count in projects.visible_projects(context.session, context.actor)]


def thresholds(context: Ctx) -> anonymity.Thresholds:
    """The anonymity thresholds of SPEC §6, from the settings."""
    s = context.settings
    return anonymity.Thresholds(s.frontline_anon_min, s.frontline_anon_min_comments)


def grading(context: Ctx) -> scores.Grading:
    """The anonymity thresholds and the 优秀 quota, from the settings."""
    return scores.Grading(thresholds(context), context.settings.frontline_excellent_quota)


def scope_words(context: Ctx, usage: str) -> tuple[str | None, str | None, Project | None]:
    """`[project|domain] [period]` (a lone word is the period when it names no scope), and
    the group's project as the default scope."""
    args = list(context.args or [])
    if len(args) > 2:
        raise UsageError(usage)
    word, period_word = [*args, None, None][:2]
    if len(args) == 1 and not boards.is_scope(context.session, args[0]):
        word, period_word = None, args[0]
    row = context.chat_row
    group = (projects.project_for_chat(context.session, row)
             if row is not None and row.project_id else None)
    return word, period_word, group

"""Telegram adapters. `register_all` composes every module's handlers in one order."""

from __future__ import annotations

from telegram.ext import Application

from handlers import (
    admin,
    answers,
    assessment,
    chats,
    dashboard,
    dialogues,
    errors,
    files,
    order_buttons,
    orders,
    people,
    rating_flow,
    ratings,
    recaps,
    reports,
    review,
    schedule,
    scores,
)


def register_all(app: Application) -> None:
    """Order matters: in group 0 the first matching handler wins."""
    chats.register(app)     # group -1: DM reachability; then migrations and membership changes
    rating_flow.register(app)  # the rater's buttons (rt:, rf:), first: the most frequent presses
    reports.register(app)   # edits before commands; /daily, /undo; hashtag messages; buttons
    recaps.register(app)    # #周报/#月报, /weekly, /monthly (edits in group 1)
    people.register(app)    # /start, /help, /whoami, /register
    answers.register(app)   # private messages answering a question (a button's, a join link's)
    dialogues.register(app)  # buttons that finish a command (a missing project, a namesake)
    admin.register(app)     # roles, domains, projects, /bind, milestones
    review.register(app)    # /summary, /missing, /my, /leave
    schedule.register(app)  # /schedule: when nudges and prompts run
    orders.register(app)    # 问题交办单: /rectify, /orders, /order, /progress, /done, /verify…
    order_buttons.register(app)  # their buttons
    ratings.register(app)   # 听评价 for examiners: /ratelink, /ratings, 差评 → 交办单
    assessment.register(app)  # /period, /note, /grade, /weights, /star
    scores.register(app)    # /scores, /ranking, /cadre
    files.register(app)     # /dossier, /export, /import, chart buttons
    dashboard.register(app)  # /dashboard: the examiners' Mini App
    errors.register(app)    # last: unknown commands, and the error handler

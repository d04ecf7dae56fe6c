"""The `frontline` console command for operators (SPEC §9)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from bot.settings import ConfigError, Settings, load_settings
from core.common import calendar
from core.common.errors import UserError
from storage import migrate
from storage.db import Database

log = logging.getLogger("frontline")


def _setup_logging() -> None:
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("httpx", "httpcore", "apscheduler", "alembic"):  # httpx would log the token
        logging.getLogger(noisy).setLevel(logging.WARNING)


def _db(settings: Settings, *, check: bool = True) -> Database:
    db = Database(settings.database_url)
    if check:
        migrate.require_current(db)
    return db


def cmd_run(settings: Settings, _args: argparse.Namespace) -> int:
    from bot.app import run_polling

    settings.require_bot()
    # the migration runs in a short-lived child (same settings, same lock): Alembic and its
    # imports never weigh on the long-running bot
    done = subprocess.run([sys.executable, "-m", "bot.cli", "migrate"], check=False)
    if done.returncode:
        return done.returncode
    db = Database(settings.database_url)
    asyncio.run(run_polling(settings, db))
    return 0


def cmd_webhook(settings: Settings, args: argparse.Namespace) -> int:
    from bot.webhook import run_webhook

    settings.require_bot()
    settings.require_webhook()
    listen = args.listen or settings.frontline_web_listen
    settings.listen_address(listen)
    db = Database(settings.database_url)
    migrate.upgrade(db)
    asyncio.run(run_webhook(settings, db, listen))
    log.info("webhook worker exiting")
    return 0


def cmd_migrate(settings: Settings, _args: argparse.Namespace) -> int:
    db = Database(settings.database_url)
    migrate.upgrade(db)
    print(f"schema at {migrate.current(db)}")
    return 0


def cmd_scheduler(settings: Settings, _args: argparse.Namespace) -> int:
    from bot.app import run_scheduler

    settings.require_bot()
    asyncio.run(run_scheduler(settings, _db(settings)))
    return 0


def cmd_jobs(settings: Settings, args: argparse.Namespace) -> int:
    from core.review.schedule import JOBS
    from scheduler.jobs import DESCRIPTIONS

    if args.action == "list":
        for job in JOBS:
            print(f"{job:16} {DESCRIPTIONS[job]}")
        return 0
    if args.job not in JOBS:
        raise ConfigError(f"unknown job {args.job!r}: one of {', '.join(JOBS)}")
    from bot.app import run_jobs_once

    settings.require_bot()
    moment = _moment(args.at, settings)
    print(asyncio.run(run_jobs_once(settings, _db(settings), args.job, moment)))
    return 0


def _moment(value: str | None, settings: Settings) -> datetime:
    """--at: an ISO datetime; without an offset it is read in FRONTLINE_TZ."""
    if not value:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"--at {value!r} is not an ISO datetime (2026-11-20T18:05)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=settings.tz)


def cmd_demo(settings: Settings, _args: argparse.Namespace) -> int:
    from bot.demo import seed

    db = _db(settings)
    with db.session() as session:
        counts = seed(session, tz=settings.tz, minimum=settings.frontline_anon_min,
                      min_comments=settings.frontline_anon_min_comments)
    if not any(counts.values()):
        print("the demo district is already there; nothing changed")
    else:
        print("demo district seeded: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    return 0


def cmd_import(settings: Settings, args: argparse.Namespace) -> int:
    from core.documents import imports
    from core.documents.import_rows import parse_import
    from core.org.people import Actor, UserInfo

    path = Path(args.file)
    if not path.is_file():
        raise ConfigError(f"{path}: no such file")
    db = _db(settings)
    table = parse_import(path.read_bytes(), path.name)
    with db.session() as session:
        report = imports.apply(session, Actor(UserInfo(id=0), None, is_admin=True), table)
    created = ", ".join(f"{k} {v}" for k, v in sorted(report.created.items())) or "nothing new"
    print(f"imported {report.rows} rows: created {created}; unchanged {report.existing}; "
          f"skipped {len(report.problems)}")
    for problem in report.problems:
        print(f"  row {problem.line}: {problem.what} {problem.value!r}: {problem.why}")
    return 0


def cmd_export(settings: Settings, args: argparse.Namespace) -> int:
    from bot.documents import Documents
    from bot.render import Renderer
    from core.assessment import scores
    from core.documents import export_view
    from core.org.people import Actor, UserInfo
    from core.ratings import anonymity

    db = _db(settings)
    grading = scores.Grading(
        anonymity.Thresholds(settings.frontline_anon_min, settings.frontline_anon_min_comments),
        settings.frontline_excellent_quota)
    with db.session(write=False) as session:
        view = export_view.build(session, Actor(UserInfo(id=0), None, is_admin=True),
                                 args.project, args.period, today=datetime.now(settings.tz).date(),
                                 grading=grading, tz=settings.tz)
    Documents(Renderer(settings.frontline_lang, settings.frontline_tz)).export(view, args.file)
    print(f"exported {view.cadres} cadres and {sum(1 for _ in view.orders())} orders to "
          f"{args.file}")
    return 0


def cmd_webapp_link(settings: Settings, args: argparse.Namespace) -> int:
    from urllib.parse import quote

    from web.dashboard.auth import sign

    settings.require_bot()
    if not settings.frontline_webapp_url:
        raise ConfigError("FRONTLINE_WEBAPP_URL is not set: the dashboard is off")
    user = args.user or min(settings.frontline_admins, default=None)
    if user is None:
        raise ConfigError("give --user <Telegram id> (FRONTLINE_ADMINS is empty)")
    data = sign(settings.telegram_bot_token, user)
    print(f"{settings.frontline_webapp_url}#tgWebAppData={quote(data, safe='')}")
    return 0


COMMANDS: dict[str, tuple[Callable[[Settings, argparse.Namespace], int], str]] = {
    "run": (cmd_run, "run the bot (polling) with its scheduler"),
    "webhook": (cmd_webhook, "run a webhook worker (several behind a load balancer)"),
    "migrate": (cmd_migrate, "apply database migrations"),
    "demo": (cmd_demo, "seed a realistic sample district into the database"),
    "scheduler": (cmd_scheduler, "run the scheduler loop alone"),
    "jobs": (cmd_jobs, "list jobs, or run one job's due work now or --at a time"),
    "import": (cmd_import, "bulk-import domains, projects and people from an .xlsx/.csv"),
    "export": (cmd_export, "write the 两表一单 and 整改台账 workbook"),
    "webapp-link": (cmd_webapp_link, "print the dashboard's URL with launch data signed for an "
                                     "examiner (valid 24 h), to open it outside Telegram"),
}


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="frontline", description="一线考察助手 — operator commands")
    sub = root.add_subparsers(dest="command", required=True)
    for name, (_fn, help_text) in COMMANDS.items():
        command = sub.add_parser(name, help=help_text)
        if name == "jobs":
            actions = command.add_subparsers(dest="action", required=True)
            actions.add_parser("list", help="the jobs and their default schedule")
            run = actions.add_parser("run", help="run one job's due work")
            run.add_argument("job")
            run.add_argument("--at", help="ISO datetime (default: now; no offset = FRONTLINE_TZ)")
        elif name == "webhook":
            command.add_argument("--listen", metavar="HOST:PORT",
                                 help="where to listen (default FRONTLINE_WEB_LISTEN, "
                                      "127.0.0.1:8080)")
        elif name == "import":
            command.add_argument("file", help="the .xlsx or .csv to import")
        elif name == "export":
            command.add_argument("--project", help="a project or domain (default: all)")
            command.add_argument("--period", help="a period's theme or id (default: the open "
                                                  "one, else the latest)")
            command.add_argument("file", help="the .xlsx to write")
        elif name == "webapp-link":
            command.add_argument("--user", type=int, help="Telegram id (default: the first "
                                                          "of FRONTLINE_ADMINS)")
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    _setup_logging()
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"frontline: {exc}", file=sys.stderr)
        return 2
    calendar.use_days(settings.frontline_calendar)
    try:
        return COMMANDS[args.command][0](settings, args)
    except UserError as exc:  # a bad file or name: the same one line the chat would give
        from bot.render import Renderer

        print(f"frontline: {Renderer(settings.frontline_lang).text(exc.key, **exc.params)}",
              file=sys.stderr)
        return 2
    except (ConfigError, migrate.OutdatedSchema) as exc:
        print(f"frontline: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())

"""End-to-end fixtures: the Bot API emulator, and the real `frontline run` process against it.

The bot runs as a separate process, configured only through its environment, from an empty
working directory (so no `.env` of the repository is read). It does not know it is tested:
it talks to `TELEGRAM_API_BASE_URL` like it would to api.telegram.org.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from .emulator import BotApiEmulator, TgObject

REPO = Path(__file__).resolve().parents[2]
TOKEN = "123456:E2E-abcdefghijk"
BOT_USERNAME = "frontline_e2e_bot"
SECRET = "e2e-secret-0123456789abcdef"
STOP_GRACE = 10.0  # seconds between SIGTERM and SIGKILL on teardown
_OWN_ENV = ("TELEGRAM_", "FRONTLINE_", "DATABASE_URL")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    """A failed test (or fixture) shows the tail of each running bot's output."""
    outcome = yield
    report = outcome.get_result()
    if report.failed:
        for bot in _BOTS:
            report.sections.append((f"frontline output ({bot.workdir})", bot.tail(80)))


_BOTS: list[BotProcess] = []  # bot processes of the running module


class BotProcess:
    """`python -m bot.cli run` as a child process, with its output captured to files."""

    def __init__(self, emu: BotApiEmulator, workdir: Path, admins: list[int]) -> None:
        self.emu, self.workdir = emu, workdir
        self.db_path = workdir / "frontline.db"
        env = {k: v for k, v in os.environ.items() if not k.startswith(_OWN_ENV)}
        env.update({
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "FRONTLINE_SECRET": SECRET,
            "FRONTLINE_ADMINS": ",".join(str(a) for a in admins),
            "DATABASE_URL": f"sqlite:///{self.db_path}",
            "TELEGRAM_API_BASE_URL": emu.base_url,
            "FRONTLINE_POLL_TIMEOUT": "1",
            "FRONTLINE_SCHEDULER": "off",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")])),
            "PYTHONUNBUFFERED": "1",
        })
        self.env = env
        self.proc: subprocess.Popen | None = None
        self.runs = 0
        self.stop_seconds: float | None = None  # how long the last SIGTERM took
        self.needed_kill = False

    # ------------------------------------------------------------------ lifecycle

    @property
    def log_path(self) -> Path:
        return self.workdir / f"bot-{self.runs}.log"

    def start(self, timeout: float = 30.0) -> BotProcess:
        """Start the bot and wait until it long-polls the emulator."""
        assert self.proc is None or self.proc.poll() is not None, "bot already running"
        # A killed bot's long poll may still be parked in the emulator; let it run out first,
        # so "polling" below means the new process.
        self.emu.wait_for(lambda e: not e.is_polling(), timeout=10,
                          message="a previous bot's long poll never ended")
        get_me_before = len(self.emu.sent(method="getMe"))
        self.runs += 1
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "run"], cwd=self.workdir, env=self.env,
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        self.wait(lambda e: len(e.sent(method="getMe")) > get_me_before and e.is_polling(),
                  timeout=timeout, message="the bot never started polling")
        return self

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL: a crash, nothing gets to clean up."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> int | None:
        """SIGTERM, then SIGKILL after STOP_GRACE seconds; returns the exit code."""
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else None
        started = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=STOP_GRACE)
            self.needed_kill = False
        except subprocess.TimeoutExpired:
            self.needed_kill = True
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.stop_seconds = time.monotonic() - started
        return self.proc.returncode

    def output(self) -> str:
        return "\n".join(
            f"----- bot run {n} -----\n"
            + (self.workdir / f"bot-{n}.log").read_text("utf-8", errors="replace")
            for n in range(1, self.runs + 1) if (self.workdir / f"bot-{n}.log").exists())

    def tail(self, lines: int = 60) -> str:
        return "\n".join(self.output().splitlines()[-lines:])

    # ------------------------------------------------------------------ waiting & reading

    def wait(self, predicate: Callable[[BotApiEmulator], Any], timeout: float = 15.0, *,
             message: str = "condition not met") -> Any:
        """emu.wait_for, failing at once (with the bot's output) if the bot process died."""

        def check(emu: BotApiEmulator) -> Any:
            if not self.alive():
                code = self.proc.returncode if self.proc else None
                raise AssertionError(f"the bot process exited ({code}) while waiting for: "
                                     f"{message}\n{self.tail()}")
            return predicate(emu)

        try:
            return self.emu.wait_for(check, timeout=timeout, message=message)
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n--- bot output (tail) ---\n{self.tail(30)}") from None

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        """Read the bot's SQLite database (read-only; never takes a write lock)."""
        uri = f"file:{self.db_path}?mode=ro"
        with closing(sqlite3.connect(uri, uri=True, timeout=15)) as conn:
            return conn.execute(sql, params).fetchall()

    def wait_db(self, sql: str, params: tuple = (), *, until: Callable[[list[tuple]], Any],
                timeout: float = 15.0, message: str = "database condition not met") -> list:
        """Poll a query until `until(rows)` holds; returns the rows."""
        found: list[list] = []

        def check(_emu: BotApiEmulator) -> Any:
            try:
                rows = self.query(sql, params)
            except sqlite3.OperationalError as exc:  # not created / locked yet
                raise LookupError(str(exc)) from None
            found[:] = [rows]
            return until(rows)

        try:
            self.wait(check, timeout=timeout, message=message)
        except AssertionError as exc:
            raise AssertionError(f"{exc}\nlast rows: {found[0] if found else None!r}") from None
        return found[0]


@pytest.fixture(scope="module")
def emu() -> Iterator[BotApiEmulator]:
    emulator = BotApiEmulator(token=TOKEN, bot_username=BOT_USERNAME,
                              bot_first_name="一线考察助手")
    emulator.start()
    try:
        yield emulator
    finally:
        emulator.stop()
    assert not emulator.internal_errors, emulator.internal_errors[-1]


@pytest.fixture(scope="module")
def admin(emu: BotApiEmulator) -> TgObject:
    """The organisation-department user listed in FRONTLINE_ADMINS."""
    return emu.user("组织部", "zuzhibu", "老周")


@pytest.fixture(scope="module")
def make_bot(emu: BotApiEmulator, admin: TgObject,
             tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[], BotProcess]]:
    """Build (not start) bot processes; each is stopped with SIGTERM at teardown."""
    made: list[BotProcess] = []

    def make() -> BotProcess:
        bot = BotProcess(emu, tmp_path_factory.mktemp("frontline"), [admin.id])
        made.append(bot)
        _BOTS.append(bot)
        return bot

    try:
        yield make
    finally:
        for bot in made:
            bot.stop()
            _BOTS.remove(bot)
            if bot.needed_kill:
                warnings.warn(f"the bot did not stop within {STOP_GRACE:.0f}s of SIGTERM and "
                              "was killed", stacklevel=1)


@pytest.fixture(scope="module")
def bot(make_bot: Callable[[], BotProcess]) -> BotProcess:
    """The real bot, started and polling the emulator (one per test module)."""
    return make_bot().start()

"""Real `frontline webhook` worker processes on one PostgreSQL schema, behind the emulator.

The emulator plays Telegram and the load balancer: it posts each update to the webhook URL's
path on one of the workers (round robin), with the secret token header, retrying what is not
answered 2xx.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from .conftest import _OWN_ENV, REPO, SECRET, TOKEN
from .emulator import BotApiEmulator, TgObject

WEBHOOK_URL = "https://frontline.example.org/tg/updates"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Worker:
    """One `python -m bot.cli webhook --listen 127.0.0.1:<port>` child process."""

    def __init__(self, env: dict[str, str], workdir: Path, name: str) -> None:
        self.env, self.workdir, self.name = env, workdir, name
        self.port = free_port()
        self.proc: subprocess.Popen | None = None
        self.runs = 0
        self.exit_code: int | None = None
        self.stop_seconds: float | None = None

    @property
    def address(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.workdir / f"{self.name}-{self.runs}.log"

    def start(self, timeout: float = 30.0) -> Worker:
        """Start the worker and wait until it answers GET /healthz."""
        self.runs += 1
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "webhook", "--listen",
                 f"127.0.0.1:{self.port}"], cwd=self.workdir, env=self.env,
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while self.get("/healthz")[0] != 200:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"worker {self.name} never served:\n{self.tail()}")
            time.sleep(0.1)
        return self

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL: a crash, nothing gets to clean up."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.exit_code = self.proc.wait(timeout=10)

    def stop(self, grace: float = 15.0) -> int | None:
        """SIGTERM; returns the exit code (SIGKILL after `grace`, then the code is negative)."""
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else None
        started = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.exit_code = self.proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.exit_code = self.proc.wait(timeout=10)
        self.stop_seconds = time.monotonic() - started
        return self.exit_code

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        req = urllib.request.Request(self.address + path, data=body, method=method,
                                     headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=10) as answer:
                return answer.status, answer.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()
        except OSError:
            return 0, b""

    def get(self, path: str) -> tuple[int, bytes]:
        return self.request("GET", path)

    def output(self) -> str:
        return "\n".join((self.workdir / f"{self.name}-{n}.log").read_text("utf-8", "replace")
                         for n in range(1, self.runs + 1)
                         if (self.workdir / f"{self.name}-{n}.log").exists())

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.output().splitlines()[-lines:])


class Cluster:
    """Several workers on one database, routed by the emulator."""

    def __init__(self, emu: BotApiEmulator, db_url: str, workdir: Path, admins: list[int],
                 **extra_env: str) -> None:
        self.emu, self.db_url, self.workdir = emu, db_url, workdir
        env = {k: v for k, v in os.environ.items() if not k.startswith(_OWN_ENV)}
        env.update({
            "TELEGRAM_BOT_TOKEN": TOKEN, "FRONTLINE_SECRET": SECRET,
            "FRONTLINE_ADMINS": ",".join(str(a) for a in admins), "DATABASE_URL": db_url,
            "TELEGRAM_API_BASE_URL": emu.base_url, "FRONTLINE_WEBHOOK_URL": WEBHOOK_URL,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")])),
            "PYTHONUNBUFFERED": "1", **extra_env})
        self.env = env
        self.workers: list[Worker] = []
        self.engine = create_engine(db_url)

    def add(self, n: int = 1) -> list[Worker]:
        made = [Worker(self.env, self.workdir, f"worker{len(self.workers) + i + 1}")
                for i in range(n)]
        self.workers += made
        return made

    def route(self, in_flight: int = 6) -> None:
        self.emu.route_webhook([w.address for w in self.workers], in_flight=in_flight)

    def query(self, sql: str, **params: Any) -> list[tuple]:
        with self.engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(sql), params)]

    def wait(self, predicate: Callable[[BotApiEmulator], Any], timeout: float = 20.0, *,
             message: str = "condition not met") -> Any:
        try:
            return self.emu.wait_for(predicate, timeout=timeout, message=message)
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n{self.tails()}") from None

    def tails(self) -> str:
        return "\n".join(f"--- {w.name} ---\n{w.tail(25)}" for w in self.workers)

    def close(self) -> None:
        for worker in self.workers:
            worker.stop()
        self.emu.route_webhook([])
        self.engine.dispose()


def seed_groups(cluster: Cluster, emu: BotApiEmulator, admin: TgObject, *, groups: int,
                per_group: int) -> tuple[list[TgObject], dict[int, TgObject]]:
    """Import `groups` projects with `per_group` cadres each and bind a group to each (through
    whatever serves the bot: workers or the polling bot); the cadres, and each one's group."""
    chats, cadres, home = [], [], {}
    rows = ["领域,项目,单位,姓名,职务,角色,Telegram ID"]
    for g in range(groups):
        group = emu.group(f"风暴项目{g}群", supergroup=True, creator=admin)
        emu.add_bot_to_group(group, by=admin, admin=True)
        chats.append(group)
        for c in range(per_group):
            cadre = emu.user(f"干部{g}-{c}")
            emu.add_member(group, cadre)
            cadres.append(cadre)
            home[cadre.id] = group
            rows.append(f"项目建设,风暴项目{g},县交通局,干部{g}-{c},科员,干部,{cadre.id}")
    sheet = cluster.workdir / "people.csv"
    sheet.write_text("\n".join(rows) + "\n", "utf-8")
    done = subprocess.run([sys.executable, "-m", "bot.cli", "import", str(sheet)],
                          cwd=cluster.workdir, env=cluster.env, capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    for g, group in enumerate(chats):
        emu.send(admin, group, f"/bind 风暴项目{g}")
    cluster.wait(lambda e: all(any("已绑定" in t for t in e.texts(g.id)) for g in chats),
                 timeout=60, message="every group bound")
    return cadres, home

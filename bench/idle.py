"""A started bot doing nothing: `frontline run` (polling, the scheduler on) against the Bot API
emulator, its resident memory and the share of a core it uses while nobody writes."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.e2e.conftest import BOT_USERNAME, SECRET, TOKEN
from tests.e2e.emulator import BotApiEmulator

ROOT = Path(__file__).resolve().parents[1]
SECONDS = float(os.environ.get("BENCH_IDLE_SECONDS", "30"))
SETTLE = 5.0  # after the first long poll: start-up work (migrations, menus, first job pass)
RSS_GOAL_MB, CPU_GOAL = 100, 0.01
TICK = os.sysconf("SC_CLK_TCK")


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime


def _measure(emu: BotApiEmulator, workdir: str) -> tuple[float, float, float, float]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TELEGRAM_", "FRONTLINE_", "DATABASE_URL"))}
    env.update({"TELEGRAM_BOT_TOKEN": TOKEN, "FRONTLINE_SECRET": SECRET,
                "FRONTLINE_ADMINS": "1000001", "DATABASE_URL": f"sqlite:///{workdir}/idle.db",
                "TELEGRAM_API_BASE_URL": emu.base_url, "FRONTLINE_SCHEDULER": "on",
                "PYTHONPATH": str(ROOT)})
    started = time.monotonic()
    with open(f"{workdir}/bot.log", "wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "run"], cwd=workdir, env=env,
                                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    try:
        emu.wait_for(lambda e: e.is_polling(), timeout=60, message="the bot never polled")
        ready = time.monotonic() - started
        time.sleep(SETTLE)
        cpu0, t0 = _cpu_seconds(proc.pid), time.monotonic()
        peak = _rss_mb(proc.pid)
        while time.monotonic() - t0 < SECONDS:
            time.sleep(1.0)
            peak = max(peak, _rss_mb(proc.pid))
        share = (_cpu_seconds(proc.pid) - cpu0) / (time.monotonic() - t0)
        return ready, _rss_mb(proc.pid), peak, share
    finally:
        proc.terminate()
        proc.wait(timeout=15)


async def run() -> None:
    """Start the bot, wait until it polls, then watch it for SECONDS."""
    emu = BotApiEmulator(token=TOKEN, bot_username=BOT_USERNAME, bot_first_name="一线考察助手")
    emu.start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            ready, rss, peak, share = await asyncio.to_thread(_measure, emu, tmp)
    finally:
        emu.stop()
    print(f"idle: `frontline run` with the scheduler, polling the emulator; ready in "
          f"{ready:.1f} s; over {SECONDS:.0f} s idle: RSS {rss:.0f} MB (peak {peak:.0f} MB, "
          f"goal < {RSS_GOAL_MB} MB), CPU {share:.2%} of a core (goal < {CPU_GOAL:.0%})",
          flush=True)

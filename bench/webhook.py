"""Webhook workers against the polling bot: real processes, the Bot API emulator, PostgreSQL.

Each run: a fresh schema, the processes started, then N users each send /whoami in private
(a command answered from the database: one update, one reply, no per-chat pacing). Measured:
updates/s to the last reply (what users see) and to the last update processed (what the inbox
keeps up with), p50/p95 from the update's arrival at the emulator (then posted, for webhooks) to
its reply, and the processes' CPU per update. Both modes reply alike: replies are not held to the
bulk 30/s (SPEC §9), only the ledger is.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

from bench.query import _pg_missing, _pg_schemas
from bot.webhook import MAX_CONNECTIONS
from tests.e2e.conftest import BOT_USERNAME, TOKEN
from tests.e2e.emulator import BotApiEmulator, TgObject
from tests.e2e.workers import Cluster, seed_groups

# POSTs Telegram keeps open at once: the max_connections the bot sets (Telegram's most, 100)
IN_FLIGHT = int(os.environ.get("BENCH_WEBHOOK_IN_FLIGHT", str(MAX_CONNECTIONS)))
N = int(os.environ.get("BENCH_WEBHOOK_N", "600"))
REPORTS = int(os.environ.get("BENCH_WEBHOOK_REPORTS", "2000"))  # the busy groups' run
# live runs of polling and one worker in turn: this machine's speed drifts by a third within
# a minute; in the order ABBA a steady drift weighs on both alike, and the median of the
# rounds' ratios is the figure
ROUNDS = int(os.environ.get("BENCH_WEBHOOK_ROUNDS", "3"))
ORDER = (0, 1, 1, 0)
GOAL = 0.8  # one webhook worker against polling, updates/s
TICKS = os.sysconf("SC_CLK_TCK")


def _cpu(pid: int) -> float:
    """User + system CPU seconds of a process."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def _polling(cluster: Cluster) -> subprocess.Popen:
    env = {**cluster.env, "FRONTLINE_POLL_TIMEOUT": "1"}
    log = open(cluster.workdir / "polling.log", "wb")  # noqa: SIM115 (lives with the process)
    proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "run"], cwd=cluster.workdir,
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    cluster.emu.wait_for(lambda e: e.is_polling(), timeout=60, message="polling")
    return proc


def _measure(emu: BotApiEmulator, cluster: Cluster, start: Callable[[], list[int]], *,
             burst: bool) -> Result:
    """N /whoami from N new users. `start` returns the processes' pids: before the sends
    (live), or after them (burst: all N wait at "Telegram", so the bot is saturated from its
    first update).

    Updates/s from the first update's arrival at "Telegram" (live: how well the bot keeps up
    with what arrives) or from the first one stored (burst: its capacity), to the last reply
    and to the last update processed. Latency: arrival at "Telegram" to reply.
    """
    pids = [] if burst else start()
    cpu, ours = sum(_cpu(p) for p in pids), time.process_time()
    first, sent_at = time.monotonic(), {}
    for user in [emu.user(f"用户{n}") for n in range(N)]:
        sent_at[user.id] = time.monotonic()
        emu.send(user, "private", "/whoami")
    if burst:
        pids = start()
        cpu = sum(_cpu(p) for p in pids)
    replies = emu.wait_for(lambda e: (lambda r: len(r) >= N and r)(
        {c["params"]["chat_id"]: c["time"] for c in e.sent() if c["params"].get("chat_id")
         in sent_at}), timeout=300, message="every reply")
    cpu, ours = sum(_cpu(p) for p in pids) - cpu, time.process_time() - ours
    # the first update stored and the last processed (UTC, as stored), on this clock
    [(stored, done)] = cluster.query("SELECT EXTRACT(EPOCH FROM MIN(received_at)), EXTRACT("
                                     "EPOCH FROM MAX(processed_at)) FROM inbox WHERE status "
                                     "= 'done'")
    offset = time.monotonic() - time.time()
    processed = float(done) + offset
    if burst:
        first = float(stored) + offset
    latencies = sorted(replies[uid] - sent_at[uid] for uid in sent_at)
    return Result(N / (max(replies.values()) - first), N / (processed - first), latencies,
                  cpu / N, ours / N)


class Result(NamedTuple):
    """One run: updates/s to the last reply and to the last processed, latencies, and CPU per
    update: the bot's processes, and this one's ("Telegram": the emulator, posting webhooks)."""

    rate: float
    processed: float
    latencies: list[float]
    cpu: float
    telegram: float


def _line(label: str, result: Result) -> str:
    latencies = result.latencies
    p95 = latencies[int(0.95 * (len(latencies) - 1))]
    return (f"  {label:<12} {result.rate:5.0f} updates/s ({result.processed:5.0f} processed/s)"
            f"   p50 {statistics.median(latencies) * 1000:5.0f} ms  p95 {p95 * 1000:5.0f} ms"
            f"   CPU {result.cpu * 1000:4.1f} ms/update (Telegram {result.telegram * 1000:3.1f})")


@contextmanager
def _serving(url: str, workers: int) -> Iterator[tuple[BotApiEmulator, Cluster, list, TgObject]]:
    """The emulator and a fresh cluster on `url` with one admin; the polling bot (workers =
    0) started, or `workers` webhook workers started, not yet routed; stopped at the end."""
    with tempfile.TemporaryDirectory() as tmp, BotApiEmulator(
            token=TOKEN, bot_username=BOT_USERNAME) as emu:
        admin = emu.user("管理员")
        cluster = Cluster(emu, url, Path(tmp), [admin.id], FRONTLINE_SCHEDULER="off")
        procs: list[subprocess.Popen] = []
        try:
            if workers == 0:
                procs.append(_polling(cluster))
            for worker in cluster.add(workers):
                worker.start()
            yield emu, cluster, procs, admin
        finally:
            for proc in procs:
                proc.terminate()
                proc.wait(timeout=15)
            cluster.close()


def _pids(cluster: Cluster, procs: list[subprocess.Popen]) -> list[int]:
    return [p.pid for p in procs] + [w.proc.pid for w in cluster.workers if w.proc]


def _run(url: str, workers: int, *, burst: bool) -> Result:
    with _serving(url, workers) as (emu, cluster, procs, _admin):
        if workers == 0:
            return _measure(emu, cluster, _held_off(emu, procs[0]) if burst
                            else lambda: [procs[0].pid], burst=burst)

        def route() -> list[int]:
            cluster.route(in_flight=IN_FLIGHT)
            return _pids(cluster, procs)

        return _measure(emu, cluster, route, burst=burst)


def _groups_run(url: str, workers: int) -> tuple[float, float]:
    """REPORTS daily reports from 50 cadres in 5 groups (each group's updates one at a time,
    across workers): reports stored per second, first sent to last stored; CPU per report."""
    with _serving(url, workers) as (emu, cluster, procs, admin):
        cluster.route(in_flight=IN_FLIGHT)
        cadres, home = seed_groups(cluster, emu, admin, groups=5, per_group=10)
        pids = _pids(cluster, procs)
        cpu, first = sum(_cpu(p) for p in pids), time.monotonic()
        for n in range(REPORTS):
            cadre = cadres[n % len(cadres)]
            emu.send(cadre, home[cadre.id], f"#每日动态 第{n + 1}条\n完成：事项{n + 1}")
        cluster.wait(lambda _e: cluster.query("SELECT COUNT(*) FROM daily_report")[0][0]
                     >= REPORTS, timeout=300, message="every report stored")
        elapsed = time.monotonic() - first
        return REPORTS / elapsed, (sum(_cpu(p) for p in pids) - cpu) / REPORTS


def _held_off(emu: BotApiEmulator, proc: subprocess.Popen) -> Callable[[], list[int]]:
    """Hold the polling bot off (getUpdates answers 502) until `resume` is called."""
    rejected = len(emu.rejected)
    emu.fail_next("getUpdates", error_code=502, times=None)
    emu.wait_for(lambda e: len(e.rejected) > rejected, timeout=30, message="polling held off")

    def resume() -> list[int]:
        emu.clear_faults()
        return [proc.pid]

    return resume


def _live_round(urls: list[str]) -> float:
    """One round: polling and one worker in the order ORDER; the ratio of their mean rates."""
    rates: dict[int, list[float]] = {0: [], 1: []}
    for workers in ORDER:
        result = _run(urls.pop(), workers, burst=False)
        print(_line("polling" if workers == 0 else "webhook × 1", result))
        rates[workers].append(result.rate)
    return statistics.mean(rates[1]) / statistics.mean(rates[0])


async def run() -> None:
    missing = _pg_missing()
    if missing:
        print(f"webhook: skipped, PostgreSQL {missing}")
        return
    print(f"webhook: {N} updates (/whoami from {N} users) through real processes on PostgreSQL")
    with _pg_schemas(len(ORDER) * ROUNDS + 8) as urls:
        print("  live (sent while the bot runs): keeping up with arrivals; polling, one worker, "
              f"one worker, polling ({ROUNDS} rounds)")
        ratios = [_live_round(urls) for _ in range(ROUNDS)]
        print(f"  webhook × 1 / polling, each round: {', '.join(f'{r:.2f}' for r in ratios)}; "
              f"median {statistics.median(ratios):.2f} (goal ≥ {GOAL})")
        print("  burst (all waiting at the start): capacity")
        results = {}
        for workers in (0, 1, 2, 3):
            results[workers] = _run(urls.pop(), workers, burst=True)
            print(_line("polling" if workers == 0 else f"webhook × {workers}", results[workers]))
        print(f"  webhook × 1 / polling {results[1].rate / results[0].rate:.2f}; processed "
              f"{results[1].processed / results[0].processed:.2f}")
        print(f"  busy groups: {REPORTS} daily reports from 50 cadres in 5 groups, all at once "
              "(a group's updates go one at a time, whichever worker has them)")
        for workers in (0, 1, 2, 3):
            rate, cpu = _groups_run(urls.pop(), workers)
            print(f"  {'polling' if workers == 0 else f'webhook × {workers}':<12} {rate:5.0f} "
                  f"reports/s stored   CPU {cpu * 1000:4.1f} ms/report")
    print("  on 2 cores more workers show overhead, not scaling: read the CPU per update. "
          "Replies go out as soon as their commit is in, in both modes (only the ledger is "
          "held to 30/s). Burst: polling takes 100 updates a request, a webhook one update a "
          f"POST ({IN_FLIGHT} in flight)")

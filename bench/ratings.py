"""1,000 raters through the whole flow (Start, who, overall, one dimension, a comment, 完成)
in the real Runtime against the offline Bot API; how much of the time goes to crypto."""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from contextlib import contextmanager, nullcontext
from functools import wraps

from telegram import Update, User

import handlers.rating_flow as flow_handlers
from bench import profile, reports
from bot import gc_tuning
from bot.app import Runtime
from core.ratings import rater_keys
from handlers import keyboards
from scheduler.limits import Limits
from storage import migrate
from storage.db import Database
from tests.auxil.factories import (
    button_press,
    make_group,
    make_message,
    make_user,
    message_update,
    private,
)
from tests.auxil.offline import OfflineRequest
from tests.conftest import ADMIN_ID, make_settings

N = int(os.environ.get("BENCH_RATERS", "1000"))
BATCH = 100  # getUpdates returns up to 100 updates at a time
GOAL = 0.25
LEVELS = ["5", "4", "5", "4", "3", "5", "4", "5", "4", "2"]  # one 差评 in ten
# HMACs of the rater (dedupe, flood, flow, the inbox's chat key) and Fernet (inbox, 回访).
CRYPTO = {"hmac": ("_mac", "pseudonym"), "fernet": ("seal", "unseal")}
BUTTONS = ((keyboards, "sign"), (flow_handlers, "verify"))  # signed buttons (HMAC), apart


@contextmanager
def _timed(spent: dict[str, float]):  # type: ignore[no-untyped-def]
    """Wrap the crypto functions with time accumulators (none of them calls another)."""
    patched: list[tuple[object, str, Callable]] = []

    def wrap(owner: object, name: str, bucket: str) -> None:
        original = getattr(owner, name)

        @wraps(original)
        def timed(*args, **kwargs):  # type: ignore[no-untyped-def]
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                spent[bucket] += time.perf_counter() - start

        patched.append((owner, name, original))
        setattr(owner, name, timed)

    for bucket, names in CRYPTO.items():
        for name in names:
            wrap(rater_keys, name, bucket)
    for owner, name in BUTTONS:
        wrap(owner, name, "buttons")
    try:
        yield
    finally:
        for owner, name, original in patched:
            setattr(owner, name, original)


class Crowd:
    """The raters, and what the bot last showed each of them."""

    def __init__(self, rt: Runtime, request: OfflineRequest, n: int = N) -> None:
        self.rt, self.request = rt, request
        self.users = [make_user(6_000_000_000 + i, f"服务对象{i}") for i in range(n)]
        self.seen = 0
        self.shown: dict[int, dict] = {}

    def read(self) -> None:
        """Take in the bot's new messages and edits: the latest per chat."""
        for call in self.request.calls[self.seen:]:
            if call.method in ("sendMessage", "editMessageText") and call.chat_id:
                self.shown[call.chat_id] = call.params
        self.seen = len(self.request.calls)

    def press(self, user: User, label: str) -> Update:
        params = self.shown[user.id]
        data = next(b["callback_data"] for row in params["reply_markup"]["inline_keyboard"]
                    for b in row if b["text"] == label)
        message = make_message(private(user), self.rt.app.bot.bot, params.get("text", ""),
                               message_id=int(params.get("message_id", 1)))
        return button_press(user, message, data)

    async def step(self, make: Callable[[int, User], Update],
                   sampler: profile.Sampler | None = None) -> float:
        """Every rater takes one step, delivered as polling would, in batches; the seconds the
        bot took. The updates are made as Telegram's JSON before the clock starts (as the
        echo's are): making them is the bench's work, not the bot's."""
        raw = [make(i, u).to_dict() for i, u in enumerate(self.users)]
        with sampler or nullcontext():
            start = time.perf_counter()
            for i in range(0, len(raw), BATCH):  # as polling takes each getUpdates' answer
                await self.rt.inbox.take(raw[i:i + BATCH])
            await self.rt.settle()
            elapsed = time.perf_counter() - start
        self.read()
        return elapsed


async def _setup(rt: Runtime, request: OfflineRequest) -> str:
    admin, group = make_user(ADMIN_ID, "组织部"), make_group()
    cadre = make_user(2001, "张三")
    updates = [message_update(make_message(private(admin), admin, t)) for t in
               ("/domain add 项目建设", "/project add 项目建设 城南快速路")]
    updates.append(message_update(make_message(group, admin, "/bind 城南快速路")))
    updates.append(message_update(make_message(group, cadre, "/register 张三 副局长")))
    updates.append(message_update(make_message(private(admin), admin, "/ratelink 张三")))
    await rt.inbox.take(updates)
    await rt.settle()
    text = request.texts(admin.id)[-1]
    return text.split("start=r_", 1)[1].split()[0]


def _steps(crowd: Crowd, token: str) -> list[Callable[[int, User], Update]]:
    """What each rater sends, step by step (who, levels and the comment vary by rater)."""
    return [
        lambda i, u: message_update(make_message(private(u), u, f"/start r_{token}")),
        lambda i, u: crowd.press(u, "群众" if i % 2 else "企业"),
        lambda i, u: crowd.press(u, {"5": "非常满意", "4": "满意", "3": "基本满意",
                                     "2": "不满意"}[LEVELS[i % len(LEVELS)]]),
        lambda i, u: crowd.press(u, "满意"),
        lambda i, u: crowd.press(u, "跳过其余"),
        lambda i, u: crowd.press(u, "写一句评价"),
        lambda i, u: message_update(make_message(private(u), u, f"第{i}位：办事顺利")),
        lambda i, u: crowd.press(u, "完成"),
    ]


async def _flow(n: int, spent: dict[str, float], sampler: profile.Sampler | None = None,
                echo: Callable[[], Awaitable[float]] | None = None
                ) -> tuple[float, int, list[float]]:
    """n raters through the steps; seconds taken, how many updates that was, and the echo's
    seconds measured after each step (given `echo`: the baseline under the same load)."""
    echoes: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        db = Database(url)
        migrate.upgrade(db)
        request = OfflineRequest()
        async with Runtime(make_settings(url), db, request=request) as rt:
            rt.sender.limits = Limits(overall=10**9, per_group=10**9, chat_gap=0.0)
            gc_tuning.tune()  # as `frontline run` does once started
            token = await _setup(rt, request)
            crowd = Crowd(rt, request, n)
            crowd.seen = len(request.calls)
            elapsed, steps = 0.0, _steps(crowd, token)
            with _timed(spent):
                for make in steps:
                    elapsed += await crowd.step(make, sampler)
                    if echo is not None:
                        echoes.append(await echo())
            done = sum(1 for p in crowd.shown.values() if "感谢您的评价" in p.get("text", ""))
        db.dispose()
    assert done == n, f"only {done} of {n} raters finished"
    return elapsed, n * len(steps), echoes


async def run() -> None:
    group = make_group()
    cadres = [make_user(2000 + i, f"干部{i}") for i in range(20)]
    echoed = reports._updates(group, cadres)  # the same baseline as reports
    spent: dict[str, float] = defaultdict(float)
    # the echo runs before the flow and after each of its steps: the median of those nine
    # saw the load the flow saw (on a shared machine one run alone may not)
    echoes = [await reports._echo(echoed)]
    elapsed, updates, more = await _flow(N, spent, echo=lambda: reports._echo(echoed))
    echo = statistics.median(echoes + more)
    ratio = (updates / elapsed) / (reports.N / echo)
    print(f"ratings: {N} raters × {updates // N} updates (start, who, overall, one dimension, "
          f"skip the rest, 写一句评价, the comment, 完成) — {N / elapsed:,.0f} ratings/s, "
          f"{updates / elapsed:,.0f} updates/s; bare PTB echo {reports.N / echo:,.0f}/s "
          f"(median of {len(echoes + more)} runs between the flow's steps); ratio to the echo "
          f"{ratio:.2f}{'' if ratio >= GOAL else ' (short)'} (goal ≥ {GOAL})")
    crypto = spent["hmac"] + spent["fernet"]
    print(f"ratings: crypto {crypto / elapsed:.1%} of the time (HMAC {spent['hmac'] * 1000:,.0f} "
          f"ms, Fernet {spent['fernet'] * 1000:,.0f} ms of {elapsed * 1000:,.0f} ms); "
          f"button signatures another {spent['buttons'] / elapsed:.1%}")
    sampler = profile.Sampler()
    sampled = max(100, N // 5)
    _elapsed, updates, _echoes = await _flow(sampled, defaultdict(float), sampler)
    print(sampler.line(f"ratings ({sampled} raters)", updates), flush=True)

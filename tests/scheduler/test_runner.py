"""Scheduled sending through the ledger: once across restarts and processes; 429 and 403."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from storage.db import Database
from storage.tables import Chat, Delivery, Domain, Membership, Person, Project
from tests.auxil.offline import OfflineRequest
from tests.auxil.runners import make_runner

TZ = ZoneInfo("Asia/Shanghai")
FRIDAY_PROMPT = datetime(2026, 11, 20, 16, 5, tzinfo=TZ)   # after the weekly slot (16:00)
FRIDAY_NUDGE = datetime(2026, 11, 20, 18, 5, tzinfo=TZ)    # after the daily nudge (18:00)
GROUPS = [-100_000 - n for n in range(12)]


def seed(db: Database) -> None:
    with db.session() as s:
        domain = Domain(name="项目建设")
        s.add(domain)
        s.flush()
        project = Project(domain_id=domain.id, name="城南快速路", join_token="tok")
        s.add(project)
        s.flush()
        for n, (tg, reachable) in enumerate(((501, True), (502, True), (503, False))):
            person = Person(tg_id=tg, name=f"干部{n}", post="科员", reachable=reachable)
            s.add(person)
            s.flush()
            s.add(Membership(person_id=person.id, project_id=project.id,
                             joined_at=datetime(2026, 10, 1, tzinfo=UTC)))
        s.add_all(Chat(id=cid, title=f"群{cid}", project_id=project.id, tz=TZ.key,
                       bound_at=datetime(2026, 10, 1, tzinfo=UTC)) for cid in GROUPS)






def sent_to(request: OfflineRequest) -> Counter:
    return Counter(c.chat_id for c in request.sent())


async def test_weekly_prompt_goes_once_to_every_group_even_when_run_twice(db: Database) -> None:
    seed(db)
    request = OfflineRequest()
    runner = await make_runner(db, request)
    first = await runner.run(FRIDAY_PROMPT, jobs=("weekly-prompt",))
    second = await runner.run(FRIDAY_PROMPT + timedelta(minutes=5), jobs=("weekly-prompt",))
    assert sent_to(request) == Counter(dict.fromkeys(GROUPS, 1))
    assert first.counts["sent"] == len(GROUPS) and second.counts["sent"] == 0
    assert all("#周报" in c.text for c in request.sent())


def die_with(runner, request: OfflineRequest, *, before_start: int | None = None) -> None:
    """Once `request` crashed (or when `before_start` sends have begun), the process is gone:
    no later send begins."""
    begin, begun = runner._begin_send, 0

    async def begin_unless_dead(delivery_id: int) -> bool:
        nonlocal begun
        if request.crashed or (before_start is not None and begun >= before_start):
            request.crashed = True
            raise asyncio.CancelledError("simulated crash")
        begun += 1
        return await begin(delivery_id)

    runner._begin_send = begin_unless_dead


async def test_restart_mid_broadcast_sends_the_rest_and_repeats_none(db: Database) -> None:
    seed(db)
    crashing = OfflineRequest()
    runner = await make_runner(db, crashing, concurrency=3,
                               claim_for=timedelta(milliseconds=300))
    die_with(runner, crashing, before_start=5)  # dies as the 6th request is about to leave
    with pytest.raises(asyncio.CancelledError):
        await runner.run(FRIDAY_PROMPT, jobs=("weekly-prompt",))
    # the dead process's claims expire (its last tasks may still claim a slot, or finish a
    # send they began, as they die: give their claims time to lapse too, whatever the load)
    await asyncio.sleep(1.0)
    assert len(crashing.sent()) == 5
    restarted = OfflineRequest()
    await (await make_runner(db, restarted)).run(FRIDAY_PROMPT, jobs=("weekly-prompt",))
    assert sent_to(crashing) + sent_to(restarted) == Counter(dict.fromkeys(GROUPS, 1))


async def test_a_send_that_left_before_the_crash_is_uncertain_not_repeated(db: Database
                                                                           ) -> None:
    seed(db)
    crashing = OfflineRequest()
    crashing.crash_after, crashing.crash_arrives = 5, True  # the 6th arrives; no answer
    runner = await make_runner(db, crashing, concurrency=3,
                               claim_for=timedelta(milliseconds=300))
    die_with(runner, crashing)
    with pytest.raises(asyncio.CancelledError):
        await runner.run(FRIDAY_PROMPT, jobs=("weekly-prompt",))
    await asyncio.sleep(1.0)
    assert len(crashing.sent()) == 6
    restarted = OfflineRequest()
    outcome = await (await make_runner(db, restarted)).run(FRIDAY_PROMPT,
                                                           jobs=("weekly-prompt",))
    with db.session(write=False) as s:
        uncertain = set(s.exec(select(Delivery.chat_id).where(Delivery.status == "uncertain")))
    delivered = sent_to(crashing) + sent_to(restarted)
    arrived = crashing.sent()[-1].chat_id  # reached Telegram, unanswered: never sent again
    assert max(delivered.values()) == 1
    # The others in flight when the process died (up to the concurrency; how many depends on
    # the machine's timing) had begun: uncertain, not repeated. Everything else went once.
    assert set(delivered) & uncertain == {arrived} and len(uncertain) <= 3
    assert set(delivered) | uncertain == set(GROUPS)
    assert outcome.counts["sent"] == len(GROUPS) - 5 - len(uncertain)


async def test_a_missed_slot_is_caught_up_the_same_day_else_skipped(db: Database) -> None:
    seed(db)
    request = OfflineRequest()
    runner = await make_runner(db, request)
    await runner.run(FRIDAY_NUDGE + timedelta(hours=3), jobs=("daily-nudge",))  # 21:05: same day
    # the two reachable cadres get a DM; the unreachable one is named once in each group
    assert sorted(c.chat_id for c in request.sent()) == sorted([501, 502, *GROUPS])
    request.clear()
    monday = datetime(2026, 11, 23, 9, 0, tzinfo=TZ)  # Friday's weekly prompt never ran
    outcome = await runner.run(monday, jobs=("daily-nudge", "weekly-prompt"))
    assert request.sent() == []
    assert outcome.counts["skipped"] == len(GROUPS)  # last week's prompts: recorded as skipped


async def test_nudge_dm_refused_with_403_marks_the_cadre_unreachable(db: Database) -> None:
    seed(db)
    request = OfflineRequest()
    request.fail("sendMessage", 403, "Forbidden: bot was blocked by the user", chat_id=501)
    runner = await make_runner(db, request)
    runner.sender.on_unreachable = lambda chat_id: _mark_unreachable(db, chat_id)
    outcome = await runner.run(FRIDAY_NUDGE, jobs=("daily-nudge",))
    assert outcome.counts["unreachable"] == 1
    with db.session(write=False) as s:
        assert not s.exec(select(Person).where(Person.tg_id == 501)).one().reachable
        statuses = dict(s.exec(select(Delivery.target, Delivery.status)).all())
    assert [v for k, v in statuses.items() if k.startswith("person:")].count("unreachable") == 1


def _mark_unreachable(db: Database, chat_id: int) -> None:
    from core.org.reachability import mark_unreachable
    with db.session() as s:
        mark_unreachable(s, chat_id)


async def test_429_waits_and_the_prompt_is_still_sent_once(db: Database) -> None:
    seed(db)
    request = OfflineRequest()
    request.fail("sendMessage", 429, "Too Many Requests: retry after 2", chat_id=GROUPS[0],
                 parameters={"retry_after": 2})
    runner = await make_runner(db, request)
    await runner.run(FRIDAY_PROMPT, jobs=("weekly-prompt",))
    assert sent_to(request) == Counter(dict.fromkeys(GROUPS, 1))


async def test_no_prompt_for_a_slot_before_the_chat_was_bound(db: Database) -> None:
    seed(db)
    with db.session() as s:
        for chat in s.exec(select(Chat)):
            chat.bound_at = datetime(2026, 11, 20, 17, 0, tzinfo=TZ)  # after the 16:00 slot
            s.add(chat)
    request = OfflineRequest()
    await (await make_runner(db, request)).run(FRIDAY_PROMPT + timedelta(hours=2),
                                               jobs=("weekly-prompt",))
    assert request.sent() == []


def test_two_scheduler_processes_send_each_message_once(pg_url: str) -> None:
    db = Database(pg_url)
    from storage import migrate
    migrate.upgrade(db)
    seed(db)
    db.dispose()
    procs = [subprocess.Popen([sys.executable, "-m", "tests.auxil.run_runner", pg_url,
                               FRIDAY_PROMPT.isoformat()], stdout=subprocess.PIPE, text=True)
             for _ in range(2)]
    outputs = [p.communicate(timeout=120)[0] for p in procs]
    assert all(p.returncode == 0 for p in procs), outputs
    sent = Counter(int(line) for out in outputs for line in out.split())
    assert sent == Counter(dict.fromkeys(GROUPS, 1))


async def test_a_rehearsal_run_at_a_later_time_does_not_skip_the_live_slot(db: Database) -> None:
    seed(db)
    request = OfflineRequest()
    runner = await make_runner(db, request)
    await runner.run(FRIDAY_PROMPT + timedelta(days=7), jobs=("weekly-prompt",), live=False)
    request.clear()
    await runner.run(FRIDAY_PROMPT, jobs=("weekly-prompt",))  # the live loop, this Friday
    assert sent_to(request) == Counter(dict.fromkeys(GROUPS, 1))


async def test_a_standby_loop_sends_nothing_while_the_leader_renews(db: Database) -> None:
    from scheduler.loop import Leader, Passes

    seed(db)
    leader_request, standby_request = OfflineRequest(), OfflineRequest()
    leading = Passes(await make_runner(db, leader_request), Leader(db, "a", ttl=30))
    standby = Passes(await make_runner(db, standby_request), Leader(db, "b", ttl=30))
    await leading.tick()
    await standby.tick()
    assert leading.current is not None and standby.current is None
    await leading.current


async def test_a_prompt_is_not_sent_again_after_the_group_migrates(db: Database) -> None:
    from core.org.chats import migrate

    seed(db)
    request = OfflineRequest()
    runner = await make_runner(db, request)
    await runner.run(FRIDAY_PROMPT, jobs=("weekly-prompt",))
    with db.session() as s:
        migrate(s, old_id=GROUPS[0], new_id=GROUPS[0] - 1_000_000_000)
    request.clear()
    await runner.run(FRIDAY_PROMPT + timedelta(minutes=10), jobs=("weekly-prompt",))
    assert request.sent() == []


async def test_migrating_one_group_leaves_other_groups_keys_alone(db: Database) -> None:
    from core.org.chats import migrate

    seed(db)
    with db.session() as s:  # a group whose id starts with another group's id
        s.add(Chat(id=GROUPS[0] * 10 - 1, title="相似群号", project_id=1, tz=TZ.key,
                   bound_at=datetime(2026, 10, 1, tzinfo=UTC)))
    request = OfflineRequest()
    runner = await make_runner(db, request)
    await runner.run(FRIDAY_PROMPT, jobs=("weekly-prompt",))
    with db.session() as s:
        migrate(s, old_id=GROUPS[0], new_id=GROUPS[0] - 1_000_000_000)
    request.clear()
    await runner.run(FRIDAY_PROMPT + timedelta(minutes=5), jobs=("weekly-prompt",))
    assert request.sent() == []


async def test_a_pass_cancelled_mid_send_records_the_send_and_never_repeats_it(
        db: Database) -> None:
    seed(db)
    request = OfflineRequest()
    original = request.do_request

    async def slow(*args, **kwargs):
        answer = await original(*args, **kwargs)  # Telegram has it...
        await asyncio.sleep(0.3)  # ...but the answer is slow to come back
        return answer

    request.do_request = slow
    runner = await make_runner(db, request, claim_for=timedelta(milliseconds=100))
    task = asyncio.create_task(runner.run(FRIDAY_PROMPT, jobs=("weekly-prompt",)))
    await asyncio.sleep(0.1)
    task.cancel()  # the lease was lost, or the process is stopping
    await asyncio.gather(task, return_exceptions=True)
    await runner.settle()
    await asyncio.sleep(0.2)  # every claim has expired
    request.do_request = original
    await runner.run(FRIDAY_PROMPT + timedelta(minutes=1), jobs=("weekly-prompt",))
    assert sent_to(request) == Counter(dict.fromkeys(GROUPS, 1))


def _newcomer_with_backfills(db: Database, days: list) -> None:
    """A cadre who registered just now (after T) and back-filled reports in T's week."""
    from storage.tables import DailyReport
    with db.session() as s:
        project = s.exec(select(Project)).first()
        person = Person(tg_id=777, name="新来的", post="科员", reachable=True)
        s.add(person)
        s.flush()
        s.add(Membership(person_id=person.id, project_id=project.id,
                         joined_at=datetime.now(UTC)))
        for n, day in enumerate(days):
            s.add(DailyReport(person_id=person.id, project_id=project.id, chat_id=777,
                              message_id=n + 1, local_date=day, posted_at=datetime.now(UTC),
                              on_time=False, backfilled=True, text="#日报 补报的工作"))


async def test_a_rehearsal_lists_a_cadre_who_registered_after_t(db: Database) -> None:
    seed(db)
    _newcomer_with_backfills(db, [FRIDAY_PROMPT.date() - timedelta(days=1)])
    request = OfflineRequest()
    runner = await make_runner(db, request)
    await runner.run(FRIDAY_PROMPT, jobs=("weekly-prompt",), live=False)
    prompts = request.texts(GROUPS[0])
    assert len(prompts) == 1 and "新来的" in prompts[0] and "本周动态 1 条" in prompts[0]


async def test_a_rehearsal_nudges_a_reachable_cadre_who_registered_after_t(db: Database) -> None:
    seed(db)
    _newcomer_with_backfills(db, [])
    request = OfflineRequest()
    runner = await make_runner(db, request)
    await runner.run(FRIDAY_NUDGE, jobs=("daily-nudge",), live=False)
    assert len(request.texts(777)) == 1


async def test_the_live_loop_does_not_nudge_for_a_day_before_a_cadre_joined(db: Database) -> None:
    seed(db)
    _newcomer_with_backfills(db, [])
    request = OfflineRequest()
    runner = await make_runner(db, request)
    await runner.run(FRIDAY_NUDGE, jobs=("daily-nudge",), live=True)
    assert request.texts(777) == []

"""The GC tuning `frontline run` and `frontline webhook` apply once started."""

from __future__ import annotations

import gc

import pytest

from bot import gc_tuning


def test_tune_freezes_what_start_up_built_and_collects_young_objects_less_often() -> None:
    before = gc.get_threshold()
    try:
        gc_tuning.tune()
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold() == (gc_tuning.YOUNG, *before[1:])
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)



class _Started(Exception):
    """Raised where the worker starts its tasks: start-up is over."""


async def test_a_webhook_worker_tunes_gc_once_started_like_the_polling_bot(
        db, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from functools import partial

    from bot import webhook
    from tests.auxil.offline import OfflineRequest
    from tests.conftest import make_settings
    from tests.e2e.workers import free_port

    async def nothing(*_args: object) -> None:
        return None

    def started(*_args: object) -> list:
        raise _Started

    tuned: list[bool] = []
    monkeypatch.setattr(webhook, "Runtime", partial(webhook.Runtime, request=OfflineRequest()))
    monkeypatch.setattr(webhook, "set_webhook", nothing)
    monkeypatch.setattr(webhook, "set_menus", nothing)
    monkeypatch.setattr(webhook, "extra_tasks", started)
    monkeypatch.setattr(gc_tuning, "tune", lambda: tuned.append(True))
    settings = make_settings(db.url, frontline_webhook_url="https://bot.example.org/tg/hook")
    with pytest.raises(_Started):
        await webhook.run_webhook(settings, db, f"127.0.0.1:{free_port()}")
    assert tuned == [True]

"""The GC tuning `frontline run` applies once started."""

from __future__ import annotations

import gc

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

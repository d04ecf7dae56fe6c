"""`python -m bench` (or `make bench`): run every benchmark and print its ratios."""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
import logging
import sys

from bot import gc_tuning

SUITES = ("reports", "broadcast", "query", "ratings", "scores", "export", "idle", "dashboard",
          "webhook")


def main() -> int:
    logging.basicConfig(level=logging.ERROR)
    gc_tuning.tune()  # as `frontline run` does: the echo baselines run under it too
    logging.getLogger("alembic").setLevel(logging.ERROR)
    names = sys.argv[1:] or [n for n in SUITES if importlib.util.find_spec(f"bench.{n}")]
    unknown = [n for n in names if n not in SUITES]
    if unknown:
        print(f"unknown benchmark {unknown[0]!r}: one of {', '.join(SUITES)}", file=sys.stderr)
        return 2
    for name in names:
        asyncio.run(importlib.import_module(f"bench.{name}").run())
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""`python -m bench` (or `make bench`): run every benchmark and print its ratios."""

from __future__ import annotations

import asyncio
import logging
import sys

from bench import query, reports, scores


def main() -> int:
    logging.basicConfig(level=logging.ERROR)
    logging.getLogger("alembic").setLevel(logging.ERROR)
    names = sys.argv[1:] or ["reports"]
    suites = {"reports": reports.run, "query": query.run, "scores": scores.run}
    try:
        from bench import broadcast
        suites["broadcast"] = broadcast.run
        if not sys.argv[1:]:
            names.append("broadcast")
    except ImportError:
        pass
    if not sys.argv[1:]:
        names += ["query", "scores"]
    for name in names:
        asyncio.run(suites[name]())
    return 0


if __name__ == "__main__":
    sys.exit(main())

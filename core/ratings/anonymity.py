"""What rating data may be shown (SPEC §6) — the one place every view asks.

Views never read live ratings: a target's window is *released* in steps of at least
FRONTLINE_ANON_MIN ratings, and only the latest release is shown, so no two answers (before
and after one more rating) differ by fewer raters than the threshold. A breakdown (by rater
kind, by dimension) and the comments are shown only when every part meets its threshold, in
that release and against the last release that showed them. Windows never overlap: a rating
belongs to the open 考察期 or, outside one, to its calendar month.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

DIMENSIONS = ("service", "duty", "solving", "integrity")
KINDS = ("enterprise", "resident", "other")


@dataclass(frozen=True)
class Thresholds:
    """How many ratings a view needs before it shows figures, and comments (SPEC §6)."""

    minimum: int  # FRONTLINE_ANON_MIN
    min_comments: int  # FRONTLINE_ANON_MIN_COMMENTS


@dataclass
class Stats:
    """Aggregates of one target's window."""

    count: int = 0
    dist: dict[int, int] = field(default_factory=dict)  # level → ratings
    kinds: dict[str, tuple[int, int]] = field(default_factory=dict)  # kind → (count, sum)
    dims: dict[str, tuple[int, int]] = field(default_factory=dict)  # dimension → (count, sum)
    comments: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, levels: list[tuple[str, int, int]], dims: dict[str, tuple[int, int]],
           comments: list[str]) -> Stats:
        """From (kind, level, count) rows, dimension sums and the comments."""
        stats = cls(dims=dict(dims), comments=list(comments))
        for kind, level, n in levels:
            stats.count += n
            stats.dist[level] = stats.dist.get(level, 0) + n
            c, s = stats.kinds.get(kind, (0, 0))
            stats.kinds[kind] = (c + n, s + level * n)
        return stats


@dataclass
class Release:
    """A published snapshot, with which breakdowns it may show and their baselines."""

    stats: Stats
    dims_ok: bool = False
    kinds_ok: bool = False
    comments_ok: bool = False
    shown: dict[str, Any] = field(default_factory=dict)  # family → what was last shown

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Release:
        data = json.loads(text)
        raw = data.pop("stats")
        stats = Stats(count=raw["count"], dist={int(k): v for k, v in raw["dist"].items()},
                      kinds={k: tuple(v) for k, v in raw["kinds"].items()},  # type: ignore[misc]
                      dims={k: tuple(v) for k, v in raw["dims"].items()},  # type: ignore[misc]
                      comments=raw["comments"])
        return cls(stats=stats, **data)


def due(live_count: int, released_count: int, minimum: int) -> bool:
    """A new release is made once at least `minimum` ratings came since the last one."""
    return live_count - released_count >= minimum


def _steps_ok(now: dict[str, list[int]], before: dict, minimum: int) -> bool:
    """Every part unchanged since it was last shown, or grown by at least `minimum` ratings:
    a rating replaced in place (same count, another sum) must not show on its own."""
    for part, (count, total) in now.items():
        was = before.get(part, [0, 0])
        was_count, was_total = (was, None) if isinstance(was, int) else was
        moved = count - was_count
        if moved >= minimum or (moved == 0 and was_total in (None, total)):
            continue
        return False
    return True


def _digests(comments: list[str]) -> list[str]:
    return sorted(hashlib.sha256(c.encode()).hexdigest()[:16] for c in comments)


def _comments_ok(now: list[str], before: list[str] | None, min_comments: int) -> bool:
    """New comments come in batches of `min_comments`; none changes or goes on its own."""
    if len(now) < min_comments:
        return False
    added = Counter(now) - Counter(before or [])
    gone = Counter(before or []) - Counter(now)
    total = sum(added.values())
    return (total == 0 and not gone) or total >= min_comments


def release(live: Stats, last: Release | None, *, minimum: int, min_comments: int) -> Release:
    """The snapshot to publish now, deciding which breakdowns it may show."""
    shown = dict(last.shown) if last else {}
    dims = {d: list(live.dims.get(d, (0, 0))) for d in DIMENSIONS}
    kinds = {k: [c, t] for k, (c, t) in live.kinds.items() if c}
    made = Release(stats=live, shown=shown)
    made.dims_ok = (all(c >= minimum for c, _t in dims.values())
                    and _steps_ok(dims, shown.get("dims", {}), minimum))
    made.kinds_ok = (all(c >= minimum for c, _t in kinds.values())
                     and _steps_ok(kinds, shown.get("kinds", {}), minimum))
    digests = _digests(live.comments)
    previous = shown.get("comments")
    made.comments_ok = _comments_ok(digests, previous if isinstance(previous, list) else None,
                                    min_comments)
    for family, ok, parts in (("dims", made.dims_ok, dims), ("kinds", made.kinds_ok, kinds),
                              ("comments", made.comments_ok, digests)):
        if ok:
            shown[family] = parts
    return made


@dataclass(frozen=True)
class Disclosure:
    """What a view may show of a target's window."""

    shown: bool
    count: int = 0
    mean: float | None = None
    dist: dict[int, int] = field(default_factory=dict)
    dims: dict[str, float] | None = None
    kinds: dict[str, tuple[int, float]] | None = None  # kind → (count, mean)
    comments: list[str] | None = None

    @property
    def score(self) -> float | None:
        """The mean overall level mapped 1→0 … 5→100 (SPEC §8 评价)."""
        return None if self.mean is None else round((self.mean - 1) * 25, 1)


NOTHING = Disclosure(shown=False)


def disclose(published: Release | None, *, minimum: int, min_comments: int,
             rng: random.Random | None = None) -> Disclosure:
    """The one function that decides what may be shown of a released window."""
    if published is None or published.stats.count < minimum:
        return NOTHING
    stats = published.stats
    total = sum(level * n for level, n in stats.dist.items())
    dims = None
    if published.dims_ok and all(stats.dims.get(d, (0, 0))[0] >= minimum for d in DIMENSIONS):
        dims = {d: round(stats.dims[d][1] / stats.dims[d][0], 2) for d in DIMENSIONS}
    kinds = None
    if published.kinds_ok and all(c >= minimum for c, _s in stats.kinds.values() if c):
        kinds = {k: (c, round(s / c, 2)) for k, (c, s) in stats.kinds.items() if c}
    comments = None
    if published.comments_ok and len(stats.comments) >= min_comments:
        comments = list(stats.comments)
        (rng or random.SystemRandom()).shuffle(comments)  # no order, no dates
    return Disclosure(shown=True, count=stats.count, mean=round(total / stats.count, 2),
                      dist={level: stats.dist.get(level, 0) for level in range(5, 0, -1)},
                      dims=dims, kinds=kinds, comments=comments)

"""core/anonymity.py: what a window's releases may show (SPEC §6), without a database.

`Window` does what core.ratings.releases.refresh does after each recorded rating: release a new
snapshot once `due`, deciding its breakdowns against the last one; views show `disclose`.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field

from core.ratings import anonymity
from core.ratings.anonymity import DIMENSIONS, NOTHING, Release, Stats


@dataclass
class Window:
    """One target's window: live ratings and the latest release."""

    minimum: int = 5
    min_comments: int = 5
    ratings: list[tuple[str, int, dict[str, int], str | None]] = field(default_factory=list)
    last: Release | None = None
    releases: int = 0

    def stats(self) -> Stats:
        levels = Counter((kind, level) for kind, level, _d, _c in self.ratings)
        dims = {d: (sum(1 for r in self.ratings if d in r[2]),
                    sum(r[2].get(d, 0) for r in self.ratings)) for d in DIMENSIONS}
        comments = [c for _k, _l, _d, c in self.ratings if c]
        return Stats.of([(k, lv, n) for (k, lv), n in levels.items()], dims, comments)

    def add(self, level: int = 4, kind: str = "enterprise", dims: dict[str, int] | None = None,
            comment: str | None = None, times: int = 1) -> None:
        for _ in range(times):
            self.ratings.append((kind, level, dict(dims or {}), comment))
            released = self.last.stats.count if self.last else 0
            if anonymity.due(len(self.ratings), released, self.minimum):
                self.last = anonymity.release(self.stats(), self.last, minimum=self.minimum,
                                              min_comments=self.min_comments)
                self.releases += 1

    def shown(self, rng: random.Random | None = None) -> anonymity.Disclosure:
        return anonymity.disclose(self.last, minimum=self.minimum,
                                  min_comments=self.min_comments, rng=rng)


ALL_DIMS = dict.fromkeys(DIMENSIONS, 4)


def test_four_ratings_show_nothing() -> None:
    window = Window()
    window.add(times=4)
    assert window.last is None and window.shown() == NOTHING


def test_five_ratings_show_the_count_mean_and_distribution() -> None:
    window = Window()
    window.add(5, times=3)
    window.add(2, times=2)
    shown = window.shown()
    assert (shown.shown, shown.count, shown.mean) == (True, 5, 3.8)
    assert shown.dist == {5: 3, 4: 0, 3: 0, 2: 2, 1: 0}


def test_a_threshold_of_three_shows_three_ratings_but_not_two() -> None:
    window = Window(minimum=3)
    window.add(times=2)
    assert window.shown() == NOTHING
    window.add()
    assert window.shown().count == 3


def test_a_release_is_due_only_after_minimum_new_ratings() -> None:
    assert not anonymity.due(4, 0, 5) and anonymity.due(5, 0, 5)
    assert not anonymity.due(9, 5, 5) and anonymity.due(10, 5, 5)
    assert not anonymity.due(5, 3, 3) and anonymity.due(6, 3, 3)


def test_the_sixth_to_ninth_ratings_change_nothing_shown() -> None:
    window = Window()
    window.add(4, times=5)
    before = window.shown()
    for _ in range(4):
        window.add(1)
        assert window.shown() == before
    window.add(1)
    assert window.shown().count == 10 and window.shown().mean == 2.5


def test_a_release_below_the_threshold_is_never_disclosed() -> None:
    small = anonymity.release(Window(ratings=[("resident", 1, {}, "x")] * 4).stats(), None,
                              minimum=5, min_comments=3)
    assert anonymity.disclose(small, minimum=5, min_comments=3) == NOTHING
    assert anonymity.disclose(None, minimum=5, min_comments=5) == NOTHING


def test_kinds_are_hidden_when_one_kind_is_short() -> None:
    window = Window()
    window.add(5, kind="enterprise", times=6)
    window.add(1, kind="resident", times=4)
    shown = window.shown()
    assert shown.count == 10 and shown.kinds is None


def test_kinds_are_shown_when_every_kind_meets_the_threshold() -> None:
    window = Window()
    window.add(5, kind="enterprise", times=5)
    window.add(1, kind="resident", times=5)
    assert window.shown().kinds == {"enterprise": (5, 5.0), "resident": (5, 1.0)}


def test_a_kind_that_moved_by_fewer_than_the_threshold_is_not_shown_again() -> None:
    window = Window()
    window.add(5, kind="enterprise", times=5)
    window.add(1, kind="resident", times=5)
    window.add(5, kind="enterprise", times=4)
    window.add(2, kind="resident")  # resident 5 → 6: one rater would be isolated
    shown = window.shown()
    assert shown.count == 15 and shown.kinds is None
    window.add(2, kind="resident", times=4)
    window.add(5, kind="enterprise")  # since last shown: enterprise +5, resident +5
    assert window.shown().kinds == {"enterprise": (10, 5.0), "resident": (10, 1.5)}


def test_dimensions_are_hidden_when_one_dimension_is_short() -> None:
    window = Window()
    window.add(dims=ALL_DIMS, times=4)
    window.add(dims={d: 4 for d in DIMENSIONS if d != "integrity"})
    shown = window.shown()
    assert shown.count == 5 and shown.dims is None


def test_dimensions_are_shown_when_each_has_the_threshold() -> None:
    window = Window()
    window.add(dims={"service": 5, "duty": 4, "solving": 3, "integrity": 2}, times=5)
    assert window.shown().dims == {"service": 5.0, "duty": 4.0, "solving": 3.0,
                                   "integrity": 2.0}


def test_a_dimension_that_moved_by_fewer_than_the_threshold_hides_the_breakdown() -> None:
    window = Window()
    window.add(dims=ALL_DIMS, times=5)
    window.add(dims={"service": 1})  # service 5 → 6 once released
    window.add(times=4)
    assert window.shown().count == 10 and window.shown().dims is None


def test_comments_need_their_own_threshold() -> None:
    window = Window(min_comments=5)
    window.add(comment="好", times=4)
    window.add(times=6)
    shown = window.shown()
    assert shown.count == 10 and shown.comments is None


def test_comments_at_the_threshold_are_shown() -> None:
    window = Window(min_comments=3)
    for text in ("窗口热情", "办事快", "还要改进"):
        window.add(comment=text)
    window.add(times=2)
    assert sorted(window.shown().comments or []) == sorted(["窗口热情", "办事快", "还要改进"])


def test_comments_come_in_varying_order_and_without_dates() -> None:
    window = Window()
    texts = [f"意见{i}" for i in range(10)]
    for text in texts:
        window.add(comment=text)
    orders = {tuple(window.shown(random.Random(seed)).comments or []) for seed in range(20)}
    assert len(orders) > 1 and all(sorted(o) == sorted(texts) for o in orders)
    assert all(isinstance(c, str) for c in window.shown().comments or [])


def test_new_comments_fewer_than_the_threshold_hide_the_comments() -> None:
    window = Window()
    window.add(comment="一", times=5)
    assert window.shown().comments == ["一"] * 5
    window.add(comment="二", times=3)
    window.add(times=2)  # released at 10 with 8 comments: the 3 new ones would stand out
    assert window.shown().count == 10 and window.shown().comments is None


def test_disclose_rechecks_a_breakdown_a_release_allowed() -> None:
    window = Window()
    window.add(kind="enterprise", dims=ALL_DIMS, times=5)
    assert window.last is not None
    forged = Release.from_json(window.last.to_json())
    forged.stats.kinds["resident"] = (1, 1)
    forged.stats.dims["integrity"] = (2, 8)
    shown = anonymity.disclose(forged, minimum=5, min_comments=5)
    assert shown.kinds is None and shown.dims is None


def test_a_release_survives_its_json_round_trip() -> None:
    window = Window(min_comments=3)
    window.add(5, kind="resident", dims=ALL_DIMS, comment="好", times=5)
    assert window.last is not None
    again = Release.from_json(window.last.to_json())
    assert again == window.last
    assert anonymity.disclose(again, minimum=5, min_comments=3, rng=random.Random(1)) \
        == window.shown(random.Random(1))


def test_the_score_maps_one_to_zero_and_five_to_a_hundred() -> None:
    low, high = Window(), Window()
    low.add(1, times=5)
    high.add(5, times=5)
    assert (low.shown().score, high.shown().score) == (0.0, 100.0)
    assert NOTHING.score is None


def test_a_comment_replaced_in_place_never_shows_on_its_own() -> None:
    window = Window()
    for n in range(5):
        window.add(comment=f"评论{n}")
    assert window.shown().comments is not None
    first = window.ratings[0]
    window.ratings[0] = (first[0], first[1], first[2], "换了一句")  # the rater rated again
    window.add(times=5)  # five more ratings, none with a comment
    assert window.shown().count == 10
    assert window.shown().comments is None  # else "换了一句" would stand alone


def test_a_dimension_replaced_in_place_hides_the_dimensions() -> None:
    all_dims = dict.fromkeys(DIMENSIONS, 4)
    window = Window()
    window.add(dims=all_dims, times=5)
    assert window.shown().dims is not None
    first = window.ratings[0]
    window.ratings[0] = (first[0], first[1], dict.fromkeys(DIMENSIONS, 1), first[3])
    window.add(times=5)  # five more without dimensions: the counts do not move
    assert window.shown().count == 10 and window.shown().dims is None

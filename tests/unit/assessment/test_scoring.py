"""The pure 三维成像 rules (core/scoring.py) against cases computed by hand (SPEC §8)."""

from __future__ import annotations

import pytest

from core.assessment._scoring import (
    EXCELLENT,
    FAIR,
    GOOD,
    ITEMS_PACE_FLOOR,
    ITEMS_PACE_FULL,
    Figures,
    Part,
    Score,
    Weights,
    check_weights,
    grades,
    items_reference,
    part_values,
    score,
)

# 实绩: 1 of 2 milestones on time (50) and 10 items over 20 days (0.5 a day of the reference 1.0:
# 50) → 0.6×50 + 0.4×50 = 50
# 状态: 18 of 20 days (90) and 2 of 4 summaries (50) → 0.8×90 + 0.2×50 = 82
# 评价: 75; 考核组: grade 80 + 5 note points = 85
FULL = Figures(milestones_due=2, milestones_on_time=1, items=10, workdays=20, reported=18,
               recaps_due=4, recaps=2, rating=75.0, rating_count=6,
               rating_scope="person", grade=80.0, graders=2, note_points=5)


def only(composite: float, **parts: float | None) -> Score:
    """A score with just a composite and the parts named (the others without data)."""
    names = ("achievement", "diligence", "rating", "examiners")
    return Score(Figures(), {p: Part(p, parts.get(p), 25.0) for p in names}, composite)


def graded(composites: list[float], quota: float = 0.2) -> list[str]:
    """The grades of cadres 0..n-1 with these composites, in the order given."""
    found = grades([(n, only(c)) for n, c in enumerate(composites)], quota)
    return [found[n] for n in range(len(composites))]


def test_each_part_is_computed_from_its_figures() -> None:
    assert part_values(FULL) == {"achievement": 50.0, "diligence": 82.0, "rating": 75.0,
                                 "examiners": 85.0}


def test_default_weights_are_30_20_25_25() -> None:
    result = score(FULL, Weights())
    # (30×50 + 20×82 + 25×75 + 25×85) / 100 = 71.4
    assert result.composite == 71.4
    assert [result.parts[p].weight for p in ("achievement", "diligence", "rating",
                                             "examiners")] == [30.0, 20.0, 25.0, 25.0]


def test_domain_weights_change_the_composite() -> None:
    # (40×50 + 20×82 + 20×75 + 20×85) / 100 = 68.4
    assert score(FULL, Weights(40, 20, 20, 20)).composite == 68.4


def test_a_part_without_data_shares_out_its_weight() -> None:
    no_rating = Figures(**{**FULL.__dict__, "rating": None, "rating_count": 0})
    result = score(no_rating, Weights())
    # (30×50 + 20×82 + 25×85) / 75 = 70.2, not (… + 25×0) / 100 = 52.65
    assert result.composite == 70.2
    assert result.parts["rating"] == Part("rating", None, 0.0)
    assert [result.parts[p].weight for p in ("achievement", "diligence", "examiners")] == [
        40.0, 26.7, 33.3]


def test_no_grade_means_no_examiners_part_even_with_note_points() -> None:
    figures = Figures(workdays=10, reported=10, note_points=7)
    assert part_values(figures)["examiners"] is None
    # 实绩 0 (reports, no item), 状态 100: (30×0 + 20×100) / 50 = 40
    assert score(figures, Weights()).composite == 40.0


def test_without_milestones_due_achievement_is_the_items_alone() -> None:
    # 5 items over 10 expected days: 0.5 a day, half the full reference pace
    assert part_values(Figures(items=5, workdays=10, reported=4))["achievement"] == 50.0
    assert part_values(Figures(items=40))["achievement"] == 100.0  # capped at the reference


def test_items_count_per_working_day_against_the_scope_reference() -> None:
    week = Figures(items=5, workdays=5, reported=5)
    quarter = Figures(items=60, workdays=60, reported=60)
    assert part_values(week)["achievement"] == part_values(quarter)["achievement"] == 100.0
    sparse = Figures(items=20, workdays=60, reported=60, items_reference=items_reference(
        [20 / 60, 15 / 60, 25 / 60]))
    assert part_values(sparse)["achievement"] == 100.0  # the scope's median pace is met
    assert part_values(Figures(items=10, workdays=60, reported=60, items_reference=0.25)
                       )["achievement"] == pytest.approx(100 * (10 / 60) / 0.25)


def test_the_reference_pace_is_the_median_within_its_bounds() -> None:
    assert items_reference([]) == ITEMS_PACE_FULL
    assert items_reference([0.5, 0.1, 0.3]) == 0.3
    assert items_reference([0.2, 0.4]) == 0.3
    assert items_reference([3.0, 2.0, 5.0]) == ITEMS_PACE_FULL  # one a day is always enough
    assert items_reference([0.0, 0.01, 0.0]) == ITEMS_PACE_FLOOR  # one line is not a full share


def test_reporting_without_any_item_counts_achievement_as_zero() -> None:
    assert part_values(Figures(workdays=10, reported=4))["achievement"] == 0.0


def test_diligence_is_the_days_alone_when_no_summary_was_asked() -> None:
    assert part_values(Figures(workdays=20, reported=18))["diligence"] == 90.0


def test_note_points_add_and_subtract_within_0_and_100() -> None:
    assert part_values(Figures(grade=80.0, note_points=-7))["examiners"] == 73.0
    assert part_values(Figures(grade=95.0, note_points=10))["examiners"] == 100.0
    assert part_values(Figures(grade=5.0, note_points=-10))["examiners"] == 0.0


def test_no_data_at_all_gives_no_composite_and_no_grade() -> None:
    empty = score(Figures(), Weights())
    assert empty.composite is None
    assert all(p.value is None and p.weight == 0.0 for p in empty.parts.values())
    assert grades([("a", empty), ("b", only(90.0))], 0.2) == {"a": "", "b": GOOD}


def test_top_of_the_quota_needs_85() -> None:
    composites = [84.9, 80.0, 70.0, 65.0, 62.0]
    assert graded(composites) == [GOOD] * 5
    assert graded([85.0, *composites[1:]]) == [EXCELLENT] + [GOOD] * 4


def test_below_60_is_fair_and_60_is_good() -> None:
    assert graded([59.9, 60.0]) == [FAIR, GOOD]


def test_the_quota_rounds_down() -> None:
    nine = [99.0, 98.0, 97.0, 96.0, 95.0, 94.0, 93.0, 92.0, 91.0]  # 9 × 20 % = 1.8 → 1 place
    assert graded(nine).count(EXCELLENT) == 1 and graded(nine)[0] == EXCELLENT
    assert graded([*nine, 90.0]).count(EXCELLENT) == 2  # 10 × 20 % = 2
    assert graded(nine[:4]).count(EXCELLENT) == 0  # 4 × 20 % = 0.8 → nobody


def test_the_quota_is_not_lost_to_floating_point() -> None:
    assert 0.29 * 100 < 29  # the float product falls short of 29 …
    assert graded([90.0 + n / 100 for n in range(100)], 0.29).count(EXCELLENT) == 29  # … places


def test_cadres_without_a_composite_do_not_widen_the_quota() -> None:
    rows = [(n, only(90.0 - n)) for n in range(5)] + [(10 + n, score(Figures(), Weights()))
                                                       for n in range(5)]
    found = grades(rows, 0.2)
    assert [k for k, g in found.items() if g == EXCELLENT] == [0]
    assert [found[10 + n] for n in range(5)] == [""] * 5


def test_a_tie_at_the_cut_goes_to_the_higher_examiners_part() -> None:
    # equal composites (90): B's 考核组 100 beats A's 80, though A is listed first
    a = only(90.0, examiners=80.0, rating=100.0)
    b = only(90.0, examiners=100.0, rating=80.0)
    rest = [(n, only(70.0)) for n in range(3)]
    found = grades([("A", a), ("B", b), *rest], 0.2)
    assert (found["A"], found["B"]) == (GOOD, EXCELLENT)


def test_a_tie_breaks_on_rating_then_achievement_then_diligence() -> None:
    rest = [(n, only(70.0)) for n in range(3)]
    for weaker, stronger in (
            (dict(examiners=90.0, rating=80.0), dict(examiners=90.0, rating=81.0)),
            (dict(rating=80.0, achievement=70.0), dict(rating=80.0, achievement=71.0)),
            (dict(achievement=70.0, diligence=60.0), dict(achievement=70.0, diligence=61.0))):
        found = grades([("A", only(88.0, **weaker)), ("B", only(88.0, **stronger)), *rest], 0.2)
        assert (found["A"], found["B"]) == (GOOD, EXCELLENT), (weaker, stronger)


def test_a_complete_tie_goes_to_the_one_given_first() -> None:
    rest = [(n, only(70.0)) for n in range(3)]
    same = dict(examiners=90.0, rating=90.0, achievement=90.0, diligence=90.0)
    found = grades([("B", only(90.0, **same)), ("A", only(90.0, **same)), *rest], 0.2)
    assert (found["B"], found["A"]) == (EXCELLENT, GOOD)


def test_a_part_without_data_ranks_below_one_with_data_in_a_tie() -> None:
    rest = [(n, only(70.0)) for n in range(3)]
    found = grades([("A", only(90.0, rating=None, achievement=90.0)),
                    ("B", only(90.0, rating=40.0, achievement=10.0)), *rest], 0.2)
    assert (found["A"], found["B"]) == (GOOD, EXCELLENT)


def test_weights_must_be_four_non_negative_numbers_summing_to_100() -> None:
    assert check_weights([40, 20, 20, 20]) == Weights(40, 20, 20, 20)
    for bad in ([30, 20, 25, 24], [30, 20, 25], [110, -10, 0, 0], [30, 20, 25, 25, 0]):
        with pytest.raises(ValueError):
            check_weights(bad)


def test_a_zero_weight_part_does_not_count() -> None:
    result = score(FULL, Weights(0, 20, 40, 40))
    # (20×82 + 40×75 + 40×85) / 100 = 80.4
    assert result.composite == 80.4 and result.parts["achievement"].weight == 0.0

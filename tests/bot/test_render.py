"""Splitting long answers under Telegram's 4096 characters (bot.render.split)."""

from __future__ import annotations

import itertools

from bot.render import size, split


def test_a_heading_at_the_end_of_a_part_moves_on_with_its_content() -> None:
    text = "x" * 4000 + "\n<b>张三</b>（科员）\n  完成：" + "y" * 200
    first, second = split(text)
    assert first == "x" * 4000
    assert second.startswith("<b>张三</b>")


def test_parts_are_filled_as_far_as_they_go() -> None:
    lines = [f"· 事项{n:03d} " + "甲" * 40 for n in range(300)]
    parts = split("\n".join(lines))
    for part, after in itertools.pairwise(parts):
        next_line = after.split("\n", 1)[0]
        assert size(part) + 1 + size(next_line) > 4096  # the next line would not have fitted
    assert "\n".join(parts) == "\n".join(lines)


def test_an_over_long_line_fills_the_rest_of_the_part_first() -> None:
    parts = split("head\n" + "z" * 5000)
    assert [size(p) for p in parts] == [4096, 5000 - 4091]
    assert parts[0].startswith("head\nz")


def test_an_over_long_line_is_never_cut_inside_an_entity_or_a_tag() -> None:
    line = "<b>" + "字&amp;" * 2000 + "</b>"
    parts = split(line)
    assert all(size(p) <= 4096 for p in parts)
    for part in parts:  # each part is balanced HTML: the cut closes and reopens <b>
        assert part.startswith("<b>") and part.endswith("</b>")
        assert part.count("&amp;") == part.count("&")


def test_emoji_count_as_two_units() -> None:
    parts = split("😀" * 5000)
    assert [len(p) for p in parts] == [2048, 2048, 904]

"""Names in the order users expect: a project's 负责人 first, then pinyin (not code points)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

LEADER = "负责人"  # the membership role listed first
T = TypeVar("T")


def pinyin_key(name: str | None) -> tuple[list[str], str]:
    """Sort key: the syllables with tones (陈 chen2 before 刘 liu2), then the name itself."""
    # pypinyin's dictionaries (~55 MB) load at the first sort, not in a bot only started
    from pypinyin import Style, lazy_pinyin
    text = name or ""
    return lazy_pinyin(text, style=Style.TONE3, errors="default"), text


def in_pinyin_order(items: Iterable[T], name: Callable[[T], str | None]) -> list[T]:
    """The items sorted by the pinyin of their name."""
    return sorted(items, key=lambda item: pinyin_key(name(item)))


def leaders_first(members: Iterable[T], role: Callable[[T], str | None],
                  name: Callable[[T], str | None]) -> list[T]:
    """A project's people: its 负责人 first, then everyone by the pinyin of their name."""
    return sorted(members, key=lambda m: (role(m) != LEADER, pinyin_key(name(m))))

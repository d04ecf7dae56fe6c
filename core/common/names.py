"""Names in the order users expect: a project's 负责人 first, then pinyin (not code points)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import TypeVar

LEADER = "负责人"  # the membership role listed first
T = TypeVar("T")

# Surnames read otherwise than the character alone (曾 is zeng as a surname, not ceng): the
# first character of a name is read as the surname it is.
SURNAMES = {"曾": "zeng1", "单": "shan4", "解": "xie4", "仇": "qiu2", "朴": "piao2",
            "查": "zha1", "区": "ou1", "乐": "yue4", "缪": "miao4", "盖": "ge3", "华": "hua4",
            "翟": "zhai2", "覃": "qin2", "种": "chong2", "召": "shao4", "秘": "bi4",
            "燕": "yan1", "阚": "kan4", "尉": "yu4", "折": "she2", "员": "yun4"}


def pinyin_key(name: str | None) -> tuple[list[str], str]:
    """Sort key: the syllables with tones (陈 chen2 before 刘 liu2), then the name itself."""
    # pypinyin's dictionaries load at the first sort, not in a bot only started; without its
    # phrase dictionary (43 MB, for words, not names) they weigh 12 MB
    os.environ.setdefault("PYPINYIN_NO_PHRASES", "true")
    from pypinyin import Style, lazy_pinyin
    text = name or ""
    syllables = lazy_pinyin(text, style=Style.TONE3, errors="default")
    if text[:1] in SURNAMES:
        syllables[0] = SURNAMES[text[0]]
    return syllables, text


def in_pinyin_order(items: Iterable[T], name: Callable[[T], str | None]) -> list[T]:
    """The items sorted by the pinyin of their name."""
    return sorted(items, key=lambda item: pinyin_key(name(item)))


def leaders_first(members: Iterable[T], role: Callable[[T], str | None],
                  name: Callable[[T], str | None]) -> list[T]:
    """A project's people: its 负责人 first, then everyone by the pinyin of their name."""
    return sorted(members, key=lambda m: (role(m) != LEADER, pinyin_key(name(m))))

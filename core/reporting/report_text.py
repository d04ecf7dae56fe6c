"""Reading a daily report: the hashtags that mark one and its structured lines (SPEC §4)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

DAILY_TAGS = ("#每日动态", "#日报")
WEEKLY_TAGS = ("#周报",)
MONTHLY_TAGS = ("#月报",)

_TAG = re.compile("#(?:每日动态|日报|周报|月报)")
_LINE = re.compile(
    r"^\s*(?:#(?:每日动态|日报|周报|月报)\s*)*"  # `#日报 完成：…`: a structured line after the tag
    r"(?:[-*•·]\s*|\d{1,2}[.、)）]\s*)?"
    r"(?P<key>进度|完成|问题|计划|progress|done|problem|plan)\s*[:：]\s*(?P<value>.*?)\s*$",
    re.IGNORECASE,
)
_KINDS = {"完成": "done", "done": "done", "问题": "problem", "problem": "problem",
          "计划": "plan", "plan": "plan"}
_PERCENT = re.compile(r"^(\d{1,3}(?:\.\d+)?)\s*[%％]?")


def has_tag(text: str | None, tags: tuple[str, ...]) -> bool:
    """Whether the text contains one of the hashtags as a substring (entities not required)."""
    return bool(text) and any(tag in text for tag in tags)  # type: ignore[operator]


@dataclass
class ParsedReport:
    """The structured content of a report's text."""

    progress: int | None = None
    items: list[tuple[str, str]] = field(default_factory=list)  # (kind, text) in order

    def of(self, kind: str) -> list[str]:
        return [text for k, text in self.items if k == kind]

    @property
    def structured(self) -> bool:
        return self.progress is not None or bool(self.items)


def parse_report(text: str) -> ParsedReport:
    """Pick out 进度/完成/问题/计划 lines (Chinese or ASCII colon); the rest stays free text."""
    parsed = ParsedReport()
    for line in text.splitlines():
        match = _LINE.match(line)
        if not match:
            continue
        key, value = match["key"].lower(), match["value"]
        if key in ("进度", "progress"):
            pct = _PERCENT.match(value)
            if pct:
                parsed.progress = max(0, min(100, round(float(pct[1]))))
        elif value:
            parsed.items.append((_KINDS[key], value))
    return parsed


def first_line(text: str, limit: int = 80) -> str:
    """The first non-blank line with the hashtags left out, cut to `limit` characters (+ "…")."""
    for line in _TAG.sub("", text).splitlines():
        line = line.strip()
        if line:
            return line if len(line) <= limit else line[:limit] + "…"
    return ""

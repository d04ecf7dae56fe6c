"""Every user-facing sentence comes from a Jinja2 macro in bot/templates/<lang>/<module>.j2."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

TEMPLATES = Path(__file__).parent / "templates"
LIMIT = 4096


def _date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    return value.strftime("%Y-%m-%d %H:%M") if isinstance(value, datetime) else value.isoformat()


def _mdate(value: date) -> str:
    return f"{value.month}月{value.day}日"


def _mention(person: Any) -> Markup:
    """A tg://user mention (works even for people without a username)."""
    from markupsafe import escape

    name = getattr(person, "name", "") or getattr(person, "display", "") or str(person.tg_id)
    return Markup(f'<a href="tg://user?id={person.tg_id}">{escape(name)}</a>')


class Renderer:
    """Renders `module.macro` keys in one language."""

    def __init__(self, lang: str = "zh") -> None:
        self.lang = lang
        self.env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True,
                               trim_blocks=True, lstrip_blocks=True, undefined=StrictUndefined)
        self.env.filters.update(date=_date, mdate=_mdate, mention=_mention)

    def text(self, key: str, **view: Any) -> str:
        """The macro's output with the view's fields it declares."""
        module, _, name = key.partition(".")
        macro = getattr(self.env.get_template(f"{self.lang}/{module}.j2").module, name)
        if not macro.catch_kwargs:
            view = {k: v for k, v in view.items() if k in macro.arguments}
        return str(macro(**view)).strip()

    def parts(self, key: str, **view: Any) -> list[str]:
        """The macro's output split under Telegram's 4096 characters."""
        return split(self.text(key, **view))


def _safe_cut(line: str, limit: int) -> int:
    """The last position ≤ limit that is not inside an HTML tag or an &entity;."""
    cut = limit
    for opener, closer in (("<", ">"), ("&", ";")):
        start = line.rfind(opener, 0, cut)
        if start > line.rfind(closer, 0, cut):
            cut = start
    return cut or limit


def split(text: str, limit: int = LIMIT) -> list[str]:
    """Split a long message at line breaks into parts under Telegram's 4096 characters."""
    if len(text) <= limit:
        return [text]
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:  # a single over-long line: cut it, never inside a tag or entity
            if current:
                parts.append(current)
                current = ""
            cut = _safe_cut(line, limit)
            parts.append(line[:cut])
            line = line[cut:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current:
        parts.append(current)
    return parts

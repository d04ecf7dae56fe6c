"""Every user-facing sentence comes from a Jinja2 macro in bot/templates/<lang>/<module>.j2."""

from __future__ import annotations

import re
from datetime import date, datetime, tzinfo
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

TEMPLATES = Path(__file__).parent / "templates"
LIMIT = 4096


def _date(value: date | datetime | None, tz: tzinfo | None = None) -> str:
    """YYYY-MM-DD, or YYYY-MM-DD HH:MM for a moment (in the bot's timezone when aware)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if tz is not None and value.tzinfo is not None:
            value = value.astimezone(tz)
        return value.strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def _mdate(value: date) -> str:
    return f"{value.month}月{value.day}日"


def _mention(person: Any) -> Markup:
    """A tg://user mention (works even for people without a username)."""
    from markupsafe import escape

    name = getattr(person, "name", "") or getattr(person, "display", "") or str(person.tg_id)
    return Markup(f'<a href="tg://user?id={person.tg_id}">{escape(name)}</a>')


class Renderer:
    """Renders `module.macro` keys in one language."""

    def __init__(self, lang: str = "zh", tz: str = "Asia/Shanghai") -> None:
        self.lang, self.tz = lang, ZoneInfo(tz)
        # Templates are part of the release: compiled once, never stat()ed again per render.
        self.env = Environment(loader=FileSystemLoader(TEMPLATES),
                               autoescape=select_autoescape(default=True, default_for_string=True),
                               trim_blocks=True, lstrip_blocks=True, undefined=StrictUndefined,
                               auto_reload=False)
        self.env.filters.update(date=partial(_date, tz=self.tz), mdate=_mdate, mention=_mention)
        self._macros: dict[str, tuple[Any, frozenset[str] | None]] = {}
        self._labels: dict[tuple, str] = {}

    def _macro(self, key: str) -> tuple[Any, frozenset[str] | None]:
        """The key's macro and the arguments it declares (None: it takes any), looked up once."""
        found = self._macros.get(key)
        if found is None:
            module, _, name = key.partition(".")
            macro = getattr(self.env.get_template(f"{self.lang}/{module}.j2").module, name)
            found = (macro, None if macro.catch_kwargs else frozenset(macro.arguments))
            self._macros[key] = found
        return found

    def text(self, key: str, **view: Any) -> str:
        """The macro's output with the view's fields it declares."""
        macro, declared = self._macro(key)
        if declared is not None:
            view = {k: v for k, v in view.items() if k in declared}
        return str(macro(**view)).strip()

    def label(self, key: str, **view: str | int) -> str:
        """A short text fixed by its key and plain arguments (a button's label): rendered
        once, then looked up."""
        found = self._labels.get((key, *view.items()))
        if found is None:
            found = self._labels[(key, *view.items())] = self.text(key, **view)
        return found

    def document(self, name: str, **view: Any) -> str:
        """A whole document (HTML) from bot/templates/<lang>/<name>.html, autoescaped."""
        return self.env.get_template(f"{self.lang}/{name}.html").render(**view)

    def parts(self, key: str, **view: Any) -> list[str]:
        """The macro's output split under Telegram's 4096 characters."""
        return split(self.text(key, **view))


_TAG = re.compile(r"<(/?)([a-zA-Z][\w-]*)[^>]*>")


def size(text: str) -> int:
    """Length as Telegram may count it: UTF-16 code units (an emoji is two)."""
    return len(text.encode("utf-16-le")) // 2


def _is_heading(line: str) -> bool:
    """A heading opens a section (`<b>…</b>` first): it never ends a part on its own."""
    return line.lstrip().startswith("<b>")


def _safe_cut(line: str, limit: int) -> int:
    """The last position ≤ limit (in UTF-16 units) not inside an HTML tag or an &entity;."""
    cut = used = 0
    for char in line:  # a character boundary: never half a surrogate pair
        used += 2 if ord(char) > 0xFFFF else 1
        if used > limit:
            break
        cut += 1
    for opener, closer in (("<", ">"), ("&", ";")):
        start = line.rfind(opener, 0, cut)
        if start > line.rfind(closer, 0, cut):
            cut = start
    return cut or max(1, min(limit, len(line)))


def _open_tags(text: str) -> list[tuple[str, str]]:
    """The tags still open at the end of text: (name, the opening tag as written)."""
    stack: list[tuple[str, str]] = []
    for match in _TAG.finditer(text):
        closing, name = match[1], match[2].lower()
        if not closing:
            stack.append((name, match[0]))
        elif stack and stack[-1][0] == name:
            stack.pop()
    return stack


def _cut_line(line: str, first: int, limit: int) -> list[str]:
    """An over-long line in pieces (the first under `first`, the rest under `limit`), each with
    its open tags closed and reopened in the next."""
    pieces: list[str] = []
    reopen = ""
    room = first
    while size(reopen + line) > room:
        budget = room - size(reopen)
        while True:  # shrink until the piece and the tags that close it fit
            cut = _safe_cut(line, budget)
            piece = reopen + line[:cut]
            still_open = _open_tags(piece)
            closed = piece + "".join(f"</{name}>" for name, _tag in reversed(still_open))
            if size(closed) <= room or cut <= 1:
                break
            budget -= size(closed) - room
        pieces.append(closed)
        reopen = "".join(tag for _name, tag in still_open)
        line, room = line[cut:], limit
    pieces.append(reopen + line)
    return pieces


def split(text: str, limit: int = LIMIT) -> list[str]:
    """Split a message under Telegram's 4096 characters, each part filled as far as it goes.

    Parts break between lines; a heading moves on with what follows it, and a single
    over-long line is cut at a character boundary, never inside a tag or an entity.
    """
    if size(text) <= limit:
        return [text]
    parts: list[list[tuple[str, bool]]] = [[]]  # lines of each part: (line, is a heading)
    used: int | None = 0  # the last part's size, kept as lines are added (None: measure it)
    for line in text.split("\n"):
        current = parts[-1]
        if used is None:
            used = _size(current)
        length = size(line)
        if length > limit:  # cut: the first piece fills what is left of this part
            room = limit - used - 1 if current else limit
            if room <= 64 and current:
                parts.append(_carry(current, 64))
                room = limit - _size(parts[-1]) - 1 if parts[-1] else limit
            pieces = _cut_line(line, room, limit)
            parts[-1].append((pieces[0], False))
            parts.extend([(piece, False)] for piece in pieces[1:])
            used = None
        elif current and used + 1 + length > limit:
            parts.append([*_carry(current, limit - 1 - length), (line, _is_heading(line))])
            used = None
        else:
            used = used + 1 + length if current else length
            current.append((line, _is_heading(line)))
    return [joined for part in parts
            if (joined := "\n".join(line for line, _h in part).strip("\n"))]


def _carry(current: list[tuple[str, bool]], room: int) -> list[tuple[str, bool]]:
    """Take the part's trailing heading (and blank lines) to start the next part with."""
    carried: list[tuple[str, bool]] = []
    while len(current) > 1 and (current[-1][1] or not current[-1][0].strip()):
        carried.insert(0, current.pop())
    if not any(heading for _line, heading in carried) or _size(carried) > room:
        current.extend(carried)
        return []
    return carried


def _size(lines: list[tuple[str, bool]]) -> int:
    return size("\n".join(line for line, _h in lines))

"""Formatting: MarkdownV2 and legacy Markdown -> (text, entities), Telegram's way."""

from __future__ import annotations

import re

from .formatting import _ParseError
from .objects import _byte_offset, _u16

_MDV2_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")
_MDV2_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "code": "Code",
    "pre": "Pre",
    "text_link": "TextUrl",
}


def _parse_markdown_v2(src: str) -> tuple[str, list[dict]]:
    out: list[str] = []
    pos = 0
    stack: list[dict] = []
    entities: list[dict] = []
    quote_start: int | None = None
    i, n = 0, len(src)

    def emit(ch: str) -> None:
        nonlocal pos
        out.append(ch)
        pos += _u16(ch)

    def reserved(ch: str) -> _ParseError:
        return _ParseError(
            f"Character '{ch}' is reserved and must be escaped with the preceding '\\'"
        )

    while i < n:
        c = src[i]
        top = stack[-1] if stack else None
        in_code = top is not None and top["type"] in ("code", "pre")
        if c == "\\" and i + 1 < n and 0 < ord(src[i + 1]) <= 126:
            emit(src[i + 1])
            i += 2
            continue
        at_line_start = i == 0 or src[i - 1] == "\n"
        if c == "\n" and quote_start is not None and not in_code:
            if not src.startswith(">", i + 1):
                if pos > quote_start:
                    entities.append(
                        {"type": "blockquote", "offset": quote_start, "length": pos - quote_start}
                    )
                quote_start = None
            emit(c)
            i += 1
            continue
        if in_code:
            if c == "`" and top["type"] == "code":
                stack.pop()
                if pos > top["start"]:
                    entities.append(
                        {"type": "code", "offset": top["start"], "length": pos - top["start"]}
                    )
                i += 1
            elif c == "`" and top["type"] == "pre" and src.startswith("```", i):
                stack.pop()
                if pos > top["start"]:
                    entity = {"type": "pre", "offset": top["start"], "length": pos - top["start"]}
                    if top.get("language"):
                        entity["language"] = top["language"]
                    entities.append(entity)
                i += 3
            else:
                emit(c)
                i += 1
            continue
        if c not in _MDV2_RESERVED:
            emit(c)
            i += 1
            continue
        if c == ">" and at_line_start:
            if quote_start is None:
                quote_start = pos
            i += 1
            continue
        begin = i
        if c == "]" and top is not None and top["type"] == "text_link":
            stack.pop()
            i += 1
            url = ""
            if i < n and src[i] == "(":
                i += 1
                url_chars = []
                while i < n and src[i] != ")":
                    if src[i] == "\\" and i + 1 < n:
                        i += 1
                    url_chars.append(src[i])
                    i += 1
                if i >= n:
                    raise _ParseError(
                        f"Can't find end of a URL at byte offset {_byte_offset(src, begin)}"
                    )
                i += 1
                url = "".join(url_chars)
            if url and pos > top["start"]:
                m = re.fullmatch(r"tg://user\?id=(\d+)", url)
                if m:
                    entities.append(
                        {
                            "type": "text_mention",
                            "offset": top["start"],
                            "length": pos - top["start"],
                            "user": {"id": int(m.group(1)), "is_bot": False, "first_name": ""},
                        }
                    )
                else:
                    entities.append(
                        {
                            "type": "text_link",
                            "offset": top["start"],
                            "length": pos - top["start"],
                            "url": url,
                        }
                    )
            continue
        kind: str | None = None
        width = 1
        if c == "_":
            if top is not None and top["type"] == "italic":
                kind = "italic"
            elif src.startswith("__", i):
                kind, width = "underline", 2
            else:
                kind = "italic"
        elif c == "*":
            kind = "bold"
        elif c == "~":
            kind = "strikethrough"
        elif c == "|":
            if not src.startswith("||", i):
                raise reserved(c)
            kind, width = "spoiler", 2
        elif c == "[":
            stack.append({"type": "text_link", "start": pos, "begin": begin})
            i += 1
            continue
        elif c == "`":
            if src.startswith("```", i):
                i += 3
                nl = src.find("\n", i)
                language = ""
                if nl >= 0 and re.fullmatch(r"[A-Za-z0-9_+#.-]*", src[i:nl]):
                    language = src[i:nl]
                    i = nl + 1
                stack.append({"type": "pre", "start": pos, "begin": begin, "language": language})
            else:
                stack.append({"type": "code", "start": pos, "begin": begin})
                i += 1
            continue
        else:
            raise reserved(c)
        if top is not None and top["type"] == kind:
            stack.pop()
            if pos > top["start"]:
                entities.append(
                    {"type": kind, "offset": top["start"], "length": pos - top["start"]}
                )
        else:
            stack.append({"type": kind, "start": pos, "begin": begin})
        i += width
    if stack:
        top = stack[-1]
        raise _ParseError(
            f"Can't find end of {_MDV2_NAMES[top['type']]} entity at byte offset "
            f"{_byte_offset(src, top['begin'])}"
        )
    if quote_start is not None and pos > quote_start:
        entities.append({"type": "blockquote", "offset": quote_start, "length": pos - quote_start})
    return "".join(out), entities


def _parse_markdown(src: str) -> tuple[str, list[dict]]:
    """Legacy ``Markdown``: *bold* _italic_ `code` ```pre``` [text](url), no nesting."""
    out: list[str] = []
    pos = 0
    entities: list[dict] = []
    i, n = 0, len(src)

    def emit(s: str) -> None:
        nonlocal pos
        out.append(s)
        pos += _u16(s)

    def missing_end(begin: int) -> _ParseError:
        return _ParseError(
            f"Can't find end of the entity starting at byte offset {_byte_offset(src, begin)}"
        )

    while i < n:
        c = src[i]
        if c == "\\" and i + 1 < n and src[i + 1] in "_*`[":
            emit(src[i + 1])
            i += 2
            continue
        if c not in "_*`[":
            emit(c)
            i += 1
            continue
        begin = i
        start = pos
        if c == "[":
            close = src.find("]", i + 1)
            if close < 0:
                raise missing_end(begin)
            emit(src[i + 1 : close])
            i = close + 1
            if i < n and src[i] == "(":
                end = src.find(")", i)
                if end < 0:
                    raise missing_end(begin)
                url = src[i + 1 : end]
                i = end + 1
                if pos > start and url:
                    entities.append(
                        {"type": "text_link", "offset": start, "length": pos - start, "url": url}
                    )
            continue
        if src.startswith("```", i):
            end = src.find("```", i + 3)
            if end < 0:
                raise missing_end(begin)
            inner = src[i + 3 : end]
            language = ""
            nl = inner.find("\n")
            if nl >= 0 and re.fullmatch(r"[A-Za-z0-9_+#.-]+", inner[:nl]):
                language, inner = inner[:nl], inner[nl + 1 :]
            emit(inner)
            i = end + 3
            if pos > start:
                entity = {"type": "pre", "offset": start, "length": pos - start}
                if language:
                    entity["language"] = language
                entities.append(entity)
            continue
        end = src.find(c, i + 1)
        if end < 0:
            raise missing_end(begin)
        emit(src[i + 1 : end])
        i = end + 1
        kind = {"*": "bold", "_": "italic", "`": "code"}[c]
        if pos > start:
            entities.append({"type": kind, "offset": start, "length": pos - start})
    return "".join(out), entities



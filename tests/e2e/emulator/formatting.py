"""Formatting: HTML -> (text, entities), automatic entities, trimming, Telegram's way."""

from __future__ import annotations

import re
from typing import Any

from .objects import _byte_offset, _u16


class _ParseError(Exception):
    pass


_HTML_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_HTML_ENTITY_RE = re.compile(r"&(lt|gt|amp|quot|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});")
_HTML_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


def _html_unescape_at(src: str, i: int) -> tuple[str, int] | None:
    m = _HTML_ENTITY_RE.match(src, i)
    if not m:
        return None
    name = m.group(1)
    if name in _HTML_NAMED:
        return _HTML_NAMED[name], m.end()
    code = int(name[2:], 16) if name[1] in "xX" else int(name[1:])
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code), m.end()


def _parse_html(src: str) -> tuple[str, list[dict]]:
    out: list[str] = []
    pos = 0  # UTF-16 position in the output
    stack: list[dict] = []
    entities: list[dict] = []
    i, n = 0, len(src)

    def emit(ch: str) -> None:
        nonlocal pos
        out.append(ch)
        pos += _u16(ch)

    while i < n:
        c = src[i]
        if c == "&":
            decoded = _html_unescape_at(src, i)
            if decoded:
                emit(decoded[0])
                i = decoded[1]
            else:
                emit("&")
                i += 1
            continue
        if c != "<":
            emit(c)
            i += 1
            continue
        begin = i
        i += 1
        if i < n and src[i] == "/":  # end tag
            end = src.find(">", i)
            if end < 0:
                raise _ParseError(f"Unclosed end tag at byte offset {_byte_offset(src, begin)}")
            name = src[i + 1 : end].strip().lower()
            if not stack:
                raise _ParseError(f"Unexpected end tag at byte offset {_byte_offset(src, begin)}")
            top = stack.pop()
            if name != top["tag"]:
                raise _ParseError(
                    f"Unmatched end tag at byte offset {_byte_offset(src, begin)}, "
                    f'expected "</{top["tag"]}>", found "</{name}>"'
                )
            i = end + 1
            _close_html_entity(top, pos, stack, entities)
            continue
        j = i
        while j < n and src[j].isascii() and (src[j].isalnum() or src[j] == "-"):
            j += 1
        name = src[i:j].lower()
        if name not in _HTML_TAGS:
            raise _ParseError(
                f'Unsupported start tag "{name}" at byte offset {_byte_offset(src, begin)}'
            )
        attrs: dict[str, str] = {}
        i = j
        while True:
            while i < n and src[i].isspace():
                i += 1
            if i >= n:
                raise _ParseError(f"Unclosed start tag at byte offset {_byte_offset(src, begin)}")
            if src[i] == ">":
                i += 1
                break
            k = i
            while k < n and (src[k].isalnum() or src[k] in "-_"):
                k += 1
            attr = src[i:k].lower()
            if not attr:
                raise _ParseError(
                    f'Empty attribute name in the tag "{name}" at byte offset '
                    f"{_byte_offset(src, begin)}"
                )
            i = k
            while i < n and src[i].isspace():
                i += 1
            if i >= n or src[i] != "=":
                attrs[attr] = ""  # value-less attribute, e.g. <blockquote expandable>
                continue
            i += 1
            while i < n and src[i].isspace():
                i += 1
            value_chars: list[str] = []
            if i < n and src[i] in "\"'":
                quote = src[i]
                i += 1
                while i < n and src[i] != quote:
                    decoded = _html_unescape_at(src, i) if src[i] == "&" else None
                    if decoded:
                        value_chars.append(decoded[0])
                        i = decoded[1]
                    else:
                        value_chars.append(src[i])
                        i += 1
                if i >= n:
                    raise _ParseError(
                        f"Unclosed start tag at byte offset {_byte_offset(src, begin)}"
                    )
                i += 1
            else:
                while i < n and not src[i].isspace() and src[i] != ">":
                    value_chars.append(src[i])
                    i += 1
            attrs[attr] = "".join(value_chars)
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise _ParseError(
                f'Tag "span" must have class "tg-spoiler" at byte offset {_byte_offset(src, begin)}'
            )
        stack.append({"tag": name, "start": pos, "attrs": attrs})
    if stack:
        raise _ParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1]["tag"]}"')
    return "".join(out), entities


def _close_html_entity(top: dict, pos: int, stack: list[dict], entities: list[dict]) -> None:
    tag, start, attrs = top["tag"], top["start"], top["attrs"]
    length = pos - start
    kind = _HTML_TAGS[tag]
    entity: dict[str, Any] = {"type": kind, "offset": start, "length": length}
    if tag == "code" and stack and stack[-1]["tag"] == "pre" and stack[-1]["start"] == start:
        language = attrs.get("class", "")
        if language.startswith("language-") and len(language) > 9:
            stack[-1]["attrs"]["_language"] = language[9:]
            return
    if kind == "pre" and attrs.get("_language"):
        entity["language"] = attrs["_language"]
    elif kind == "text_link":
        href = attrs.get("href")
        if not href:
            return
        m = re.fullmatch(r"tg://user\?id=(\d+)", href)
        if m:
            entity = {
                "type": "text_mention",
                "offset": start,
                "length": length,
                "user": {"id": int(m.group(1)), "is_bot": False, "first_name": ""},
            }
        else:
            entity["url"] = href
    elif kind == "blockquote" and "expandable" in attrs:
        entity["type"] = "expandable_blockquote"
    elif kind == "custom_emoji":
        entity["custom_emoji_id"] = attrs.get("emoji-id", "")
    if length > 0:
        entities.append(entity)


_CMD_RE = re.compile(
    r"(?<![A-Za-z0-9_/])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![A-Za-z0-9_@/])"
)
_MENTION_RE = re.compile(r"(?<![A-Za-z0-9_@])@[A-Za-z][A-Za-z0-9_]{3,31}(?![A-Za-z0-9_@])")
_URL_RE = re.compile(r"(?<![\w/])https?://[^\s<>\"]+")


def _auto_entities(text: str) -> list[dict]:
    """Entities Telegram detects on its own: bot commands, @mentions and URLs."""
    found: list[dict] = []
    for regex, kind in ((_CMD_RE, "bot_command"), (_MENTION_RE, "mention"), (_URL_RE, "url")):
        for m in regex.finditer(text):
            value = m.group(0)
            if kind == "url":
                value = value.rstrip(".,;:!?)]}'。，；：！？）")
            if kind == "bot_command" and m.start() != 0 and text[m.start() - 1] not in " \n\t":
                continue
            found.append({"type": kind, "offset": _u16(text[: m.start()]), "length": _u16(value)})
    return found


def _merge_entities(text: str, parsed: list[dict]) -> list[dict]:
    blocking = [e for e in parsed if e["type"] in ("code", "pre", "text_link", "text_mention")]
    result = list(parsed)
    for auto in _auto_entities(text):
        a0, a1 = auto["offset"], auto["offset"] + auto["length"]
        if any(a0 < b["offset"] + b["length"] and b["offset"] < a1 for b in blocking):
            continue
        result.append(auto)
    result.sort(key=lambda e: (e["offset"], -e["length"]))
    return result


def _trim(text: str, entities: list[dict]) -> tuple[str, list[dict]]:
    """Telegram strips leading and trailing whitespace from message texts."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    lead = _u16(text[: len(text) - len(text.lstrip())])
    total = _u16(stripped)
    result = []
    for entity in entities:
        start = max(0, entity["offset"] - lead)
        end = min(total, entity["offset"] + entity["length"] - lead)
        if end > start:
            result.append({**entity, "offset": start, "length": end - start})
    return stripped, result

"""A local, in-process emulator of the Telegram Bot API for end-to-end tests.

The emulator is a small HTTP server (standard library only) that speaks the Bot API wire
protocol closely enough that an unmodified python-telegram-bot (PTB) 22 process can be
pointed at it::

    emu = BotApiEmulator(token="123:ABC", bot_username="frontline_test_bot")
    emu.start()
    # bot process: base_url=f"{emu.base_url}/bot", base_file_url=f"{emu.base_url}/file/bot"

The test drives "users" through the Python API of :class:`BotApiEmulator` (``user``,
``group``, ``send``, ``press`` ...), which turns their actions into Bot API updates that the
bot receives through ``getUpdates``. Everything the bot calls is recorded in
:attr:`BotApiEmulator.calls`.

Telegram semantics that are kept (see the method docstrings for details):

* updates stay queued until confirmed with ``getUpdates(offset=...)``; long polling wakes up
  early when an update arrives; a second concurrent ``getUpdates`` terminates the first one
  with ``409 Conflict``; ``allowed_updates`` is remembered between calls and applies to
  updates created afterwards (``chat_member``/``message_reaction`` are opt-in);
* privacy mode: in groups a non-admin bot only sees commands, replies to its own messages,
  mentions and service messages;
* 403 for users who never started / blocked the bot and for groups the bot was removed from,
  400 + ``migrate_to_chat_id`` for migrated groups, entity parsing errors for bad HTML /
  MarkdownV2, "message is not modified", message length limits, ``REACTION_INVALID`` ...;
* dates are Unix seconds, user ids and supergroup ids do not fit into 32 bits, entity
  offsets are counted in UTF-16 code units, text is trimmed like Telegram does.
"""

from __future__ import annotations

import base64
import copy
import datetime as dtm
import itertools
import json
import mimetypes
import re
import struct
import threading
import time
import traceback
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

__all__ = ["ApiError", "BotApiEmulator", "TgObject", "UploadedFile", "make_png"]


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


class TgObject(dict):
    """A JSON object (plain ``dict``) that additionally allows attribute access: ``u.id``."""

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def _obj(value: Any) -> Any:
    """Deep-copy JSON data into :class:`TgObject` instances."""
    if isinstance(value, dict):
        return TgObject({k: _obj(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return [_obj(v) for v in value]
    return value


def _plain(value: Any) -> Any:
    """Deep-copy JSON data into plain dicts/lists."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


class ApiError(Exception):
    """A Bot API error response (``ok: false``)."""

    def __init__(self, code: int, description: str, parameters: dict | None = None):
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def payload(self) -> dict:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def _bad(description: str, parameters: dict | None = None) -> ApiError:
    return ApiError(400, f"Bad Request: {description}", parameters)


def _forbidden(description: str) -> ApiError:
    return ApiError(403, f"Forbidden: {description}")


def _u16(text: str) -> int:
    """Length of ``text`` in UTF-16 code units (the unit of Telegram entity offsets)."""
    return len(text.encode("utf-16-le")) // 2


def _u16_slice(text: str, offset: int, length: int) -> str:
    raw = text.encode("utf-16-le")
    return raw[offset * 2 : (offset + length) * 2].decode("utf-16-le", errors="replace")


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _now() -> int:
    return int(time.time())


def _as_unix(date: Any) -> int:
    if date is None:
        return _now()
    if isinstance(date, dtm.datetime):
        return int(date.timestamp())
    return int(date)


# --------------------------------------------------------------------------------------------
# Request parameter decoding
# --------------------------------------------------------------------------------------------

# PTB sends ``str`` values verbatim and JSON-encodes everything else, so on the wire the string
# "123" and the integer 123 look the same. Telegram knows the type of every parameter; we keep
# a list of the parameters that are strings and JSON-decode all others (falling back to the raw
# string, which keeps e.g. chat_id="@channel").
_STRING_PARAMS = frozenset(
    {
        "action", "address", "animation", "audio", "business_connection_id", "callback_query_id",
        "caption", "certificate", "currency", "custom_emoji_id", "custom_title", "description",
        "document", "emoji", "error_message", "file_id", "first_name", "foursquare_id",
        "foursquare_type", "game_short_name", "gift_id", "google_place_id", "google_place_type",
        "icon_custom_emoji_id", "inline_message_id", "inline_query_id", "invite_link",
        "ip_address", "language_code", "last_name", "message_effect_id", "name", "next_offset",
        "parse_mode", "payload", "phone_number", "photo", "pre_checkout_query_id",
        "provider_token", "query_id", "question", "question_parse_mode", "secret_token",
        "set_name", "shipping_query_id", "short_description", "start_parameter", "sticker",
        "sticker_set_name", "switch_pm_parameter", "switch_pm_text", "text", "thumbnail",
        "title", "url", "vcard", "video", "video_note", "voice",
    }
)  # fmt: skip


def _decode_value(name: str, raw: str) -> Any:
    if name in _STRING_PARAMS:
        return raw
    try:
        return json.loads(raw)
    except ValueError:
        return raw


@dataclass
class UploadedFile:
    """A file part of a multipart/form-data request."""

    filename: str
    content_type: str
    data: bytes


_HEADER_PARAM_RE = re.compile(r';\s*([^=;\s]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)')


def _header_params(value: str) -> dict[str, str]:
    params: dict[str, str] = {}
    for key, val in _HEADER_PARAM_RE.findall(";" + value.split(";", 1)[-1] if ";" in value else ""):
        val = val.strip()
        if len(val) >= 2 and val[0] == val[-1] == '"':
            val = val[1:-1]
            # httpx uses HTML5 form encoding (" -> %22, control chars -> %XX, \ -> \\)
            val = re.sub(r"%([01][0-9A-F]|22)", lambda m: chr(int(m.group(1), 16)), val)
            val = val.replace("\\\\", "\\").replace('\\"', '"')
        params[key.lower()] = val
    if "filename*" in params:
        star = params["filename*"]
        if "''" in star:
            charset, _, encoded = star.partition("''")
            params["filename"] = unquote(encoded, encoding=charset or "utf-8")
    return params


def _parse_multipart(body: bytes, boundary: str) -> tuple[dict[str, str], dict[str, UploadedFile]]:
    fields: dict[str, str] = {}
    files: dict[str, UploadedFile] = {}
    chunks = (b"\r\n" + body).split(b"\r\n--" + boundary.encode("latin-1"))
    for chunk in chunks[1:]:
        if chunk.startswith(b"--"):
            break
        if chunk.startswith(b"\r\n"):
            chunk = chunk[2:]
        head, _, data = chunk.partition(b"\r\n\r\n")
        headers: dict[str, str] = {}
        for line in head.split(b"\r\n"):
            key, _, value = line.decode("utf-8", errors="replace").partition(":")
            headers[key.strip().lower()] = value.strip()
        params = _header_params(headers.get("content-disposition", ""))
        name = params.get("name")
        if name is None:
            continue
        if "filename" in params:
            files[name] = UploadedFile(
                filename=params["filename"],
                content_type=headers.get("content-type", "application/octet-stream"),
                data=data,
            )
        else:
            fields[name] = data.decode("utf-8", errors="replace")
    return fields, files


# --------------------------------------------------------------------------------------------
# Formatting: HTML, MarkdownV2, Markdown -> (text, entities)
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# Files and images
# --------------------------------------------------------------------------------------------


def make_png(width: int = 320, height: int = 240, rgb: tuple[int, int, int] = (70, 130, 180)):
    """A valid PNG image of the given size (used for photos sent by emulated users)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    row = b"\x00" + bytes(rgb) * width
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


def _image_size(data: bytes) -> tuple[int, int] | None:
    try:
        if data[:8] == b"\x89PNG\r\n\x1a\n":
            return struct.unpack(">II", data[16:24])
        if data[:6] in (b"GIF87a", b"GIF89a"):
            return struct.unpack("<HH", data[6:10])
        if data[:2] == b"BM":
            w, h = struct.unpack("<ii", data[18:26])
            return abs(w), abs(h)
        if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
            if data[12:16] == b"VP8X":
                return (
                    int.from_bytes(data[24:27], "little") + 1,
                    int.from_bytes(data[27:30], "little") + 1,
                )
            if data[12:16] == b"VP8 ":
                w, h = struct.unpack("<HH", data[26:30])
                return w & 0x3FFF, h & 0x3FFF
            if data[12:16] == b"VP8L":
                bits = int.from_bytes(data[21:25], "little")
                return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
        if data[:2] == b"\xff\xd8":
            i = 2
            while i + 9 < len(data):
                if data[i] != 0xFF:
                    i += 1
                    continue
                marker = data[i + 1]
                if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7 or marker == 0xFF:
                    i += 1 if marker == 0xFF else 2
                    continue
                if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                    h, w = struct.unpack(">HH", data[i + 5 : i + 9])
                    return w, h
                i += 2 + struct.unpack(">H", data[i + 2 : i + 4])[0]
    except (struct.error, IndexError):
        return None
    return None


# --------------------------------------------------------------------------------------------
# Constants
# --------------------------------------------------------------------------------------------

_DEFAULT_EXCLUDED_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_CHAT_ACTIONS = frozenset(
    {
        "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
        "upload_document", "choose_sticker", "find_location", "record_video_note",
        "upload_video_note",
    }
)  # fmt: skip
# Reactions a bot may set (Bot API "ReactionTypeEmoji"); compared without U+FE0F.
_REACTION_EMOJI = frozenset(
    e.replace("\ufe0f", "")
    for e in (
        "👍", "👎", "❤", "🔥", "🥰", "👏", "😁", "🤔", "🤯", "😱", "🤬",
        "😢", "🎉", "🤩", "🤮", "💩", "🙏", "👌", "🕊", "🤡", "🥱", "🥴",
        "😍", "🐳", "❤\u200d🔥", "🌚", "🌭", "💯", "🤣", "⚡", "🍌",
        "🏆", "💔", "🤨", "😐", "🍓", "🍾", "💋", "🖕", "😈", "😴", "😭",
        "🤓", "👻", "👨\u200d💻", "👀", "🎃", "🙈", "😇", "😨", "🤝",
        "✍", "🤗", "🫡", "🎅", "🎄", "☃", "💅", "🤪", "🗿", "🆒", "💘",
        "🙉", "🦄", "😘", "💊", "🙊", "😎", "👾", "🤷\u200d♂", "🤷",
        "🤷\u200d♀", "😡",
    )
)  # fmt: skip
_SERVICE_KEYS = frozenset(
    {
        "new_chat_members", "left_chat_member", "new_chat_title", "new_chat_photo",
        "delete_chat_photo", "group_chat_created", "supergroup_chat_created",
        "migrate_to_chat_id", "migrate_from_chat_id", "pinned_message",
        "message_auto_delete_timer_changed",
    }
)  # fmt: skip
_ADMIN_RIGHTS = {
    "can_be_edited": False,
    "is_anonymous": False,
    "can_manage_chat": True,
    "can_delete_messages": True,
    "can_manage_video_chats": True,
    "can_restrict_members": True,
    "can_promote_members": False,
    "can_change_info": True,
    "can_invite_users": True,
    "can_post_stories": True,
    "can_edit_stories": True,
    "can_delete_stories": True,
    "can_pin_messages": True,
    "can_manage_topics": False,
}
_ACTIVE = ("creator", "administrator", "member")
_UNSET: Any = object()

_CONFLICT_OTHER_POLL = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance "
    "is running"
)
_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)


@dataclass
class _ChatState:
    chat: dict
    members: dict[int, str] = field(default_factory=dict)  # user id -> ChatMember status
    bot_status: str = "left"
    bot_was_member: bool = False
    migrated_to: int | None = None
    reactions: bool | list[str] = True
    next_message_id: int = 1
    messages: dict[int, dict] = field(default_factory=dict)
    deleted: set[int] = field(default_factory=set)

    @property
    def kind(self) -> str:
        return self.chat["type"]


@dataclass
class _Fault:
    method: str
    chat_id: Any
    error: ApiError
    times: int | None


# --------------------------------------------------------------------------------------------
# The emulator
# --------------------------------------------------------------------------------------------


class BotApiEmulator:
    """An emulated Telegram Bot API server plus the "Telegram users" that talk to the bot."""

    def __init__(
        self,
        token: str = "123:ABC",
        bot_username: str = "test_bot",
        *,
        bot_first_name: str | None = None,
        can_join_groups: bool = True,
        can_read_all_group_messages: bool = False,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        head, sep, secret = token.partition(":")
        if not (head.isdigit() and sep and secret):
            raise ValueError("token must look like '<bot id>:<secret>'")
        self.token = token
        self.bot_user: dict = {
            "id": int(head),
            "is_bot": True,
            "first_name": bot_first_name or bot_username,
            "username": bot_username,
        }
        self.can_join_groups = can_join_groups
        self.can_read_all_group_messages = can_read_all_group_messages
        self.host = host
        self.port = port

        self._lock = threading.RLock()
        self._cond = threading.Condition(self._lock)
        self.calls: list[TgObject] = []  # accepted bot calls: method, params, time, result, ...
        self.rejected: list[TgObject] = []  # bot calls answered with ok=false
        self.internal_errors: list[str] = []  # tracebacks of emulator bugs (answered with 500)

        self._users: dict[int, dict] = {}
        self._chats: dict[int, _ChatState] = {}
        self._migrated: dict[int, int] = {}
        self._started: set[int] = set()
        self._blocked: set[int] = set()
        self._user_ids = itertools.count(5_000_000_001)
        self._group_ids = itertools.count(1)
        self._updates: list[dict] = []
        self._next_update_id = 850_000_001
        self._allowed_updates: list[str] | None = None
        self._poll_generation = 0
        self._polls_waiting = 0
        self._get_updates_calls = 0
        self._webhook: dict = {}
        self._files: dict[str, dict] = {}
        self._files_by_path: dict[str, str] = {}
        self._file_counter = itertools.count(1)
        self._callbacks: dict[str, dict] = {}
        self._callback_ids = itertools.count(4_711_000_000_000_000_001, 7919)
        self._commands: dict[tuple[str, str], list[dict]] = {}
        self._bot_info: dict[str, str] = {"name": "", "description": "", "short_description": ""}
        self._faults: list[_Fault] = []

        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._stopping = False

        self._methods: dict[str, tuple[str, Callable[[dict, dict], Any]]] = {}
        for name in (
            "getMe", "getUpdates", "setWebhook", "deleteWebhook", "getWebhookInfo", "logOut",
            "close", "sendMessage", "editMessageText", "editMessageCaption",
            "editMessageReplyMarkup", "deleteMessage", "deleteMessages", "sendPhoto",
            "sendDocument", "setMessageReaction", "setMyCommands", "getMyCommands",
            "deleteMyCommands", "getChat", "getChatMember", "getChatAdministrators",
            "getChatMemberCount", "answerCallbackQuery", "sendChatAction", "getFile",
            "leaveChat", "pinChatMessage", "unpinChatMessage", "unpinAllChatMessages",
            "setMyName", "getMyName", "setMyDescription", "getMyDescription",
            "setMyShortDescription", "getMyShortDescription", "setChatMenuButton",
            "getChatMenuButton", "setMyDefaultAdministratorRights",
            "getMyDefaultAdministratorRights",
        ):  # fmt: skip
            self._methods[name.lower()] = (name, getattr(self, "_api_" + name))

    # ---------------------------------------------------------------- lifecycle

    def start(self) -> BotApiEmulator:
        """Bind ``host`` on a free port (unless ``port`` was given) and serve in a thread."""
        if self._server is not None:
            raise RuntimeError("emulator already started")
        handler = type("_BoundHandler", (_Handler,), {"emulator": self})
        server = ThreadingHTTPServer((self.host, self.port), handler)
        server.daemon_threads = True
        self._server = server
        self.port = server.server_address[1]
        self._stopping = False
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="bot-api-emulator",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; pending long polls return immediately."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> BotApiEmulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """Server root, e.g. ``http://127.0.0.1:PORT`` (the bot appends ``/bot<token>/...``)."""
        if self._server is None:
            raise RuntimeError("emulator not started")
        return f"http://{self.host}:{self.port}"

    @property
    def bot_id(self) -> int:
        return self.bot_user["id"]

    @property
    def bot_username(self) -> str:
        return self.bot_user["username"]

    # ---------------------------------------------------------------- world building

    def user(
        self,
        first_name: str = "Test",
        username: str | None = None,
        last_name: str | None = None,
        *,
        language_code: str | None = None,
        user_id: int | None = None,
    ) -> TgObject:
        """Create a Telegram user (ids are > 2**32, like many real ones)."""
        with self._lock:
            uid = user_id if user_id is not None else next(self._user_ids)
            user: dict[str, Any] = {"id": uid, "is_bot": False, "first_name": first_name}
            if last_name:
                user["last_name"] = last_name
            if username:
                user["username"] = username
            if language_code:
                user["language_code"] = language_code
            self._users[uid] = user
            return _obj(user)

    def group(
        self,
        title: str = "Test group",
        supergroup: bool = False,
        *,
        username: str | None = None,
        creator: Any = None,
        reactions: bool | Iterable[str] = True,
    ) -> TgObject:
        """Create a basic group (id ``-4xxxxxxxxx``) or a supergroup (id ``-100xxxxxxxxxx``).

        ``reactions``: False disables reactions in the chat, a list of emoji restricts them.
        """
        with self._lock:
            n = next(self._group_ids)
            if supergroup:
                chat: dict[str, Any] = {"id": -(1_001_000_000_000 + n), "title": title}
                if username:
                    chat["username"] = username
                chat["type"] = "supergroup"
            else:
                chat = {"id": -(4_000_000_000 + n), "title": title, "type": "group"}
            state = _ChatState(chat=chat)
            state.reactions = reactions if isinstance(reactions, bool) else list(reactions)
            if creator is not None:
                state.members[self._uid(creator)] = "creator"
            self._chats[chat["id"]] = state
            return _obj(chat)

    def set_reactions(self, chat: Any, reactions: bool | Iterable[str]) -> None:
        with self._lock:
            state = self._group_state(chat)
            state.reactions = reactions if isinstance(reactions, bool) else list(reactions)

    def set_privacy(self, can_read_all_group_messages: bool) -> None:
        """Toggle privacy mode (reflected in getMe; applies to all groups immediately)."""
        with self._lock:
            self.can_read_all_group_messages = can_read_all_group_messages

    def add_bot_to_group(self, group: Any, by: Any, admin: bool = False) -> None:
        """``by`` adds the bot: a ``my_chat_member`` update (left -> member/administrator)
        followed by the ``new_chat_members`` service message."""
        with self._cond:
            state = self._group_state(group)
            if not self.can_join_groups:
                raise AssertionError("the bot has can_join_groups=False")
            adder = self._user_obj(by)
            state.members.setdefault(adder["id"], "member")
            old = state.bot_status
            state.bot_status = "administrator" if admin else "member"
            state.bot_was_member = True
            self._push_my_chat_member(state, adder, old, state.bot_status)
            self._new_message(
                state,
                adder,
                {
                    "new_chat_participant": dict(self.bot_user),
                    "new_chat_member": dict(self.bot_user),
                    "new_chat_members": [dict(self.bot_user)],
                },
            )

    def set_bot_admin(self, group: Any, admin: bool = True, *, by: Any = None) -> None:
        """Promote/demote the bot (``my_chat_member`` update)."""
        with self._cond:
            state = self._group_state(group)
            if state.bot_status not in _ACTIVE:
                raise AssertionError("the bot is not in this group")
            actor = self._user_obj(by) if by is not None else self._some_member(state)
            old = state.bot_status
            state.bot_status = "administrator" if admin else "member"
            if old != state.bot_status:
                self._push_my_chat_member(state, actor, old, state.bot_status)

    def remove_bot_from_group(self, group: Any, by: Any) -> None:
        """``by`` removes the bot: ``my_chat_member`` update (-> kicked). Afterwards the bot
        gets 403 "bot was kicked from the group chat" there."""
        with self._cond:
            state = self._group_state(group)
            actor = self._user_obj(by)
            old = state.bot_status
            state.bot_status = "kicked"
            self._push_my_chat_member(state, actor, old, "kicked")

    def add_member(self, group: Any, user: Any, *, admin: bool = False, by: Any = None) -> None:
        """``user`` joins (or is added by ``by``): a ``chat_member`` update (only delivered when
        the bot is an administrator and ``chat_member`` was requested in allowed_updates) and
        the ``new_chat_members`` service message."""
        with self._cond:
            state = self._group_state(group)
            member = self._user_obj(user)
            actor = self._user_obj(by) if by is not None else member
            old = state.members.get(member["id"], "left")
            state.members[member["id"]] = "administrator" if admin else "member"
            self._push_chat_member(state, actor, member, old, state.members[member["id"]])
            self._new_message(
                state,
                actor,
                {
                    "new_chat_participant": dict(member),
                    "new_chat_member": dict(member),
                    "new_chat_members": [dict(member)],
                },
            )

    def remove_member(self, group: Any, user: Any, *, by: Any = None) -> None:
        """``user`` leaves (or is removed by ``by``): ``chat_member`` update + service message."""
        with self._cond:
            state = self._group_state(group)
            member = self._user_obj(user)
            actor = self._user_obj(by) if by is not None else member
            old = state.members.get(member["id"], "left")
            kicked = actor["id"] != member["id"] and state.kind == "supergroup"
            state.members[member["id"]] = "kicked" if kicked else "left"
            self._push_chat_member(state, actor, member, old, state.members[member["id"]])
            self._new_message(
                state,
                actor,
                {"left_chat_participant": dict(member), "left_chat_member": dict(member)},
            )

    def set_admin(self, group: Any, user: Any, admin: bool = True, *, by: Any = None) -> None:
        """Promote/demote a user (``chat_member`` update if requested)."""
        with self._cond:
            state = self._group_state(group)
            member = self._user_obj(user)
            actor = self._user_obj(by) if by is not None else self._some_member(state)
            old = state.members.get(member["id"], "left")
            if old == "creator":
                raise AssertionError("cannot change the rights of the group creator")
            new = "administrator" if admin else "member"
            state.members[member["id"]] = new
            if old != new:
                self._push_chat_member(state, actor, member, old, new)

    def migrate(self, group: Any, *, by: Any = None) -> TgObject:
        """Upgrade a basic group to a supergroup, like Telegram: a service message with
        ``migrate_to_chat_id`` in the old group, one with ``migrate_from_chat_id`` in the new
        supergroup. Bot calls to the old id then fail with 400 + ``migrate_to_chat_id``."""
        with self._cond:
            old = self._group_state(group)
            if old.kind != "group":
                raise AssertionError("only basic groups can be migrated")
            actor = self._user_obj(by) if by is not None else self._some_member(old)
            n = next(self._group_ids)
            new_chat = {"id": -(1_001_000_000_000 + n), "title": old.chat["title"]}
            new_chat["type"] = "supergroup"
            new = _ChatState(
                chat=new_chat,
                members=dict(old.members),
                bot_status=old.bot_status,
                bot_was_member=old.bot_was_member,
                reactions=old.reactions,
            )
            self._chats[new_chat["id"]] = new
            self._new_message(old, actor, {"migrate_to_chat_id": new_chat["id"]})
            old.migrated_to = new_chat["id"]
            self._migrated[old.chat["id"]] = new_chat["id"]
            self._new_message(new, actor, {"migrate_from_chat_id": old.chat["id"]})
            return _obj(new_chat)

    def block(self, user: Any) -> None:
        """The user blocks the bot (``my_chat_member`` member -> kicked in the private chat)."""
        with self._cond:
            u = self._user_obj(user)
            if u["id"] in self._blocked:
                return
            self._blocked.add(u["id"])
            if u["id"] in self._started:
                self._push_my_chat_member(self._private_state(u["id"]), u, "member", "kicked")

    def unblock(self, user: Any) -> None:
        with self._cond:
            u = self._user_obj(user)
            if u["id"] not in self._blocked:
                return
            self._blocked.discard(u["id"])
            if u["id"] in self._started:
                self._push_my_chat_member(self._private_state(u["id"]), u, "kicked", "member")

    # ---------------------------------------------------------------- user actions

    def send(
        self,
        user: Any,
        chat: Any = "private",
        text: str | None = None,
        caption: str | None = None,
        photo: bool | bytes = False,
        document: tuple[bytes, str] | None = None,
        reply_to: Any = None,
        date: Any = None,
        entities: list[dict] | None = None,
    ) -> TgObject:
        """``user`` sends a message to ``chat`` ("private" = the private chat with the bot, or
        a group). Creates a ``message`` update if the bot would receive it (privacy mode!).

        ``photo``: True (a generated PNG) or image bytes; ``document``: ``(bytes, filename)``.
        Returns the message as Telegram would deliver it.
        """
        with self._cond:
            sender = self._user_obj(user)
            state = self._state_for_user_chat(sender, chat)
            if state.kind == "private":
                if sender["id"] in self._blocked:
                    self.unblock(sender)
                self._started.add(sender["id"])
            else:
                if state.migrated_to is not None:
                    raise AssertionError(f"group {state.chat['id']} was migrated")
                if state.members.get(sender["id"]) not in _ACTIVE:
                    state.members[sender["id"]] = "member"
            content: dict[str, Any] = {}
            body_key = "text"
            if photo is not False or document is not None:
                body_key = "caption"
                if photo is not False:
                    data = make_png() if photo is True else bytes(photo)
                    content["photo"] = self._store_photo(data)
                if document is not None:
                    data, filename = document
                    content["document"] = self._store_document(bytes(data), filename, None)
                body = caption if caption is not None else text
            else:
                body = text if text is not None else caption
                if body is None:
                    raise ValueError("send() needs text, caption, photo or document")
            if reply_to is not None:
                target = self._stored_message(reply_to)
                content["reply_to_message"] = self._reply_copy(target)
            if body is not None:
                content[body_key] = body
                ents = _plain(entities) if entities is not None else _auto_entities(body)
                if ents:
                    content["entities" if body_key == "text" else "caption_entities"] = ents
            return self._new_message(state, sender, content, date=date)

    def edit(self, message: Any, new_text: str, *, date: Any = None) -> TgObject:
        """The author edits a message: an ``edited_message`` update with ``edit_date``."""
        with self._cond:
            msg = self._stored_message(message)
            key = "text" if "text" in msg else "caption"
            msg[key] = new_text
            msg.pop("entities" if key == "text" else "caption_entities", None)
            ents = _auto_entities(new_text)
            if ents:
                msg["entities" if key == "text" else "caption_entities"] = ents
            msg["edit_date"] = _as_unix(date)
            state = self._chats[msg["chat"]["id"]]
            if self._bot_receives(state, msg):
                self._push_update("edited_message", copy.deepcopy(msg))
            return _obj(msg)

    def press(self, user: Any, message: Any, data: str) -> TgObject:
        """``user`` presses the inline button with ``callback_data == data`` on ``message``
        (the bot's message: a call record, a Message dict or ``(chat_id, message_id)``)."""
        with self._cond:
            presser = self._user_obj(user)
            msg = self._stored_message(message)
            buttons = [
                b for row in (msg.get("reply_markup") or {}).get("inline_keyboard", []) for b in row
            ]
            if not any(b.get("callback_data") == data for b in buttons):
                raise AssertionError(
                    f"message {msg['message_id']} in chat {msg['chat']['id']} has no inline "
                    f"button with callback_data={data!r}; buttons: {buttons!r}"
                )
            query_id = str(next(self._callback_ids))
            query = {
                "id": query_id,
                "from": dict(presser),
                "message": copy.deepcopy(msg),
                "chat_instance": str(-(abs(msg["chat"]["id"]) * 7919 % 10**18) - 10**17),
                "data": data,
            }
            self._callbacks[query_id] = {"query": query, "answer": None}
            self._push_update("callback_query", copy.deepcopy(query))
            return _obj(query)

    def react(self, user: Any, message: Any, emoji: str | None) -> None:
        """``user`` sets (or with None removes) a reaction: a ``message_reaction`` update
        (opt-in via allowed_updates; in groups only delivered when the bot is an admin)."""
        with self._cond:
            u = self._user_obj(user)
            msg = self._stored_message(message)
            state = self._chats[msg["chat"]["id"]]
            if state.kind != "private" and state.bot_status not in ("administrator", "creator"):
                return
            new = [{"type": "emoji", "emoji": emoji}] if emoji else []
            self._push_update(
                "message_reaction",
                {
                    "chat": dict(state.chat),
                    "message_id": msg["message_id"],
                    "user": dict(u),
                    "date": _now(),
                    "old_reaction": [],
                    "new_reaction": new,
                },
            )

    # ---------------------------------------------------------------- fault injection

    def fail_next(
        self,
        method: str,
        chat_id: Any = None,
        error_code: int = 429,
        description: str = _UNSET,
        parameters: dict | None = _UNSET,
        times: int | None = 1,
    ) -> None:
        """Make the next ``times`` calls of ``method`` (optionally only for ``chat_id``) fail.

        Defaults: 429 "Too Many Requests: retry after 1" with ``{"retry_after": 1}``.
        ``times=None`` fails forever (until :meth:`clear_faults`).
        """
        if parameters is _UNSET:
            parameters = {"retry_after": 1} if error_code == 429 else None
        if description is _UNSET:
            description = {
                400: "Bad Request: something went wrong",
                401: "Unauthorized",
                403: "Forbidden: bot was blocked by the user",
                409: _CONFLICT_OTHER_POLL,
                429: f"Too Many Requests: retry after {(parameters or {}).get('retry_after', 1)}",
                500: "Internal Server Error",
                502: "Bad Gateway",
            }.get(error_code, f"Error {error_code}")
        cid = self._uid(chat_id) if isinstance(chat_id, dict) else chat_id
        with self._lock:
            self._faults.append(
                _Fault(method.lower(), cid, ApiError(error_code, description, parameters), times)
            )

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    # ---------------------------------------------------------------- inspection

    def sent(self, chat_id: Any = None, method: str | None = "sendMessage") -> list[TgObject]:
        """Accepted calls (``{method, params, files, time, result, chat_id}``), optionally
        filtered by chat (id or chat/user dict) and method (None = every method)."""
        cid = self._uid(chat_id) if isinstance(chat_id, dict) else chat_id
        with self._lock:
            return [
                c
                for c in self.calls
                if (method is None or c["method"].lower() == method.lower())
                and (cid is None or c.get("chat_id") == cid)
            ]

    def texts(self, chat_id: Any = None) -> list[str]:
        """Texts of the messages the bot sent (sendMessage) to ``chat_id``."""
        return [c["result"].get("text", "") for c in self.sent(chat_id)]

    def reactions(self, chat_id: Any) -> list[TgObject]:
        return self.sent(chat_id, method="setMessageReaction")

    def message(self, chat_id: Any, message_id: int) -> TgObject | None:
        """The current state of a message (after edits), None if unknown or deleted."""
        cid = self._uid(chat_id)
        with self._lock:
            state = self._chats.get(cid)
            if state is None or message_id in state.deleted:
                return None
            msg = state.messages.get(message_id)
            return _obj(msg) if msg is not None else None

    def is_deleted(self, chat_id: Any, message_id: int) -> bool:
        with self._lock:
            state = self._chats.get(self._uid(chat_id))
            return state is not None and message_id in state.deleted

    def callback_answer(self, query: Any) -> TgObject | None:
        """The params of answerCallbackQuery for ``query`` (dict or id), None if unanswered."""
        qid = query["id"] if isinstance(query, dict) else str(query)
        with self._lock:
            answer = self._callbacks.get(qid, {}).get("answer")
            return _obj(answer) if answer is not None else None

    def commands(self, scope: dict | None = None, language_code: str = "") -> list[TgObject]:
        with self._lock:
            key = (self._scope_key(scope or {"type": "default"}), language_code or "")
            return _obj(self._commands.get(key, []))

    def pending_updates(self) -> int:
        """Number of updates not yet confirmed by the bot."""
        with self._lock:
            return len(self._updates)

    def is_polling(self) -> bool:
        """True while a getUpdates long poll is waiting."""
        with self._lock:
            return self._polls_waiting > 0

    def wait_polling(self, timeout: float = 10.0) -> None:
        """Wait until the bot is long-polling (so allowed_updates etc. are in effect)."""
        self.wait_for(lambda e: e.is_polling(), timeout=timeout, message="bot never polled")

    def wait_for(
        self,
        predicate: Callable[[BotApiEmulator], Any],
        timeout: float = 10.0,
        *,
        message: str = "condition not met",
        interval: float = 0.02,
    ) -> Any:
        """Poll ``predicate(emu)`` until truthy and return its value; LookupErrors count as
        "not yet". On timeout raise AssertionError with a dump of the traffic."""
        deadline = time.monotonic() + timeout
        last_exc: Exception | None = None
        while True:
            try:
                value = predicate(self)
            except LookupError as exc:
                value, last_exc = None, exc
            if value:
                return value
            if time.monotonic() >= deadline:
                extra = f" (last error: {last_exc!r})" if last_exc else ""
                raise AssertionError(f"{message} within {timeout:.1f}s{extra}\n{self.dump()}")
            time.sleep(interval)

    def wait_sent(
        self,
        chat_id: Any,
        count: int = 1,
        method: str = "sendMessage",
        timeout: float = 10.0,
    ) -> list[TgObject]:
        """Wait until at least ``count`` accepted ``method`` calls for ``chat_id`` exist."""
        return self.wait_for(
            lambda e: (calls := e.sent(chat_id, method)) and len(calls) >= count and calls,
            timeout=timeout,
            message=f"expected {count} x {method} to chat {chat_id}",
        )

    def dump(self, last: int = 30) -> str:
        """Human-readable summary of the recent traffic (for assertion messages)."""
        with self._lock:
            lines = [
                f"pending updates: {len(self._updates)}, getUpdates calls: "
                f"{self._get_updates_calls}, polling now: {self._polls_waiting > 0}",
                f"last {last} accepted calls (getUpdates omitted):",
            ]
            calls = [c for c in self.calls if c["method"] != "getUpdates"][-last:]
            lines += [f"  {self._describe(c)}" for c in calls] or ["  (none)"]
            if self.internal_errors:
                lines.append("EMULATOR INTERNAL ERRORS:")
                lines += self.internal_errors[-3:]
            if self.rejected:
                lines.append("rejected calls:")
                lines += [
                    f"  {self._describe(c)} -> {c['error']['description']}"
                    for c in self.rejected[-last:]
                ]
            return "\n".join(lines)

    @staticmethod
    def _describe(call: dict) -> str:
        params = {k: v for k, v in call["params"].items() if k != "chat_id"}
        text = json.dumps(params, ensure_ascii=False)
        if len(text) > 200:
            text = text[:197] + "..."
        return f"{call['method']} chat={call.get('chat_id')} {text}"

    # ---------------------------------------------------------------- internals: world

    def _uid(self, obj: Any) -> int:
        if isinstance(obj, dict):
            return int(obj["id"])
        return int(obj)

    def _user_obj(self, user: Any) -> dict:
        uid = self._uid(user)
        if uid not in self._users:
            raise KeyError(f"unknown user {uid}; create it with emu.user()")
        return self._users[uid]

    def _group_state(self, group: Any) -> _ChatState:
        cid = self._uid(group)
        state = self._chats.get(cid)
        if state is None or state.kind == "private":
            raise KeyError(f"unknown group {cid}; create it with emu.group()")
        return state

    def _private_state(self, uid: int) -> _ChatState:
        state = self._chats.get(uid)
        if state is None:
            user = self._users[uid]
            chat = {"id": uid, "first_name": user["first_name"]}
            for key in ("last_name", "username"):
                if key in user:
                    chat[key] = user[key]
            chat["type"] = "private"
            state = self._chats[uid] = _ChatState(chat=chat)
        return state

    def _state_for_user_chat(self, user: dict, chat: Any) -> _ChatState:
        if chat == "private" or (isinstance(chat, dict) and "type" not in chat):
            if isinstance(chat, dict) and chat["id"] != user["id"]:
                raise ValueError("a private chat with the bot must be the sender's own")
            return self._private_state(user["id"])
        if isinstance(chat, dict) and chat.get("type") == "private":
            return self._private_state(user["id"])
        return self._group_state(chat)

    def _some_member(self, state: _ChatState) -> dict:
        for status in ("creator", "administrator", "member"):
            for uid, st in state.members.items():
                if st == status and uid in self._users:
                    return self._users[uid]
        if self._users:  # nobody joined explicitly: any known user acts as the owner
            return next(iter(self._users.values()))
        raise AssertionError("the group has no members; pass by=")

    def _stored_message(self, ref: Any) -> dict:
        if isinstance(ref, tuple):
            cid, mid = self._uid(ref[0]), int(ref[1])
        else:
            if "result" in ref and "method" in ref:  # a call record
                ref = ref["result"]
            cid, mid = ref["chat"]["id"], ref["message_id"]
        state = self._chats.get(cid)
        if state is None or mid not in state.messages:
            raise KeyError(f"unknown message {mid} in chat {cid}")
        if mid in state.deleted:
            raise AssertionError(f"message {mid} in chat {cid} was deleted")
        return state.messages[mid]

    @staticmethod
    def _reply_copy(msg: dict) -> dict:
        reply = copy.deepcopy(msg)
        reply.pop("reply_to_message", None)
        return reply

    def _new_message(
        self, state: _ChatState, sender: dict, content: dict, *, date: Any = None
    ) -> TgObject:
        msg: dict[str, Any] = {
            "message_id": state.next_message_id,
            "from": dict(sender),
            "chat": dict(state.chat),
            "date": _as_unix(date),
        }
        msg.update(copy.deepcopy(content))
        state.next_message_id += 1
        state.messages[msg["message_id"]] = msg
        if self._bot_receives(state, msg):
            self._push_update("message", copy.deepcopy(msg))
        return _obj(msg)

    def _bot_receives(self, state: _ChatState, msg: dict) -> bool:
        if state.kind == "private":
            return True
        if state.bot_status not in _ACTIVE or state.migrated_to is not None:
            return False
        if self.can_read_all_group_messages or state.bot_status in ("administrator", "creator"):
            return True
        if any(key in msg for key in _SERVICE_KEYS):
            return True
        reply = msg.get("reply_to_message")
        if reply and reply.get("from", {}).get("id") == self.bot_id:
            return True
        text = msg.get("text", msg.get("caption", ""))
        me = self.bot_username.lower()
        for entity in msg.get("entities", msg.get("caption_entities", [])):
            value = _u16_slice(text, entity["offset"], entity["length"])
            if entity["type"] == "bot_command" and entity["offset"] == 0:
                _, at, target = value.partition("@")
                return not at or target.lower() == me
            if entity["type"] == "mention" and value[1:].lower() == me:
                return True
            if entity["type"] == "text_mention" and entity["user"]["id"] == self.bot_id:
                return True
        return False

    def _update_allowed(self, kind: str) -> bool:
        if self._allowed_updates is None:
            return kind not in _DEFAULT_EXCLUDED_UPDATES
        return kind in self._allowed_updates

    def _push_update(self, kind: str, payload: dict) -> None:
        # Like Telegram, allowed_updates filters updates when they are created.
        if not self._update_allowed(kind):
            return
        self._updates.append({"update_id": self._next_update_id, kind: payload})
        self._next_update_id += 1
        self._cond.notify_all()

    def _member_obj(self, user: dict, status: str, *, is_bot_self: bool = False) -> dict:
        member: dict[str, Any] = {"user": dict(user), "status": status}
        if status == "administrator":
            member.update(_ADMIN_RIGHTS)
            if not is_bot_self:
                member["can_be_edited"] = False
        elif status == "creator":
            member["is_anonymous"] = False
        elif status == "kicked":
            member["until_date"] = 0
        return member

    def _push_my_chat_member(self, state: _ChatState, actor: dict, old: str, new: str) -> None:
        self._push_update(
            "my_chat_member",
            {
                "chat": dict(state.chat),
                "from": dict(actor),
                "date": _now(),
                "old_chat_member": self._member_obj(self.bot_user, old, is_bot_self=True),
                "new_chat_member": self._member_obj(self.bot_user, new, is_bot_self=True),
            },
        )

    def _push_chat_member(
        self, state: _ChatState, actor: dict, member: dict, old: str, new: str
    ) -> None:
        if state.bot_status not in ("administrator", "creator"):
            return  # Telegram only sends chat_member updates to administrator bots
        self._push_update(
            "chat_member",
            {
                "chat": dict(state.chat),
                "from": dict(actor),
                "date": _now(),
                "old_chat_member": self._member_obj(member, old),
                "new_chat_member": self._member_obj(member, new),
            },
        )

    def _new_file(self, data: bytes, kind: str, extension: str) -> dict:
        n = next(self._file_counter)
        prefix = {"photo": b"AgAC", "document": b"BQAC"}.get(kind, b"CAAC")
        raw = prefix + struct.pack(">QQ", n, (n * 0x9E3779B97F4A7C15) & (2**64 - 1))
        file_id = base64.urlsafe_b64encode(raw).decode().rstrip("=")
        unique = "AQAD" + base64.urlsafe_b64encode(struct.pack(">Q", n)).decode().rstrip("=")
        path = f"{kind}s/file_{n}{extension}"
        record = {
            "file_id": file_id,
            "file_unique_id": unique,
            "file_size": len(data),
            "file_path": path,
            "data": data,
        }
        self._files[file_id] = record
        self._files_by_path[path] = file_id
        return record

    def _store_photo(self, data: bytes) -> list[dict]:
        size = _image_size(data)
        if size is None or size[0] <= 0 or size[1] <= 0:
            raise _bad("IMAGE_PROCESS_FAILED")
        width, height = size
        sizes = []
        for limit in (90, 320, 800, 1280, 2560):
            scale = min(1.0, limit / max(width, height))
            record = self._new_file(data, "photo", ".jpg")
            sizes.append(
                {
                    "file_id": record["file_id"],
                    "file_unique_id": record["file_unique_id"],
                    "file_size": len(data),
                    "width": max(1, round(width * scale)),
                    "height": max(1, round(height * scale)),
                }
            )
            if max(width, height) <= limit:
                break
        return sizes

    def _store_document(self, data: bytes, filename: str, content_type: str | None) -> dict:
        ext = ""
        if "." in filename:
            ext = "." + filename.rsplit(".", 1)[1][:10]
        record = self._new_file(data, "document", ext)
        mime = mimetypes.guess_type(filename, strict=False)[0] or content_type
        document = {"file_name": filename}
        if mime:
            document["mime_type"] = mime
        document.update(
            file_id=record["file_id"],
            file_unique_id=record["file_unique_id"],
            file_size=len(data),
        )
        return document

    def _scope_key(self, scope: dict) -> str:
        scope = dict(scope)
        if "chat_id" in scope:
            scope["chat_id"] = self._chat_id_value(scope["chat_id"])
        return json.dumps(scope, sort_keys=True)

    # ---------------------------------------------------------------- internals: HTTP

    def _handle_http(self, verb: str, raw_path: str, headers: Any, body: bytes):
        parts = urlsplit(raw_path)
        path = unquote(parts.path)
        m = re.fullmatch(r"/file/bot([^/]+)/(.+)", path)
        if m:
            token, file_path = m.groups()
            with self._lock:
                file_id = self._files_by_path.get(file_path)
                record = self._files.get(file_id) if file_id else None
            if token != self.token or record is None or verb not in ("GET", "HEAD"):
                return 404, "text/plain", b"Not Found"
            return 200, "application/octet-stream", record["data"]
        m = re.fullmatch(r"/bot([^/]*)/([^/]*)", path)
        if not m:
            return self._json(404, {"ok": False, "error_code": 404, "description": "Not Found"})
        token, method = m.groups()
        if token != self.token:
            head, sep, secret = token.partition(":")
            if head.isdigit() and sep and secret:
                return self._json(
                    401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
                )
            return self._json(404, {"ok": False, "error_code": 404, "description": "Not Found"})
        try:
            params, files = self._parse_request(parts.query, headers, body)
        except ApiError as err:
            return self._json(err.code, err.payload())
        status, payload = self._call(method, params, files)
        return self._json(status, payload)

    @staticmethod
    def _json(status: int, payload: dict):
        return status, "application/json", json.dumps(payload, ensure_ascii=False).encode()

    @staticmethod
    def _parse_request(query: str, headers: Any, body: bytes):
        params: dict[str, Any] = {}
        files: dict[str, UploadedFile] = {}
        for key, value in parse_qsl(query, keep_blank_values=True):
            params[key] = _decode_value(key, value)
        ctype = headers.get("Content-Type", "") or ""
        mime = ctype.split(";", 1)[0].strip().lower()
        if mime == "multipart/form-data":
            boundary = _header_params(ctype).get("boundary")
            if not boundary:
                raise _bad("invalid multipart/form-data: no boundary")
            fields, files = _parse_multipart(body, boundary)
            for key, value in fields.items():
                params[key] = _decode_value(key, value)
        elif mime == "application/json":
            if body.strip():
                try:
                    decoded = json.loads(body)
                except ValueError:
                    raise _bad("can't parse JSON object") from None
                if not isinstance(decoded, dict):
                    raise _bad("can't parse JSON object")
                params.update(decoded)
        elif body:
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                raise _bad("invalid request encoding") from None
            for key, value in parse_qsl(text, keep_blank_values=True):
                params[key] = _decode_value(key, value)
        return params, files

    def _call(self, method: str, params: dict, files: dict) -> tuple[int, dict]:
        received = time.monotonic()
        entry = self._methods.get(method.lower())
        record: dict[str, Any] = {
            "method": entry[0] if entry else method,
            "params": _plain(params),
            "files": {
                name: {"filename": f.filename, "size": len(f.data), "content_type": f.content_type}
                for name, f in files.items()
            },
            "time": received,
            "chat_id": None,
        }
        try:
            with self._lock:
                record["chat_id"] = self._chat_id_value(params.get("chat_id"))
        except ApiError:
            pass
        try:
            if entry is None:
                raise ApiError(404, "Not Found: method not found")
            name, handler = entry
            with self._lock:
                for fault in self._faults:
                    if fault.method == name.lower() and (
                        fault.chat_id is None or fault.chat_id == record["chat_id"]
                    ):
                        if fault.times is not None:
                            fault.times -= 1
                            if fault.times <= 0:
                                self._faults.remove(fault)
                        raise ApiError(
                            fault.error.code, fault.error.description, fault.error.parameters
                        )
            if name == "getUpdates":
                result = handler(params, files)
            else:
                with self._lock:
                    result = handler(params, files)
        except ApiError as err:
            record["error"] = err.payload()
            with self._lock:
                self.rejected.append(_obj(record))
            return err.code, err.payload()
        except Exception as exc:  # an emulator bug or a parameter shape we do not handle
            err = ApiError(500, f"Internal Server Error: emulator failed: {exc!r}")
            record["error"] = err.payload()
            record["traceback"] = traceback.format_exc()
            with self._lock:
                self.rejected.append(_obj(record))
                self.internal_errors.append(record["traceback"])
            return err.code, err.payload()
        if isinstance(result, dict) and isinstance(result.get("chat"), dict):
            record["chat_id"] = result["chat"]["id"]
        elif name == "answerCallbackQuery":
            with self._lock:
                query = self._callbacks.get(str(params.get("callback_query_id")), {})
                record["chat_id"] = (
                    query.get("query", {}).get("message", {}).get("chat", {}).get("id")
                )
        record["result"] = _plain(result)
        with self._cond:
            self.calls.append(_obj(record))
            self._cond.notify_all()
        return 200, {"ok": True, "result": result}

    # ---------------------------------------------------------------- internals: validation

    def _chat_id_value(self, raw: Any) -> int | None:
        if raw is None or raw == "":
            return None
        if isinstance(raw, bool):
            raise _bad("chat not found")
        if isinstance(raw, int):
            return raw
        if isinstance(raw, float) and raw.is_integer():
            return int(raw)
        if isinstance(raw, str):
            raw = raw.strip()
            if re.fullmatch(r"-?\d+", raw):
                return int(raw)
            if raw.startswith("@"):
                for cid, state in self._chats.items():
                    if state.chat.get("username", "").lower() == raw[1:].lower():
                        return cid
        raise _bad("chat not found")

    def _target(self, params: dict, purpose: str = "send") -> _ChatState:
        """Resolve ``chat_id`` for a bot call. purpose: send | edit | read."""
        cid = self._chat_id_value(params.get("chat_id"))
        if cid is None:
            raise _bad("chat_id is empty")
        if cid in self._migrated:
            raise _bad(
                "group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": self._migrated[cid]},
            )
        if cid > 0:
            if cid == self.bot_id or cid not in self._users:
                if purpose == "send" and cid == self.bot_id:
                    raise _forbidden("bot can't send messages to bots")
                raise _bad("chat not found")
            if purpose in ("send", "edit") and cid not in self._started:
                raise _forbidden("bot can't initiate conversation with a user")
            if purpose in ("send", "edit") and cid in self._blocked:
                raise _forbidden("bot was blocked by the user")
            return self._private_state(cid)
        state = self._chats.get(cid)
        if state is None:
            raise _bad("chat not found")
        where = "supergroup chat" if state.kind == "supergroup" else "group chat"
        if state.bot_status == "kicked":
            raise _forbidden(f"bot was kicked from the {where}")
        if state.bot_status not in _ACTIVE:
            if not state.bot_was_member:
                raise _bad("chat not found")
            raise _forbidden(f"bot is not a member of the {where}")
        return state

    def _format(
        self, text: Any, parse_mode: Any, entities: Any, *, what: str = "text"
    ) -> tuple[str, list[dict]]:
        text = "" if text is None else str(text)
        if entities not in (None, "", []):
            if not isinstance(entities, list):
                raise _bad(f"can't parse {what} entities JSON object")
            parsed_text, parsed = text, _plain(entities)
        elif parse_mode in (None, ""):
            parsed_text, parsed = text, []
        else:
            mode = str(parse_mode).lower()
            parser = {
                "html": _parse_html,
                "markdownv2": _parse_markdown_v2,
                "markdown": _parse_markdown,
            }.get(mode)
            if parser is None:
                raise _bad(f"unsupported parse_mode {parse_mode}")
            try:
                parsed_text, parsed = parser(text)
            except _ParseError as exc:
                raise _bad(f"can't parse entities: {exc}") from None
        return _trim(parsed_text, _merge_entities(parsed_text, parsed))

    def _inline_markup(self, markup: Any) -> dict | None:
        if markup in (None, ""):
            return None
        if not isinstance(markup, dict):
            raise _bad("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" not in markup:
            return None  # reply keyboards are not part of the returned Message
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise _bad("can't parse inline keyboard button: InlineKeyboardButton must be an Object")
        actions = (
            "url", "callback_data", "web_app", "login_url", "switch_inline_query",
            "switch_inline_query_current_chat", "switch_inline_query_chosen_chat",
            "copy_text", "callback_game", "pay",
        )  # fmt: skip
        for row in rows:
            for button in row:
                if not isinstance(button, dict) or not button.get("text"):
                    raise _bad("can't parse inline keyboard button: Text must be non-empty")
                if not any(key in button for key in actions):
                    raise _bad(
                        "can't parse inline keyboard button: Text buttons are unallowed in the "
                        "inline keyboard"
                    )
                data = button.get("callback_data")
                if data is not None and not 1 <= len(str(data).encode("utf-8")) <= 64:
                    raise _bad("BUTTON_DATA_INVALID")
        return _plain(markup)

    def _apply_reply(self, state: _ChatState, params: dict, msg: dict) -> None:
        reply = params.get("reply_parameters")
        if reply in (None, "") and params.get("reply_to_message_id") not in (None, ""):
            reply = {
                "message_id": params["reply_to_message_id"],
                "allow_sending_without_reply": params.get("allow_sending_without_reply", False),
            }
        if reply in (None, ""):
            return
        if not isinstance(reply, dict) or "message_id" not in reply:
            raise _bad("can't parse reply parameters JSON object")
        target_state = state
        if reply.get("chat_id") not in (None, ""):
            target_state = self._target({"chat_id": reply["chat_id"]}, purpose="read")
        try:
            mid = int(reply["message_id"])
        except (TypeError, ValueError):
            raise _bad("message to be replied not found") from None
        target = target_state.messages.get(mid)
        if target is None or mid in target_state.deleted:
            if reply.get("allow_sending_without_reply"):
                return
            raise _bad("message to be replied not found")
        msg["reply_to_message"] = self._reply_copy(target)
        if reply.get("quote"):
            msg["quote"] = {"text": reply["quote"], "position": reply.get("quote_position", 0)}

    def _bot_message(self, state: _ChatState, content: dict, params: dict) -> dict:
        msg: dict[str, Any] = {
            "message_id": state.next_message_id,
            "from": dict(self.bot_user),
            "chat": dict(state.chat),
            "date": _now(),
        }
        self._apply_reply(state, params, msg)
        msg.update(content)
        markup = self._inline_markup(params.get("reply_markup"))
        if markup is not None:
            msg["reply_markup"] = markup
        state.next_message_id += 1
        state.messages[msg["message_id"]] = msg
        return copy.deepcopy(msg)

    def _target_message(self, state: _ChatState, params: dict, missing: str) -> dict:
        if params.get("inline_message_id") not in (None, ""):
            raise _bad("MESSAGE_ID_INVALID")
        raw = params.get("message_id")
        if raw in (None, ""):
            raise _bad("message identifier is not specified")
        try:
            mid = int(raw)
        except (TypeError, ValueError):
            raise _bad("MESSAGE_ID_INVALID") from None
        msg = state.messages.get(mid)
        if msg is None or mid in state.deleted:
            raise _bad(missing)
        return msg

    def _input_file(self, params: dict, files: dict, name: str) -> tuple[bytes, str, str | None]:
        """Returns (data, filename, content_type) for a file parameter."""
        value = params.get(name)
        upload = files.get(name)
        if isinstance(value, str) and value.startswith("attach://"):
            upload = files.get(value[len("attach://") :])
            value = None
        if upload is not None:
            return upload.data, upload.filename, upload.content_type
        if value in (None, ""):
            raise _bad(f"there is no {name} in the request")
        if not isinstance(value, str):
            raise _bad(f"wrong type of the {name} parameter")
        if value.startswith(("http://", "https://")):
            # We cannot fetch URLs offline; pretend the download worked.
            name_part = value.rstrip("/").rsplit("/", 1)[-1] or "file"
            data = make_png(64, 64) if name == "photo" else b"downloaded from " + value.encode()
            return data, name_part, None
        record = self._files.get(value)
        if record is None:
            raise _bad("wrong file identifier/HTTP URL specified")
        return record["data"], record["file_path"].rsplit("/", 1)[-1], None

    # ---------------------------------------------------------------- Bot API methods

    def _api_getMe(self, params: dict, files: dict) -> dict:
        return {
            **self.bot_user,
            "can_join_groups": self.can_join_groups,
            "can_read_all_group_messages": self.can_read_all_group_messages,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _api_getUpdates(self, params: dict, files: dict) -> list[dict]:
        def as_int(name: str, default: int) -> int:
            value = params.get(name)
            if value in (None, ""):
                return default
            try:
                return int(value)
            except (TypeError, ValueError):
                raise _bad(f"wrong parameter {name} in request") from None

        offset = as_int("offset", 0)
        limit = as_int("limit", 100)
        limit = 100 if limit < 1 or limit > 100 else limit
        try:
            timeout = max(0.0, float(params.get("timeout") or 0))
        except (TypeError, ValueError):
            raise _bad("wrong parameter timeout in request") from None
        allowed = params.get("allowed_updates")
        with self._cond:
            self._get_updates_calls += 1
            if self._webhook.get("url"):
                raise ApiError(
                    409,
                    "Conflict: can't use getUpdates method while webhook is active; use "
                    "deleteWebhook to delete the webhook first",
                )
            if isinstance(allowed, list):
                self._allowed_updates = [str(a) for a in allowed] or None
            if offset > 0:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
            elif offset < 0:
                self._updates = self._updates[offset:]
            self._poll_generation += 1
            generation = self._poll_generation
            self._cond.notify_all()  # terminate a concurrent long poll
            deadline = time.monotonic() + timeout
            self._polls_waiting += 1
            try:
                while True:
                    if self._poll_generation != generation:
                        raise ApiError(409, _CONFLICT_OTHER_POLL)
                    if self._updates or self._stopping:
                        break
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        break
                    self._cond.wait(remaining)
            finally:
                self._polls_waiting -= 1
            return copy.deepcopy(self._updates[:limit])

    def _api_setWebhook(self, params: dict, files: dict) -> bool:
        url = params.get("url") or ""
        if url and not str(url).startswith("https://"):
            raise _bad("bad webhook: An HTTPS URL must be provided for webhook")
        if params.get("drop_pending_updates"):
            self._updates.clear()
        self._webhook = _plain(params) if url else {}
        return True

    def _api_deleteWebhook(self, params: dict, files: dict) -> bool:
        if params.get("drop_pending_updates"):
            self._updates.clear()
        self._webhook = {}
        return True

    def _api_getWebhookInfo(self, params: dict, files: dict) -> dict:
        info: dict[str, Any] = {
            "url": self._webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if self._webhook.get("url"):
            info["max_connections"] = int(self._webhook.get("max_connections") or 40)
            info["ip_address"] = "127.0.0.1"
            if self._webhook.get("allowed_updates"):
                info["allowed_updates"] = self._webhook["allowed_updates"]
        return info

    def _api_logOut(self, params: dict, files: dict) -> bool:
        return True

    def _api_close(self, params: dict, files: dict) -> bool:
        return True

    def _api_sendMessage(self, params: dict, files: dict) -> dict:
        state = self._target(params)
        text, entities = self._format(
            params.get("text"), params.get("parse_mode"), params.get("entities")
        )
        if not text:
            raise _bad("message text is empty")
        if len(text) > 4096:
            raise _bad("message is too long")
        content: dict[str, Any] = {"text": text}
        if entities:
            content["entities"] = entities
        if isinstance(params.get("link_preview_options"), dict):
            content["link_preview_options"] = params["link_preview_options"]
        return self._bot_message(state, content, params)

    def _media_caption(self, params: dict) -> dict:
        caption, entities = self._format(
            params.get("caption"),
            params.get("parse_mode"),
            params.get("caption_entities"),
            what="caption",
        )
        if len(caption) > 1024:
            raise _bad("message caption is too long")
        content: dict[str, Any] = {}
        if caption:
            content["caption"] = caption
            if entities:
                content["caption_entities"] = entities
        return content

    def _api_sendPhoto(self, params: dict, files: dict) -> dict:
        state = self._target(params)
        data, _, _ = self._input_file(params, files, "photo")
        if not data:
            raise _bad("file must be non-empty")
        if len(data) > 10 * 1024 * 1024:
            raise ApiError(413, "Request Entity Too Large")
        content = self._media_caption(params)
        return self._bot_message(state, {"photo": self._store_photo(data), **content}, params)

    def _api_sendDocument(self, params: dict, files: dict) -> dict:
        state = self._target(params)
        data, filename, content_type = self._input_file(params, files, "document")
        if not data:
            raise _bad("file must be non-empty")
        if len(data) > 50 * 1024 * 1024:
            raise ApiError(413, "Request Entity Too Large")
        content = self._media_caption(params)
        document = self._store_document(data, filename, content_type)
        return self._bot_message(state, {"document": document, **content}, params)

    def _check_editable(self, msg: dict) -> None:
        if msg.get("from", {}).get("id") != self.bot_id:
            raise _bad("message can't be edited")

    def _api_editMessageText(self, params: dict, files: dict) -> dict:
        state = self._target(params, purpose="edit")
        msg = self._target_message(state, params, "message to edit not found")
        self._check_editable(msg)
        if "text" not in msg:
            raise _bad("there is no text in the message to edit")
        text, entities = self._format(
            params.get("text"), params.get("parse_mode"), params.get("entities")
        )
        if not text:
            raise _bad("message text is empty")
        if len(text) > 4096:
            raise _bad("MESSAGE_TOO_LONG")
        markup = self._inline_markup(params.get("reply_markup"))
        if (
            text == msg["text"]
            and entities == msg.get("entities", [])
            and markup == msg.get("reply_markup")
        ):
            raise _bad(_NOT_MODIFIED)
        msg["text"] = text
        msg.pop("entities", None)
        if entities:
            msg["entities"] = entities
        # Like Telegram: an edit without reply_markup removes the inline keyboard.
        msg.pop("reply_markup", None)
        if markup is not None:
            msg["reply_markup"] = markup
        msg["edit_date"] = _now()
        return copy.deepcopy(msg)

    def _api_editMessageCaption(self, params: dict, files: dict) -> dict:
        state = self._target(params, purpose="edit")
        msg = self._target_message(state, params, "message to edit not found")
        self._check_editable(msg)
        if "text" in msg:
            raise _bad("there is no caption in the message to edit")
        content = self._media_caption(params)
        markup = self._inline_markup(params.get("reply_markup"))
        if (
            content.get("caption") == msg.get("caption")
            and content.get("caption_entities") == msg.get("caption_entities")
            and markup == msg.get("reply_markup")
        ):
            raise _bad(_NOT_MODIFIED)
        for key in ("caption", "caption_entities", "reply_markup"):
            msg.pop(key, None)
        msg.update(content)
        if markup is not None:
            msg["reply_markup"] = markup
        msg["edit_date"] = _now()
        return copy.deepcopy(msg)

    def _api_editMessageReplyMarkup(self, params: dict, files: dict) -> dict:
        state = self._target(params, purpose="edit")
        msg = self._target_message(state, params, "message to edit not found")
        self._check_editable(msg)
        markup = self._inline_markup(params.get("reply_markup"))
        if markup == msg.get("reply_markup"):
            raise _bad(_NOT_MODIFIED)
        msg.pop("reply_markup", None)
        if markup is not None:
            msg["reply_markup"] = markup
        msg["edit_date"] = _now()
        return copy.deepcopy(msg)

    def _delete_one(self, state: _ChatState, mid: int) -> None:
        msg = state.messages.get(mid)
        if msg is None or mid in state.deleted:
            raise _bad("message to delete not found")
        own = msg.get("from", {}).get("id") == self.bot_id
        if (
            not own
            and state.kind != "private"
            and state.bot_status
            not in (
                "administrator",
                "creator",
            )
        ):
            raise _bad("message can't be deleted")
        state.deleted.add(mid)

    def _api_deleteMessage(self, params: dict, files: dict) -> bool:
        state = self._target(params, purpose="edit")
        try:
            mid = int(params.get("message_id"))
        except (TypeError, ValueError):
            raise _bad("message identifier is not specified") from None
        self._delete_one(state, mid)
        return True

    def _api_deleteMessages(self, params: dict, files: dict) -> bool:
        state = self._target(params, purpose="edit")
        ids = params.get("message_ids")
        if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
            raise _bad("message identifiers are not specified")
        for mid in ids:
            if int(mid) in state.messages and int(mid) not in state.deleted:
                self._delete_one(state, int(mid))
        return True

    def _api_setMessageReaction(self, params: dict, files: dict) -> bool:
        state = self._target(params, purpose="edit")
        self._target_message(state, params, "MESSAGE_ID_INVALID")
        reaction = params.get("reaction") or []
        if not isinstance(reaction, list):
            raise _bad("can't parse reaction types JSON object")
        if reaction and state.reactions is False:
            raise _bad("REACTION_INVALID")
        if len(reaction) > 1:
            raise _bad("REACTIONS_TOO_MANY")
        for item in reaction:
            if not isinstance(item, dict) or item.get("type") != "emoji":
                raise _bad("REACTION_INVALID")
            emoji = str(item.get("emoji", "")).replace("\ufe0f", "")
            if emoji not in _REACTION_EMOJI:
                raise _bad("REACTION_INVALID")
            if isinstance(state.reactions, list) and emoji not in {
                e.replace("\ufe0f", "") for e in state.reactions
            }:
                raise _bad("REACTION_INVALID")
        return True

    def _api_setMyCommands(self, params: dict, files: dict) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise _bad("can't parse commands JSON object")
        if len(commands) > 100:
            raise _bad("too many commands specified")
        clean = []
        for item in commands:
            if not isinstance(item, dict):
                raise _bad("can't parse BotCommand JSON object")
            command = str(item.get("command", ""))
            description = str(item.get("description", ""))
            if not re.fullmatch(r"[a-z0-9_]{1,32}", command):
                raise _bad("BOT_COMMAND_INVALID")
            if not 1 <= len(description.strip()) <= 256:
                raise _bad(
                    "command description is empty"
                    if not description.strip()
                    else "BOT_COMMAND_DESCRIPTION_INVALID"
                )
            clean.append({"command": command, "description": description})
        key = self._commands_key(params)
        if clean:
            self._commands[key] = clean
        else:
            self._commands.pop(key, None)
        return True

    def _commands_key(self, params: dict) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        if not isinstance(scope, dict):
            raise _bad("can't parse BotCommandScope JSON object")
        valid = {
            "default", "all_private_chats", "all_group_chats", "all_chat_administrators",
            "chat", "chat_administrators", "chat_member",
        }  # fmt: skip
        if scope.get("type") not in valid:
            raise _bad("unsupported bot command scope type")
        if scope["type"].startswith("chat"):
            self._target({"chat_id": scope.get("chat_id")}, purpose="read")
        language = params.get("language_code") or ""
        if language and not re.fullmatch(r"[a-z]{2}", str(language)):
            raise _bad("invalid language code specified")
        return self._scope_key(scope), str(language)

    def _api_getMyCommands(self, params: dict, files: dict) -> list[dict]:
        return copy.deepcopy(self._commands.get(self._commands_key(params), []))

    def _api_deleteMyCommands(self, params: dict, files: dict) -> bool:
        self._commands.pop(self._commands_key(params), None)
        return True

    def _api_getChat(self, params: dict, files: dict) -> dict:
        state = self._target(params, purpose="read")
        info = dict(state.chat)
        info.update(
            accent_color_id=0,
            max_reaction_count=11,
            accepted_gift_types={
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        )
        if isinstance(state.reactions, list):
            info["available_reactions"] = [{"type": "emoji", "emoji": e} for e in state.reactions]
        elif state.reactions is False:
            info["available_reactions"] = []
        if state.kind != "private":
            info["permissions"] = {
                "can_send_messages": True,
                "can_send_audios": True,
                "can_send_documents": True,
                "can_send_photos": True,
                "can_send_videos": True,
                "can_send_video_notes": True,
                "can_send_voice_notes": True,
                "can_send_polls": True,
                "can_send_other_messages": True,
                "can_add_web_page_previews": True,
                "can_change_info": True,
                "can_invite_users": True,
                "can_pin_messages": True,
                "can_manage_topics": True,
            }
        return info

    def _api_getChatMember(self, params: dict, files: dict) -> dict:
        state = self._target(params, purpose="read")
        try:
            uid = int(params.get("user_id"))
        except (TypeError, ValueError):
            raise _bad("user not found") from None
        if uid == self.bot_id:
            status = "member" if state.kind == "private" else state.bot_status
            return self._member_obj(self.bot_user, status, is_bot_self=True)
        user = self._users.get(uid)
        if user is None:
            raise _bad("user not found")
        if state.kind == "private":
            if uid != state.chat["id"]:
                raise _bad("user not found")
            return self._member_obj(user, "member")
        return self._member_obj(user, state.members.get(uid, "left"))

    def _api_getChatAdministrators(self, params: dict, files: dict) -> list[dict]:
        state = self._target(params, purpose="read")
        if state.kind == "private":
            raise _bad("there are no administrators in the private chat")
        admins = [
            self._member_obj(self._users[uid], status)
            for uid, status in state.members.items()
            if status in ("creator", "administrator") and uid in self._users
        ]
        if state.bot_status == "administrator":
            admins.append(self._member_obj(self.bot_user, "administrator", is_bot_self=True))
        return admins

    def _api_getChatMemberCount(self, params: dict, files: dict) -> int:
        state = self._target(params, purpose="read")
        if state.kind == "private":
            return 2
        users = sum(1 for status in state.members.values() if status in _ACTIVE)
        return users + (1 if state.bot_status in _ACTIVE else 0)

    def _api_answerCallbackQuery(self, params: dict, files: dict) -> bool:
        entry = self._callbacks.get(str(params.get("callback_query_id") or ""))
        if entry is None or entry["answer"] is not None:
            raise _bad("query is too old and response timeout expired or query ID is invalid")
        text = params.get("text")
        if text is not None and len(str(text)) > 200:
            raise _bad("MESSAGE_TOO_LONG")
        entry["answer"] = _plain(params)
        return True

    def _api_sendChatAction(self, params: dict, files: dict) -> bool:
        self._target(params)
        if params.get("action") not in _CHAT_ACTIONS:
            raise _bad("wrong parameter action in request")
        return True

    def _api_getFile(self, params: dict, files: dict) -> dict:
        record = self._files.get(str(params.get("file_id") or ""))
        if record is None:
            raise _bad("invalid file_id")
        if record["file_size"] > 20 * 1024 * 1024:
            raise _bad("file is too big")
        return {key: record[key] for key in ("file_id", "file_unique_id", "file_size", "file_path")}

    def _api_leaveChat(self, params: dict, files: dict) -> bool:
        state = self._target(params, purpose="read")
        if state.kind == "private":
            raise _bad("chat member status can't be changed in private chats")
        old = state.bot_status
        state.bot_status = "left"
        self._push_my_chat_member(state, self.bot_user, old, "left")
        return True

    def _api_pinChatMessage(self, params: dict, files: dict) -> bool:
        state = self._target(params, purpose="edit")
        self._target_message(state, params, "message to pin not found")
        if state.kind != "private" and state.bot_status not in ("administrator", "creator"):
            raise _bad("not enough rights to manage pinned messages in the chat")
        return True

    def _api_unpinChatMessage(self, params: dict, files: dict) -> bool:
        state = self._target(params, purpose="edit")
        if state.kind != "private" and state.bot_status not in ("administrator", "creator"):
            raise _bad("not enough rights to manage pinned messages in the chat")
        return True

    def _api_unpinAllChatMessages(self, params: dict, files: dict) -> bool:
        return self._api_unpinChatMessage(params, files)

    def _api_setMyName(self, params: dict, files: dict) -> bool:
        self._bot_info["name"] = str(params.get("name") or "")
        return True

    def _api_getMyName(self, params: dict, files: dict) -> dict:
        return {"name": self._bot_info["name"] or self.bot_user["first_name"]}

    def _api_setMyDescription(self, params: dict, files: dict) -> bool:
        self._bot_info["description"] = str(params.get("description") or "")
        return True

    def _api_getMyDescription(self, params: dict, files: dict) -> dict:
        return {"description": self._bot_info["description"]}

    def _api_setMyShortDescription(self, params: dict, files: dict) -> bool:
        self._bot_info["short_description"] = str(params.get("short_description") or "")
        return True

    def _api_getMyShortDescription(self, params: dict, files: dict) -> dict:
        return {"short_description": self._bot_info["short_description"]}

    def _api_setChatMenuButton(self, params: dict, files: dict) -> bool:
        return True

    def _api_getChatMenuButton(self, params: dict, files: dict) -> dict:
        return {"type": "commands"}

    def _api_setMyDefaultAdministratorRights(self, params: dict, files: dict) -> bool:
        return True

    def _api_getMyDefaultAdministratorRights(self, params: dict, files: dict) -> dict:
        rights = {k: False for k in _ADMIN_RIGHTS if k != "can_be_edited"}
        return rights


# --------------------------------------------------------------------------------------------
# HTTP plumbing
# --------------------------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # otherwise keep-alive responses stall ~40 ms (delayed ACK)
    server_version = "nginx/1.18.0"
    sys_version = ""
    emulator: BotApiEmulator

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_HEAD(self) -> None:
        self._handle(head=True)

    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _handle(self, head: bool = False) -> None:
        try:
            body = self._read_body()
            status, ctype, payload = self.emulator._handle_http(
                "GET" if head else self.command, self.path, self.headers, body
            )
        except Exception as exc:  # an emulator bug: still answer in Bot API format
            status, ctype = 500, "application/json"
            payload = json.dumps(
                {"ok": False, "error_code": 500, "description": f"Internal Server Error: {exc!r}"}
            ).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if not head:
                self.wfile.write(payload)
        except OSError:  # client went away (e.g. a cancelled long poll)
            self.close_connection = True

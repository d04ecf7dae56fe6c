"""Request parameter decoding: query strings, JSON values, multipart uploads."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

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

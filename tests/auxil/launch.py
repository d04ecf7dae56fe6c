"""Launch data signed the way Telegram signs it (core.telegram.org/bots/webapps)."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from urllib.parse import quote, urlencode


def sign_launch(token: str, user_id: int, *, first_name: str = "考察员",
                auth_date: int | None = None, extra: dict[str, str] | None = None) -> str:
    """The initData query string for this user, HMAC-SHA-256 signed with the bot token."""
    fields = {"query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
              "user": json.dumps({"id": user_id, "first_name": first_name,
                                  "language_code": "zh-hans"}, ensure_ascii=False,
                                 separators=(",", ":")),
              "auth_date": str(int(time.time()) if auth_date is None else auth_date)}
    fields.update(extra or {})
    check = "\n".join(f"{k}={v}" for k, v in sorted(fields.items()))
    secret = hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()
    fields["hash"] = hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()
    return urlencode(fields, quote_via=quote)


def fragment(init_data: str, theme: dict[str, str] | None = None) -> str:
    """The URL fragment Telegram's clients open a Mini App with."""
    parts = {"tgWebAppData": init_data, "tgWebAppVersion": "8.0", "tgWebAppPlatform": "android"}
    if theme is not None:
        parts["tgWebAppThemeParams"] = json.dumps(theme, separators=(",", ":"))
    return "#" + urlencode(parts, quote_via=quote)

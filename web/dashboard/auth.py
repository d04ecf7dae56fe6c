"""Launch data (SPEC §12): `Authorization: tma <initData>`, checked by telegram-webapp-auth
against the bot token and 24 hours; then the user must be an examiner or admin today."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from datetime import timedelta
from urllib.parse import quote, urlencode

from telegram_webapp_auth.auth import TelegramAuthenticator, generate_secret_key
from telegram_webapp_auth.errors import BaseTWAError, ExpiredInitDataError

from core.org.people import UserInfo

MAX_AGE = timedelta(hours=24)
SCHEME = "tma "
FUTURE_SLACK = 300  # seconds of clock difference tolerated


class Unauthorized(Exception):
    """The request is not from a valid launch; the key names the one line to show."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


class Launches:
    """Validates launch data for one bot token (telegram-webapp-auth)."""

    def __init__(self, token: str) -> None:
        self._auth = TelegramAuthenticator(generate_secret_key(token))

    def user(self, header: str | None) -> UserInfo:
        """The Telegram user of a signed, fresh launch; Unauthorized otherwise."""
        if not header or not header.startswith(SCHEME) or not header[len(SCHEME):].strip():
            raise Unauthorized("dashboard.no_launch")
        try:
            data = self._auth.validate(header[len(SCHEME):].strip(), expr_in=MAX_AGE)
        except ExpiredInitDataError:
            raise Unauthorized("dashboard.expired_launch") from None
        except (BaseTWAError, ValueError):
            raise Unauthorized("dashboard.bad_launch") from None
        if data.auth_date > time.time() + FUTURE_SLACK:  # signed "in the future": not ours
            raise Unauthorized("dashboard.bad_launch")
        if data.user is None or not isinstance(data.user.id, int):
            raise Unauthorized("dashboard.bad_launch")
        name = " ".join(filter(None, [data.user.first_name, data.user.last_name]))
        return UserInfo(id=data.user.id, username=data.user.username, display=name)


def sign(token: str, user_id: int, first_name: str = "admin") -> str:
    """Launch data for `frontline webapp-link`: what Telegram would give this user, signed with
    the bot token (an operator holding the token can open the page without a Telegram client)."""
    fields = {"auth_date": str(int(time.time())),
              "user": json.dumps({"id": user_id, "first_name": first_name},
                                 separators=(",", ":"), ensure_ascii=False)}
    check = "\n".join(f"{k}={v}" for k, v in sorted(fields.items()))
    fields["hash"] = hmac.new(generate_secret_key(token), check.encode(),
                              hashlib.sha256).hexdigest()
    return urlencode(fields, quote_via=quote)

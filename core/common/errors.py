"""Errors a user caused; each becomes one line in the chat, rendered from its template key."""

from __future__ import annotations


class UserError(Exception):
    """Something the user should do differently; nothing was written."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


class UsageError(UserError):
    """Wrong or missing arguments, unknown names, bad dates."""


class Refused(UserError):
    """The person may not do this (a short reason is still given)."""


class Ambiguous(UserError):
    """A name matches several people; the user must pick one."""

    def __init__(self, name: str, candidates: list[object],
                 projects: dict[int, list[str]] | None = None) -> None:
        super().__init__("errors.ambiguous", name=name, candidates=candidates,
                         projects=projects or {})

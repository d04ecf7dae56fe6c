"""Shared by every domain: user errors, signed buttons, the working-day calendar, the
Delivery ledger's planning side, and questions answered by the next private message.

Public modules are listed in `__all__`; modules starting with `_` are used only inside
this package."""

__all__ = [
    "answers",
    "buttons",
    "calendar",
    "deadlines",
    "deliveries",
    "errors",
    "names",
]

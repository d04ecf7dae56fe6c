"""Rectification orders (问题交办单): issue and act on them, the state machine, when
reminders and the 回头看 recheck fall, and who is reminded of what.

Public modules are listed in `__all__`; modules starting with `_` are used only inside
this package."""

__all__ = [
    "notices",
    "orders",
    "reminders",
    "rules",
]

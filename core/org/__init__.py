"""The organisation: people and roles, who can be told in private (reachability), domains
and projects, bound chats, who reports (the roster), leave, 考察期 (periods) and the 工作纪实
trail.

Public modules are listed in `__all__`; modules starting with `_` are used only inside
this package."""

__all__ = [
    "chats",
    "leave",
    "people",
    "periods",
    "projects",
    "reachability",
    "roster",
    "trail",
]

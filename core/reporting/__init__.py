"""What cadres post: daily reports (每日动态), their text rules, where a post belongs,
and the weekly and monthly recaps (周/月梳理).

Public modules are listed in `__all__`; modules starting with `_` are used only inside
this package."""

__all__ = [
    "attendance",
    "posts",
    "recaps",
    "report_text",
    "reports",
]

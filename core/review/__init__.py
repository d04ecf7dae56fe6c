"""The examiners' screens and the scheduled prompts: /summary, /missing and /my,
their windows, the nudge and weekly/monthly prompts, the Monday examiner digest, and
when a chat's jobs fall.

Public modules are listed in `__all__`; modules starting with `_` are used only inside
this package."""

__all__ = [
    "examiner_day",
    "examiner_digest",
    "prompts",
    "review_day",
    "schedule",
    "screens",
    "windows",
]

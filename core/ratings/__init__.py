"""Anonymous ratings (听评价, SPEC §6): links and posters, the rater's flow, the keys
that recognise a rater without knowing them, 差评 → 整改, and what views may disclose.

Public modules are listed in `__all__`; modules starting with `_` are used only inside
this package."""

__all__ = [
    "anonymity",
    "flow",
    "links",
    "poster",
    "rater_contacts",
    "rater_keys",
    "releases",
    "to_orders",
    "views",
]

"""Assessment (三维成像, SPEC §8): the examiners' judgement, the scoring rules, scores
and boards for a scope (in chunks for a big export), 三期管理 stages, and a cadre's record
in brief.

Public modules are listed in `__all__`; modules starting with `_` are used only inside
this package."""

__all__ = [
    "board_digest",
    "boards",
    "cadre_view",
    "chunked",
    "judgement",
    "scores",
    "stages",
]

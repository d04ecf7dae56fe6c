"""The rooms' import rules (STYLE.md): bot → handlers/scheduler → core → storage, no cycles."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
OURS = ("bot", "web", "handlers", "scheduler", "core", "storage")
ALLOWED = {
    "storage": set(),
    "core": {"storage"},
    "scheduler": {"core", "storage"},
    "handlers": {"core"},
    "bot": {"web", "handlers", "scheduler", "core", "storage"},
    "web": {"bot", "core"},  # HTTP beside handlers/: through the bot's runtime, never storage
}


def imports_of(path: Path) -> set[str]:
    """Top-level packages of ours this module imports (TYPE_CHECKING blocks included)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def modules(package: str) -> list[Path]:
    return sorted(p for p in (ROOT / package).rglob("*.py") if "migrations" not in p.parts)


@pytest.mark.parametrize("package", OURS)
def test_imports_point_down(package: str) -> None:
    wrong = {str(p.relative_to(ROOT)): sorted(imports_of(p) & set(OURS) - ALLOWED[package]
                                               - {package})
             for p in modules(package)}
    assert {k: v for k, v in wrong.items() if v} == {}


def test_core_and_storage_never_touch_telegram() -> None:
    offenders = [str(p.relative_to(ROOT)) for pkg in ("core", "storage") for p in modules(pkg)
                 if "telegram" in imports_of(p)]
    assert offenders == []

"""The rooms' import rules (STYLE.md): bot → handlers/scheduler → core → storage, no cycles."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
OURS = ("bot", "handlers", "scheduler", "core", "storage")
ALLOWED = {
    "storage": set(),
    "core": {"storage"},
    "scheduler": {"core", "storage"},
    "handlers": {"core"},
    "bot": {"handlers", "scheduler", "core", "storage"},
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


# core by domain: lower subpackages never import higher ones (issue 17's house).
CORE_ORDER = ("common", "org", "reporting", "orders", "ratings", "assessment", "review",
              "documents")
CORE_LEVEL = {name: level for level, name in enumerate(CORE_ORDER)} | {"documents": 6}


def core_imports_of(path: Path) -> set[str]:
    """The `core.<sub>[.<module>]` names this module imports."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "core":
                found.update(f"core.{alias.name}" for alias in node.names)
            elif node.module.startswith("core."):
                found.add(node.module)
                found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("core."))
    return found


def test_core_is_grouped_by_domain() -> None:
    loose = sorted(p.name for p in (ROOT / "core").glob("*.py") if p.name != "__init__.py")
    subpackages = sorted(p.name for p in (ROOT / "core").iterdir()
                         if p.is_dir() and (p / "__init__.py").exists())
    assert loose == []
    assert subpackages == sorted(CORE_ORDER)


def test_core_subpackages_never_import_a_higher_one() -> None:
    wrong = []
    for path in (ROOT / "core").rglob("*.py"):
        own = path.relative_to(ROOT / "core").parts[0]
        if own not in CORE_LEVEL:
            continue
        for name in core_imports_of(path):
            other = name.split(".")[1]
            if other != own and CORE_LEVEL[other] >= CORE_LEVEL[own]:
                wrong.append(f"{path.relative_to(ROOT)} → {name}")
    assert wrong == []


def test_private_core_modules_stay_inside_their_subpackage() -> None:
    """A `_module` of a core subpackage is imported only from that subpackage (tests may look in)."""
    wrong = []
    for package in (*OURS, "bench"):
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            rel = path.relative_to(ROOT).parts
            own = rel[1] if rel[0] == "core" and len(rel) > 2 else None
            for name in core_imports_of(path):
                parts = name.split(".")
                private = next((i for i, p in enumerate(parts) if p.startswith("_")), None)
                if private is not None and parts[1] != own:
                    wrong.append(f"{path.relative_to(ROOT)} → {name}")
    assert wrong == []


@pytest.mark.parametrize("sub", CORE_ORDER)
def test_each_core_subpackage_says_what_it_owns_and_lists_its_surface(sub: str) -> None:
    import importlib

    package = importlib.import_module(f"core.{sub}")
    public = sorted(p.stem for p in (ROOT / "core" / sub).glob("*.py")
                    if not p.stem.startswith("_"))
    assert package.__doc__ and len(package.__doc__.splitlines()) <= 8
    assert sorted(package.__all__) == public

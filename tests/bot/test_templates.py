"""Templates: every Chinese message has its English twin, and every key the code names exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.render import TEMPLATES, Renderer

ROOT = Path(__file__).resolve().parents[2]
KEY = re.compile(r"""["']([a-z_]+)\.([a-z_]+)["']""")


def _macros(lang: str, module: str) -> dict[str, tuple[str, ...]]:
    template = Renderer(lang).env.get_template(f"{lang}/{module}.j2").module
    return {name: getattr(template, name).arguments for name in dir(template)
            if not name.startswith("_")}


@pytest.mark.parametrize("module", sorted(p.stem for p in (TEMPLATES / "zh").glob("*.j2")))
def test_english_mirrors_chinese(module: str) -> None:
    assert _macros("en", module) == _macros("zh", module)


def test_every_key_named_in_code_exists() -> None:
    modules = {p.stem for p in (TEMPLATES / "zh").glob("*.j2")}
    missing, checked = [], 0
    for path in [*ROOT.glob("bot/*.py"), *ROOT.glob("core/*.py"), *ROOT.glob("handlers/*.py"),
                 *ROOT.glob("scheduler/*.py")]:
        for module, name in KEY.findall(path.read_text()):
            if module in modules:
                checked += 1
                if name not in _macros("zh", module):
                    missing.append(f"{path.name}: {module}.{name}")
    assert checked > 50 and missing == []


def test_english_renders_through_the_bot() -> None:
    text = Renderer("en").text("help.for_role", role="admin")
    assert "/grant" in text and "可用命令" not in text

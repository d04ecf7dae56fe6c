"""Finding a font with Chinese glyphs: fontconfig first, then font folders, never an exception."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import matplotlib
import pytest
from PIL import ImageFont

from bot import fonts

DEJAVU = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    """Each test looks the font up afresh; later tests get the real answer back."""
    fonts.cjk_font.cache_clear()
    yield
    fonts.cjk_font.cache_clear()


def _require_cjk() -> fonts.CjkFont:
    found = fonts.cjk_font()
    if found is None:
        reason = f"no CJK font installed (apt install {fonts.MISSING_FONT_PACKAGE})"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but {reason}")
        pytest.skip(reason)
    return found


def test_the_font_found_draws_chinese_in_the_face_it_names() -> None:
    found = _require_cjk()
    face = ImageFont.truetype(str(found.path), 40, index=found.index)
    assert face.getname()[0] == found.family
    assert face.getbbox("考")[2] > 0


def test_a_simplified_chinese_face_is_preferred_in_a_noto_collection() -> None:
    found = _require_cjk()
    if "Noto Sans CJK" not in found.family:
        pytest.skip(f"the installed CJK font is {found.family}, not Noto Sans CJK")
    assert found.family == "Noto Sans CJK SC"


def test_without_fontconfig_the_font_folders_are_scanned(monkeypatch) -> None:
    with_fc = _require_cjk()
    fonts.cjk_font.cache_clear()
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    without_fc = fonts.cjk_font()
    assert without_fc is not None
    assert without_fc.family == with_fc.family


def test_nothing_found_is_none(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    monkeypatch.setattr(fonts, "FONT_DIRS", (str(tmp_path),))
    assert fonts.cjk_font() is None


def test_a_latin_font_under_a_cjk_name_is_refused(monkeypatch, tmp_path: Path) -> None:
    shutil.copy(DEJAVU, tmp_path / "FakeSansCJK-Regular.ttf")
    (tmp_path / "wqy-broken.ttc").write_bytes(b"not a font at all")
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    monkeypatch.setattr(fonts, "FONT_DIRS", (str(tmp_path),))
    assert fonts.cjk_font() is None


def test_a_failing_fc_list_falls_back_to_the_folders(monkeypatch, tmp_path: Path) -> None:
    fake = tmp_path / "fc-list"
    fake.write_text("#!/bin/sh\necho 'garbage without tabs'\nexit 3\n")
    fake.chmod(0o755)
    monkeypatch.setattr(shutil, "which", lambda _name: str(fake))
    monkeypatch.setattr(fonts, "FONT_DIRS", (str(tmp_path),))
    assert fonts.cjk_font() is None

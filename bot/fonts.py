"""Find a font with Chinese glyphs at run time, for posters and charts."""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

MISSING_FONT_PACKAGE = "fonts-noto-cjk"

FONT_DIRS = (
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "~/.local/share/fonts",
    "~/.fonts",
    "/Library/Fonts",
    "/System/Library/Fonts",
    "C:/Windows/Fonts",
)
FONT_SUFFIXES = {".ttf", ".ttc", ".otf", ".otc"}
_NAME = re.compile(
    r"cjk|wqy|wenquanyi|sourcehan|notosans(sc|cjk)|notoserif(sc|cjk)|msyh|simhei|simsun|pingfang"
    r"|droidsansfallback",
    re.IGNORECASE,
)
_PROBE = "考察评价干部"
_NOT_A_CHARACTER = "\uffff"  # always renders as the font's .notdef box
_MAX_FACES = 32


@dataclass(frozen=True)
class CjkFont:
    """One face of a font file: `index` selects it inside a .ttc collection."""

    path: Path
    index: int
    family: str


@dataclass(frozen=True)
class _Candidate:
    path: Path
    index: int
    family: str
    style: str

    def rank(self) -> tuple[int, int, int, str, int]:
        """Sort key: Simplified Chinese, then regular weight, then sans, mono last."""
        family = self.family.lower()
        words = set(re.split(r"[\s_-]+", family))
        if words & {"sc", "cn", "gb", "hans"} or "wenquanyi" in family or "wqy" in family:
            region = 0
        elif words & {"jp", "kr", "tc", "hk", "tw", "hant"}:
            region = 2
        else:
            region = 1
        regular = 0 if self.style.lower() in {"regular", "book", "normal", "medium", ""} else 1
        kind = 2 if "mono" in family else 0 if "sans" in family or "hei" in family else 1
        return region, regular, kind, str(self.path), self.index


@functools.cache
def cjk_font() -> CjkFont | None:
    """Return the best installed face with Chinese glyphs, or None when there is none."""
    try:
        seen: set[tuple[Path, int]] = set()
        for group in (_fontconfig_candidates, _scanned_candidates):
            for candidate in sorted(group(), key=_Candidate.rank):
                if (candidate.path, candidate.index) in seen:
                    continue
                seen.add((candidate.path, candidate.index))
                font = _verified(candidate)
                if font is not None:
                    return font
    except Exception:  # a broken font setup must never take the bot down: no font, then
        return None
    return None


def bold_sibling(font: CjkFont) -> Path | None:
    """The bold weight of the font's family, shipped as a file of its own (fonts-noto-cjk:
    NotoSansCJK-Regular.ttc beside NotoSansCJK-Bold.ttc), or None."""
    name = font.path.name
    for regular in ("Regular", "regular", "Medium"):
        if regular in name:
            found = font.path.with_name(name.replace(regular, "Bold"))
            return found if found.is_file() else None
    return None


def _fontconfig_candidates() -> list[_Candidate]:
    """Faces fontconfig says cover Simplified Chinese (none without `fc-list`)."""
    binary = shutil.which("fc-list")
    if binary is None:
        return []
    try:
        out = subprocess.run(
            [binary, ":lang=zh-cn", "-f", r"%{file}\t%{index}\t%{family[0]}\t%{style[0]}\n"],
            capture_output=True, text=True, timeout=10, check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    found = []
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) != 4 or not parts[1].isdigit():
            continue
        path = Path(parts[0])
        if path.suffix.lower() in FONT_SUFFIXES:
            found.append(_Candidate(path, int(parts[1]), parts[2], parts[3]))
    return found


def _scanned_candidates() -> list[_Candidate]:
    """Faces of font files with a CJK-sounding name in the usual font folders."""
    from PIL import ImageFont  # imported when a font is looked for, never by an idle bot
    found = []
    for path in _font_files(Path(os.path.expanduser(d)) for d in FONT_DIRS):
        for index in range(_MAX_FACES):
            try:
                family, style = ImageFont.truetype(str(path), 12, index=index).getname()
            except Exception:
                break
            found.append(_Candidate(path, index, family or "", style or ""))
            if path.suffix.lower() not in {".ttc", ".otc"}:
                break
    return found


def _font_files(dirs: Iterable[Path]) -> Iterator[Path]:
    """Yield font files whose name suggests CJK coverage, under the given folders."""
    for root_dir in dirs:
        if not root_dir.is_dir():
            continue
        for root, _dirs, files in os.walk(root_dir):
            for name in sorted(files):
                path = Path(root) / name
                if path.suffix.lower() in FONT_SUFFIXES and _NAME.search(name):
                    yield path


def _verified(candidate: _Candidate) -> CjkFont | None:
    """Load the face with Pillow and check it draws real Chinese glyphs, not .notdef boxes."""
    from PIL import ImageFont
    try:
        face = ImageFont.truetype(str(candidate.path), 48, index=candidate.index)
        notdef = bytes(face.getmask(_NOT_A_CHARACTER))
        for char in _PROBE:
            mask = face.getmask(char)
            if mask.getbbox() is None or bytes(mask) == notdef:
                return None
        family = face.getname()[0] or candidate.family
    except Exception:
        return None
    return CjkFont(path=candidate.path, index=candidate.index, family=family)

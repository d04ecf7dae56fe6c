"""A printable QR poster for a rating link: title band, large QR code, call to action, expiry."""

from __future__ import annotations

import io
import os
import re
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # Pillow is imported where a poster is drawn, never by an idle bot
    from PIL import Image, ImageDraw, ImageFont

# A4 portrait at 200 dpi (A5 at ~280 dpi): crisp on either paper size.
WIDTH, HEIGHT = 1654, 2339
DPI = 200
MARGIN = 110
QUIET_ZONE = 4  # modules of white around the code, the minimum the QR standard asks for
QR_SHARE = 0.62  # of the page width, for the dark modules; the quiet zone comes on top

BAND = (183, 28, 28)
WHITE = (255, 255, 255)
INK = (33, 33, 33)
GREY = (102, 102, 102)

_TOKEN = re.compile(r"[A-Za-z0-9@#._%/:+\-]+|\s+|.", re.DOTALL)
_ELLIPSIS = "…"


class CjkFontLike(Protocol):
    """A font file with Chinese glyphs; `index` picks the face inside a .ttc collection."""

    @property
    def path(self) -> str | os.PathLike[str]: ...

    @property
    def index(self) -> int: ...


def build_poster(
    link: str,
    title: str,
    subtitle: str,
    call_to_action: str,
    expiry_line: str,
    font: CjkFontLike,
) -> bytes:
    """Compose the poster and return it as PNG bytes."""
    from PIL import Image, ImageDraw
    canvas = Image.new("RGB", (WIDTH, HEIGHT), WHITE)
    draw = ImageDraw.Draw(canvas)
    faces = _Faces(font)
    text_width = WIDTH - 2 * MARGIN

    title_block = _fit(draw, faces, title, text_width, max_lines=2, start=120, smallest=60)
    subtitle_block = _fit(draw, faces, subtitle, text_width, max_lines=1, start=64, smallest=36)
    band_height = 100 + _height(title_block) + 36 + _height(subtitle_block) + 90
    draw.rectangle((0, 0, WIDTH, band_height), fill=BAND)
    y = _draw_block(draw, title_block, 100, WHITE)
    _draw_block(draw, subtitle_block, y + 36, WHITE)

    expiry_block = _fit(draw, faces, expiry_line, text_width, max_lines=1, start=46, smallest=30)
    expiry_top = HEIGHT - 110 - _height(expiry_block)
    _draw_block(draw, expiry_block, expiry_top, GREY)

    cta_block = _fit(draw, faces, call_to_action, text_width, max_lines=2, start=76, smallest=44)
    cta_top = expiry_top - 90 - _height(cta_block)
    _draw_block(draw, cta_block, cta_top, INK)

    qr_top, qr_bottom = band_height + 70, cta_top - 50
    code = _qr_image(link, int(WIDTH * QR_SHARE), min(WIDTH, qr_bottom - qr_top))
    code_y = qr_top + max(0, (qr_bottom - qr_top - code.height) // 2)
    canvas.paste(code, ((WIDTH - code.width) // 2, code_y))

    out = io.BytesIO()
    canvas.save(out, format="PNG", dpi=(DPI, DPI))
    return out.getvalue()


class _Faces:
    """Pillow faces of one font file, by pixel size."""

    def __init__(self, font: CjkFontLike) -> None:
        self.path = os.fspath(font.path)
        self.index = font.index
        self._sizes: dict[int, ImageFont.FreeTypeFont] = {}

    def at(self, size: int) -> ImageFont.FreeTypeFont:
        """The face at `size` pixels."""
        if size not in self._sizes:
            from PIL import ImageFont
            self._sizes[size] = ImageFont.truetype(self.path, size, index=self.index)
        return self._sizes[size]


class _Block:
    """Lines of text set in one face."""

    def __init__(self, face: ImageFont.FreeTypeFont, size: int, lines: list[str]) -> None:
        self.face, self.lines, self.pitch = face, lines, round(size * 1.35)


def _fit(
    draw: ImageDraw.ImageDraw,
    faces: _Faces,
    text: str,
    width: int,
    *,
    max_lines: int,
    start: int,
    smallest: int,
) -> _Block:
    """Wrap `text` into `max_lines` lines of `width`, shrinking the face, else cutting with …."""
    text = " ".join(text.split())
    size = start
    while True:
        face = faces.at(size)
        lines = _balanced(draw, face, text, width)
        if len(lines) <= max_lines or size <= smallest:
            break
        size = max(smallest, int(size * 0.9))
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and _width(draw, face, last + _ELLIPSIS) > width:
            last = last[:-1]
        lines[-1] = last.rstrip() + _ELLIPSIS
    return _Block(face, size, lines)


def _wrap(
    draw: ImageDraw.ImageDraw, face: ImageFont.FreeTypeFont, text: str, width: int
) -> list[str]:
    """Break text into lines no wider than `width`: between CJK characters, Latin words whole."""
    lines: list[str] = []
    line = ""
    for token in _TOKEN.findall(text):
        if _width(draw, face, line + token) <= width:
            line += token
            continue
        if line.strip():
            lines.append(line.rstrip())
        line = ""
        if token.isspace():
            continue
        for char in token:  # a word wider than the line is cut between characters
            if line and _width(draw, face, line + char) > width:
                lines.append(line)
                line = ""
            line += char
    if line.strip():
        lines.append(line.rstrip())
    return lines


def _balanced(
    draw: ImageDraw.ImageDraw, face: ImageFont.FreeTypeFont, text: str, width: int
) -> list[str]:
    """As many lines as greedy wrapping needs, broken where a reader would: at a phrase end
    (· ， 、 space), else after a word that ends a name (区 期 局 …), with lines of even
    length and never a lone character on a line. Text is measured before it is drawn."""
    greedy = _wrap(draw, face, text, width)
    tokens = _TOKEN.findall(text)
    if len(greedy) < 2 or len(tokens) > _DP_TOKENS:
        return greedy
    advance = [face.getlength(t) for t in tokens]
    best = _breaks(tokens, advance, width, len(greedy))
    if best is None:
        return greedy
    lines, start = [], 0
    for end in [*best, len(tokens)]:  # a separator at a break is dropped, as in print
        lines.append("".join(tokens[start:end]).strip().strip("·").strip())
        start = end
    if any(_width(draw, face, line) > width for line in lines):
        return greedy
    return lines


_DP_TOKENS = 120  # longer texts keep greedy wrapping (they are cut to two lines anyway)
_PHRASE_END = set("·，、,;；：:）)") | {" "}
_WORD_END = set("区期部局院村镇县市委办站组所队段程班心路线桥厅处科室群")
_LONE = 1  # a line with no more visible characters than this is never made


class _Lines:
    """The cost of setting tokens[i:j] as one line of a block `width` wide."""

    def __init__(self, tokens: list[str], advance: list[float], width: int) -> None:
        self.tokens, self.width = tokens, width
        self.prefix = [0.0]
        for a in advance:
            self.prefix.append(self.prefix[-1] + a)

    def cost(self, i: int, j: int, last: bool) -> float | None:
        """Raggedness plus where it breaks (phrase end 0, word end 0.3, elsewhere 1); None for
        a line that does not fit or would leave a character alone."""
        used = self.prefix[j] - self.prefix[i]
        if used > self.width or len("".join(self.tokens[i:j]).replace(" ", "")) <= _LONE:
            return None
        ragged = ((self.width - used) / self.width) ** 2 if not last else 0.0
        end = self.tokens[j - 1] if j > i else ""
        follow = self.tokens[j] if j < len(self.tokens) else ""
        if last or end[-1:] in _PHRASE_END or follow[:1] in _PHRASE_END:
            return ragged
        return ragged + (0.3 if end[-1:] in _WORD_END else 1.0)


def _breaks(tokens: list[str], advance: list[float], width: int, count: int
            ) -> list[int] | None:
    """Token indexes where `count` lines should start (after the first), or None: the
    cheapest split by dynamic programming over (lines so far, tokens so far)."""
    n, lines_of = len(tokens), _Lines(tokens, advance, width)
    inf = float("inf")
    cost = [[inf] * (n + 1) for _ in range(count + 1)]
    back = [[-1] * (n + 1) for _ in range(count + 1)]
    cost[0][0] = 0.0
    for lines in range(1, count + 1):
        for j in range(1, n + 1):
            for i in range(j):
                if cost[lines - 1][i] == inf:
                    continue
                c = lines_of.cost(i, j, last=(lines == count and j == n))
                if c is not None and cost[lines - 1][i] + c < cost[lines][j]:
                    cost[lines][j], back[lines][j] = cost[lines - 1][i] + c, i
    if cost[count][n] == inf:
        return None
    starts, j = [], n
    for lines in range(count, 0, -1):
        j = back[lines][j]
        starts.append(j)
    return sorted(starts)[1:]


def _width(draw: ImageDraw.ImageDraw, face: ImageFont.FreeTypeFont, text: str) -> int:
    """The inked width of `text`, overhangs included."""
    left, _top, right, _bottom = draw.textbbox((0, 0), text, font=face, anchor="ls")
    return right - min(left, 0)


def _height(block: _Block) -> int:
    """Vertical room the block takes."""
    return block.pitch * len(block.lines)


def _draw_block(
    draw: ImageDraw.ImageDraw, block: _Block, top: int, fill: tuple[int, int, int]
) -> int:
    """Draw each line centred on its ink; return the y below the block."""
    baseline = top + round(block.pitch * 0.8)
    for line in block.lines:
        left, _t, right, _b = draw.textbbox((0, 0), line, font=block.face, anchor="ls")
        x = (WIDTH - (right - left)) // 2 - left
        draw.text((x, baseline), line, font=block.face, fill=fill, anchor="ls")
        baseline += block.pitch
    return top + _height(block)


def _qr_image(link: str, width: int, box: int) -> Image.Image:
    """The QR code about `width` wide, quiet zone within `box`, at a whole-pixel module size."""
    import segno  # like Pillow, loaded with the first poster, not in an idle bot
    from PIL import Image
    code = segno.make(link, error="m", micro=False)
    inner = code.symbol_size(scale=1, border=0)[0]
    outer = code.symbol_size(scale=1, border=QUIET_ZONE)[0]
    scale = max(1, min(width // inner, box // outer))
    png = io.BytesIO()
    code.save(png, kind="png", scale=scale, border=QUIET_ZONE, dark="black", light="white")
    png.seek(0)
    with Image.open(png) as image:
        return image.convert("RGB")

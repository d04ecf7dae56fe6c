"""The rating poster: a printable PNG whose QR code scans back to the link."""

from __future__ import annotations

import io
import os

import pytest
import zxingcpp
from PIL import Image, ImageDraw, ImageFont

from bot.fonts import MISSING_FONT_PACKAGE, CjkFont, cjk_font
from core.ratings.poster import HEIGHT, MARGIN, WIDTH, _balanced, _wrap, build_poster

LINK = "https://t.me/frontline_bot?start=r_AbC-123_xyz"
LONG = "城南快速路二期工程暨G15沈海高速城南互通立交改扩建及配套道路管网迁改与征地拆迁安置房建设项目" * 3


@pytest.fixture
def font() -> CjkFont:
    """The CJK font, skipped where none is installed, except in CI where it must be."""
    found = cjk_font()
    if found is None:
        reason = f"no CJK font installed (apt install {MISSING_FONT_PACKAGE})"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but {reason}")
        pytest.skip(reason)
    return found


def _poster(font: CjkFont, **overrides: str) -> Image.Image:
    texts = {
        "title": "城南快速路二期",
        "subtitle": "城南区交通建设指挥部 · 服务评价",
        "call_to_action": "扫码评价服务，匿名、三步完成",
        "expiry_line": "有效期至 2027-03-01",
    } | overrides
    png = build_poster(LINK, font=font, **texts)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(png))
    image.load()
    return image


def _decoded(image: Image.Image) -> list[str]:
    return [barcode.text for barcode in zxingcpp.read_barcodes(image)]


def _colours(image: Image.Image, box: tuple[int, int, int, int]) -> set[tuple[int, ...]]:
    return {colour for _count, colour in image.crop(box).getcolors(maxcolors=1 << 16)}


def test_poster_is_a_print_sized_png_whose_code_scans_to_the_link(font: CjkFont) -> None:
    image = _poster(font)
    assert image.format == "PNG"
    assert image.size == (WIDTH, HEIGHT)
    assert image.width >= 1200 and image.height > image.width
    assert _decoded(image) == [LINK]


def test_qr_code_is_about_sixty_percent_of_the_width_and_crisp(font: CjkFont) -> None:
    image = _poster(font).convert("L")
    row = image.crop((0, HEIGHT // 2 - 200, WIDTH, HEIGHT // 2 + 200))
    dark = [x for x in range(WIDTH) if any(row.getpixel((x, y)) < 128 for y in range(0, 400, 7))]
    assert 0.55 * WIDTH <= dark[-1] - dark[0] <= 0.7 * WIDTH
    middle = image.crop((dark[0], HEIGHT // 2 - 200, dark[-1], HEIGHT // 2 + 200))
    assert {value for _count, value in middle.getcolors()} == {0, 255}  # no blur from resampling


def test_long_texts_stay_inside_the_margins_and_the_code_still_scans(font: CjkFont) -> None:
    image = _poster(
        font,
        title=LONG,
        subtitle=LONG,
        call_to_action="扫码评价服务，匿名、三步完成" * 8,
        expiry_line="有效期至 2027-03-01 " * 10,
    )
    assert image.size == (WIDTH, HEIGHT)
    assert _decoded(image) == [LINK]
    edge = MARGIN // 2
    band = (image.getpixel((0, 0)), (255, 255, 255))
    assert _colours(image, (0, 0, edge, HEIGHT)) <= set(band)
    assert _colours(image, (WIDTH - edge, 0, WIDTH, HEIGHT)) <= set(band)


def test_empty_subtitle_leaves_a_scannable_poster(font: CjkFont) -> None:
    assert _decoded(_poster(font, subtitle="")) == [LINK]


def test_wrapping_keeps_latin_words_whole_and_every_line_within_the_width(font: CjkFont) -> None:
    draw = ImageDraw.Draw(Image.new("RGB", (10, 10)))
    face = ImageFont.truetype(str(font.path), 60, index=font.index)
    text = "Frontline rating poster for the Chengnan expressway 城南快速路二期工程暨配套道路管网迁改"
    lines = _wrap(draw, face, text, 700)
    assert len(lines) > 2
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    for line in lines:
        assert draw.textbbox((0, 0), line, font=face)[2] <= 700
    words = {w for line in lines for w in line.split() if w.isascii()}
    assert words <= set(text.split())


@pytest.mark.parametrize("title", [
    "城南快速路二期工程建设指挥部服务评价",  # greedy wrapping left 价 alone on a line
    "县人民医院新院区建设专班 · 赵国栋",
    "一件事一次办改革政务服务中心窗口服务评价表",
])
def test_no_line_is_left_with_a_lone_character(font: CjkFont, title: str) -> None:
    draw = ImageDraw.Draw(Image.new("RGB", (10, 10)))
    for size in (120, 100, 80):
        face = ImageFont.truetype(str(font.path), size, index=font.index)
        lines = _balanced(draw, face, title, WIDTH - 2 * MARGIN)
        assert "".join(lines).replace(" ", "").replace("·", "") == \
            title.replace(" ", "").replace("·", "")
        assert all(len(line.strip()) > 1 for line in lines), lines
        assert not any(line.startswith("·") or line.endswith("·") for line in lines), lines
        assert all(draw.textbbox((0, 0), line, font=face)[2] <= WIDTH - 2 * MARGIN
                   for line in lines)
        if len(lines) > 1:  # no stub: a line is at least a quarter of the longest
            assert min(map(len, lines)) * 4 >= max(map(len, lines)), lines


def test_a_break_falls_at_a_phrase_boundary_when_one_is_near(font: CjkFont) -> None:
    draw = ImageDraw.Draw(Image.new("RGB", (10, 10)))
    for size, text, first in ((100, "县人民医院新院区建设专班 · 赵国栋", "县人民医院新院区建设专班"),
                              (80, "请扫码评价我们的服务 · 匿名 · 三步完成", "请扫码评价我们的服务 · 匿名"),
                              (120, "城南快速路二期工程建设指挥部服务评价", "城南快速路二期工程")):
        face = ImageFont.truetype(str(font.path), size, index=font.index)
        assert _balanced(draw, face, text, WIDTH - 2 * MARGIN)[0] == first

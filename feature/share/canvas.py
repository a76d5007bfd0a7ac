"""The pieces every share image is made of: paper, masthead, kicker, big figure, photo, QR, PNG.

Colours are the site's own (static/style.css: ink, muted, paper, rule, accent,
mark, box), so a card looks like the edition it comes from. PNGs are written
with no metadata at all (no time, no text chunks, no resolution): the same
input gives the same bytes.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import segno
from PIL import Image, ImageDraw, ImageFont, ImageOps, UnidentifiedImageError

from feature.core.diagnostics import Diagnostic
from .fonts import SANS, SANS_BOLD, SERIF_BOLD, FontBook
from .linebreak import normalize
from .texts import figure_parts
from .typeset import ASCENT, LAYOUT, fit_one_line

INK = (0x1D, 0x1D, 0x1F)
MUTED = (0x55, 0x55, 0x5A)
PAPER = (0xFF, 0xFD, 0xF8)
RULE = (0xD9, 0xD3, 0xC7)
ACCENT = (0xA4, 0x16, 0x1A)
MARK = (0xFF, 0xF1, 0xB8)
BOX = (0xF5, 0xF1, 0xE8)
# zlib level 3: a poster's PNG in 4.7 ms instead of 10 at level 6, for 20 % more
# bytes (67 KB against 56); the sites a card travels to compress it again anyway.
PNG_COMPRESSION = 3
FIGURE_ASCENT = 0.78    # lining numerals stand about 0.73 em above the baseline
FIGURE_HEIGHT = 0.86    # their top to a little below the baseline
FEW_COLOURS = 4096


class BadPhoto(Exception):
    """A photo the caller named that cannot be read as an image."""

    def __init__(self, photo: Path, reason: str, source: str = ""):
        self.photo, self.reason, self.source = photo, reason, source
        super().__init__(str(self.diagnostic()))

    def diagnostic(self) -> Diagnostic:
        return Diagnostic(self.source or str(self.photo), 0,
                          f"share card: cannot read the photo {self.photo}: {self.reason}")


@dataclass(frozen=True)
class Box:
    left: float
    top: float
    right: float
    bottom: float

    @property
    def width(self) -> float:
        return self.right - self.left


def paper(size: tuple[int, int]) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("RGB", size, PAPER)
    return image, ImageDraw.Draw(image)


def png_bytes(image: Image.Image) -> bytes:
    """PNG without metadata. Type on flat colours (no photo: a few thousand colours at most,
    nearly all of them anti-aliasing) is stored with a 256-colour palette: a third of the
    bytes, and no visible change (a colour moves by a unit or two on average). The palette
    is chosen from every other pixel of every other row: a poster's in 5 ms instead of 11,
    for 4 % more bytes; a rare edge pixel may move by up to a tenth of the range."""
    if image.getcolors(FEW_COLOURS) is not None:
        sample = image.resize((image.width // 2, image.height // 2), Image.Resampling.NEAREST)
        palette = sample.quantize(256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
        image = image.quantize(palette=palette, dither=Image.Dither.NONE)
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=PNG_COMPRESSION)
    return out.getvalue()


def masthead(draw, fonts: FontBook, newspaper: str, edition_title: str, box: Box,
             size: int, source: str = "") -> float:
    """Newspaper in red, edition title beside it, a newspaper's double rule below; returns its bottom."""
    newspaper, edition_title = normalize(newspaper), normalize(edition_title)
    name_font, _ = fit_one_line(fonts, newspaper, SERIF_BOLD, (size,), box.width, source)
    baseline = box.top + ASCENT * size
    draw.text((box.left, baseline), newspaper, font=name_font, fill=ACCENT, anchor="ls", **LAYOUT)
    after = box.left + name_font.getlength(newspaper, **LAYOUT) + (size * 0.6 if newspaper else 0)
    if edition_title:
        small = round(size * 0.62)
        title_font, _ = fit_one_line(fonts, edition_title, SANS, tuple(range(small, small // 2, -1)),
                                     box.right - after, source)
        if title_font.getlength(edition_title, **LAYOUT) <= box.right - after:
            draw.text((after, baseline), edition_title, font=title_font, fill=MUTED, anchor="ls", **LAYOUT)
    rule_top = box.top + size * 1.35
    draw.rectangle((box.left, rule_top, box.right, rule_top + max(2, size // 12)), fill=INK)
    thin = rule_top + max(2, size // 12) + max(3, size // 9)
    draw.rectangle((box.left, thin, box.right, thin), fill=INK)
    return thin + 1


def kicker(draw, fonts: FontBook, text: str, left: float, top: float, size: int, source: str = "") -> float:
    """The section label: white on the accent red, like a page's 栏目 tag; returns its bottom."""
    text = normalize(text)
    if not text:
        return top
    font, _ = fit_one_line(fonts, text, SANS_BOLD, (size,), 10_000, source)
    pad_x, pad_y = size * 0.55, size * 0.28
    width = font.getlength(text, **LAYOUT)
    bottom = top + size + 2 * pad_y
    draw.rectangle((left, top, left + width + 2 * pad_x, bottom), fill=ACCENT)
    draw.text((left + pad_x, top + pad_y + ASCENT * size), text, font=font, fill=PAPER, anchor="ls", **LAYOUT)
    return bottom


@dataclass(frozen=True)
class SetFigure:
    """A figure fitted to a width: (text, font) runs on one baseline, and its size."""
    runs: tuple[tuple[str, ImageFont.FreeTypeFont], ...]
    size: int

    @property
    def height(self) -> float:
        return self.size * FIGURE_HEIGHT


def set_figure(fonts: FontBook, figure: str, width: float, sizes: tuple[int, ...], source: str = "") -> SetFigure:
    """The figure's number as large as `width` allows (of `sizes`), its prefix and unit at 0.4 of it."""
    parts = figure_parts(normalize(figure))
    face = fonts.face(SERIF_BOLD)
    fonts.check(figure, face, source)
    for size in sizes:
        large, small = fonts.font(face, size), fonts.font(face, max(8, round(size * 0.4)))
        runs = tuple((text, font) for text, font in ((parts.prefix, small), (parts.number, large),
                                                     (parts.unit, small)) if text)
        if sum(font.getlength(text, **LAYOUT) for text, font in runs) + size * 0.06 <= width:
            break
    return SetFigure(runs, size)


def draw_figure(draw, figure: SetFigure, left: float, top: float) -> float:
    """Draw `figure` in the accent red with its top at `top`; returns its bottom."""
    baseline = top + figure.size * FIGURE_ASCENT
    x = left
    for text, font in figure.runs:
        draw.text((x, baseline), text, font=font, fill=ACCENT, anchor="ls", **LAYOUT)
        x += font.getlength(text, **LAYOUT) + (figure.size * 0.03 if font.size == figure.size else 0)
    return top + figure.height


def photo_fill(image: Image.Image, photo: Path, box: Box, source: str = "") -> None:
    """`photo` cropped to fill `box` (centred a little above the middle, where faces are)."""
    try:
        with Image.open(photo) as opened:
            picture = ImageOps.exif_transpose(opened).convert("RGB")
    except (OSError, UnidentifiedImageError) as problem:
        raise BadPhoto(photo, str(problem), source) from None
    size = (round(box.right - box.left), round(box.bottom - box.top))
    fitted = ImageOps.fit(picture, size, method=Image.Resampling.LANCZOS, centering=(0.5, 0.4))
    image.paste(fitted, (round(box.left), round(box.top)))


def qr_code(draw, url: str, right: float, top: float, target: int) -> float:
    """A QR code of `url`, about `target` px, modules on whole pixels, its ink flush with `right`
    (the quiet zone, four modules of paper, lies beyond); returns the width of the ink."""
    code = segno.make(url, error="m", micro=False)
    border = 4                              # the quiet zone the standard asks for, in modules
    modules = len(code.matrix)
    scale = max(2, target // modules)
    left, top = round(right) - modules * scale, round(top)
    draw.rectangle((left - border * scale, top - border * scale, right + border * scale - 1,
                    top + (modules + border) * scale - 1), fill=PAPER)
    for row, line in enumerate(code.matrix):
        for column, dark in enumerate(line):
            if dark:
                x, y = left + column * scale, top + row * scale
                draw.rectangle((x, y, x + scale - 1, y + scale - 1), fill=INK)
    return modules * scale

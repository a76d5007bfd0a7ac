"""Setting text blocks: choose a size that fits, break the lines, draw them.

Every text is checked against its face's character map before anything is
measured or drawn (fonts.FontBook.check), so a card never shows a box.
Measuring and drawing use the same Raqm shaping (`LAYOUT`), so a line that
measured as fitting is drawn exactly that wide.
"""
from __future__ import annotations

from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont

from .fonts import Face, FaceSpec, FontBook
from .linebreak import OPENING, break_lines, clamp, normalize, pieces

LAYOUT = {"language": "zh-Hans"}
ASCENT = 0.88       # Noto CJK's ideographic em box: 0.88 em above the baseline, 0.12 below


@dataclass(frozen=True)
class SetText:
    """Lines set in one face and size, ready to draw."""
    text: str                   # the normalized text the lines come from
    lines: tuple[str, ...]
    face: Face
    size: int
    leading: float              # baseline to baseline, in px
    font: ImageFont.FreeTypeFont
    width: float                # the measure the lines were broken for
    justify: bool = False       # full lines end exactly at the measure

    @property
    def height(self) -> float:
        """From the top of the first line's em box to the bottom of the last's."""
        return (len(self.lines) - 1) * self.leading + self.size if self.lines else 0

    def width(self) -> float:
        return max((self.font.getlength(line, **LAYOUT) for line in self.lines), default=0)


@dataclass(frozen=True)
class Style:
    """How a block is set: its face, the sizes to try (largest first), at most how many lines."""
    face: FaceSpec
    sizes: tuple[int, ...]
    max_lines: int
    leading: float = 1.3        # × size
    balance: bool = False       # even lines (headlines)
    justify: bool = False       # full lines flush at both ends (body text)
    height: float | None = None # the block's room, when that allows fewer than max_lines

    def lines_at(self, size: int) -> int:
        if self.height is None:
            return self.max_lines
        return max(1, min(self.max_lines, int((self.height - size) // (size * self.leading)) + 1))


def set_text(fonts: FontBook, text: str, style: Style, width: float, source: str = "") -> SetText:
    """The largest size of `style` at which `text` fits `max_lines` lines of `width`;
    at the smallest size, what does not fit is cut with ……"""
    face = fonts.face(style.face)
    text = normalize(text)
    fonts.check(text + "……", face, source)
    for size in style.sizes:
        font = fonts.font(face, size)
        measure = _measure(font)
        lines = break_lines(text, measure, width, style.balance)
        if len(lines) <= style.lines_at(size):
            break
    else:       # too long even at the smallest size: full lines, then cut (balancing would waste room)
        lines = clamp(break_lines(text, measure, width), style.lines_at(size), measure, width)
    return SetText(text, tuple(lines), face, size, size * style.leading, font, width, style.justify)


def draw_text(draw: ImageDraw.ImageDraw, block: SetText, x: float, top: float, fill,
              mark: tuple[str, tuple, tuple] | None = None) -> float:
    """Draw `block` with its first em box at `top`; returns the bottom of the last line.

    `mark` = (substring, its colour, background colour): the first occurrence of
    the substring in the block's text is drawn in that colour over that background,
    across line breaks if it spans one."""
    span = _span(block.text, mark[0]) if mark else (0, 0)
    offset = 0
    for number, line in enumerate(block.lines):
        offset = block.text.find(line.rstrip("…"), offset)
        baseline = top + ASCENT * block.size + number * block.leading
        hang = _hang(block.font, line)
        gap = _gap(block, line, hang) if block.justify and number < len(block.lines) - 1 else 0
        runs = _runs(block.font, line, gap, (span[0] - offset, span[1] - offset))
        marked = [(left, right) for _, left, right, inside in runs if inside]
        if marked:
            pad = block.size * 0.08
            draw.rectangle((x - hang + marked[0][0] - pad, baseline - ASCENT * block.size - pad,
                            x - hang + marked[-1][1] + pad, baseline + (1 - ASCENT) * block.size + pad),
                           fill=mark[2])
        for text, left, _, inside in runs:
            draw.text((x - hang + left, baseline), text, font=block.font, fill=mark[1] if inside else fill,
                      anchor="ls", **LAYOUT)
        offset += len(line)
    return top + block.height


def fit_one_line(fonts: FontBook, text: str, spec: FaceSpec, sizes: tuple[int, ...], width: float,
                 source: str = "") -> tuple[ImageFont.FreeTypeFont, int]:
    """The largest size at which `text` fits one line of `width` (the smallest if none)."""
    face = fonts.face(spec)
    fonts.check(text, face, source)
    for size in sizes:
        font = fonts.font(face, size)
        if font.getlength(text, **LAYOUT) <= width:
            break
    return font, size


def _gap(block: SetText, line: str, hang: float) -> float:
    """The space added between pieces so a full line ends exactly at the measure (justified,
    as Chinese body text is set)."""
    parts = pieces(line)
    if len(parts) < 2:
        return 0
    return max(0, block.width - (block.font.getlength(line, **LAYOUT) - hang)) / (len(parts) - 1)


def _runs(font, line: str, gap: float, span: tuple[int, int]) -> list[tuple[str, float, float, bool]]:
    """`line` cut into runs to draw: (text, left, right, inside the mark), `gap` after every piece.

    Widths add up piece by piece: pieces meet at ideographs or punctuation,
    where a font has no kerning."""
    lo, hi = max(span[0], 0), min(span[1], len(line))
    if gap == 0 and lo >= hi:
        return [(line, 0, font.getlength(line, **LAYOUT), False)]
    runs = []
    position, left = 0, 0.0
    for piece in pieces(line):
        end_of_piece = position + len(piece)
        cuts = sorted({position, end_of_piece} | {c for c in (lo, hi) if position < c < end_of_piece})
        for start, end in zip(cuts, cuts[1:]):
            right = left + font.getlength(line[start:end], **LAYOUT)
            runs.append((line[start:end], left, right, lo <= start < hi))
            left = right
        position, left = end_of_piece, left + gap
    return runs


def _hang(font: ImageFont.FreeTypeFont, line: str) -> float:
    """How far a line that opens with “ 《 （ moves left: a full-width opening mark
    has its ink in its right half, and a headline looks indented by the empty half
    unless the ink is aligned with the margin (clreq's line-start compression)."""
    if not line or line[0] not in OPENING:
        return 0
    size = round(font.size)
    ink = Image.new("L", (2 * size, 2 * size))
    ImageDraw.Draw(ink).text((size // 2, size), line[0], font=font, fill=255, anchor="ls", **LAYOUT)
    box = ink.getbbox()
    return max(0, box[0] - size // 2) if box else 0


def _span(text: str, part: str) -> tuple[int, int]:
    start = text.find(part)
    return (start, start + len(part)) if start >= 0 and part else (0, 0)


def _measure(font: ImageFont.FreeTypeFont):
    cache: dict[str, float] = {}

    def measure(text: str) -> float:
        if text not in cache:
            cache[text] = font.getlength(text, **LAYOUT)
        return cache[text]
    return measure

"""A printed page as a PDF → raw text in reading order, for the same cleaning
as any raw text.

poppler's `pdftotext -bbox-layout` gives each printed line with its box;
its own reading order interleaves the columns of a newspaper page, so the
order is rebuilt here from the boxes by recursive XY-cut: split the page at
the widest blank band across it (headline from body, a boxed sidebar from
the columns), else at the widest blank gutter down it (column from column),
and read each piece top to bottom. Lines then become paragraphs: a new one
where a line is indented after a finished sentence or stands after a blank
gap; a column that opens with an unindented line goes on with the
paragraph the previous column left open. Running heads and page numbers
(the same line at the same height on several pages) are dropped.
"""
from __future__ import annotations

import re
import shutil
import statistics
import subprocess
import xml.etree.ElementTree as ElementTree
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from feature.core.diagnostics import Diagnostic

from .punctuation import ends_sentence
from .records import RawTextError

_NS = "{http://www.w3.org/1999/xhtml}"
# Horizontal cuts need a blank band this many line heights tall; gutters this wide.
_BAND = 1.2
_GUTTER = 0.9
_INDENT = 0.8          # an indent of this many line heights opens a paragraph
_PARAGRAPH_GAP = 1.0   # so does a blank gap this tall between two lines
_FULL = 1.0            # a line ending this close to the right edge fills the column
_RESIZED = 0.08        # another type size (headline, subhead, deck, caption) is another paragraph
_BOX_LINES = 3
_SENTENCE_MARK = re.compile("[。！？!?；]")
_RUNNING = re.compile("[，、；：“”（）]")   # running text has these; headings do not
_PAGE_NUMBER = re.compile(r"^[-—－\s]*(?:第\s*)?\d+\s*(?:页)?(?:\s*/\s*共\s*\d+\s*页)?[-—－\s]*$")
_TIMEOUT = 120


@dataclass(frozen=True)
class Line:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str

    @property
    def height(self) -> float:
        return self.y1 - self.y0


@dataclass(frozen=True)
class PdfReading:
    text: str                        # one paragraph a line, in reading order
    boxes: tuple[str, ...]           # "page 1: 数字看点　29名　…": set apart from the text


def read_pdf(path: Path) -> PdfReading:
    pages = [_lines(page) for page in _pages(_bbox_layout(path))]
    pages = _without_running_heads(pages)
    paragraphs: list[str] = []
    boxes: list[str] = []
    open_column = False
    for number, lines in enumerate(pages, start=1):
        height = statistics.median(line.height for line in lines) if lines else 0
        for leaf in _xy_cut(lines, height):
            if isinstance(leaf, Box):
                boxes.append(f"page {number}: " + "　".join(line.text for line in leaf.lines))
            else:
                open_column = _add_leaf(paragraphs, leaf, height, open_column)
    return PdfReading("\n\n".join(paragraphs) + "\n", tuple(boxes))


def pdf_text(path: Path) -> str:
    """The PDF's running text, one paragraph a line, in reading order."""
    return read_pdf(path).text


def _bbox_layout(path: Path) -> str:
    tool = shutil.which("pdftotext")
    if tool is None:
        raise RawTextError(Diagnostic(str(path), 0, "cannot read a PDF without poppler's pdftotext "
                                                    "(Debian: apt-get install poppler-utils)"))
    try:
        done = subprocess.run([tool, "-enc", "UTF-8", "-bbox-layout", str(path), "-"],
                              capture_output=True, timeout=_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        raise RawTextError(Diagnostic(str(path), 0, f"pdftotext took over {_TIMEOUT} s; is it a PDF?")) from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RawTextError(Diagnostic(str(path), 0, "not a readable PDF"
                                      + (f" ({message[-1]})" if message else ""))) from None
    return done.stdout.decode("utf-8", "replace")


def _pages(xhtml: str) -> list[ElementTree.Element]:
    try:
        root = ElementTree.fromstring(xhtml)
    except ElementTree.ParseError:
        return []
    return list(root.iter(f"{_NS}page"))


def _lines(page: ElementTree.Element) -> list[Line]:
    found = []
    for line in page.iter(f"{_NS}line"):
        words = [(float(w.get("xMin")), float(w.get("xMax")), w.text or "") for w in line.iter(f"{_NS}word")]
        if not words:
            continue
        box = [float(line.get(k)) for k in ("xMin", "yMin", "xMax", "yMax")]
        text = words[0][2]
        for (_, end, _), (start, _, word) in zip(words, words[1:]):
            # Words set apart by a visible space keep it ("“百城提质” 三川蝶变").
            text += (" " if start - end > 0.1 * (box[3] - box[1]) else "") + word
        found.append(Line(*box, text))
    return found


def _without_running_heads(pages: list[list[Line]]) -> list[list[Line]]:
    """Drop page numbers, and lines printed at the same height with the same
    text (digits aside) on more than one page: running heads and feet."""
    def key(line: Line) -> tuple[str, int]:
        return re.sub(r"\d+", "#", line.text), round(line.y0 / 4)
    seen = Counter(k for lines in pages for k in {key(line) for line in lines})
    return [[line for line in lines if seen[key(line)] < 2 and not _PAGE_NUMBER.match(line.text)]
            for lines in pages]


def _gaps(spans: list[tuple[float, float]], least: float) -> list[float]:
    """Midpoints of the blank stretches at least `least` wide between spans."""
    cuts, reach = [], None
    for start, end in sorted(spans):
        if reach is not None and start - reach >= least:
            cuts.append((reach + start) / 2)
        reach = end if reach is None else max(reach, end)
    return cuts


def _split(lines: list[Line], cuts: list[float], vertical: bool) -> list[list[Line]]:
    pieces: list[list[Line]] = [[] for _ in range(len(cuts) + 1)]
    for line in lines:
        where = line.x0 if vertical else line.y0
        pieces[sum(where > cut for cut in cuts)].append(line)
    return [piece for piece in pieces if piece]


@dataclass(frozen=True)
class Box:
    """Side by side short lines without a sentence: a sidebar of key
    figures, a fact box. Not running text, so kept out of it."""
    lines: tuple[Line, ...]


def _is_box(lines: list[Line]) -> bool:
    return len(lines) >= _BOX_LINES and not any(_SENTENCE_MARK.search(line.text) for line in lines)


def _xy_cut(lines: list[Line], height: float) -> list[list[Line] | Box]:
    """The page in reading order, as pieces each read top to bottom."""
    if len(lines) <= 1:
        return [lines] if lines else []
    bands = _gaps([(line.y0, line.y1) for line in lines], _BAND * height)
    if bands:
        return [leaf for piece in _split(lines, bands, False) for leaf in _xy_cut(piece, height)]
    gutters = _gaps([(line.x0, line.x1) for line in lines], _GUTTER * height)
    if gutters:
        if _is_box(lines):
            return [Box(tuple(sorted(lines, key=lambda line: (line.y0, line.x0))))]
        return [leaf for piece in _split(lines, gutters, True) for leaf in _xy_cut(piece, height)]
    return [sorted(lines, key=lambda line: (line.y0, line.x0))]


def _add_leaf(paragraphs: list[str], leaf: list[Line], height: float, open_column: bool) -> bool:
    """Add a piece's lines as paragraphs; whether its last line runs to the
    right edge (so the next piece may carry on its paragraph)."""
    left = min(line.x0 for line in leaf)
    right = max(line.x1 for line in leaf)
    previous: Line | None = None
    for line in leaf:
        if previous is None:
            new = line.x0 - left >= _INDENT * height or not open_column or ends_sentence(paragraphs[-1])
        else:
            new = _opens_paragraph(line, previous, left, right, height, ends_sentence(paragraphs[-1]))
        if new or not paragraphs:
            paragraphs.append(line.text)
        else:
            paragraphs[-1] += line.text
        previous = line
    return previous is not None and (right - previous.x1 <= _FULL * height
                                     or bool(_RUNNING.search(paragraphs[-1])))


def _opens_paragraph(line: Line, previous: Line, left: float, right: float, height: float,
                     sentence_done: bool) -> bool:
    """A paragraph's last line ends a sentence and is short, and the next is
    indented; a heading is short and followed by an indent; a change of type
    size or a blank gap sets a paragraph apart. A short line within a
    sentence is only justification failing before an unbreakable word
    (“87.21%”). Centred lines (a pull quote) say nothing by their indents."""
    if line.y0 - previous.y1 > _PARAGRAPH_GAP * height:
        return True
    if abs(line.height - previous.height) > _RESIZED * previous.height:
        return True
    before, after = line.x0 - left, right - line.x1
    if before > 0.3 * height and after > 0.3 * height and abs(before - after) < 0.5 * height:
        return False
    indented = before >= _INDENT * height
    full = right - previous.x1 <= _FULL * height
    return (indented and (not full or sentence_done)) or (not full and sentence_done)

"""The importer's nouns: raw lines, reconstructed blocks, and the record of
every change made to the raw text (so the report can account for it)."""
from __future__ import annotations

from dataclasses import dataclass

from feature.core.diagnostics import Diagnostic
from feature.core.model import Reporter

from .proposals import Proposal

class RawTextError(Exception):
    """A problem that stops the import, located in an input file."""

    def __init__(self, diagnostic: Diagnostic):
        self.diagnostic = diagnostic
        super().__init__(str(diagnostic))


# Block kinds, in the newsroom's words.
PARAGRAPH = "paragraph"
QUOTE = "quote"          # a paragraph that is one short quotation (pull quote)
HEADLINE = "headline"
KICKER = "kicker"        # a section label printed above a headline (眉题)
DECK = "deck"
BYLINE = "byline"
SUBHEAD = "subhead"
PHOTO = "photo"          # an extracted photo; the block's text is its caption
TEXT_KINDS = (PARAGRAPH, QUOTE)


@dataclass(frozen=True)
class RawLine:
    number: int          # 1-based line of the raw file
    text: str            # normalised, jump marker removed
    gap_before: int      # blank lines between this and the previous text line
    marker: str = ""     # jump marker cut from the end of the line


@dataclass(frozen=True)
class Block:
    """A paragraph or heading rebuilt from one or more raw lines."""
    parts: tuple[tuple[int, str], ...]   # (raw line, text it contributed)
    kind: str = PARAGRAPH
    gap_before: int = 0
    marker: str = ""
    photo: str = ""                      # PHOTO: the extracted file's name
    credit: str = ""                     # PHOTO: 摄影 张三

    @property
    def text(self) -> str:
        return "".join(text for _, text in self.parts)

    @property
    def lines(self) -> tuple[int, ...]:
        return tuple(number for number, _ in self.parts)

    @property
    def first_line(self) -> int:
        return self.parts[0][0]

    @property
    def last_line(self) -> int:
        return self.parts[-1][0]


@dataclass(frozen=True)
class Join:
    lines: tuple[int, ...]
    seams: tuple[str, ...]     # "…荣 | 誉表…" around each place lines met
    note: str = ""


@dataclass(frozen=True)
class ColumnJoin:
    """Two paragraphs a column or page end cut apart, joined again."""
    lines: tuple[int, int]        # last raw line before the cut, first after it
    seam: str                     # "…“棋”。周 | 这座被…"
    at: int                       # offset of the seam in the joined paragraph
    block: int                    # the joined paragraph's index in the article


@dataclass(frozen=True)
class Marker:
    line: int
    text: str


@dataclass(frozen=True)
class DroppedDuplicate:
    lines: tuple[int, ...]     # raw lines the dropped copy came from
    kept_lines: tuple[int, ...]
    how: str                   # "exact", "fuzzy" or "spliced"
    text: str
    note: str = ""


@dataclass(frozen=True)
class Flag:
    """A doubt about a whole run of text: "unplaced", "guess", "near-duplicate"."""
    kind: str
    lines: tuple[int, ...]
    message: str


@dataclass(frozen=True)
class Finding:
    """A proposal at one place of an article: its paragraph and raw line."""
    block: int                 # index in ImportedArticle.blocks
    proposal: Proposal
    raw_line: int


@dataclass(frozen=True)
class Applied:
    """An editor's correction (corrections file) applied to the import."""
    original: str
    corrected: str
    block: int
    raw_line: int


@dataclass(frozen=True)
class Placement:
    """Why a run of blocks was put in an article."""
    first_line: int
    last_line: int
    how: str                   # "opening", "resemblance", "neighbour"
    note: str                  # why, in words
    guess: bool
    other: int = -1            # the article it resembles next best (index), if any


@dataclass(frozen=True)
class ImportedArticle:
    headline: str
    deck: str
    byline: tuple[Reporter, ...]
    head_lines: tuple[int, ...]
    blocks: tuple[Block, ...]
    placements: tuple[Placement, ...]
    column_joins: tuple[ColumnJoin, ...] = ()
    findings: tuple[Finding, ...] = ()
    applied: tuple[Applied, ...] = ()
    lede: str = ""             # a lead paragraph marked as such (bold in a Word document)
    kicker: str = ""           # the label printed above the headline, if any

    @property
    def subheads(self) -> tuple[str, ...]:
        return tuple(b.text for b in self.blocks if b.kind == SUBHEAD)


@dataclass(frozen=True)
class ImportResult:
    source_name: str
    line_count: int
    articles: tuple[ImportedArticle, ...]
    unplaced: tuple[Block, ...]
    joins: tuple[Join, ...]
    markers: tuple[Marker, ...]
    duplicates: tuple[DroppedDuplicate, ...]
    flags: tuple[Flag, ...]
    corrections_source: str = ""               # the corrections file applied, if any
    corrections_unused: tuple[str, ...] = ()   # its originals found nowhere in this text
    photos: tuple[tuple[str, bytes], ...] = ()  # extracted photos: (file name, bytes)
    line_word: str = "raw line"                 # what a "line" of the source is
    boxes: tuple[str, ...] = ()                 # a PDF's sidebars and fact boxes, kept out of the drafts

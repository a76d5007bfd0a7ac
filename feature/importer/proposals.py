"""A proposed change to one paragraph of an imported draft: where, what the
print has, what the importer would print instead, and why, in words."""
from __future__ import annotations

from dataclasses import dataclass

# Kinds, as the report names them.
DOUBLED = "doubled character"
LOOKALIKE = "look-alike character"
IDIOM = "idiom or set phrase"
GLYPH = "undecoded glyph"
PAIR = "unpaired mark"
JOIN = "characters lost at a column join"
OPEN_END = "paragraph ends mid-sentence"
GUESS = "placed by guess"
CAPTION = "photo without a caption"
# What a photo without a caption gets, flagged, until the editor writes one.
CAPTION_PLACEHOLDER = "照片说明"
# The flag line put before a run placed by guess; deleted once checked.
GUESS_NOTE = "位置待定：以下一段按版面相邻放在这里，见 import-report.md；核对后删去本行"
SLIP_KINDS = (DOUBLED, LOOKALIKE, IDIOM, GLYPH)


@dataclass(frozen=True)
class Proposal:
    kind: str
    start: int                 # offset in the paragraph's text
    end: int                   # start == end: an insertion
    printed: str               # the text as printed, text[start:end]
    reading: str | None        # what to print instead; None: the editor must supply it
    reason: str
    decide: bool = False       # a guess the editor must decide, not a sure repair

    def overlaps(self, other: Proposal) -> bool:
        if self.start == self.end or other.start == other.end:
            return self.start == other.start or (other.start < self.start < other.end) \
                or (self.start < other.start < self.end)
        return self.start < other.end and other.start < self.end


def replacement(kind: str, start: int, printed: str, reading: str | None, reason: str,
                decide: bool = False) -> Proposal:
    return Proposal(kind, start, start + len(printed), printed, reading, reason,
                    decide or reading is None)


def insertion(kind: str, at: int, reading: str, reason: str, decide: bool = False) -> Proposal:
    return Proposal(kind, at, at, "", reading, reason, decide)

"""From raw print text to blocks: normalise lines, cut jump markers, join
lines the layout broke, and spot characters the decoder could not read."""
from __future__ import annotations

import re

from .punctuation import (
    UNDECODED_GLYPHS, ends_hard, ends_sentence, heading_like, open_tail, skeleton, starts_mid_word,
)
from .records import Block, Join, Marker, RawLine
from .structure import parse_byline

# Jump markers printed where a story continues on another page: a circled
# page number with a column ("①6"), or "（下转第6版）"-style notes.
_PAGE_MARK = re.compile(
    r"(?:[①-⑳]\d{0,3}|[（(]?(?:下转|上接|转|接)第?\s*[\d一二三四五六七八九十]+\s*版[）)]?)\s*$"
)
_PAGE_JUMP = re.compile(r"[①-⑳]\d{1,3}")
_SPACES = re.compile(r"[ \t\u3000\u00a0]+")
# Decoders pad a glyph they could not map with spaces ("决战贫困 ■ 力同心");
# between Chinese characters a space is never text.
_SPACED_GLYPH = re.compile(f"(?<=[\u4e00-\u9fff{UNDECODED_GLYPHS}]) (?=[{UNDECODED_GLYPHS}])"
                           f"|(?<=[{UNDECODED_GLYPHS}]) (?=[\u4e00-\u9fff])")
# An unfinished sentence at least this long visibly runs on to the next line.
_RUNNING_CLAUSE = 4
_SEAM = 6


def normalise_line(text: str) -> str:
    return _SPACED_GLYPH.sub("", _SPACES.sub(" ", text)).strip()


def cut_marker(text: str) -> tuple[str, str]:
    """Split a trailing jump marker off a line: after a finished sentence
    (or alone on the line), where it cannot be part of the text, or as a
    circled number with a page number ("①6"), which running text never
    ends with; the sentence then goes on where the marker points."""
    match = _PAGE_MARK.search(text)
    if not match:
        return text, ""
    before = text[: match.start()].rstrip()
    if before and not ends_sentence(before) and not _PAGE_JUMP.fullmatch(match.group().strip()):
        return text, ""
    return before, match.group().strip()


def read_lines(text: str) -> tuple[list[RawLine], list[Marker]]:
    lines: list[RawLine] = []
    markers: list[Marker] = []
    gap = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        body, marker = cut_marker(normalise_line(raw))
        if marker:
            markers.append(Marker(number, marker))
        if body:
            lines.append(RawLine(number, body, gap, marker))
            gap = 0
        elif marker and lines:
            lines[-1] = RawLine(lines[-1].number, lines[-1].text, lines[-1].gap_before, marker)
        else:
            gap += 1
    return lines, markers


def continues(block: Block, line: RawLine) -> bool:
    """Does `line` carry on the sentence left open at the end of `block`?"""
    text = block.text
    if block.marker or ends_sentence(text) or parse_byline(line.text):
        return False
    if ends_hard(text) or starts_mid_word(line.text):
        return True
    if len(block.parts) == 1 and heading_like(text):
        return False
    if len(skeleton(open_tail(text))) >= _RUNNING_CLAUSE:
        return True
    # Only a sentence's first word or two ("…。我") is left: trust it across a
    # plain paragraph gap, but not across a column break or into a heading.
    return line.gap_before <= 1 and not heading_like(line.text)


def assemble_blocks(lines: list[RawLine], join: bool = True) -> list[Block]:
    """Blocks of lines; `join=False` when each line is a paragraph already."""
    blocks: list[Block] = []
    for line in lines:
        if join and blocks and continues(blocks[-1], line):
            last = blocks[-1]
            blocks[-1] = Block(last.parts + ((line.number, _seam_text(last, line)),),
                               last.kind, last.gap_before, line.marker)
        else:
            blocks.append(Block(((line.number, line.text),), gap_before=line.gap_before,
                                marker=line.marker))
    return blocks


def _seam_text(block: Block, line: RawLine) -> str:
    # Latin words broken across lines still need the space between them.
    if block.text[-1:].isascii() and block.text[-1:].isalnum() and line.text[:1].isascii() \
            and line.text[:1].isalpha():
        return " " + line.text
    return line.text


def joins_of(blocks: list[Block]) -> list[Join]:
    joins = []
    for block in blocks:
        if len(block.parts) > 1:
            seams = tuple(f"…{a[-_SEAM:]} | {b[:_SEAM]}…"
                          for (_, a), (_, b) in zip(block.parts, block.parts[1:]))
            joins.append(Join(block.lines, seams))
    return joins

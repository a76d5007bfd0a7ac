"""What Chinese punctuation tells the importer about where text breaks.

Print layout cuts lines anywhere; punctuation is the only evidence left of
where a sentence, a clause or a paragraph really ends.
"""
from __future__ import annotations

import re
import unicodedata

SENTENCE_END = "。！？!?"
ELLIPSIS = "…"
CLOSERS = "”’」』）)》】〕"
# A line ending in one of these cannot be the end of a paragraph.
HARD_CONTINUATIONS = "，、；：,;:“‘「『（(《【—"
# Running text has these; headlines, subheads and bylines do not.
RUNNING_TEXT_PUNCT = frozenset("，。！？；：、,!?;:")
# What decoders print for a character they could not map (a regex class):
# boxes, the replacement character, the geta mark, private-use code points.
UNDECODED_GLYPHS = "■□▯\ufffd〓\ue000-\uf8ff"
_CANNOT_OPEN = frozenset("，。、；：！？,.;:!?）)”’」』》】")
# Headings longer than this are rare enough to treat as running text.
MAX_HEADING_CHARS = 24

_SENTENCE = re.compile(
    r".+?(?:(?:[。！？!?]+|…+)[”’」』）)》】〕]*|$)", re.S
)


def skeleton(text: str) -> str:
    """The text without punctuation and spacing, for comparing copies that
    were broken or punctuated differently."""
    return "".join(ch for ch in text if unicodedata.category(ch)[0] not in "PZC")


def ends_sentence(text: str) -> bool:
    core = text.rstrip(CLOSERS + " ")
    return bool(core) and (core[-1] in SENTENCE_END or core.endswith(ELLIPSIS))


def ends_hard(text: str) -> bool:
    return bool(text) and text[-1] in HARD_CONTINUATIONS


def split_sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE.findall(text) if s.strip()]


def open_tail(text: str) -> str:
    """The unfinished last sentence of `text` ('' when it ends cleanly)."""
    if ends_sentence(text):
        return ""
    sentences = split_sentences(text)
    return sentences[-1] if sentences else ""


def heading_like(text: str) -> bool:
    """Short and without running-text punctuation: a headline, subhead,
    deck or byline, unless context says it is a fragment of a paragraph."""
    core = skeleton(text)
    return 0 < len(core) <= MAX_HEADING_CHARS and not RUNNING_TEXT_PUNCT & set(text)


def starts_mid_word(text: str) -> bool:
    """A line opening with a clause-closing mark, or with a single character
    before the first punctuation mark ("坚，…", "画。"), is the tail of a
    sentence cut at the end of the previous line: sentences do not open so."""
    if text[:1] and text[0] in _CANNOT_OPEN:
        return True
    for index, ch in enumerate(text):
        if unicodedata.category(ch)[0] == "P":
            return index == 1
    return False


def is_subsequence(short: str, long: str) -> bool:
    """True when `short` is `long` with some characters lost."""
    remaining = iter(long)
    return all(ch in remaining for ch in short)

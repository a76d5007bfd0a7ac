"""Tell headlines, decks, bylines, subheads and paragraphs apart.

The rules are typographic, not about any one story: a heading is a short
line without running-text punctuation; it is a headline when a deck or a
byline follows it, a subhead otherwise.
"""
from __future__ import annotations

import re
from dataclasses import replace

from feature.edition import bylines
from feature.core.model import Reporter

from .punctuation import heading_like, skeleton
from .records import (
    BYLINE, DECK, HEADLINE, KICKER, PARAGRAPH, QUOTE, SUBHEAD, Block,
)

_TITLE = re.compile(
    r"(?:本报|首席|特约|见习|实习|驻\w{1,6})?(?:摄影)?(?:记者|通讯员|实习生|评论员)"
)
_NAME = re.compile(r"[\u4e00-\u9fff·]{2,6}")
_DECK_DASHES = ("——", "—", "--")
_MAX_QUOTE_CHARS = 40
_MAX_DECK_CHARS = 40


def parse_byline(text: str) -> tuple[Reporter, ...] | None:
    """`首席记者 李凤霞`, `本报记者 王艳 通讯员 张三 李四` → reporters, or None
    when the line is not certainly a byline: the build's own reading of a
    printed byline (feature.bylines), accepted only without a doubt and with
    a title before every name."""
    byline = bylines.parse_byline(text)
    if byline.doubts or not byline.reporters or not all(r.title for r in byline.reporters):
        return None
    return byline.reporters


def is_deck(text: str) -> bool:
    """A short line opening with a dash, under a headline."""
    core = skeleton(text)
    return text.startswith(_DECK_DASHES) and 0 < len(core) <= _MAX_DECK_CHARS


def is_pull_quote(text: str) -> bool:
    """A paragraph that is nothing but one short quotation."""
    inner = text[1:-1]
    return (text.startswith("“") and text.endswith("”") and "“" not in inner
            and "”" not in inner and 0 < len(skeleton(inner)) <= _MAX_QUOTE_CHARS)


def _opens_story(blocks: list[Block], index: int) -> bool:
    """A heading with a byline or a deck under it is a headline."""
    following = blocks[index + 1].text if index + 1 < len(blocks) else ""
    return bool(following) and bool(parse_byline(following) or is_deck(following))


def _heading_kind(blocks: list[Block], index: int) -> str:
    if parse_byline(blocks[index].text):
        return BYLINE
    if _opens_story(blocks, index):
        return HEADLINE
    following = blocks[index + 1] if index + 1 < len(blocks) else None
    if following is not None and len(following.parts) == 1 and heading_like(following.text) \
            and _opens_story(blocks, index + 1):
        return KICKER      # the section label printed above a headline
    return SUBHEAD


def _kind(blocks: list[Block], index: int) -> str:
    block = blocks[index]
    if len(block.parts) == 1 and is_deck(block.text):
        return DECK
    if len(block.parts) == 1 and heading_like(block.text):
        return _heading_kind(blocks, index)
    if is_pull_quote(block.text):
        return QUOTE
    return PARAGRAPH


def classify(blocks: list[Block]) -> list[Block]:
    return [replace(block, kind=_kind(blocks, index)) for index, block in enumerate(blocks)]

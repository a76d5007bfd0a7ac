"""Everything the editor must look at inside an article's text, each at its
paragraph and raw line: suspected slips, characters lost at column joins,
paragraphs still open."""
from __future__ import annotations

from dataclasses import replace

from .columns import lost_at_joins, open_end_proposals
from .lexicon import Lexicon, load_lexicon
from .proposals import CAPTION, CAPTION_PLACEHOLDER, Proposal
from .records import PHOTO, Block, Finding, ImportedArticle
from .slips import find_slips


def raw_line_at(block: Block, offset: int) -> int:
    """The raw line the character at `offset` of the block came from."""
    position = 0
    for number, text in block.parts:
        position += len(text)
        if offset < position:
            return number
    return block.last_line


def _missing_captions(blocks: list[Block]) -> list[tuple[int, Proposal]]:
    reason = ("the photo has no caption in the document; write one: it is also what readers who "
              "cannot see the photo are told")
    return [(i, Proposal(CAPTION, 0, len(b.text), b.text, None, reason, True))
            for i, b in enumerate(blocks) if b.kind == PHOTO and b.text == CAPTION_PLACEHOLDER]


def with_findings(article: ImportedArticle, lexicon: Lexicon, document: list[str]) -> ImportedArticle:
    blocks = list(article.blocks)
    located: list[tuple[int, Proposal]] = [
        (index, proposal) for index, block in enumerate(blocks) for proposal in find_slips(block.text, lexicon)]
    for index, proposal in (lost_at_joins(blocks, list(article.column_joins), document)
                            + open_end_proposals(blocks) + _missing_captions(blocks)):
        if not any(i == index and proposal.overlaps(p) for i, p in located):
            located.append((index, proposal))
    located.sort(key=lambda item: (item[0], item[1].start, item[1].end))
    findings = tuple(Finding(index, proposal, raw_line_at(blocks[index], proposal.start))
                     for index, proposal in located)
    return replace(article, findings=findings)


def finish(articles: list[ImportedArticle], unplaced: tuple[Block, ...],
           lexicon: Lexicon | None) -> tuple[ImportedArticle, ...]:
    """Each article with its findings: what the editor must look at."""
    document = [b.text for a in articles for b in a.blocks] + [b.text for b in unplaced]
    lexicon = lexicon or load_lexicon()
    return tuple(with_findings(a, lexicon, document) for a in articles)

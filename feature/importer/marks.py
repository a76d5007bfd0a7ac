"""Flags in the drafts: each finding is written into the text where it is,
as 〔？printed→proposed〕 (〔？→inserted〕 for an insertion, 〔？printed〕 when
nothing is proposed). The build refuses a file that still holds one
(feature/edition/validate.py), so nothing doubtful is published by accident; the
editor resolves a flag by replacing it with the text to print."""
from __future__ import annotations

from feature.edition.validate import IMPORT_FLAG_CLOSE, IMPORT_FLAG_OPEN

from .proposals import Proposal


def flag_text(proposal: Proposal) -> str:
    if proposal.reading is None:
        return f"{IMPORT_FLAG_OPEN}{proposal.printed}{IMPORT_FLAG_CLOSE}"
    return f"{IMPORT_FLAG_OPEN}{proposal.printed}→{proposal.reading}{IMPORT_FLAG_CLOSE}"


def marked(text: str, proposals: list[Proposal], limit: int | None = None) -> str:
    """`text[:limit]` with a flag at each proposal that lies within it."""
    limit = len(text) if limit is None else limit
    out, position = [], 0
    for proposal in sorted(proposals, key=lambda p: (p.start, p.end)):
        if proposal.end > limit or proposal.start > limit or proposal.start < position:
            continue
        out += [text[position:proposal.start], flag_text(proposal)]
        position = proposal.end
    return "".join(out) + text[position:limit]

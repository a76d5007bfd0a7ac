"""Join paragraphs that a column or page end cut in two.

A paragraph that stops mid-sentence at the end of a run of text (a column
break, a jump marker such as ①6) goes on in the next run of its article,
wherever the layout printed that. The join is a layout repair; characters
lost at the cut are not: where the rest of the text shows how the broken
opening always goes on (a sentence opening with 周 is always 周口…), those
characters are proposed, to be printed as supplied (〔口，〕) if the editor
agrees.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import replace

from .proposals import JOIN, OPEN_END, Proposal, insertion
from .punctuation import ends_sentence, open_tail, skeleton, split_sentences
from .records import PARAGRAPH, Block, ColumnJoin

# A fragment this short is a word cut off, worth completing from evidence.
_MAX_FRAGMENT = 2
# How often, at least, the rest of the text must show the completion.
_MIN_EVIDENCE = 2
_MIN_SHARE = 0.75


def is_open(block: Block) -> bool:
    return block.kind == PARAGRAPH and not ends_sentence(block.text)


def join_units(units: list[list[Block]]) -> tuple[list[Block], list[ColumnJoin]]:
    """The article's blocks, each paragraph left open at the end of a run
    joined with the paragraph that opens the next run."""
    blocks: list[Block] = []
    joins: list[ColumnJoin] = []
    for unit in units:
        if blocks and unit and is_open(blocks[-1]) and unit[0].kind == PARAGRAPH \
                and _was_cut(blocks[-1]):
            before, after = blocks[-1], unit[0]
            joins.append(ColumnJoin((before.last_line, after.first_line),
                                    f"…{before.text[-8:]} | {after.text[:8]}…",
                                    len(before.text), len(blocks) - 1))
            blocks[-1] = replace(before, parts=before.parts + after.parts, marker=after.marker)
            unit = unit[1:]
        blocks.extend(unit)
    return blocks, joins


def _was_cut(block: Block) -> bool:
    """Ends where a run ended: a paragraph is cut by the layout only there."""
    return bool(block.text) and not block.text.endswith(("：", ":"))


def open_end_proposals(blocks: list[Block]) -> list[tuple[int, Proposal]]:
    """A paragraph still open after joining: text was lost, or the rest was
    never printed; the editor marks it 〔……〕 or supplies it."""
    found = []
    for index, block in enumerate(blocks):
        if is_open(block):
            reason = (f"the paragraph stops mid-sentence (…{block.text[-10:]}) and no later run of this "
                      "article goes on with it: text was lost in print; print 〔……〕 where it breaks off, "
                      "or supply what is certain")
            found.append((index, insertion(OPEN_END, len(block.text), "……", reason, decide=True)))
    return found


def lost_at_joins(blocks: list[Block], joins: list[ColumnJoin], document: list[str]) -> list[tuple[int, Proposal]]:
    """Characters probably lost at each join, from how the same broken
    opening goes on everywhere else in the text (`document`: every paragraph)."""
    found = []
    for join in joins:
        text = blocks[join.block].text
        fragment = open_tail(text[:join.at])
        head = text[join.at:]
        completion = _completion(fragment.strip(), head, document)
        where = (f"the paragraph breaks off after {fragment} at raw line {join.lines[0]} and goes on at "
                 f"line {join.lines[1]} ({head[:6]}…)")
        if completion:
            supplied, evidence = completion
            reason = (f"{where}; {evidence}, so “{supplied}” was probably lost where the column ended: "
                      f"print it as supplied, 〔{supplied}〕, or 〔……〕 if unsure")
            found.append((join.block, insertion(JOIN, join.at, supplied, reason, decide=True)))
        elif 0 < len(skeleton(fragment)) <= _MAX_FRAGMENT:
            # A sentence just begun when the column ended: the cut may have taken characters.
            reason = (f"{where}; check the print: if characters were lost at the cut, supply them as "
                      "〔字〕 or print 〔……〕; if none were, delete the flag")
            found.append((join.block, insertion(JOIN, join.at, "……", reason, decide=True)))
    return found


def _completion(fragment: str, head: str, document: list[str]) -> tuple[str, str] | None:
    if not 0 < len(skeleton(fragment)) <= _MAX_FRAGMENT or fragment != skeleton(fragment):
        return None
    starts = [s.strip() for paragraph in document for s in split_sentences(paragraph)]
    this_join = fragment + head[:4]
    following = Counter(s[len(fragment)] for s in starts
                        if s.startswith(fragment) and len(s) > len(fragment) and not s.startswith(this_join))
    total = sum(following.values())
    if total < _MIN_EVIDENCE:
        return None
    ch, n = following.most_common(1)[0]
    if n / total < _MIN_SHARE or head.startswith(ch):
        return None
    word = fragment + ch
    after = Counter(s[len(word):len(word) + 1] for s in starts if s.startswith(word))
    comma = after and after.most_common(1)[0][0] == "，" and after["，"] * 2 >= sum(after.values())
    supplied = ch + ("，" if comma and not head.startswith("，") else "")
    evidence = (f"elsewhere in this text a sentence opening with {fragment} goes on {word} "
                f"({n} of {total} times)" + (f", followed by a comma ({after['，']} of {sum(after.values())})"
                                            if comma else ""))
    return supplied, evidence

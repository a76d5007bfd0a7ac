"""Find passages the layout printed twice and keep one copy of each.

Three shapes of repetition occur in print text: a plain second copy, a copy
re-broken into a narrow column that lost a character or two on the way, and
a copy spliced onto the end (or start) of another paragraph. Whatever is
removed must be contained in the copy that is kept; `ensure_covered`
enforces that, so no unique text can disappear.
"""
from __future__ import annotations

import difflib
from dataclasses import replace
from itertools import combinations

from .punctuation import is_subsequence, skeleton
from .records import QUOTE, TEXT_KINDS, Block, DroppedDuplicate, Flag

# Shorter passages repeat legitimately ("密切了干群关系。", “好！”).
_MIN_COPY_CHARS = 15
_MIN_QUOTE_COPY_CHARS = 8
_NEAR_RATIO = 0.9
_SEPARATORS_LEFT_BY_SPLICE = "；，、：;,:"


class UniqueTextDropped(AssertionError):
    """The importer was about to drop text that the kept copy lacks."""


def ensure_covered(dropped: str, kept: str) -> None:
    if not is_subsequence(skeleton(dropped), skeleton(kept)):
        raise UniqueTextDropped(f"refusing to drop “{dropped[:30]}…”: not contained in kept copy")


def _lines_text(lines: tuple[int, ...]) -> str:
    return f"{lines[0]}–{lines[-1]}" if len(lines) > 1 else str(lines[0])


def _lost_characters(short: str, long: str) -> str:
    matcher = difflib.SequenceMatcher(None, short, long, autojunk=False)
    return "".join(long[j1:j2] for op, _, _, j1, j2 in matcher.get_opcodes() if op != "equal")


def _relation(a: str, b: str) -> str:
    if a == b:
        return "exact"
    short, long = sorted((a, b), key=len)
    if len(long) - len(short) <= max(2, len(long) // 20) and is_subsequence(short, long):
        return "fuzzy"
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    # The quick ratios are upper bounds of ratio(), cheap to compute: most pairs stop there.
    if matcher.real_quick_ratio() >= _NEAR_RATIO and matcher.quick_ratio() >= _NEAR_RATIO \
            and matcher.ratio() >= _NEAR_RATIO:
        return "near"
    return ""


def _keeper(first: Block, second: Block, relation: str) -> tuple[Block, Block]:
    """(kept, dropped): the longer copy, else the one printed in fewer
    pieces (the layout's original, not the re-broken repeat), else the first."""
    a, b = skeleton(first.text), skeleton(second.text)
    if relation == "fuzzy":
        return (first, second) if len(a) > len(b) else (second, first)
    return (first, second) if len(first.parts) <= len(second.parts) else (second, first)


def _copyable(block: Block) -> bool:
    """Long enough that a second copy is a layout repeat; a pull quote, which
    the layout repeats on purpose, may be shorter."""
    least = _MIN_QUOTE_COPY_CHARS if block.kind == QUOTE else _MIN_COPY_CHARS
    return block.kind in TEXT_KINDS and len(skeleton(block.text)) >= least


def _drop_whole_copies(blocks: list[Block | None]) -> tuple[list[DroppedDuplicate], list[Flag]]:
    dropped, flags = [], []
    candidates = [i for i, b in enumerate(blocks) if b and _copyable(b)]
    for i, j in combinations(candidates, 2):
        if blocks[i] is None or blocks[j] is None:
            continue
        relation = _relation(skeleton(blocks[i].text), skeleton(blocks[j].text))
        if relation == "near":
            flags.append(Flag("near-duplicate", blocks[i].lines + blocks[j].lines,
                              f"lines {_lines_text(blocks[i].lines)} and {_lines_text(blocks[j].lines)} "
                              "are near-copies that differ both ways; both kept"))
        elif relation:
            kept, gone = _keeper(blocks[i], blocks[j], relation)
            ensure_covered(gone.text, kept.text)
            lost = _lost_characters(skeleton(gone.text), skeleton(kept.text))
            note = f"the dropped copy lacks “{lost}”" if lost else ""
            dropped.append(DroppedDuplicate(gone.lines, kept.lines, relation, gone.text, note))
            blocks[i if gone is blocks[i] else j] = None
    return dropped, flags


def slice_parts(parts, start: int, end: int) -> tuple[tuple, tuple[int, ...]]:
    """The parts without characters [start, end) of their joined text, and
    the raw lines those characters came from."""
    kept, removed, position = [], [], 0
    for number, text in parts:
        low, position = position, position + len(text)
        if max(low, start) < min(position, end):
            removed.append(number)
        rest = text[: max(0, start - low)] + text[max(0, end - low):]
        if rest:
            kept.append((number, rest))
    return tuple(kept), tuple(removed)


def _mend_seam(parts: tuple) -> tuple[tuple, str]:
    """A suffix splice leaves the host ending in the separator that joined
    the two ("…就业；"); the host's own sentence ends there."""
    number, text = parts[-1]
    if text and text[-1] in _SEPARATORS_LEFT_BY_SPLICE:
        return parts[:-1] + ((number, text[:-1] + "。"),), f"; trailing “{text[-1]}” replaced by “。”"
    return parts, ""


def _cut_splice(host: Block, guest: Block) -> tuple[Block, DroppedDuplicate] | None:
    text, copy = host.text, guest.text
    if len(text) <= len(copy) or not (text.endswith(copy) or text.startswith(copy)):
        return None
    start = len(text) - len(copy) if text.endswith(copy) else 0
    parts, removed = slice_parts(host.parts, start, start + len(copy))
    ensure_covered(text[start: start + len(copy)], copy)
    mended = ""
    if start:
        parts, mended = _mend_seam(parts)
    where = f"end (from “{copy[:6]}” in line {removed[0]})" if start else "start"
    note = f"spliced onto the {where} of the paragraph at lines {_lines_text(host.lines)}{mended}"
    return replace(host, parts=parts), DroppedDuplicate(removed, guest.lines, "spliced", copy, note)


def _drop_splices(blocks: list[Block | None]) -> list[DroppedDuplicate]:
    dropped = []
    guests = [i for i, b in enumerate(blocks)
              if b and b.kind in TEXT_KINDS and len(skeleton(b.text)) >= _MIN_COPY_CHARS]
    for g in guests:
        for h, host in enumerate(blocks):
            if h == g or host is None or host.kind not in TEXT_KINDS:
                continue
            cut = _cut_splice(host, blocks[g])
            if cut:
                blocks[h], record = cut
                dropped.append(record)
    return dropped


def drop_duplicates(blocks: list[Block]) -> tuple[list[Block | None], list[DroppedDuplicate], list[Flag]]:
    """The blocks with dropped copies as None (positions are kept so that
    placement plans still index them), what was dropped, and near-copies
    that could not be resolved safely."""
    result: list[Block | None] = list(blocks)
    dropped, flags = _drop_whole_copies(result)
    dropped += _drop_splices(result)
    return result, dropped, flags

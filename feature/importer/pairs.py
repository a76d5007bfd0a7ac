"""Quotation marks and brackets that lost their partner, with where the
partner most likely stood: a quotation opens after a colon or at the start
of the paragraph, and a term in quotation marks ends before the next
punctuation mark."""
from __future__ import annotations

from .proposals import PAIR, Proposal, insertion

PAIRS = {"“": "”", "‘": "’", "（": "）", "《": "》", "【": "】", "「": "」", "『": "』"}
_CLOSERS = {close: open_ for open_, close in PAIRS.items()}
_CLAUSE_PUNCT = "，。、；：！？…"


def pair_proposals(text: str) -> list[Proposal]:
    stack: list[tuple[str, int]] = []
    proposals = []
    last_closed = 0
    for i, ch in enumerate(text):
        if ch in PAIRS:
            stack.append((ch, i))
        elif ch in _CLOSERS:
            if stack and stack[-1][0] == _CLOSERS[ch]:
                stack.pop()
                last_closed = i + 1
            elif not any(open_ == _CLOSERS[ch] for open_, _ in stack):
                proposals.append(_missing_opener(text, ch, i, last_closed))
                last_closed = i + 1
    for open_, i in stack:
        proposals.append(_missing_closer(text, open_, i))
    return proposals


def _missing_opener(text: str, close: str, i: int, floor: int) -> Proposal:
    open_ = _CLOSERS[close]
    colon = text.rfind("：", floor, i)
    at = colon + 1 if colon >= 0 else floor
    where = "after the colon" if colon >= 0 else (
        "at the start of the paragraph" if at == 0 else "after the previous quotation")
    reason = (f"{close} closes a quotation or bracket that never opens; the opening {open_} "
              f"was most likely lost {where}")
    return insertion(PAIR, at, open_, reason, decide=True)


def _missing_closer(text: str, open_: str, i: int) -> Proposal:
    close = PAIRS[open_]
    if text[i - 1:i] == "：":
        at, where = len(text), "at the end of the paragraph, where the quoted speech ends"
    else:
        stop = next((j for j in range(i + 1, len(text)) if text[j] in _CLAUSE_PUNCT), len(text))
        at, where = stop, "before the next punctuation mark, where a quoted term ends"
    reason = f"{open_} opens a quotation or bracket that never closes; the closing {close} most likely stood {where}"
    return insertion(PAIR, at, close, reason, decide=True)

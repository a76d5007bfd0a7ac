"""Chinese line breaking for share images, by the clreq rules (W3C "Requirements
for Chinese Text Layout", 3.1.7 禁则):

- no line begins with closing punctuation (，。、；：？！ closing quotes and
  brackets, ……, ·, ％) and no line ends with opening punctuation (“《（「);
- —— and …… are never split;
- a number stays with its unit (21.99亿元, 87.21%, 2291公里, 第29) and a
  Latin word stays whole (COVID-19, 5G);
- the last line is never a single character alone (an orphan): the line
  before gives it a piece.

Text is cut into pieces that must not be split; a line may break between any
two. `measure` gives a string's advance in pixels (the font's, with its real
shaping), so the rules hold for whatever face and size the caller sets.
"""
from __future__ import annotations

import re
from collections import deque
from typing import Callable

Measure = Callable[[str], float]

OPENING = "（〔［｛〈《「『【〖〘〚“‘([{"
# Closing brackets and quotes, pause and stop marks, the interpunct, connectors
# and signs that follow a number.
CLOSING = "）〕］｝〉》」』】〗〙〛”’)]}、，。．：；！？,.:;!?％‰%·・～〜"
ELLIPSIS = "…⋯"
PAUSES = "，、；：,;:"
# Characters that count a number's unit: 21.99亿元, 1.77万家, 8500多个, 2291公里.
UNITS = "亿万千百十多余个名家户人位次年月日时分秒号岁元角公里米克吨亩套座台辆件项所条栋间平方倍批期届处支只张本页篇周天度"
ORPHAN_MIN = 2      # characters (punctuation aside) the last line must have

_ATOM = re.compile(
    r"(?P<space>\s+)"
    r"|(?P<word>(?:第(?=[0-9]))?[A-Za-z0-9]+(?:[.,:'/\-][A-Za-z0-9]+)*"
    r"(?:(?<=[0-9])[%％‰℃])?(?:(?<=[0-9%％‰])[" + UNITS + r"]{1,4})?)"
    r"|(?P<run>—{2,}|[" + ELLIPSIS + r"]{2,})"
    r"|(?P<char>.)", re.S)
_CHAR = re.compile(r"(?P<space>\s+)|(?P<run>—{2,}|[" + ELLIPSIS + r"]{2,})|(?P<char>.)", re.S)
_PUNCTUATION = set(OPENING + CLOSING + ELLIPSIS + "—")


def normalize(text: str) -> str:
    """One space for each run of whitespace, none at the ends."""
    return " ".join(text.split())


def pieces(text: str, words: bool = True) -> list[str]:
    """`text` cut where a line may break; a lone " " is a break that vanishes at a line's edge.

    With `words=False` only punctuation holds characters together (for a piece
    too wide for any line, the last resort)."""
    out: list[str] = []
    hold_next = False           # the last piece ends with opening punctuation
    for match in (_ATOM if words else _CHAR).finditer(normalize(text)):
        atom = match.group()
        if match.lastgroup == "space":
            if hold_next:
                out[-1] += " "
            else:
                out.append(" ")
            continue
        if out and (hold_next or _closes(atom)):
            if out[-1] == " " and len(out) > 1:
                out.pop()
                out[-1] += " "
            out[-1] += atom
        else:
            out.append(atom)
        hold_next = atom[-1] in OPENING
    return out


def _closes(atom: str) -> bool:
    return atom[0] in CLOSING or atom[0] in ELLIPSIS


def break_lines(text: str, measure: Measure, width: float, balance: bool = False) -> list[str]:
    """The lines of `text` in `width`, by the rules above; `balance` evens them
    (a headline: the same number of lines as filled greedily, as narrow as that allows)."""
    parts = pieces(text)
    if not parts:
        return []
    lines = _fill(parts, measure, width)
    if balance and len(lines) > 1:
        lines = _balanced(parts, measure, width, len(lines))
    return [_text(line) for line in _without_orphan(lines, measure, width)]


def clamp(lines: list[str], count: int, measure: Measure, width: float, mark: str = "……") -> list[str]:
    """At most `count` lines; cut text ends in `mark` (never after a comma or an opening quote)."""
    if len(lines) <= count:
        return lines
    last = lines[count - 1]
    pause = max(last.rfind(p) for p in PAUSES)
    if pause >= len(last) // 3:     # cut at a pause late in the line rather than mid-word
        last = last[:pause]
    while last and (measure(last + mark) > width or last[-1] in OPENING + CLOSING + " "):
        last = last[:-1]
    return lines[:count - 1] + [last + mark]


def content_length(line: str) -> int:
    """Characters of `line` that are not punctuation or space."""
    return sum(1 for c in line if c not in _PUNCTUATION and not c.isspace())


def _fill(parts: list[str], measure: Measure, width: float) -> list[list[str]]:
    lines: list[list[str]] = []
    line: list[str] = []
    queue = deque(parts)
    while queue:
        piece = queue.popleft()
        if piece == " ":
            if line:
                line.append(piece)
            continue
        if _fits(line + [piece], measure, width):
            line.append(piece)
        elif line:
            lines.append(line)
            line = []
            queue.appendleft(piece)
        elif len(pieces(piece, words=False)) > 1:
            queue.extendleft(reversed(pieces(piece, words=False)))
        else:
            line = [piece]      # one character wider than the line: nothing narrower exists
    if line:
        lines.append(line)
    return lines


def _balanced(parts: list[str], measure: Measure, width: float, count: int) -> list[list[str]]:
    """The narrowest filling that still needs only `count` lines (binary search on the width)."""
    low = max(measure(p.strip()) for p in parts if p != " ")
    high = width
    while high - low > 1:
        middle = (low + high) / 2
        if len(_fill(parts, measure, middle)) <= count:
            high = middle
        else:
            low = middle
    return _fill(parts, measure, high)


def _without_orphan(lines: list[list[str]], measure: Measure, width: float) -> list[list[str]]:
    """Pieces come down from the line before until the last line has ORPHAN_MIN
    characters (a piece that holds only punctuation counts for none, so one move
    may not be enough), as long as the line before keeps one and the last fits."""
    if len(lines) < 2:
        return lines
    kept, last = list(lines[-2]), list(lines[-1])
    while content_length(_text(last)) < ORPHAN_MIN:
        while kept and kept[-1] == " ":
            kept.pop()
        if sum(1 for p in kept if content_length(p)) < 2 or not _fits([kept[-1]] + last, measure, width):
            break
        last.insert(0, kept.pop())
    return lines[:-2] + [kept, last]


def _fits(line: list[str], measure: Measure, width: float) -> bool:
    return measure(_text(line)) <= width + 0.01


def _text(line: list[str]) -> str:
    return "".join(line).strip(" ")

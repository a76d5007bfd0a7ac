"""Suspected OCR slips in one paragraph, each with a proposed reading and
the reason in plain words. Nothing here changes the text: the editor
decides, helped by a marker in the draft (marks.py).

The classes are those print text shows: a character doubled where no word
has it (理理念), a character printed both before and inside brackets
(乡镇（镇）), a character one stroke away from the one that makes a common
word (人场券 → 入场券), an idiom or set phrase with a character lost or
misread (以来居上 → 以后来居上), a glyph the decoder could not map (■), and
quotation marks or brackets without their partner. Each is judged with the
word list (lexicon.py): a proposal must make the text read clearly more
like ordinary Chinese than the print does, and never where the print is
made of ordinary words already.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .lexicon import Lexicon
from .pairs import pair_proposals
from .punctuation import UNDECODED_GLYPHS
from .proposals import (
    DOUBLED, GLYPH, IDIOM, LOOKALIKE, Proposal, insertion, replacement,
)

# Characters OCR confuses because they look alike (a stroke more or less).
LOOKALIKE_GROUPS = (
    "人入八", "己已巳", "未末", "土士", "园团圆", "竞竟", "拔拨", "戊戌戍", "日曰",
    "目自白", "千干于", "天夭", "大太犬", "王玉主", "木本术", "刀力", "为办", "今令",
    "史吏", "免兔", "鸟乌", "折拆析", "侯候", "徒徙", "辨辩辫", "赢嬴", "祟崇",
    "治冶", "准淮", "即既", "幕募墓慕暮", "贷货", "杨扬", "坏怀", "买卖", "衷哀衰",
    "宫官", "历厉", "元无", "母毋", "甲申由田", "洒酒", "撤撒", "灸炙", "壁璧",
    "侍待", "蓝篮", "籍藉", "帐账", "象像", "练炼", "苦若", "休体", "找我", "问间",
    "力办", "华花", "戮勠",
)


def _lookalikes(groups: tuple[str, ...]) -> dict[str, str]:
    """Each character → the characters it may be misread for."""
    found: dict[str, str] = {}
    for group in groups:
        for ch in group:
            found[ch] = found.get(ch, "") + group.replace(ch, "")
    return found


LOOKALIKES = _lookalikes(LOOKALIKE_GROUPS)

UNDECODED = re.compile(f"[{UNDECODED_GLYPHS}]")
_CJK = re.compile(r"[\u4e00-\u9fff]+")
_GLYPH_OR_CJK = re.compile(f"[\u4e00-\u9fff{UNDECODED_GLYPHS}]+")
_BRACKET_DOUBLE = re.compile(r"([\u4e00-\u9fff]{1,2})（")
_DOUBLED_PUNCT = re.compile(r"([，。、；：！？])\1")
# How much likelier (in nats of the word model) a reading must make its
# clause. Measured on 55,000 characters of clean news and policy text
# (benchmarks/import_slips.py): no true word there gains more than 4.1 from
# a look-alike swap; 周未 → 周末 gains 5.6, the Zhoukou slips 9 to 14.
_LOOKALIKE_GAIN = 5.5
_DOUBLED_GAIN = 6.0
_SWAP_GAIN = 15.0
_LOST_GAIN = 3.0
# A character seen alone fewer times than this is rarely a word by itself.
_STANDALONE = 1000
# A word this many times more common than the printed one beside it (自已 →
# 自己) is what was meant, whatever the clause's total.
_COMMON_RATIO = 100
_MIN_WORD_COUNT = 20
# An unreadable glyph is given a reading only when it beats the next best by this much.
_GLYPH_MARGIN = 3.0
_CONTEXT = 5


@dataclass(frozen=True)
class Run:
    """A run of Chinese characters inside a paragraph, with its offset."""
    text: str
    start: int

    def window(self, i: int, j: int, pad: int = _CONTEXT) -> tuple[int, int]:
        return max(0, i - pad), min(len(self.text), j + pad)

    def gain(self, lexicon: Lexicon, i: int, j: int, new: str) -> float:
        """How much likelier the clause reads with text[i:j] replaced by `new`."""
        lo, hi = self.window(i, j)
        old = self.text[lo:hi]
        return lexicon.cost(old) - lexicon.cost(self.text[lo:i] + new + self.text[j:hi])


def _runs(text: str, pattern: re.Pattern = _CJK) -> list[Run]:
    return [Run(m.group(), m.start()) for m in pattern.finditer(text)]


def _word_at(words: list[str], offset: int) -> tuple[str, int]:
    position = 0
    for word in words:
        if position <= offset < position + len(word):
            return word, position
        position += len(word)
    return "", position


def glyph_proposals(text: str, lexicon: Lexicon) -> list[Proposal]:
    proposals = []
    for match in UNDECODED.finditer(text):
        run = next(r for r in _runs(text, _GLYPH_OR_CJK)
                   if r.start <= match.start() < r.start + len(r.text))
        reading, word = _glyph_reading(run, match.start() - run.start, lexicon)
        glyph = match.group()
        if reading:
            reason = (f"the decoder printed {glyph} for a character it could not read; "
                      f"{word} is a known {lexicon.kind(word)} and no other character fits")
            proposals.append(replacement(GLYPH, match.start(), glyph, reading, reason))
        else:
            reason = (f"the decoder printed {glyph} for a character it could not read, and no word "
                      "settles which; supply it, or print 〔□〕 where it stays unreadable")
            proposals.append(replacement(GLYPH, match.start(), glyph, None, reason))
    return proposals


def _glyph_reading(run: Run, g: int, lexicon: Lexicon) -> tuple[str, str]:
    """The character the glyph stands for, and the phrase or word that makes
    it certain: a four-character idiom or set phrase first, else the one
    character that makes the clause read far better than any other."""
    phrases = {}
    for i in range(max(0, g - 3), min(g, len(run.text) - 4) + 1):
        window = run.text[i:i + 4]
        if UNDECODED.search(window[:g - i] + window[g - i + 1:]):
            continue
        for phrase in lexicon.holes.get(window[:g - i] + "*" + window[g - i + 1:], ()):
            phrases[phrase[g - i]] = phrase
    if phrases:
        ranked = sorted(phrases.items(), key=lambda item: -lexicon.count(item[1]))
        return ranked[0] if len(ranked) == 1 or lexicon.count(ranked[0][1]) >= 5 * lexicon.count(ranked[1][1]) \
            else ("", "")
    return _glyph_by_words(run, g, lexicon)


def _glyph_by_words(run: Run, g: int, lexicon: Lexicon) -> tuple[str, str]:
    left, right = run.text[g - 1:g], run.text[g + 1:g + 2]
    candidates = [ch for ch in lexicon.alphabet
                  if (left and lexicon.known(left + ch)) or (right and lexicon.known(ch + right))]
    lo, hi = run.window(g, g + 1)
    scored = []
    for ch in candidates:
        cost, words = lexicon.segment(run.text[lo:g] + ch + run.text[g + 1:hi])
        word, _ = _word_at(words, g - lo)
        if len(word) > 1 and not UNDECODED.search(run.text[lo:hi].replace(run.text[g], "", 1)):
            scored.append((cost, ch, word))
    scored.sort()
    if scored and (len(scored) == 1 or scored[1][0] - scored[0][0] >= _GLYPH_MARGIN):
        return scored[0][1], scored[0][2]
    return "", ""


def doubled_proposals(text: str, lexicon: Lexicon) -> list[Proposal]:
    proposals = []
    for run in _runs(text):
        for i in range(len(run.text) - 1):
            if _doubled_slip(text, run, i, lexicon):
                ch, after = run.text[i], run.text[i + 1:i + 4]
                proposals.append(replacement(
                    DOUBLED, run.start + i, ch, "",
                    f"{ch} is printed twice; no word has {ch}{ch} here ({_best_word(lexicon, after)} does)"))
    proposals += _bracket_doubles(text)
    for match in _DOUBLED_PUNCT.finditer(text):
        proposals.append(replacement(DOUBLED, match.start(), match.group(1), "",
                                     f"{match.group(1)} is printed twice"))
    return proposals


def _doubled_slip(paragraph: str, run: Run, i: int, lexicon: Lexicon) -> bool:
    """理理念: one copy stands alone between words, and the clause reads far
    better without it. 产权权能 (two words meeting), 一颗颗 (a measure word
    doubled) and 洗洗澡、治治病 (a pattern repeated) are written so."""
    text, ch = run.text, run.text[i]
    if ch != text[i + 1:i + 2] or (i and text[i - 1] == "一"):
        return False
    at = run.start + i
    if any(paragraph[j] == paragraph[j + 1] for j in range(max(0, at - 8), min(len(paragraph) - 1, at + 9))
           if abs(j - at) > 1 and "\u4e00" <= paragraph[j] <= "\u9fff"):
        return False
    lo, hi = run.window(i, i + 2)
    _, words = lexicon.segment(text[lo:hi])
    first, _ = _word_at(words, i - lo)
    second, _ = _word_at(words, i + 1 - lo)
    if ch + ch in first or (len(first) > 1 and len(second) > 1):
        return False
    return run.gain(lexicon, i, i + 1, "") >= _DOUBLED_GAIN


def _best_word(lexicon: Lexicon, text: str) -> str:
    return lexicon.segment(text)[1][0] if text else ""


def _bracket_doubles(text: str) -> list[Proposal]:
    """乡镇（镇）: the brackets give an alternative to the word before them, so
    what they hold is never also printed just before them."""
    proposals = []
    for match in _BRACKET_DOUBLE.finditer(text):
        before = match.group(1)
        inside = text[match.end():match.end() + len(before)]
        for k in sorted({len(before), 1}, reverse=True):
            if before[-k:] != inside[:k]:
                continue
            start = match.start(1) + len(before) - k
            close = text.find("）", match.end())
            fixed = text[max(0, start - 2):start] + text[start + k:close + 1 if close > 0 else match.end() + k]
            proposals.append(replacement(
                DOUBLED, start, before[-k:], "",
                f"{before[-k:]} is printed both before and inside the brackets; brackets give an "
                f"alternative to the word before them: {fixed}"))
            break
    return proposals


def lookalike_proposals(text: str, lexicon: Lexicon) -> list[Proposal]:
    proposals = []
    for run in _runs(text):
        for i, ch in enumerate(run.text):
            best = _best_lookalike(run, i, ch, lexicon)
            if best:
                alternative, word, printed = best
                reason = (f"{printed} is not a common word; {word} is, and {ch} and {alternative} "
                          "differ by a stroke (OCR confuses them)")
                proposals.append(replacement(LOOKALIKE, run.start + i, ch, alternative, reason))
    return proposals


def _makes_a_word(run: Run, i: int, alternative: str, lexicon: Lexicon) -> bool:
    """Whether the alternative forms any known word with its neighbours:
    a quick test before the whole clause is weighed."""
    text = run.text
    for length in (2, 3, 4):
        for start in range(max(0, i - length + 1), min(i, len(text) - length) + 1):
            if lexicon.known(text[start:i] + alternative + text[i + 1:start + length]):
                return True
    return False


def _best_lookalike(run: Run, i: int, ch: str, lexicon: Lexicon) -> tuple[str, str, str] | None:
    best = None
    lo, hi = run.window(i, i + 1)
    printed_cost = None
    for alternative in LOOKALIKES.get(ch, ""):
        if not _makes_a_word(run, i, alternative, lexicon):
            continue
        if printed_cost is None:
            printed_cost = lexicon.cost(run.text[lo:hi])
        new_cost, new_words = lexicon.segment(run.text[lo:i] + alternative + run.text[i + 1:hi])
        gain = printed_cost - new_cost
        word, start = _word_at(new_words, i - lo)
        if len(word) < 2 or lexicon.count(word) < _MIN_WORD_COUNT or lexicon.is_name(word):
            continue
        printed = run.text[lo + start: lo + start + len(word)]
        if gain < _LOOKALIKE_GAIN and not (gain > 0 and _much_commoner(lexicon, word, printed)):
            continue
        if best is None or gain > best[0]:
            best = (gain, alternative, word, printed)
    return best[1:] if best else None


def _much_commoner(lexicon: Lexicon, word: str, printed: str) -> bool:
    """自已 is in the word list, but 自己 is a hundred times commoner."""
    return len(printed) == len(word) and lexicon.known(printed) \
        and lexicon.count(word) >= _COMMON_RATIO * lexicon.count(printed)


def idiom_proposals(text: str, lexicon: Lexicon) -> list[Proposal]:
    """Four-character idioms and set phrases with one character lost or
    misread (a look-alike misreading is found by lookalike_proposals)."""
    proposals = []
    for run in _runs(text):
        taken: set[int] = set()
        for i in range(len(run.text) - 2):
            found = _lost_character(run, i, lexicon, text)
            if found:
                taken.update(range(i - 1, i + 4))
                proposals.append(found)
        for i in range(len(run.text) - 3):
            if i not in taken:
                found = _misread_character(run, i, lexicon, text)
                if found:
                    proposals.append(found)
    return proposals


def _lost_character(run: Run, i: int, lexicon: Lexicon, paragraph: str) -> Proposal | None:
    fragment = run.text[i:i + 3]
    if lexicon.known(fragment) or in_series(paragraph, run.start + i):
        return None
    for phrase, k in lexicon.gaps.get(fragment, ()):
        if phrase[k] in (run.text[i - 1:i], run.text[i + 3:i + 4]):
            continue   # the character is there, in another order: not lost
        at = run.start + i + k
        if UNDECODED.search(paragraph[max(0, at - 1):at + 1]):
            continue   # an unreadable glyph stands there: not lost (glyph_proposals reads it)
        if _patterned(run.text[i - 1:i + 3] if k == 0 else run.text[i:i + 4]):
            continue
        if _misread_not_lost(run, i, k, phrase[k]):
            continue
        if run.gain(lexicon, i + k, i + k, phrase[k]) < _LOST_GAIN:
            continue
        before = run.text[i - 1:i] if k == 0 else ""
        if before and lexicon.count(before) < _STANDALONE:
            # 勠力同心: the character before is no word on its own, so it was misread, not kept
            return replacement(IDIOM, run.start + i - 1, before, phrase[0],
                               f"{before}{fragment} is not a known phrase; {phrase} is a known "
                               f"{lexicon.kind(phrase)} (one character differs: {before} for {phrase[0]})")
        reason = (f"{before}{fragment} is not a known phrase; {phrase} is a known "
                  f"{lexicon.kind(phrase)}: {phrase[k]} seems lost"
                  + (f" after {before}" if before else ""))
        return insertion(IDIOM, run.start + i + k, phrase[k], reason)
    return None


def _misread_not_lost(run: Run, i: int, k: int, lost: str) -> bool:
    """锦上添华, 埋头苦千: the character beside the fragment, where the lost one
    would go, is its look-alike or ends the clause: it is the phrase's own
    character misread, not a character lost before a kept one."""
    if k not in (0, 3):
        return False
    neighbour_at = i - 1 if k == 0 else i + 3
    if not 0 <= neighbour_at < len(run.text):
        return False
    neighbour = run.text[neighbour_at]
    return lost in LOOKALIKES.get(neighbour, "") or neighbour_at in (0, len(run.text) - 1)


def _misread_character(run: Run, i: int, lexicon: Lexicon, paragraph: str) -> Proposal | None:
    window = run.text[i:i + 4]
    if lexicon.known(window) or in_series(paragraph, run.start + i) or _patterned(window):
        return None
    best = None
    for k in range(4):
        for phrase in lexicon.holes.get(window[:k] + "*" + window[k + 1:], ()):
            if phrase == window or phrase[k] in LOOKALIKES.get(window[k], ""):
                continue
            gain = run.gain(lexicon, i, i + 4, phrase)
            if gain >= _SWAP_GAIN and (best is None or gain > best[0]):
                best = (gain, k, phrase)
    if best is None:
        return None
    _, k, phrase = best
    reason = (f"{window} is not a known phrase; {phrase} is a known "
              f"{lexicon.kind(phrase)} (one character differs: {window[k]} for {phrase[k]})")
    return replacement(IDIOM, run.start + i + k, window[k], phrase[k], reason)


def _patterned(window: str) -> bool:
    """一户一人, 有声有色, 越来越好: four characters built on a repeated one
    (一X一Y, X来X去) are a pattern writers fill freely, not a phrase misprinted."""
    return len(window) == 4 and (window[0] == window[2] or window[1] == window[3])


_ITEM_SEPARATORS = re.compile("[、，；。！？：]")


def in_series(paragraph: str, start: int) -> bool:
    """老有所依、老有所养、老有所医 or 以水润城、以绿荫城: items of a list that
    share characters at the same places are varied on purpose."""
    items, position = [], 0
    for piece in _ITEM_SEPARATORS.split(paragraph):
        items.append(piece if position <= start < position + len(piece) + 1 else None)
        items[-1:] = [(piece, items[-1] is not None)]
        position += len(piece) + 1
    for n, (item, here) in enumerate(items):
        if here:
            neighbours = [other for other, _ in items[max(0, n - 1):n] + items[n + 1:n + 2]]
            return 3 <= len(item) <= 8 and any(
                len(other) == len(item) and any(a == b for a, b in zip(item, other))
                for other in neighbours)
    return False


def find_slips(text: str, lexicon: Lexicon) -> list[Proposal]:
    """Every suspected slip in one paragraph, overlapping ones resolved in
    favour of the surer class."""
    found = (glyph_proposals(text, lexicon) + doubled_proposals(text, lexicon)
             + lookalike_proposals(text, lexicon) + idiom_proposals(text, lexicon)
             + pair_proposals(text))
    kept: list[Proposal] = []
    for proposal in found:
        if not any(proposal.overlaps(other) for other in kept):
            kept.append(proposal)
    return sorted(kept, key=lambda p: (p.start, p.end))

"""Key figures: numbers pulled from the story, verified against it.

What counts as a figure
    Arabic digits (half- or full-width) with an optional 万/亿 multiplier,
    an optional 多/余 (or leading 约/近/逾) marking an approximation, and a
    unit or measure word: 21.99亿元, 1.77万家, 87.21%, 900至1800元, 8500多个.
    A number with a multiplier but no measure word (22.63万建档立卡贫困人口)
    counts, with unit "". Not figures: bare numbers (no unit, no multiplier),
    dates and durations (年/月/日/季度/小时 are not units: 2018年, 5月9日,
    2017年底), ordinals (第3个), numbers glued to Latin letters (5G, G20), and
    Chinese-numeral words (四个意识, 五城联创, 三项机制): in this newsroom's
    style Chinese numerals name things, Arabic digits report them.

Sentences
    A sentence ends at 。！or ？ (runs such as ！？ stay together) and keeps
    the closing quotes and brackets that follow it (“……。” is one sentence).
    ；and …… do not end a sentence: a semicolon joins clauses of one
    sentence, and …… is as often a list ellipsis (公园、植物园……犹如) as an end.

Labels
    A figure's label is the clause it sits in (between ，；：、 and brackets)
    with the figure itself removed: 市县两级派出1031个工作队 → 市县两级派出工作队.
    A leading filler (其中, 截至目前, 同时 …) is dropped. A label shorter than
    3 characters takes in the clause before it (提拔13名、重用); one longer
    than 24 is cut around the figure's place with "…".

Ranking (`rank_figures`)
    1. Sort key: money (元) first, then people (人 名 位 人次 户), then
       ratios (% 个百分点 倍), then every other unit; within a group larger
       values first; ties in article order.
    2. Walk that order and pick, letting no section (subhead; "" for the
       text before the first subhead) hold more than ceil(limit / number of
       sections) picks; if that leaves places empty, walk again without
       the cap. So big sums lead, but one section cannot fill the sidebar.
    3. Never two picks from the same sentence (compared by text, so a
       paragraph printed twice cannot contribute twice), nor the same figure
       text twice.
    The picks are returned in sort-key order. Everything is deterministic.
"""
from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from collections import Counter
from dataclasses import replace
from decimal import Decimal
from typing import Mapping, NamedTuple, Sequence

from feature.core.model import CuratedFigure, KeyFigure

_WIDE = {0xFF10 + d: 0x30 + d for d in range(10)}
_WIDE.update({ord("％"): ord("%"), ord("．"): ord(".")})
_MULTIPLIERS = {"万亿": Decimal(10) ** 12, "亿": Decimal(10) ** 8, "万": Decimal(10) ** 4}
_UNITS = (
    "个百分点 % ‰ 倍 元 美元 欧元 人次 人 名 位 户 家 个 所 套 座 项 条 处 辆 台 "
    "艘 架 吨 公斤 千克 亩 公顷 平方公里 平方米 立方米 公里 千米 米 千瓦时 千瓦 "
    "兆瓦 度 张 间 栋 场 次 批 类 种 件 株 棵 头 只 册 部 支 份 篇 门 辆次 千伏"
).split()
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_MULT = "万亿|亿|万"
_UNIT = "|".join(re.escape(u) for u in sorted(_UNITS, key=len, reverse=True))
_FIGURE = re.compile(
    rf"(?<![\dA-Za-z.第])(?P<pre>约|近|逾)?(?<![\dA-Za-z.第])(?P<low>{_NUM})"
    rf"(?:(?P<lowmult>{_MULT})?(?P<lowunit>{_UNIT})?(?:至|到|~|～|-|－|—)(?P<high>\d+(?:\.\d+)?))?"
    rf"(?P<mult>{_MULT})?(?P<approx>多|余)?(?P<mult2>{_MULT})?(?P<unit>{_UNIT})?"
    r"(?![A-Za-z])"
)
_FIGURE_START = re.compile(r"[约近逾\d]")
_TERMINATORS = "。！？"
_CLOSERS = "”’」』）)】》〉"
_SENTENCE = re.compile(
    rf"[^{_TERMINATORS}]*[{_TERMINATORS}][{_TERMINATORS}{_CLOSERS}]*|[^{_TERMINATORS}]+\Z")
_SEPARATORS = re.compile(r"[，,；;：:、（）()]")
_FILLERS = ("截至目前", "截至", "目前", "其中", "同时", "此外", "另外", "并且")
_LABEL_MIN, _LABEL_MAX = 3, 24
_LABEL_WINDOW = 4 * _LABEL_MAX
_MONEY = {"元", "美元", "欧元"}
_PEOPLE = {"人", "名", "位", "人次", "户"}
_RATIOS = {"%", "‰", "个百分点", "倍"}


class FigureMatch(NamedTuple):
    """A figure found in a text: its span and parsed value."""
    start: int
    end: int
    value: float
    unit: str
    approximate: bool
    value_max: float | None


_WIDE_CHARS = re.compile("[\uff10-\uff19％．]")
DIGIT = re.compile("[0-9\uff10-\uff19]")


def normalise_digits(text: str) -> str:
    """Full-width digits, ％ and ． to ASCII; same length, so offsets hold."""
    # str.translate walks every character in Python-level table lookups; most
    # text has no full-width digit at all, which one C-level search tells.
    return text.translate(_WIDE) if _WIDE_CHARS.search(text) else text


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of `text`, whitespace trimmed."""
    spans = []
    for m in _SENTENCE.finditer(text):
        chunk = m.group()
        a, b = m.start() + len(chunk) - len(chunk.lstrip()), m.start() + len(chunk.rstrip())
        if a < b:
            spans.append((a, b))
    return spans


def split_sentences(paragraph: str) -> list[str]:
    """The sentences of a paragraph (see the module docstring for the rules)."""
    return [paragraph[a:b] for a, b in sentence_spans(paragraph)]


def find_figures(text: str) -> list[FigureMatch]:
    """Every figure in `text`, in order, with offsets into `text`."""
    if not DIGIT.search(text):         # no digit, no figure: skip the slow scan
        return []
    if len(text) > _CACHED_TEXT:
        return list(_figures_in.__wrapped__(text))
    return list(_figures_in(text))


# The body's treeprocessor scans each sentence's text run, then extract_figures
# scans the same sentence of the plain text (where the treeprocessor did not hand
# it its matches, figures.Scanned): the second scan is a cache hit.
# Bounded in entries and in their length (a pure function of the text), so a
# long preview session cannot grow it; a longer text is scanned each time.
_CACHED_TEXT = 2000


@functools.lru_cache(maxsize=1024)
def _figures_in(text: str) -> tuple[FigureMatch, ...]:
    found = []
    for m in _figure_matches(normalise_digits(text)):
        parsed = _parse_match(m)
        if parsed:
            found.append(FigureMatch(m.start(), m.end(), *parsed))
    return tuple(found)


def _figure_matches(text: str) -> list[re.Match]:
    """Exactly `_FIGURE.finditer(text)`, twice as fast: a figure starts with
    约/近/逾 or a digit, so the pattern (whose leading look-behind stops the
    regex engine's own quick scan) is tried only where one of those stands."""
    found, pos = [], 0
    while True:
        candidate = _FIGURE_START.search(text, pos)
        if candidate is None:
            return found
        m = _FIGURE.match(text, candidate.start())   # look-behinds still see before pos
        if m:
            found.append(m)
            pos = m.end()
        else:
            pos = candidate.start() + 1


def _parse_match(m: re.Match) -> tuple[float, str, bool, float | None] | None:
    mult_word = m["mult"] or m["mult2"]
    unit = m["unit"] or ""
    if not unit and not mult_word:
        return None  # a bare number, a year, a date
    if m["high"] and m["lowunit"] and m["lowunit"] != unit:
        return None
    mult = _MULTIPLIERS.get(mult_word or "", Decimal(1))
    low_mult = _MULTIPLIERS[m["lowmult"]] if m["lowmult"] else mult
    low = float(Decimal(m["low"].replace(",", "")) * low_mult)
    high = float(Decimal(m["high"]) * mult) if m["high"] else None
    return low, unit, bool(m["approx"] or m["pre"]), high


class _Found(NamedTuple):
    """A figure before it is a KeyFigure: what ranking reads, and where it stands."""
    text: str
    value: float
    unit: str
    sentence: str
    subhead: str
    paragraph: int
    sentence_index: int
    start: int                      # of `text` in `sentence`
    end: int
    approximate: bool
    value_max: float | None


# Per paragraph: its figures as the body's treeprocessor found them, sentence
# by sentence ((sentence index, sentence, its matches), …: the sentences of the
# paragraph's plain text that hold figures), or None for one to split and scan here.
Scanned = Sequence[tuple | None]


def extract_figures(paragraphs: Sequence[tuple[str, str]],
                    sentence_ids: Mapping[tuple[int, int], str] | None = None,
                    scanned: Scanned | None = None) -> list[KeyFigure]:
    """Every figure of an article; `paragraphs` are (subhead, plain text).

    `sentence_ids` ({(paragraph, sentence index): id}) fills `sentence_id`
    as the figures are made (as sentences.attach_sentence_ids would).
    `scanned` (RenderedBody.scanned) saves splitting and scanning again the
    paragraphs the body's treeprocessor has: the same figures."""
    ids = sentence_ids or {}
    return [_key_figure(f, ids) for f in _found(paragraphs, scanned)]


def top_figures(paragraphs: Sequence[tuple[str, str]], sentence_ids: Mapping[tuple[int, int], str] | None,
                limit: int = 8, scanned: Scanned | None = None) -> list[KeyFigure]:
    """`rank_figures(extract_figures(paragraphs, sentence_ids, scanned), limit)`,
    labelling only the picks: ranking reads no label, and most figures are
    never shown (a label is a clause cut around its figure)."""
    return [_key_figure(f, sentence_ids or {}) for f in rank_figures(_found(paragraphs, scanned), limit)]


def _found(paragraphs: Sequence[tuple[str, str]], scanned: Scanned | None) -> list[_Found]:
    found = []
    for p_index, (subhead, text) in enumerate(paragraphs):
        places = scanned[p_index] if scanned else None
        if places is None:
            if not DIGIT.search(text):     # most paragraphs hold no figure at all
                continue
            places = [(s_index, sentence, find_figures(sentence))
                      for s_index, sentence in enumerate(split_sentences(text))]
        for s_index, sentence, matches in places:
            for m in matches:
                found.append(_Found(sentence[m.start:m.end], m.value, m.unit, sentence, subhead, p_index,
                                    s_index, m.start, m.end, m.approximate, m.value_max))
    return found


def _key_figure(f: _Found, ids: Mapping[tuple[int, int], str]) -> KeyFigure:
    return KeyFigure(
        text=f.text, value=f.value, unit=f.unit, label=make_label(f.sentence, f.start, f.end),
        sentence=f.sentence, paragraph=f.paragraph, sentence_index=f.sentence_index, subhead=f.subhead,
        approximate=f.approximate, value_max=f.value_max,
        sentence_id=ids.get((f.paragraph, f.sentence_index), ""))


def make_label(sentence: str, start: int, end: int) -> str:
    """The clause around sentence[start:end], without the figure itself."""
    bounds, starts = _clauses(sentence)
    i = bisect.bisect_right(starts, start) - 1
    a, b = bounds[i]
    label = _strip_label(sentence[a:start] + sentence[end:b])
    clause = a, b
    if len(label) < _LABEL_MIN and i > 0:
        a = bounds[i - 1][0]
    # Only the text near the figure can end up in a label (_shorten keeps 24
    # characters): a 100,000-character clause must not be copied per figure.
    a, b = max(a, start - _LABEL_WINDOW), min(b, end + _LABEL_WINDOW)
    if (a, b) != clause:            # usually the clause itself: label already made
        label = _strip_label(sentence[a:start] + sentence[end:b])
    left = len(_strip_label(sentence[a:start] + "|")) - 1
    return _shorten(label, min(left, len(label)))


@functools.lru_cache(maxsize=16)
def _clauses(sentence: str) -> tuple[list[tuple[int, int]], list[int]]:
    """Clause bounds of a sentence and their starts, once per sentence, not per figure."""
    bounds = _clause_bounds(sentence)
    return bounds, [a for a, _ in bounds]


def _clause_bounds(sentence: str) -> list[tuple[int, int]]:
    seps = [m.end() for m in _SEPARATORS.finditer(sentence)]
    edges = [0] + seps + [len(sentence) + 1]
    cuts = [0] + [e for k, e in enumerate(seps, 1)
                  if sentence[e - 1] != "、" or _both_have_digits(sentence, edges, k)]
    cuts.append(len(sentence) + 1)
    return [(cuts[k], cuts[k + 1]) for k in range(len(cuts) - 1)]


def _both_have_digits(sentence: str, edges: list[int], k: int) -> bool:
    """A 、 separates clauses only between two figures (提拔13名、重用1名),
    not inside an enumeration (淮阳、商水、太康4个国家级贫困县)."""
    before, after = sentence[edges[k - 1]:edges[k]], sentence[edges[k]:edges[k + 1]]
    return all(re.search(r"\d", normalise_digits(t)) for t in (before, after))


def _strip_label(text: str) -> str:
    text = text.strip().strip("，,；;：:、（）()。！？ ")
    if not text.startswith(_FILLERS):   # one C-level test for the usual case
        return text
    for filler in _FILLERS:
        if text.startswith(filler) and len(text) > len(filler):
            return text[len(filler):].lstrip("，,")
    return text


def _shorten(label: str, left: int) -> str:
    if len(label) <= _LABEL_MAX:
        return label
    right = len(label) - left
    keep_right = min(right, max(_LABEL_MAX // 3, _LABEL_MAX - left))
    head_cut, tail_cut = left - (_LABEL_MAX - keep_right), left + keep_right
    for m in find_figures(label):  # never cut through another figure
        if m.start < head_cut < m.end:
            head_cut = m.end
        if m.start < tail_cut < m.end:
            tail_cut = m.start
    head_cut = max(head_cut, 0)
    return ("…" if head_cut else "") + label[head_cut:tail_cut] + ("…" if tail_cut < len(label) else "")


def unit_group(unit: str) -> int:
    """0 money, 1 people, 2 ratios, 3 everything else (the ranking order)."""
    for rank, group in enumerate((_MONEY, _PEOPLE, _RATIOS)):
        if unit in group:
            return rank
    return 3


def rank_figures(figures: Sequence[KeyFigure], limit: int = 8) -> list[KeyFigure]:
    """The `limit` best figures for a sidebar (rules in the module docstring).
    Reads each figure's unit, value, subhead, sentence and text, nothing else."""
    order = sorted(range(len(figures)), key=lambda k: _rank_key(figures[k], k))
    sections = {f.subhead for f in figures}
    picked: list[int] = []
    _pick(figures, order, picked, limit, cap=-(-limit // max(1, len(sections))))
    _pick(figures, order, picked, limit, cap=limit)
    return [figures[k] for k in sorted(picked, key=lambda k: _rank_key(figures[k], k))]


def _rank_key(figure: KeyFigure, position: int) -> tuple:
    return unit_group(figure.unit), -figure.value, position


def _pick(figures, order: list[int], picked: list[int], limit: int, cap: int) -> None:
    """Walk `order`, adding to `picked` each figure that shares neither sentence
    nor text with a pick and whose section holds fewer than `cap` picks."""
    taken = set(picked)
    sentences = {figures[j].sentence for j in picked}
    texts = {figures[j].text for j in picked}
    per_section = Counter(figures[j].subhead for j in picked)
    for k in order:
        if len(picked) == limit:
            return
        fig = figures[k]
        if k in taken or fig.sentence in sentences or fig.text in texts:
            continue
        if per_section[fig.subhead] < cap:
            picked.append(k)
            taken.add(k)
            sentences.add(fig.sentence)
            texts.add(fig.text)
            per_section[fig.subhead] += 1


def find_curated(curated: CuratedFigure, figures: Sequence[KeyFigure],
                 body_text: str) -> KeyFigure | None:
    """The extracted figure an editor's pick refers to, or None.

    `curated.figure` must occur verbatim in `body_text`; it may carry words
    after the unit (1031个工作队). The first figure whose sentence contains the
    curated text and whose own text overlaps it is returned, relabelled with
    the editor's label when one is given.
    """
    wanted = curated.figure.strip()
    if not wanted or wanted not in body_text:
        return None
    for fig in figures:
        if _covers(fig, wanted):
            return replace(fig, label=curated.label or fig.label)
    return None


def _covers(fig: KeyFigure, wanted: str) -> bool:
    at = fig.sentence.find(wanted)
    while at >= 0:
        for m in find_figures(fig.sentence):
            if m.start < at + len(wanted) and at < m.end and fig.sentence[m.start:m.end] == fig.text:
                return True
        at = fig.sentence.find(wanted, at + 1)
    return False


def curated_problem(curated: CuratedFigure, figures: Sequence[KeyFigure],
                    body_text: str) -> str | None:
    """Why `find_curated` finds nothing (a message for file:line), or None."""
    if find_curated(curated, figures, body_text):
        return None
    if curated.figure.strip() and curated.figure.strip() in body_text:
        return (f"figure “{curated.figure}” is in the text but is not a figure "
                "(a date, a bare number or a name?); run `build.py figures` to list candidates")
    return f"figure “{curated.figure}” does not occur in the article text"


def format_number(value: float) -> str:
    """A plain decimal without exponent: 2199000000.0 → 2199000000."""
    return _plain_decimal(repr(value))


# Each figure is formatted three or four times (body, sidebar, 数说 page, print):
# cached by its repr, which is exactly what the conversion reads (and keeps
# 0.0 and -0.0 apart, as a float key would not). Bounded: a pure function.
@functools.lru_cache(maxsize=4096)
def _plain_decimal(text: str) -> str:
    return format(Decimal(text).normalize(), "f")


def format_for_cli(figures: Sequence[KeyFigure], picks: Sequence[KeyFigure] = ()) -> str:
    """Candidate figures, one a line, grouped by subhead; ★ marks `picks`.

    Positions are 1-based for editors: ¶3 句2 is the 2nd sentence of the 3rd
    paragraph. A line: `★ ¶3 句2  21.99亿元  2199000000 元  label`.
    """
    chosen = {(f.paragraph, f.sentence_index, f.text) for f in picks}
    lines, section = [], None
    for f in figures:
        if f.subhead != section:
            section = f.subhead
            lines.append(f"## {section or '（导语）'}")
        star = "★" if (f.paragraph, f.sentence_index, f.text) in chosen else " "
        value = format_number(f.value) + (f"–{format_number(f.value_max)}" if f.value_max is not None else "")
        where = f"¶{f.paragraph + 1} 句{f.sentence_index + 1}"
        lines.append(f"{star} {_pad(where, 10)}{_pad(f.text, 14)}{_pad(value + ' ' + f.unit, 18)}{f.label}")
    return "\n".join(lines)


def _pad(text: str, width: int) -> str:
    used = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(1, width - used)

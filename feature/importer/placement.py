"""Put interleaved runs of text back under the article they belong to.

Print layout flows several stories around each other, so the raw text is a
series of runs ("units"): a subhead with its paragraphs, or whatever lies
between two column breaks. The run right after a byline is certainly its
article's opening; every other run is placed by a heuristic, and the report
says so.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from .punctuation import ends_sentence, skeleton
from .records import BYLINE, DECK, HEADLINE, KICKER, PARAGRAPH, SUBHEAD, Block, Placement

# Below this many characters a run says too little to compare.
_MIN_COMPARABLE_CHARS = 30
# The winning article must resemble the run this much better than the next.
_MIN_MARGIN = 1.5
_MIN_SCORE = 0.02


@dataclass
class Segment:
    indices: list[int] = field(default_factory=list)
    is_head: bool = False
    column_start: bool = True    # began after a column break or jump marker


@dataclass(frozen=True)
class ArticlePlan:
    head: tuple[int, ...]                           # headline, deck, byline
    units: tuple[tuple[tuple[int, ...], Placement], ...]


def _starts_segment(blocks: list[Block], index: int, current: Segment | None) -> bool:
    block = blocks[index]
    if block.kind == HEADLINE and current is not None and blocks[index - 1].kind == KICKER:
        return False       # the kicker above opened this head already
    if current is None or block.kind in (HEADLINE, SUBHEAD, KICKER):
        return True
    if block.kind in (DECK, BYLINE) and current.is_head:
        return False
    return current.is_head or block.gap_before >= 2 or bool(blocks[index - 1].marker)


def split_segments(blocks: list[Block]) -> list[Segment]:
    segments: list[Segment] = []
    for index, block in enumerate(blocks):
        if _starts_segment(blocks, index, segments[-1] if segments else None):
            column_start = not segments or block.gap_before >= 2 or bool(blocks[index - 1].marker)
            segments.append(Segment([], block.kind in (HEADLINE, KICKER), column_start))
        segments[-1].indices.append(index)
    return segments


def _bigrams(text: str) -> Counter:
    core = "".join(ch for ch in skeleton(text) if not ch.isdigit())
    return Counter(core[i: i + 2] for i in range(len(core) - 1))


def _weights(profiles: list[Counter]) -> dict[str, float]:
    """Inverse document frequency: words every run shares (我市, 周口) say
    nothing about which story a run belongs to."""
    count = len(profiles)
    seen = Counter(gram for profile in profiles for gram in profile)
    return {gram: math.log((count + 1) / (n + 0.5)) for gram, n in seen.items()}


def _cosine(a: Counter, b: Counter, weights: dict[str, float]) -> float:
    dot = sum(a[g] * b[g] * weights[g] ** 2 for g in a.keys() & b.keys())
    norm = math.sqrt(sum((v * weights[g]) ** 2 for g, v in a.items()))
    norm *= math.sqrt(sum((v * weights[g]) ** 2 for g, v in b.items()))
    return dot / norm if norm else 0.0


def _span(blocks: list[Block], indices: list[int]) -> tuple[int, int]:
    return blocks[indices[0]].first_line, blocks[indices[-1]].last_line


def _text(blocks: list[Block], indices: list[int]) -> str:
    return "".join(blocks[i].text for i in indices)


def _openings(blocks, segments) -> dict[int, tuple[int, Placement]]:
    owners, article = {}, -1
    for number, segment in enumerate(segments):
        if segment.is_head:
            article += 1
        elif number and segments[number - 1].is_head:
            first, last = _span(blocks, segment.indices)
            owners[number] = (article, Placement(first, last, "opening",
                                                 "it is printed right after the article's byline", False))
    return owners


def _scores(profile: Counter, articles: dict[int, Counter], weights) -> tuple[float, float, int, int]:
    ranked = sorted(((_cosine(profile, a, weights), k) for k, a in articles.items()), reverse=True)
    runner_up, other = ranked[1] if len(ranked) > 1 else (0.0, -1)
    return ranked[0][0], runner_up, ranked[0][1], other


def _shared(profile: Counter, article: Counter, weights, count: int = 4) -> tuple[str, ...]:
    """The pairs of characters that most make a run resemble an article:
    frequent in both, rare elsewhere."""
    ranked = sorted(profile.keys() & article.keys(),
                    key=lambda g: -profile[g] * article[g] * weights[g] ** 2)
    return tuple(ranked[:count])


def _by_resemblance(blocks, segments, owners) -> None:
    """Compare runs with what each article already holds, character bigram
    by bigram. The clearest run is placed first and joins its article's
    profile, so later, vaguer runs are compared with more text."""
    profiles = {n: _bigrams(_text(blocks, s.indices)) for n, s in enumerate(segments)
                if not s.is_head}
    weights = _weights(list(profiles.values()))
    articles: dict[int, Counter] = {}
    for number, (article, _) in owners.items():
        articles[article] = articles.get(article, Counter()) + profiles[number]
    pending = {n for n in profiles if n not in owners
               and len(skeleton(_text(blocks, segments[n].indices))) >= _MIN_COMPARABLE_CHARS}
    while pending and articles:
        scored = {n: _scores(profiles[n], articles, weights) for n in pending}
        clear = [n for n, (best, runner_up, _, _) in scored.items()
                 if best >= _MIN_SCORE and best >= _MIN_MARGIN * runner_up]
        if not clear:
            return
        number = max(clear, key=lambda n: scored[n][0] / (scored[n][1] + 1e-9))
        best, runner_up, article, other = scored[number]
        pending.remove(number)
        shared = _shared(profiles[number], articles[article], weights)
        other_shared = _shared(profiles[number], articles[other], weights) if other >= 0 else ()
        articles[article] += profiles[number]
        first, last = _span(blocks, segments[number].indices)
        times = f"{best / runner_up:.0f} times" if runner_up else "far"
        note = (f"it shares words found in this article and rarely elsewhere ({'、'.join(shared)}); "
                f"it resembles it {times} more than any other"
                + (f" (with the next, it shares {'、'.join(other_shared) or 'nothing distinctive'})"
                   if other >= 0 else ""))
        owners[number] = (article, Placement(first, last, "resemblance", note, False, other))


def _by_neighbour(blocks, segments, owners) -> None:
    """A run too short to compare stays with the run printed just before it
    in the same column: a guess, reported as one."""
    for number, segment in enumerate(segments):
        if segment.is_head or number in owners or segment.column_start:
            continue
        before = owners.get(number - 1)
        if before is not None:
            first, last = _span(blocks, segment.indices)
            owners[number] = (before[0], Placement(
                first, last, "neighbour",
                "it is too short to compare with the articles, so it stays with the text printed "
                "just before it in the same column", True))


def _by_continuation(blocks, segments, owners) -> None:
    """A run that could not be compared may still go on with a sentence
    another run left open at a column end: when exactly one placed run
    printed before it ends so, it belongs to that run's article."""
    for number, segment in enumerate(segments):
        first = blocks[segment.indices[0]]
        if segment.is_head or number in owners or first.kind != PARAGRAPH:
            continue
        open_runs = [n for n in owners if n < number and blocks[segments[n].indices[-1]].kind == PARAGRAPH
                     and not ends_sentence(blocks[segments[n].indices[-1]].text)]
        if len(open_runs) == 1:
            cut = blocks[segments[open_runs[0]].indices[-1]]
            first_line, last_line = _span(blocks, segment.indices)
            owners[number] = (owners[open_runs[0]][0], Placement(
                first_line, last_line, "continuation",
                f"it goes on with the sentence left open at raw line {cut.last_line} "
                f"(…{cut.text[-6:]}), the only sentence a column end cut before it", False))


def place(blocks: list[Block]) -> tuple[list[ArticlePlan], list[tuple[int, ...]]]:
    """Plans for each article (opening run first, then the others in raw
    order) and the runs that could not be placed."""
    segments = split_segments(blocks)
    owners = _openings(blocks, segments)
    _by_resemblance(blocks, segments, owners)
    _by_neighbour(blocks, segments, owners)
    _by_continuation(blocks, segments, owners)
    heads = [tuple(s.indices) for s in segments if s.is_head]
    plans = []
    for article, head in enumerate(heads):
        mine = [(n, p) for n, (a, p) in owners.items() if a == article]
        mine.sort(key=lambda item: (item[1].how != "opening", item[0]))
        plans.append(ArticlePlan(head, tuple((tuple(segments[n].indices), p) for n, p in mine)))
    unplaced = [tuple(s.indices) for n, s in enumerate(segments)
                if not s.is_head and n not in owners]
    return plans, unplaced

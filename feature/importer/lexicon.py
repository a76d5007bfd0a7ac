"""A Chinese word list with frequencies, for judging whether printed text
reads as words or as an OCR slip.

The words and their counts are jieba's dictionary (about 350,000 words from a
large general corpus, idioms tagged `i`); news writing since then has set
phrases it lacks (脱贫攻坚, 久久为功), kept in `set_phrases.txt` beside this
module. Loading takes about 0.3 s, so only the importer loads it, once per
run, and passes it along; the build never does.

`cost` is the unigram model jieba itself segments with: the best split of a
run of characters into words, scored by -log(frequency / total). Comparing
the cost of the printed text with the cost of a proposed reading says how
much more the reading looks like ordinary Chinese.
"""
from __future__ import annotations

import functools
import importlib.util
import math
from dataclasses import dataclass
from pathlib import Path

# Longest word the segmentation tries; longer dictionary entries are rare names.
MAX_WORD = 8
# A set phrase counts as a word this common: a real, not a rare, phrase.
SET_PHRASE_COUNT = 200
# jieba's dictionary lists rare or doubtful strings with a count of a few;
# below this a "word" is no evidence that the text is right.
MIN_EVIDENCE = 5
_SET_PHRASES = Path(__file__).with_name("set_phrases.txt")


@dataclass(frozen=True)
class Lexicon:
    counts: dict[str, int]
    tags: dict[str, str]            # part of speech of idioms (i) and person names (nr…)
    set_phrases: frozenset[str]
    log_total: float
    holes: dict[str, tuple[str, ...]]             # "*力同心" → 戮力同心, …
    gaps: dict[str, tuple[tuple[str, int], ...]]  # "来居上" → (后来居上, 0)
    alphabet: str                                  # every character the list knows alone

    def known(self, word: str) -> bool:
        return self.counts.get(word, 0) >= MIN_EVIDENCE

    def count(self, word: str) -> int:
        return self.counts.get(word, 0)

    def is_name(self, word: str) -> bool:
        return self.tags.get(word, "").startswith("nr")

    def kind(self, word: str) -> str:
        if word in self.set_phrases:
            return "set phrase"
        return "idiom" if self.tags.get(word) == "i" else "word"

    def segment(self, text: str) -> tuple[float, list[str]]:
        """The most probable split of `text` into words and its cost
        (lower is likelier). An unknown character costs as a word seen once."""
        n = len(text)
        cost = [0.0] * (n + 1)
        end = [n] * (n + 1)
        for i in range(n - 1, -1, -1):
            best, best_end = math.inf, i + 1
            for j in range(i + 1, min(n, i + MAX_WORD) + 1):
                found = self.counts.get(text[i:j], 0)
                if not found and j > i + 1:
                    continue
                value = self.log_total - math.log(found or 1) + cost[j]
                if value < best:
                    best, best_end = value, j
            cost[i], end[i] = best, best_end
        words, i = [], 0
        while i < n:
            words.append(text[i:end[i]])
            i = end[i]
        return cost[0], words

    def cost(self, text: str) -> float:
        return self.segment(text)[0]


def read_set_phrases(path: Path = _SET_PHRASES) -> frozenset[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(line.split("#")[0].strip() for line in lines if line.split("#")[0].strip())


def _phrase_indexes(phrases: list[str]) -> tuple[dict, dict]:
    """Each four-character phrase under its pattern with one character
    unknown, and under its three characters left when one is lost."""
    holes: dict[str, list[str]] = {}
    gaps: dict[str, list[tuple[str, int]]] = {}
    for phrase in phrases:
        for k in range(len(phrase)):
            holes.setdefault(phrase[:k] + "*" + phrase[k + 1:], []).append(phrase)
            gaps.setdefault(phrase[:k] + phrase[k + 1:], []).append((phrase, k))
    return ({k: tuple(v) for k, v in holes.items()}, {k: tuple(v) for k, v in gaps.items()})


def _jieba_dictionary() -> Path:
    """jieba's dict.txt, found without importing jieba (its import costs time
    and nothing of it but the file is used)."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("jieba is not installed (pip install -r requirements.txt)")
    return Path(next(iter(spec.submodule_search_locations))) / "dict.txt"


@functools.lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """The word list, read once per process (it never changes while one runs)."""
    # One line a word: "word count tag". Splitting the whole file once and
    # zipping every third token is 2-3 times quicker than a loop over lines.
    tokens = _jieba_dictionary().read_text(encoding="utf-8").split()
    words, tags_of = tokens[0::3], tokens[2::3]
    counts = dict(zip(words, map(int, tokens[1::3])))
    tags = {w: t for w, t in zip(words, tags_of) if t == "i" or t.startswith("nr")}
    set_phrases = read_set_phrases()
    for phrase in set_phrases:
        counts[phrase] = max(counts.get(phrase, 0), SET_PHRASE_COUNT)
    # Idioms seen fewer than this many times are too rare to call a print a slip of.
    idioms = [w for w, tag in tags.items() if tag == "i" and len(w) == 4 and counts[w] >= 10]
    holes, gaps = _phrase_indexes(idioms + [p for p in set_phrases if len(p) == 4])
    alphabet = "".join(w for w, n in counts.items() if len(w) == 1 and n >= MIN_EVIDENCE
                       and "\u4e00" <= w <= "\u9fff")
    return Lexicon(counts, tags, set_phrases, math.log(sum(counts.values())), holes, gaps, alphabet)

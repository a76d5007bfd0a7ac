"""How well the importer finds OCR slips it has never seen: slips of each
class are put into clean text at random, and each paragraph is checked.

    python benchmarks/import_slips.py [CLEAN.txt …] [--per-class N] [--seed S]

Clean text defaults to the committed edition (content/**/*.md bodies, the
editor's corrected text). Prints, per class, how many planted slips were
flagged at their place and how many of those with the right reading, and
how many flags fell on clean text (false flags).
"""
from __future__ import annotations

import argparse
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from feature.importer.lexicon import load_lexicon  # noqa: E402
from feature.importer.proposals import PAIR  # noqa: E402
from feature.importer.slips import LOOKALIKES, find_slips  # noqa: E402

_CJK = re.compile(r"[\u4e00-\u9fff]")
_MARK = re.compile(r"〔[^〕]*〕")


def paragraphs(paths: list[Path]) -> list[str]:
    found = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".md":
            text = text.split("---\n", 2)[-1]
        for line in text.splitlines():
            line = _MARK.sub("", line.strip().removeprefix("## ").removeprefix("> "))
            if len(_CJK.findall(line)) >= 20:
                found.append(line)
    return found


def _word_spans(lexicon, text: str, min_count: int) -> list[tuple[int, str]]:
    spans, position = [], 0
    for word in lexicon.segment(text)[1]:
        if len(word) > 1 and _CJK.fullmatch(word[0]) and lexicon.count(word) >= min_count:
            spans.append((position, word))
        position += len(word)
    return spans


def plant(kind: str, text: str, lexicon, rng: random.Random) -> tuple[str, int, str] | None:
    """(text with one slip, where, the character(s) that restore it)."""
    words = _word_spans(lexicon, text, 50)
    if kind == "doubled":
        at, word = rng.choice(words) if words else (0, "")
        if not word:
            return None
        k = at + rng.randrange(len(word))
        return text[:k] + text[k] + text[k:], k, ""
    if kind == "look-alike":
        options = [(at + k, ch) for at, word in words for k, ch in enumerate(word) if ch in LOOKALIKES]
        if not options:
            return None
        k, ch = rng.choice(options)
        return text[:k] + rng.choice(LOOKALIKES[ch]) + text[k + 1:], k, ch
    if kind == "glyph":
        phrases = [(at, w) for at, w in words if len(w) == 4 and lexicon.kind(w) != "word"]
        if not phrases:
            return None
        at, word = rng.choice(phrases)
        k = at + rng.randrange(4)
        return text[:k] + "■" + text[k + 1:], k, text[k]
    if kind in ("idiom: lost", "idiom: misread"):
        phrases = [(at, w) for at, w in words if len(w) == 4 and lexicon.kind(w) != "word"]
        if not phrases:
            return None
        at, word = rng.choice(phrases)
        k = at + rng.randrange(4)
        if kind == "idiom: lost":
            return text[:k] + text[k + 1:], k, text[k]
        return text[:k] + rng.choice(lexicon.alphabet) + text[k + 1:], k, text[k]
    if kind == "quote":
        quotes = [m.start() for m in re.finditer("[“”]", text)]
        if not quotes:
            return None
        k = rng.choice(quotes)
        return text[:k] + text[k + 1:], k, text[k]
    raise ValueError(kind)


KINDS = ("doubled", "look-alike", "glyph", "idiom: lost", "idiom: misread", "quote")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("clean", nargs="*", type=Path)
    parser.add_argument("--per-class", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    paths = args.clean or sorted((ROOT / "content").rglob("*.md"))
    started = time.perf_counter()
    lexicon = load_lexicon()
    print(f"word list loaded in {time.perf_counter() - started:.2f} s")
    texts = paragraphs(paths)
    started = time.perf_counter()
    false_flags = [(t, p) for t in texts for p in find_slips(t, lexicon)]
    chars = sum(len(t) for t in texts)
    print(f"clean text: {len(texts)} paragraphs, {chars} characters, {len(false_flags)} flags "
          f"({time.perf_counter() - started:.2f} s)")
    for text, p in false_flags:
        print(f"  false flag [{p.kind}] “{text[max(0, p.start - 6):p.end + 6]}”: {p.reason}")
    rng = random.Random(args.seed)
    for kind in KINDS:
        found = right = tried = 0
        for _ in range(args.per_class * 5):
            if tried == args.per_class:
                break
            planted = plant(kind, rng.choice(texts), lexicon, rng)
            if planted is None:
                continue
            tried += 1
            text, at, restore = planted
            hits = [p for p in find_slips(text, lexicon) if p.start - 2 <= at <= p.end + 1
                    or (kind == "quote" and p.kind == PAIR)]
            found += bool(hits)
            right += any((p.reading == restore and (kind != "quote" or p.start == at))
                         or (kind == "doubled" and p.reading == "") for p in hits)
        print(f"{kind:15} planted {tried:3}  flagged {found:3}  with the right reading {right:3}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The importer on the committed raw text (sources/): how long `python
build.py import` takes, and how its flags compare with the repairs the
editor made by hand (content/corrections.yaml).

    python benchmarks/import_seed.py [--runs N]

Prints the wall time of each whole command (a fresh process: Python, the
word list, the import, the files written), the in-process split between
loading the word list and importing, and which repairs were flagged, with
every flag that matches no repair (a false flag).
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from feature.importer import import_raw  # noqa: E402
from feature.importer.lexicon import load_lexicon  # noqa: E402

RAW = ROOT / "sources" / "zhoukou-2019-raw.txt"
CORRECTIONS = ROOT / "content" / "corrections.yaml"


def command_times(runs: int) -> list[float]:
    times = []
    with tempfile.TemporaryDirectory() as folder:
        for n in range(runs):
            started = time.perf_counter()
            subprocess.run([sys.executable, str(ROOT / "build.py"), "import", str(RAW),
                            "--out", str(Path(folder) / f"drafts-{n}")], check=True, capture_output=True)
            times.append(time.perf_counter() - started)
    return times


def _covers(text: str, original: str, start: int) -> bool:
    at = text.find(original)
    return at >= 0 and at <= start <= at + len(original)


def compare(result, corrections: list[dict]) -> tuple[list[str], list[str]]:
    """(repairs flagged, flags that match no repair)."""
    located = [(a.blocks[f.block].text, f) for a in result.articles for f in a.findings]
    flagged = [c["original"] for c in corrections
               if any(_covers(text, c["original"], f.proposal.start) for text, f in located)]
    false = [f"raw line {f.raw_line}: {f.proposal.kind}: {f.proposal.reason}" for text, f in located
             if not any(_covers(text, c["original"], f.proposal.start) for c in corrections)]
    return flagged, false


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    times = command_times(args.runs)
    print(f"python build.py import (seed, {args.runs} runs): median {statistics.median(times):.2f} s, "
          f"min {min(times):.2f} s, max {max(times):.2f} s")
    started = time.perf_counter()
    lexicon = load_lexicon()
    loaded = time.perf_counter()
    result = import_raw(RAW.read_text(encoding="utf-8"), str(RAW), lexicon)
    done = time.perf_counter()
    print(f"in one process: word list {loaded - started:.2f} s, import {done - loaded:.2f} s")
    corrections = yaml.safe_load(CORRECTIONS.read_text(encoding="utf-8"))
    flagged, false = compare(result, corrections)
    print(f"repairs flagged: {len(flagged)} of {len(corrections)}; false flags: {len(false)}")
    for original in (c["original"] for c in corrections if c["original"] not in flagged):
        print(f"  not flagged: {original}")
    for line in false:
        print(f"  false flag: {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

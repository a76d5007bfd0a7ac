#!/usr/bin/env python3
"""What checking a built folder costs: by stat (what a build does before it
reuses a file) and by digest (what deploy and print do).

usage: .venv/bin/python benchmarks/verify.py [DIST] [--runs 5]

DIST defaults to the 10,000-article edition that benchmarks/run.py builds
(benchmarks/out/10000/edition/dist). Both checks run alternately, `--runs`
times each, with the files in the page cache (as right after a build); the
table gives the median and range in ms.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from feature.output.buildfolder import check_folder  # noqa: E402
from feature.output.write import verify_output  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dist", nargs="?", type=Path, default=HERE / "out" / "10000" / "edition" / "dist")
    ap.add_argument("--runs", type=int, default=5)
    a = ap.parse_args()
    check = check_folder(a.dist)
    if not check.intact or verify_output(a.dist):
        sys.exit(f"{a.dist} is not a finished, intact build: build it first (benchmarks/run.py)")
    size = sum(check.held.sizes.values())
    times: dict[str, list[float]] = {"stat (check_folder)": [], "digest (verify_output)": []}
    for _ in range(a.runs):
        for name, fn in (("stat (check_folder)", check_folder), ("digest (verify_output)", verify_output)):
            t0 = time.perf_counter()
            fn(a.dist)
            times[name].append((time.perf_counter() - t0) * 1000)
    print(f"{a.dist}: {len(check.held.files):,} files, {size / 2**20:,.0f} MiB\n")
    print("| check | median ms | min–max ms |\n| --- | ---: | ---: |")
    for name, ms in times.items():
        print(f"| {name} | {statistics.median(ms):,.0f} | {min(ms):,.0f}–{max(ms):,.0f} |")


if __name__ == "__main__":
    main()

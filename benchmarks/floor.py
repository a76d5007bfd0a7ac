#!/usr/bin/env python3
"""The floor under a cold build: what Python-Markdown + Jinja alone cost on this machine.

usage: .venv/bin/python benchmarks/floor.py --peers /tmp/shared-copy/bench [--size 10000] [--runs 3]

Issue 9 asks for a cold build at most 2x Hugo's. This times, in one run and
alternating so machine drift cancels:
  hugo            the peer benchmark's Hugo build (both cores)
  naive           peers/naive_markdown.py: one process, PyYAML, one reused
                  Python-Markdown(extra, toc), one Jinja2 template, one file per
                  article; nothing else (no index pages, no feeds, no search)
  naive x2        the same script as two concurrent processes, each on half
                  of the articles: the naive loop on both cores, perfectly split
  ours            `build.py build` cold (our edition of the same bodies)
and prints wall seconds, CPU seconds (user + sys, all processes) and each
row's ratio to Hugo. "naive x2" is the fastest any Python-Markdown build of
this corpus can be here: no split overhead, no shared work, no features.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import run  # noqa: E402  (benchmarks/run.py: the edition, our build's argv, a clean start)


def halves(canonical: Path, into: Path) -> list[Path]:
    """Two folders of symlinks, even and odd articles: the same files read, half each."""
    names = sorted(p.name for p in canonical.glob("*.md"))
    folders = [into / "half-0", into / "half-1"]
    for k, folder in enumerate(folders):
        folder.mkdir()
        for name in names[k::2]:
            (folder / name).symlink_to(canonical / name)
    return folders


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--peers", type=Path, required=True, help="writable shared/bench copy set up by peers/run.sh")
    ap.add_argument("--size", type=int, default=10000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    bench, n = args.peers.resolve(), args.size
    canonical = run.peer_corpus(n, bench, (("hugo", "hugo/articles"), ("canonical", "canonical"))) / "canonical"
    hugo, venv_py = run.hugo_binary(bench), str(bench / ".venv/bin/python")
    edition = run.corpus.write_edition(n, run.HERE / "out" / str(n) / "edition")
    with tempfile.TemporaryDirectory(dir=bench / "out") as tmp:
        tmp = Path(tmp)
        half = halves(canonical, tmp)
        naive = [venv_py, str(bench / "peers/naive_markdown.py")]
        rows = {
            "hugo": lambda k: [([hugo, "--source", "peers/hugo", "--contentDir", f"../../corpus/{n}/hugo",
                                 "--destination", str(tmp / f"hugo-{k}"), "--quiet"], bench)],
            "naive": lambda k: [(naive + [str(canonical), str(tmp / f"naive-{k}")], bench)],
            "naive x2": lambda k: [(naive + [str(h), str(tmp / f"naive2-{k}-{i}")], bench)
                                   for i, h in enumerate(half)],
            "ours": lambda k: [(run.our_build(edition, None), run.ROOT)],
        }
        for commands in rows.values():               # warm the page cache once
            run.fresh(edition)
            run.timed_together(commands("warm"))
        results = {name: [] for name in rows}
        for k in range(args.runs):
            for name, commands in rows.items():
                run.fresh(edition)
                wall, _, cpu = run.timed_together(commands(k))
                results[name].append((wall, cpu))
    print(f"\nN = {n:,}, {args.runs} runs each, alternating; {run.machine()}\n")
    print("| build | wall s (median) | min–max s | CPU s | wall ÷ Hugo |")
    print("| --- | ---: | ---: | ---: | ---: |")
    hugo_wall = statistics.median(w for w, _ in results["hugo"])
    for name, measured in results.items():
        walls = [w for w, _ in measured]
        wall = statistics.median(walls)
        cpu = statistics.median(c for _, c in measured)
        print(f"| {name} | {wall:.2f} | {min(walls):.2f}–{max(walls):.2f} | {cpu:.1f} | {wall / hugo_wall:.2f} |")
    single = statistics.median(w for w, _ in results["naive"])
    double = statistics.median(w for w, _ in results["naive x2"])
    print(f"\nthe naive loop on two cores: {single / double:.2f}x its one-core speed")


if __name__ == "__main__":
    main()

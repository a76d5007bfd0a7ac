#!/usr/bin/env python3
"""The floor under a cold build: what Python-Markdown + Jinja alone cost on this machine.

usage: .venv/bin/python benchmarks/floor.py --peers /tmp/shared-copy/bench [--sizes 2000,10000] [--runs 3]
                                           [--against /path/to/another/checkout]

Issue 9 asks for a cold build at most 2x Hugo's. This times, in one run and
alternating so machine drift cancels:
  hugo            the peer benchmark's Hugo build (both cores)
  naive           peers/naive_markdown.py: one process, PyYAML, one reused
                  Python-Markdown(extra, toc), one Jinja2 template, one file per
                  article; nothing else (no index pages, no feeds, no search)
  naive x2        the same script as two concurrent processes, each on half
                  of the articles: the naive loop on both cores, perfectly split
  ours            `build.py build` cold (our edition of the same bodies)
  ours @REF       with --against: the same build from another checkout (A/B)
and prints wall seconds, CPU seconds (user + sys, all processes) and each
row's ratio to Hugo and to "naive x2"; issue 22's target is ours ÷ naive x2
≤ 1.6 at 2,000 and at 10,000. "naive x2" is the fastest any Python-Markdown build of
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
    ap.add_argument("--sizes", default="2000,10000", help="comma-separated article counts")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--against", type=Path, help="another checkout of this project, timed as a row too")
    args = ap.parse_args()
    tables = [floor(args.peers.resolve(), int(n), args.runs, args.against) for n in args.sizes.split(",")]
    print(f"\n{run.machine()}; ours without share images (config share.cards/posters: false)")
    for lines in tables:
        print("\n" + "\n".join(lines))


def floor(bench: Path, n: int, runs: int, against: Path | None) -> list[str]:
    """Time every row `runs` times, alternating; the table's lines."""
    canonical = run.peer_corpus(n, bench, (("hugo", "hugo/articles"), ("canonical", "canonical"))) / "canonical"
    hugo, venv_py = run.hugo_binary(bench), str(bench / ".venv/bin/python")
    # No share cards or posters: no peer draws images (benchmarks/share_images.py
    # --build times what they add), so the rows time the same pages.
    edition = run.corpus.write_edition(n, run.HERE / "out" / str(n) / "edition", share=False)
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
        if against is not None:
            argv = [str(against / "build.py") if a == str(run.ROOT / "build.py") else a
                    for a in run.our_build(edition, None)]
            rows[f"ours @{against.name}"] = lambda k: [(argv, against)]
        for commands in rows.values():               # warm the page cache once
            run.fresh(edition)
            run.timed_together(commands("warm"))
        results = {name: [] for name in rows}
        for k in range(runs):
            for name, commands in rows.items():
                run.fresh(edition)
                wall, _, cpu = run.timed_together(commands(k))
                results[name].append((wall, cpu))
    hugo_wall = statistics.median(w for w, _ in results["hugo"])
    floor_wall = statistics.median(w for w, _ in results["naive x2"])
    # CPU seconds too: on a machine shared with other work, wall time also counts
    # the waits for a core, and the two-process floor waits most.
    floor_cpu = statistics.median(c for _, c in results["naive x2"])
    lines = [f"N = {n:,}, {runs} runs each, alternating; output on {run.filesystem(edition)}", "",
             "| build | wall s (median) | min–max s | CPU s | wall ÷ Hugo | wall ÷ naive x2 | CPU ÷ naive x2 |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for name, measured in results.items():
        walls = [w for w, _ in measured]
        wall = statistics.median(walls)
        cpu = statistics.median(c for _, c in measured)
        lines.append(f"| {name} | {wall:.2f} | {min(walls):.2f}–{max(walls):.2f} | {cpu:.1f} | "
                     f"{wall / hugo_wall:.2f} | {wall / floor_wall:.2f} | {cpu / floor_cpu:.2f} |")
    single = statistics.median(w for w, _ in results["naive"])
    lines += ["", f"the naive loop on two cores: {single / floor_wall:.2f}x its one-core speed; "
              f"ours ÷ naive x2 = {statistics.median(w for w, _ in results['ours']) / floor_wall:.2f} "
              f"(target ≤ 1.6; in CPU seconds "
              f"{statistics.median(c for _, c in results['ours']) / floor_cpu:.2f})"]
    print("\n".join(lines), flush=True)
    return lines

if __name__ == "__main__":
    main()

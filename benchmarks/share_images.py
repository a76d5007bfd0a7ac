#!/usr/bin/env python3
"""Share images on the real edition: the faces found, time and bytes per card, poster and long image.

usage: .venv/bin/python benchmarks/share_images.py [--runs 5] [--examples docs/images]
       .venv/bin/python benchmarks/share_images.py --build 1000 [--dir /tmp/share-bench] [--jobs N] [--cold-runs 1]
       .venv/bin/python benchmarks/share_images.py --warm 10000 [--dir /tmp/share-bench] [--runs 7]

Every image of the real edition (cards for the cover, each section, 数说 and each
article, wide and square; a poster per key figure; a long image per article) is
drawn --runs times in this one process; the table gives the median and the
slowest wall milliseconds per image, the median CPU milliseconds (what the
image costs on a machine shared with other work) and its size in bytes. The first draw of each
face (its Pillow font and character map) is timed apart as "start-up".
--examples writes the README's examples: an article card and a poster.

--build N times what the images cost the build: a corpus of N articles
(benchmarks/corpus.py) built cold by `build.py build` with share images on and
off (config share.cards/posters), alternating; wall seconds and the CPU seconds
of the build and its workers; then the preview's warm edits in each
(benchmarks/run.py --probe: the preview's builder, a body and a headline edit,
until the reload, and what follows it).

--warm N times those warm edits with share images on at a size whose cold build
would draw for an hour (10,000 articles: some 93,000 images). The cold build
that lays out the folder draws 1×1 stand-ins under the real names, so the
folder holds the files and the marker a real build makes; the edits are then
built by the real stages, and a headline edit draws its images for real.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from feature.share import (content_key, find_fonts, render_card, render_long_image,  # noqa: E402
                           render_poster, render_square_card)
from tests.support.share import (LONG_CSS, article_card, cover_card, figures_card,  # noqa: E402
                                 long_image_html, posters, real_edition, section_card)


def timed(draw, runs: int) -> tuple[list[float], list[float], bytes]:
    """Wall and CPU milliseconds of each of `runs` draws, and the last PNG."""
    walls, cpus, png = [], [], b""
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        png = draw()
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return walls, cpus, png


def row(name: str, walls: list[float], cpus: list[float], sizes: list[int]) -> None:
    print(f"{name:<28} {statistics.median(walls):>9.1f} {max(walls):>9.1f} {statistics.median(cpus):>9.1f} "
          f"{statistics.median(sizes):>11,.0f} {max(sizes):>11,}")


def cold_build(edition: Path, jobs: int | None) -> tuple[float, float]:
    """Wall and CPU seconds (the process and its workers) of a cold `build.py build`."""
    shutil.rmtree(edition / "dist", ignore_errors=True)
    shutil.rmtree(edition / ".cache", ignore_errors=True)
    argv = [sys.executable, str(ROOT / "build.py"), "build", "--config", str(edition / "config.yaml")]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = time.perf_counter()
    subprocess.run(argv + (["--jobs", str(jobs)] if jobs else []), check=True, capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.perf_counter() - wall, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def build_cost(n: int, folder: Path, jobs: int | None, runs: int) -> None:
    """The --build table: cold builds with and without images, then the warm edit."""
    import corpus
    editions = {on: corpus.write_edition(n, folder / ("with" if on else "without"), share=on) for on in (True, False)}
    times = {True: [], False: []}
    for _ in range(runs):
        for on in (True, False):           # alternating: the machine's load falls on both alike
            times[on].append(cold_build(editions[on], jobs))
    images = len(list((editions[True] / "dist" / "share").iterdir()))
    print(f"{n} articles, {images} share images (cards, square cards, posters), {runs} cold build(s) each, "
          f"jobs={jobs or os.cpu_count()}")
    print(f"{'cold build':<24} {'wall s':>8} {'CPU s':>8}")
    for on in (True, False):
        walls, cpus = zip(*times[on])
        print(f"{'share images ' + ('on' if on else 'off'):<24} {statistics.median(walls):>8.1f} "
              f"{statistics.median(cpus):>8.1f}")
    extra = statistics.median(c for _, c in times[True]) - statistics.median(c for _, c in times[False])
    print(f"images: {extra:.1f} CPU s, {extra / max(images, 1) * 1000:.0f} CPU ms an image")
    for on in (True, False):
        target = sorted((editions[on] / "content").rglob("*.md"))[n // 2]
        probe = json.loads(subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--probe",
                                           str(editions[on]), str(target), "7"],
                                          capture_output=True, text=True, check=True).stdout)
        for kind, figures in (("body edit", probe), ("headline edit", probe["headline"])):
            print(f"{kind} (warm, as the preview), share images {'on' if on else 'off'}: until the reload "
                  f"median {figures['median'] * 1000:.0f} ms (min {figures['min'] * 1000:.0f}, "
                  f"max {figures['max'] * 1000:.0f}); stages {figures['stages']}")
    print(f"load average: {os.getloadavg()[0]:.1f} (2 cores: above 2, wall times stretch)")


def stand_in(image, config) -> bytes:
    """A 1×1 PNG: the cold build of --warm lays out the folder a real one makes (the same
    image names, so the same files and marker) without its hour of drawing."""
    import io
    from PIL import Image
    out = io.BytesIO()
    Image.new("RGB", (1, 1), (255, 253, 248)).save(out, "PNG")
    return out.getvalue()


def warm_cost(n: int, folder: Path, runs: int) -> None:
    """--warm: the preview's warm edits at N articles with share images on."""
    import dataclasses
    import corpus
    from feature.build.incremental import IncrementalBuilder
    from feature.build.stages import STAGES
    edition = corpus.write_edition(n, folder, share=True)
    fast = dataclasses.replace(STAGES, page_images=tuple(dataclasses.replace(s, draw=stand_in)
                                                         for s in STAGES.page_images))
    start = time.perf_counter()
    result = IncrementalBuilder(edition / "config.yaml", edition / "dist", stages=fast).build()
    images = sum(1 for rel in result.files.manifest if rel.startswith("share/"))
    print(f"{n} articles: {len(result.files.manifest)} files, {images} of them share images; cold build with "
          f"stand-in images {time.perf_counter() - start:.0f} s")
    target = sorted((edition / "content").rglob("*.md"))[n // 2]
    probe = json.loads(subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--probe",
                                       str(edition), str(target), str(runs)],
                                      capture_output=True, text=True, check=True).stdout)
    for kind, figures in (("body edit", probe), ("headline edit", probe["headline"])):
        print(f"{kind} (warm, as the preview): until the reload median {figures['median'] * 1000:.0f} ms "
              f"(min {figures['min'] * 1000:.0f}, max {figures['max'] * 1000:.0f}); stages {figures['stages']}")
    print(f"peak RSS of the preview's process: {probe['rss']:.0f} MiB")
    print(f"load average: {os.getloadavg()[0]:.1f} (2 cores: above 2, wall times stretch)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--examples", type=Path, help="write an article card and a poster here")
    parser.add_argument("--build", type=int, metavar="N", help="time the images in cold builds of N articles")
    parser.add_argument("--dir", type=Path, default=Path("/tmp/share-bench"), help="where --build writes")
    parser.add_argument("--jobs", type=int, help="--build: build.py build --jobs")
    parser.add_argument("--cold-runs", type=int, default=1, help="--build: cold builds each way")
    parser.add_argument("--warm", type=int, metavar="N",
                        help="time the preview's warm edits at N articles with share images on (the cold build "
                             "before them draws 1×1 stand-ins under the real names)")
    args = parser.parse_args()
    if args.warm:
        warm_cost(args.warm, args.dir / f"warm-{args.warm}", args.runs)
        return
    if args.build:
        build_cost(args.build, args.dir, args.jobs, args.cold_runs)
        return

    start = time.perf_counter()
    fonts = find_fonts()
    found = (time.perf_counter() - start) * 1000
    config, edition = real_edition()
    print(f"fonts found in {found:.0f} ms:")
    for face in fonts.faces:
        print(f"  {face.spec}: {face.path} face {face.index}")
    start = time.perf_counter()
    for face in fonts.faces:
        fonts.covered(face)
    print(f"start-up (character maps of the four faces): {(time.perf_counter() - start) * 1000:.0f} ms\n")

    cards = [cover_card(config), figures_card(config, edition)]
    cards += [section_card(config, s.key) for s in config.sections]
    cards += [article_card(config, a) for a in edition.articles]
    all_posters = [p for a in edition.articles for p in posters(config, a)]
    kinds = [("card 1200×630", render_card, cards), ("square card 600×600", render_square_card, cards),
             ("poster 1080×1440", render_poster, all_posters)]
    print(f"{'image':<28} {'median ms':>9} {'max ms':>9} {'CPU ms':>9} {'median bytes':>11} {'max bytes':>11}")
    for name, render, items in kinds:
        results = [timed(lambda item=item: render(item, fonts), args.runs) for item in items]
        row(f"{name} ×{len(items)}", [t for walls, _, _ in results for t in walls],
            [t for _, cpus, _ in results for t in cpus], [len(png) for _, _, png in results])
    render_long_image("<p>周口</p>", "", fonts)       # WeasyPrint's import and first layout, not timed
    for article in edition.articles:
        html = long_image_html(config, article)
        walls, cpus, png = timed(lambda html=html: render_long_image(html, LONG_CSS, fonts), max(1, args.runs // 2))
        row(f"long image {article.slug}", walls, cpus, [len(png)])
    key_walls, _, _ = timed(lambda: content_key("card", cards[-1], fonts=fonts).encode(), 200)
    print(f"\ncontent key of a card: {statistics.median(key_walls):.3f} ms")
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} (2 cores: above 2, wall times stretch)")

    if args.examples:
        args.examples.mkdir(parents=True, exist_ok=True)
        zongshu = edition.articles[0]
        (args.examples / "share-card.png").write_bytes(render_card(article_card(config, zongshu), fonts))
        poster = next(p for p in posters(config, zongshu) if p.figure == "21.99亿元")
        (args.examples / "share-poster.png").write_bytes(render_poster(poster, fonts))
        print(f"examples written to {args.examples}/share-card.png, share-poster.png")


if __name__ == "__main__":
    main()

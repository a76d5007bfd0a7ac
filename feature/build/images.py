"""The images the pages link to (stages.PageImages: share cards, posters), for the
incremental builder: each drawn once, ever.

An image's name is its content key (render/sharing.py), so the bytes of a name
never change: drawn images are kept by name in .cache/build/share/ (until
.cache is removed: an image an edit replaced stays there), and a page's
images are remembered with its page key (`Saved.images`: page path → (page
key, {image path: digest})), which covers everything their names follow
from. A page whose key is unchanged costs a dict lookup (no body read, no
content key hashed), an image the output folder holds is kept as it is, one
in the cache is read back, and only new ones are drawn, in worker processes
when there are many (a cold build).

The preview's edits (`later`, an in-place build) draw nothing before the
reload: a new image is checked for missing glyphs (a box would fail the build
at its file and line, as always), listed in the manifest as LATER and left
`pending`; `draw_later` draws them once the browsers were told to reload.
A poster is 40 CPU ms; an article with five figures would pass the 100 ms an
edit may take before its page is shown.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

from feature.core.diagnostics import Diagnostics
from feature.core.files import digest_of, replace_file
from feature.core.model import Edition
from feature.output.write import OUTPUT_MARKER
from feature.render.sharing import ImageProblem, ShareImage

from .bodies import full
from .memory import Memory
from .output import LATER, Output, rewrite_marker
from .stages import PageImages
from .stores import stat_signature
from .workers import in_workers    # the build's worker pool (fork, chunks, a dead worker reported)

CHUNK = 8                   # images per worker task: a poster is 50 CPU ms
ROUND = 1.0                 # draw_later: seconds of drawing between two looks at `stop`
_job: tuple = ()            # what forked workers read; set just before forking


@dataclass
class Images:
    """One build's images: output path → digest (all of them, in page order; a patched
    build: those of the pages it keyed anew), the new ones, and those now gone."""
    files: dict[str, str] = field(default_factory=dict)
    added: list[str] = field(default_factory=list)      # images the output folder did not hold
    stale: list[str] = field(default_factory=list)      # a patched build's: no page links them any more
    pending: dict[str, ShareImage] = field(default_factory=dict)    # `later`: to draw after the reload


def page_images(step: PageImages, pages: list, page_keys: dict[str, str], edition: Edition, config,
                memory: Memory, out: Output, problems: Diagnostics, jobs: int, patched: bool = False,
                later: bool = False) -> Images:
    """The images of `pages` into `out` (kept, read back from the cache or drawn).
    `patched`: `pages` are those a body edit keyed anew (patch.py); the output
    holds every other page's images already (out.manifest). `later`: new images
    are checked, not drawn (Images.pending), when `out` is written in place."""
    images = Images()
    if not step.on(config):
        memory.saved.images = {}
        return images
    store = memory.cache_dir / "share" if memory.cache_dir is not None else None
    known, previous = memory.saved.images, out.previous.files
    remembered: dict[str, tuple[str, dict[str, str]]] = {}
    todo: dict[str, ShareImage] = {}        # image path → its record, digest not known yet
    replaced: list[str] = []                # image paths of the pages keyed anew
    for page in pages:
        key, rel = page_keys[page.output_path], page.output_path
        last = known.get(rel)
        hit = last[1] if last is not None and last[0] == key else None
        if hit is None or any(previous.get(p) != d and not _kept(store, p) for p, d in hit.items()):
            replaced += last[1] if last is not None else ()
            hit = {}
            for image in step.images(_with_figures(page), edition, config):
                hit[image.path] = images.files.get(image.path, "")
                if not hit[image.path]:
                    todo.setdefault(image.path, image)
        remembered[rel] = (key, hit)
        for path, d in hit.items():
            images.files.setdefault(path, d)
    made, failed, pending = _make(step, todo, config, store, edition, problems, jobs, later and out.in_place)
    for path, data in made.items():
        images.files[path] = digest_of(data)
    for path in pending:
        images.files[path] = LATER
    # A page whose image failed, or waits to be drawn, is not remembered: the next
    # build looks at it again (and finds the image drawn in the cache).
    kept = {rel: (key, {p: images.files[p] for p in hit}) for rel, (key, hit) in remembered.items()
            if failed.isdisjoint(hit) and pending.isdisjoint(hit)}
    if patched:
        known.update(kept)
        gone = [p for p in dict.fromkeys(replaced) if p not in images.files]
        images.stale = [p for p in gone if not any(p in hit for _, hit in known.values())] if gone else []
        for path in images.stale:
            out.manifest.pop(path, None)
    else:
        memory.saved.images = kept
    for path, d in images.files.items():
        if previous.get(path) == d:
            out.keep({path: d})
        elif path in pending:
            images.added.append(path)
            out.add_later(path)
        else:
            images.added.append(path)
            out.add(path, made[path] if path in made else _read(store, path))
    images.pending = {path: todo[path] for path in pending}
    return images


def _with_figures(page):
    """The page with its article's key figures read (the cards and posters show them)."""
    if page.article is None:
        return page
    return replace(page, article=full(page.article, ("key_figures",)))


def _kept(store: Path | None, path: str) -> bool:
    return store is not None and (store / Path(path).name).is_file()


def _read(store: Path | None, path: str) -> bytes:
    return (store / Path(path).name).read_bytes()


def _make(step: PageImages, todo: dict, config, store: Path | None, edition: Edition, problems: Diagnostics,
          jobs: int, later: bool) -> tuple[dict[str, bytes], set[str], set[str]]:
    """The bytes of `todo`'s images: read from the cache, or drawn (and then cached);
    the paths of those that could not be drawn (their problems in `problems`); and,
    `later`, those checked but left to draw after the reload."""
    made, draw, failed, pending = {}, [], set(), set()
    by_path: dict = {}          # the edition's articles by output path, once an image fails
    for path, image in todo.items():
        if _kept(store, path):
            made[path] = _read(store, path)
        else:
            draw.append(image)
    if later:
        for image in draw:
            try:
                step.check(image, config)
                pending.add(image.path)
            except ImageProblem as problem:
                failed.add(image.path)
                made[image.path] = b""
                _report(problem, edition, problems, by_path)
        return made, failed, pending
    global _job
    _job = (step, config, draw)
    tasks = [range(i, min(i + CHUNK, len(draw))) for i in range(0, len(draw), CHUNK)]
    workers = jobs if len(draw) >= 2 * CHUNK else 1
    try:
        for chunk in in_workers(_draw_chunk, tasks, workers):
            for path, data, problem in chunk:
                if problem is None:
                    made[path] = data
                    store = _keep(store, path, data, problems)
                    continue
                failed.add(path)
                made[path] = b""                    # the build stops before anything is written
                _report(problem, edition, problems, by_path)
    finally:
        _job = ()
    return made, failed, pending


def _report(problem: ImageProblem, edition: Edition, problems: Diagnostics, by_path: dict) -> None:
    """Where to fix an image that cannot be drawn: its article's file and line. `by_path`
    is filled on the first call (a glyph config.yaml names fails every image: one lookup each)."""
    if not by_path:
        by_path.update((a.output_path, a) for a in edition.articles)
    article = by_path.get(problem.image.article)
    found = problem.diagnostics(full(article, ("body_markdown",)) if article else None)
    problems.items.extend(d for d in found if d not in problems.items)     # card and square: once


def _keep(store: Path | None, path: str, data: bytes, problems: Diagnostics) -> Path | None:
    """`data` kept in the cache → the cache, or None when it cannot be written: the
    cache only spares later work, so that is a warning, not this build's failure."""
    if store is None:
        return None
    try:
        replace_file(store / Path(path).name, data)
        return store
    except OSError as exc:
        problems.warning(".cache/build/share", 0, f"cannot keep the drawn share images ({exc.strerror or exc}: "
                                                  f"{exc.filename}); the next build draws them again")
        return None


def _draw_chunk(indices: range) -> list:
    step, config, draw = _job
    out = []
    for i in indices:
        image = draw[i]
        try:
            out.append((image.path, step.draw(image, config), None))
        except ImageProblem as problem:
            out.append((image.path, b"", problem))
    return out


def draw_later(pending: dict[str, tuple[PageImages, ShareImage, object]], memory: Memory, out_dir: Path,
               stop: Callable[[], bool]) -> list[str]:
    """Draw what in-place builds left pending (path → (step, image, config)), in rounds
    of about ROUND seconds: into the cache, and into the output folder where its
    marker lists the image as LATER (the marker then gives its digest and size).
    Before each round, `stop()` (a save waiting to be built) ends it; what is left
    stays in `pending`. → the paths drawn."""
    store = memory.cache_dir / "share" if memory.cache_dir is not None else None
    drawn: list[str] = []
    while pending and not stop():
        end, batch = time.perf_counter() + ROUND, {}
        while pending and time.perf_counter() < end:
            path, (step, image, config) = next(iter(pending.items()))
            del pending[path]
            try:
                batch[path] = _read(store, path) if _kept(store, path) else step.draw(image, config)
            except ImageProblem:        # checked before the reload: fonts changed since; the next build says so
                continue
            store = _keep(store, path, batch[path], Diagnostics())
        _into_folder(out_dir, batch, memory)
        drawn += batch
    return drawn


def _into_folder(out_dir: Path, batch: dict[str, bytes], memory: Memory) -> None:
    """The images of `batch` that the folder's marker lists as LATER, written and listed
    with their digests; only while the folder is as this process last wrote it."""
    known = memory.written
    marker = out_dir / OUTPUT_MARKER
    if known is None or known.out_dir != str(out_dir) or known.marker != stat_signature(marker):
        return                  # written by another since: the next build reads the images from the cache
    manifest, sizes = dict(known.manifest), dict(known.sizes)
    listed = {path: data for path, data in batch.items() if manifest.get(path) == LATER}
    if not listed:
        return
    for path, data in listed.items():
        replace_file(out_dir / path, data)
        manifest[path], sizes[path] = digest_of(data), len(data)
    rewrite_marker(memory, out_dir, manifest, sizes, known.settings)

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
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from feature.core.diagnostics import Diagnostics
from feature.core.files import digest_of, replace_file
from feature.core.model import Edition
from feature.render.sharing import ImageProblem, ShareImage

from .bodies import full
from .memory import Memory
from .output import Output
from .stages import PageImages
from .workers import in_workers    # the build's worker pool (fork, chunks, a dead worker reported)

CHUNK = 8                   # images per worker task: a poster is 50 CPU ms
_job: tuple = ()            # what forked workers read; set just before forking


@dataclass
class Images:
    """One build's images: output path → digest (all of them, in page order; a patched
    build: those of the pages it keyed anew), the new ones, and those now gone."""
    files: dict[str, str] = field(default_factory=dict)
    added: list[str] = field(default_factory=list)      # images the output folder did not hold
    stale: list[str] = field(default_factory=list)      # a patched build's: no page links them any more


def page_images(step: PageImages, pages: list, page_keys: dict[str, str], edition: Edition, config,
                memory: Memory, out: Output, problems: Diagnostics, jobs: int, patched: bool = False) -> Images:
    """The images of `pages` into `out` (kept, read back from the cache or drawn).
    `patched`: `pages` are those a body edit keyed anew (patch.py); the output
    holds every other page's images already (out.manifest)."""
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
    made, failed = _make(step, todo, config, store, edition, problems, jobs)
    for path, data in made.items():
        images.files[path] = digest_of(data)
    # A page whose image failed is not remembered: the next build tries it again.
    kept = {rel: (key, {p: images.files[p] for p in hit}) for rel, (key, hit) in remembered.items()
            if failed.isdisjoint(hit)}
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
        else:
            images.added.append(path)
            out.add(path, made[path] if path in made else _read(store, path))
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
          jobs: int) -> tuple[dict[str, bytes], set[str]]:
    """The bytes of `todo`'s images: read from the cache, or drawn (and then cached);
    and the paths of those that could not be drawn (their problems in `problems`)."""
    made, draw, failed = {}, [], set()
    for path, image in todo.items():
        if _kept(store, path):
            made[path] = _read(store, path)
        else:
            draw.append(image)
    global _job
    _job = (step, config, draw)
    tasks = [range(i, min(i + CHUNK, len(draw))) for i in range(0, len(draw), CHUNK)]
    workers = jobs if len(draw) >= 2 * CHUNK else 1
    articles = None
    try:
        for chunk in in_workers(_draw_chunk, tasks, workers):
            for path, data, problem in chunk:
                if problem is None:
                    made[path] = data
                    store = _keep(store, path, data, problems)
                    continue
                failed.add(path)
                made[path] = b""                    # the build stops before anything is written
                if articles is None:
                    articles = {a.output_path: a for a in edition.articles}
                article = articles.get(problem.image.article)
                found = problem.diagnostics(full(article, ("body_markdown",)) if article else None)
                problems.items.extend(d for d in found if d not in problems.items)     # card and square: once
    finally:
        _job = ()
    return made, failed


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

"""Work split across processes for large builds: parse + enrich, and page rendering.

Workers are forked after the parent has everything they read (config, the
edition, the Jinja environment), so nothing big is pickled on the way in;
what comes back is small: enriched articles, or for pages only
(path, digest, link facts): a worker writes its pages straight into the
staging folder, so the parent never holds 10,000 rendered pages. With
jobs == 1 (small rebuilds) the same functions run in this process.
"""
from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from feature.core.diagnostics import BuildError
from feature.core.files import digest_of
from feature.output.links import page_facts
from feature.output.write import OutputRefused, stage_file

from .entries import load_entry
from .linkindex import compact
from .render import render_one
from .stages import Stages

PARSE_CHUNK = 64
RENDER_CHUNK = 64
_PR_SET_PDEATHSIG = 1               # linux/prctl.h
_job: tuple = ()                    # what forked workers read; set just before forking


def parse_and_enrich(missing: list[tuple[str, tuple[Path, bytes | None]]], config, stages: Stages, jobs: int,
                     bodies=None):
    """[(key, (path, raw))] → yields (key, Entry); raw None means read the file.
    With `bodies` (a bodies.BodyStore) each enriched article comes back lean,
    its body written there by the worker that made it."""
    global _job
    _job = (config, stages, missing, bodies)
    tasks = [range(i, min(i + PARSE_CHUNK, len(missing))) for i in range(0, len(missing), PARSE_CHUNK)]
    for chunk in in_workers(_parse_chunk, tasks, jobs):
        yield from chunk
    _job = ()


def _parse_chunk(indices: range) -> list:
    config, stages, missing, bodies = _job
    out = []
    for i in indices:
        key, (path, raw) = missing[i]
        out.append((key, load_entry(path, raw, config, stages)))
    spill = [(key, e) for key, e in out if e.error is None and e.article is not None]
    if bodies is not None and spill:
        lean = bodies.spill([(key, e.article, e.search_doc) for key, e in spill])
        for (_, entry), (article, doc) in zip(spill, lean):
            entry.article, entry.search_doc = article, doc
    return out


def render_pages(env, deps, edition, config, assets, pages: list, filters: tuple, staging: Path | None,
                 jobs: int) -> list:
    """Render `pages`, each through `filters` (stages.page_filters) → [(path, digest,
    bytes or None if written to staging, link facts)]."""
    global _job
    _job = (env, deps, edition, config, assets, pages, filters, staging)
    tasks = _render_tasks(pages)
    out = []
    try:
        for chunk in in_workers(_render_chunk, tasks, jobs):
            if isinstance(chunk, BuildError):
                raise chunk
            out.extend(chunk)
    finally:
        _job = ()
    return out


def _render_tasks(pages: list) -> list[list[int]]:
    """Edition-wide pages first, one a task: they are the longest single tasks.
    Then a print volume or 数说 part together with its articles' own pages: the
    same articles' bodies (bodies.py) are read once in a worker, not three
    times in three. Then the other article pages, RENDER_CHUNK a task."""
    group_of: dict[str, list[int]] = {}          # an article's output path → its task
    tasks = [[i] for i, p in enumerate(pages) if p.article is None and not p.articles]
    groups = []
    for i, p in enumerate(pages):
        if p.article is None and p.articles:
            group = group_of.get(p.articles[0].output_path)
            if group is None:
                group = []
                groups.append(group)
                for a in p.articles:
                    group_of.setdefault(a.output_path, group)
            group.append(i)
    rest = []
    for i, p in enumerate(pages):
        if p.article is not None:
            group_of.get(p.article.output_path, rest).append(i)
    return tasks + groups + [rest[i:i + RENDER_CHUNK] for i in range(0, len(rest), RENDER_CHUNK)]


def _render_chunk(indices: list[int]):
    env, deps, edition, config, assets, pages, filters, staging = _job
    out = []
    for i in indices:
        page = pages[i]
        try:
            data = render_one(env, page, edition, config, assets, filters, deps)
        except BuildError as exc:
            return _Failed(exc.diagnostics)
        rel = page.output_path
        fact = compact(page_facts(rel, data.decode("utf-8"), config.site_path)) if rel.endswith(".html") else None
        d = digest_of(data)
        if staging is not None:
            stage_file(staging / rel, data)
            data = None
        out.append((rel, d, data, fact))
    return out


class _Failed(BuildError):
    """A BuildError that survives pickling back from a worker."""

    def __reduce__(self):
        return (_Failed, (self.diagnostics,))


class WorkerDied(OutputRefused):
    """A worker process ended without its result (killed; out of memory)."""


def in_workers(fn, tasks: list, jobs: int):
    """fn(task) for each task, in workers, yielded as they finish. A worker that
    dies (kill -9, the kernel's OOM killer) raises WorkerDied within moments:
    concurrent.futures notices, where multiprocessing.Pool waited forever for
    the lost task. Nothing is written to the output folder by then (workers
    write into the staging folder only), so it stays as it was."""
    if jobs <= 1 or len(tasks) <= 1:
        for t in tasks:
            yield fn(t)
        return
    ctx = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(min(jobs, len(tasks)), mp_context=ctx, initializer=_start_worker,
                             initargs=(os.getpid(),)) as pool:
        pending = set()
        try:
            pending.update(pool.submit(fn, t) for t in tasks)
            for future in as_completed(pending):
                pending.discard(future)
                yield future.result()
        except BrokenProcessPool:
            raise WorkerDied(f"a worker process ended unexpectedly ({_stage_of(fn)}): killed, or out of "
                             f"memory? Free some memory or build with --jobs 1") from None
        finally:
            for future in pending:      # on any failure: start no more; running tasks finish first
                future.cancel()


def _stage_of(fn) -> str:
    return "reading articles" if fn is _parse_chunk else "rendering pages"


def _start_worker(parent: int) -> None:
    # A worker collects its own garbage even when the parent paused its
    # collector while loading (incremental.IncrementalBuilder._build).
    gc.enable()
    # A worker outliving its parent (killed outright) would wait for work forever,
    # holding the output lock it shares (outputlock.py): it ends with the parent.
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:          # the parent died before that took effect
        os._exit(1)

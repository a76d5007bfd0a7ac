"""The fast build: no work is done twice, within a process or across processes.

`IncrementalBuilder.build(changed)` gives exactly the bytes `pipeline.build`
gives (the clean reference; tests/build/test_incremental.py checks it over random
edit sequences). It runs the same stages (stages.py) in the same order
(cached.CachedRunner), and skips:
- parsing and enriching a source whose bytes (and the settings and code that
  shape it) were seen before: articles are cached by a content hash;
- rendering a page whose key did not change (keys.py says what a key
  covers) when the output folder already holds that page's bytes;
- re-running a site step whose inputs (the edition's listing, or its bodies
  for a step that reads them) are unchanged;
- re-scanning an unchanged page for links: link facts are kept per page content;
- everything, when nothing it read changed since the last build (scan.py).
The caches persist in .cache/build/ (memory.py: pickles, sharded so that one
edit rewrites one shard), so a fresh process's no-change rebuild is fast too.
The preview's builder (`preview=True`) has a folder of its own, `.cache/preview/`
(config.PREVIEW_FOLDER): its site and its caches, so that `serve` never
replaces the output folder `build` made for publishing, and a `build` run
beside it shares nothing with it.

Large cold builds parse, enrich and render in worker processes (fork, chunks;
`jobs`), which write their pages straight into the staging folder. Writing:
- `build`: always write.py's staging folder + atomic swap (unchanged files
  hard-linked), so a killed build leaves the previous output as it was;
- the preview server (`in_place=True`): only the changed files, each replaced
  atomically in place (the manifest is emptied first, so a killed preview is
  detected and the next build rewrites everything);
- nothing changed: nothing is touched.
A build with errors raises BuildError before anything in the output changes.
"""
from __future__ import annotations

import gc
import os
import time
from pathlib import Path

from feature.core.config import PREVIEW_FOLDER, load_config
from feature.core.diagnostics import Diagnostics
from feature.core.model import Edition

from .bodies import BodyMissing
from .cached import CachedRunner
from .images import draw_later
from .inputs import inputs_for
from .memory import Memory
from .output import OutputFolder, write_due_marker
from .result import BuildResult, OutputFiles, Route
from .scan import scan_sources, unchanged_since_last
from .stages import STAGES, Stages, finish, prepare


class IncrementalBuilder:
    def __init__(self, config_path: Path, out_dir: Path | None = None, base_url: str | None = None,
                 jobs: int | None = None, cache: bool = True, in_place: bool = False,
                 freeze_heap: bool = False, stages: Stages = STAGES, preview: bool = False,
                 after_reload: bool = False):
        self.config_path = Path(config_path)
        self.out_dir = out_dir
        self.base_url = base_url
        self.jobs = jobs if jobs is not None else (os.cpu_count() or 1)
        self.cache = cache
        self.in_place = in_place     # the preview server's O(changes) writer (write.replace_in_place)
        self.preview = preview       # `serve`'s build: into config.preview_dir by default, marked as such
        self.stages = stages         # build/stages.py: the product passes STAGES, tests add their own
        # The preview server's: an in-place build checks new share images and lists them,
        # `draw_later` draws them once the browsers were told to reload (images.py).
        self.after_reload = after_reload
        self._later: dict[str, tuple] = {}      # image path → (step, image, config), not drawn yet
        self._out_dir: Path | None = None       # the folder the last good build wrote
        self.memory: Memory | None = None
        self.route = Route()         # the last build's (result.Route), failed ones too
        self._runner: CachedRunner | None = None
        self._saves = 0
        # Only for a process that is this builder's own (build.py build, the preview
        # server): gc.freeze() keeps whatever garbage exists at that moment for good.
        self.freeze_heap = freeze_heap

    def build(self, changed: set[Path] | None = None) -> BuildResult:
        """Rebuild after `changed` files (None: unknown, check everything).

        Raises BuildError with every problem; the output folder is then untouched.
        """
        # The preview server (in_place) keeps its edition in memory for the next
        # edit, so it assembles it even when nothing changed.
        try:
            return self._build(changed, shortcut=not self.in_place)
        except BodyMissing:
            # A body this builder's articles point at was removed behind its back
            # (`build` run beside `serve`, a pruned .cache): nothing was written
            # yet; start again from the caches on disk, checking every source.
            self.memory = None
            return self._build(None, shortcut=not self.in_place)
        finally:
            # How far this build got by which route, whether it succeeded or not.
            self.route, self._runner = (self._runner.route if self._runner is not None else Route()), None

    def edition(self) -> Edition:
        """The edition the last build rendered (photos placed), assembled from the
        caches without writing anything: for a command that adds to a finished
        build (commands/print_edition.link_made)."""
        runner = self._start(None, time.perf_counter(), shortcut=False)
        return runner.place_photos(prepare(runner, self.stages)).edition

    def images_pending(self) -> int:
        """How many share images wait for draw_later."""
        return len(self._later)

    def draw_later(self, stop=lambda: False) -> list[str]:
        """Draw the share images in-place builds left for after the reload (`after_reload`)
        into the cache and the output folder, in rounds of about a second; stops between
        rounds when `stop()` is true (a save waits to be built). The caller holds the
        output lock. → the images drawn; the rest wait for the next call."""
        if self.memory is None:
            return []
        write_due_marker(self.memory)
        if not self._later or self._out_dir is None:
            return []
        return draw_later(self._later, self.memory, self._out_dir, stop)

    def save(self) -> None:
        """Write the caches to .cache/build. `build` does it itself, except in the
        preview server (in_place), which calls this after the browsers were told
        to reload: the caches only spare later work, the page does not wait for them."""
        if self.memory is not None:
            write_due_marker(self.memory)
            self.memory.save()
        self._saves += 1
        if self.freeze_heap and self._saves % 50 == 0:     # now and then, reclaim frozen cycles too
            gc.unfreeze()
            gc.collect()
            gc.freeze()

    def _start(self, changed, start: float, shortcut: bool) -> CachedRunner | BuildResult:
        """Scan the sources: → the runner of this build, or the result of one that
        found nothing changed since the last."""
        config = load_config(self.config_path).with_overrides(base_url=self.base_url)
        out_dir = Path(self.out_dir or (config.preview_dir if self.preview else config.output_dir)).resolve()
        if self.memory is None or self.memory.root != config.root:
            cache_dir = config.root / (PREVIEW_FOLDER / "build" if self.preview else Path(".cache/build"))
            self.memory = Memory(config.root, cache_dir if self.cache else None)
        memory = self.memory
        write_due_marker(memory)        # the last build's, if it was not written after the reload
        inputs = inputs_for(config, out_dir, self.jobs, self.in_place, self.preview, self.stages, memory.saved.code,
                            self.after_reload)
        # The last build, for a body edit to patch (patch.py); set again only by a
        # build that succeeds, so a failed one leaves nothing half-patched.
        last, memory.last = memory.last, None
        scan = scan_sources(inputs, memory, changed)
        folder = OutputFolder(out_dir, memory)
        runner = self._runner = CachedRunner(inputs, memory, scan, folder, last, Diagnostics(), start)
        runner.lap("scan")
        manifest = unchanged_since_last(scan, inputs, memory, folder) if shortcut else None
        if manifest is None:
            return runner
        # Nothing the last build read has changed and its output is in place: report
        # what it reported (no edition is assembled: `edition()` does that).
        memory.last, runner.route = last, Route(unchanged=True)
        said = memory.saved.last
        return BuildResult(None, OutputFiles(out_dir, manifest), list(said.warnings), said.checked,
                           {"total": time.perf_counter() - start, **runner.timings},
                           {"written": 0, "linked": len(manifest), "removed": 0}, said.articles, runner.route)

    def _build(self, changed: set[Path] | None, shortcut: bool) -> BuildResult:
        start = time.perf_counter()
        # A builder of its own process loads and assembles with the cyclic collector
        # off, then freezes what it holds (below): collecting while 10,000 articles'
        # cached objects pile up walked them again and again (0.5 s of a 1.7 s
        # fresh-process edit). Loading makes no cyclic garbage to speak of.
        paused = self.freeze_heap and gc.isenabled()
        if paused:
            gc.disable()
        try:
            runner = self._start(changed, start, shortcut)
            if isinstance(runner, BuildResult):
                return runner
            edition = prepare(runner, self.stages)
            if self.freeze_heap:
                # Everything loaded so far lives until the next build: out of the cyclic
                # collector's sight, a full collection no longer walks 10,000 articles
                # (0.3 s pauses in the preview at that size), and forked workers do not
                # copy the pages it would have touched.
                gc.freeze()
        finally:
            if paused:
                gc.enable()
        prepared = time.perf_counter()
        outcome = finish(runner, edition, self.stages)
        end = time.perf_counter()
        runner.remember(outcome)
        self._later.update(runner.later)
        self._out_dir = runner.inputs.out_dir
        if not self.in_place:
            # The new output is in place: a cache that cannot be saved costs the next
            # build time, not this one its success (the exit code must say so).
            try:
                self.memory.save()
            except OSError as exc:
                runner.problems.warning(".cache/build", 0, f"cannot save the build cache ({exc.strerror or exc}: "
                                                            f"{exc.filename}); the output is complete, the next "
                                                            f"build will redo more work")
        timings = {"prepare": prepared - start, "render": end - prepared, "total": end - start, **runner.timings}
        return BuildResult(outcome.edition, outcome.files, runner.problems.warnings, outcome.checked,
                           timings, outcome.written, len(outcome.edition.articles), runner.route)

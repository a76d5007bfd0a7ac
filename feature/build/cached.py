"""The incremental builder's runner: each kind of stage (stages.Runner) run by
the part that caches it, no work done twice (incremental.py says what is kept).

Its parts, each with its inputs and outputs:
  scan.py       sources and their keys, the no-change shortcut (before this runner)
  prepare.py    cache entries (new sources parsed in workers), listing, checks, assembly
  patch.py      a body edit: the last build patched instead of redone
  photos.py     photos placed for the articles that may hold one
  plan.py       page keys, the pages to render
  workers.py    pages rendered in worker processes, straight into staging
  sitesteps.py  site steps and the search index by shards
  linkcheck.py  links checked from the changed pages
  output.py     the build's files, staged and swapped in (or replaced in place)
"""
from __future__ import annotations

import functools

import time

from feature.core.diagnostics import Diagnostics
from feature.core.model import Article, Edition
from feature.output.write import BuildSettings
from feature.printing.forprint import PrintMemo
from feature.render.templates import make_environment

from . import workers
from .images import Images, page_images
from .facts import ArticleFacts
from .inputs import Inputs
from .keys import PageKeys, TemplateDeps, ListingMemo, linked_paths
from .linkcheck import LinkCheck
from .memory import LastBuild, Memory, Templates
from .output import Output, OutputFolder
from .patch import keep_patched, patch_plan, photo_pool, swapped_edition
from .photos import PlacedPhotos, place
from .plan import PagePlan, Planner
from .prepare import Loaded, assemble, checked, enrich_problems, load_articles
from .result import Route
from .scan import Scan, summary
from .sitesteps import SiteSteps
from .stages import Outcome, Placed, Runner


class CachedRunner(Runner):
    """One incremental build of `scan`'s sources. `last`: the last successful build
    of this process (memory.LastBuild), for a body edit to patch."""

    def __init__(self, inputs: Inputs, memory: Memory, scan: Scan, folder: OutputFolder, last: LastBuild | None,
                 problems: Diagnostics, started: float):
        self.inputs, self.memory, self.scan, self.folder, self.last = inputs, memory, scan, folder, last
        self.problems, self.timings = problems, {}
        self.route = Route()
        self._t = started                           # `lap` times each stage from here
        # This build's records, each made by one stage and read by the later ones.
        self.loaded: Loaded | None = None
        self.linked: Edition | None = None          # as assembled, before photos
        self.photos: PlacedPhotos | None = None
        self.plan: PagePlan | None = None
        self.planner: Planner | None = None
        self.steps: SiteSteps | None = None
        self.images = Images()
        self.later: dict[str, tuple] = {}       # images to draw after the reload (images.draw_later)
        self.link_facts: dict = {}                  # output path → link facts of the pages rendered now
        self.rendered: list[str] = []               # output paths of the pages rendered now

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.timings[name] = now - self._t
        self._t = now

    # ---- prepare (the parse and article stages run in the workers: inputs.stages) ----
    def load(self, parse) -> Loaded:
        self.loaded = load_articles(self.scan, self.inputs, self.memory, self.problems, self.last)
        self.route = Route(patched_edition=self.loaded.patch is not None)
        self.lap("parse_enrich")
        return self.loaded

    def check_listing(self, checks, loaded: Loaded) -> None:
        config = self.inputs.config
        for check in checks:
            self.problems.items.extend(checked(check, loaded, self.memory, lambda found: check.run(
                [a for _, a in loaded.pairs], config, found)))

    def enrich(self, stages, loaded: Loaded) -> Loaded:
        enrich_problems(self.scan, loaded, self.memory, self.problems)
        return loaded

    def assemble(self, loaded: Loaded) -> Edition:
        patch = loaded.patch
        if patch is not None:
            edition = swapped_edition(patch, self.memory)
        else:
            edition = assemble(self.scan, loaded, self.inputs, self.memory)
        self.linked = edition
        self.lap("assemble")
        return edition

    def check_edition(self, checks, edition: Edition) -> None:
        for check in checks:
            self.problems.items.extend(checked(check, self.loaded, self.memory, lambda found: check.run(
                edition, found, self.facts_of)))

    def facts_of(self, a: Article) -> ArticleFacts:
        # The entry's, made by its worker: no body is read here.
        return self.memory.entries.get(self.loaded.key_by_path[a.output_path]).facts

    # ---- finish ----------------------------------------------------------------
    def place_photos(self, edition: Edition) -> Placed:
        patch = self.loaded.patch
        pool = photo_pool(patch, edition, self.memory) if patch else None
        gone = tuple(old_key for _, old_key, _, _ in patch.swaps) if patch else ()
        self.photos = place(edition, self.loaded.key_by_path, self.inputs, self.memory, self.problems, pool, gone)
        return self.photos.placed

    def output(self, placed: Placed) -> Output:
        config = self.inputs.config
        return Output(self.inputs.out_dir, self.memory, config.sources, self.folder.previous(), self.inputs.in_place,
                      BuildSettings(config.base_url, self.inputs.preview), self.inputs.after_reload)

    def render(self, placed: Placed, out: Output, filters) -> list:
        inputs, edition = self.inputs, placed.edition
        templates = self._templates()
        self.plan = self._plan(placed, templates.deps, out)
        self.route = Route(patched_edition=self.loaded.patch is not None, patched_pages=self.plan.rechecked is not None)
        self.lap("keys")
        out.keep(self.plan.manifest)
        for rel, data in (*inputs.assets.files.items(), *placed.media.items()):
            out.add(rel, data)
        rendered = workers.render_pages(templates.env, templates.deps, edition, inputs.config, inputs.assets,
                                        self.plan.todo, filters, out.staging, inputs.workers_for(len(self.plan.todo)))
        for rel, d, data, fact in rendered:
            out.rendered(rel, d, data)
            if fact is not None:
                self.link_facts[rel] = fact
        self.rendered = [r[0] for r in rendered]
        self.lap("render_pages")
        self.steps = SiteSteps(inputs, self.memory, self.planner.keys, self.memory.article_keys,
                               self.loaded.key_by_path, out, self.last, self.plan.replaced)
        return self.plan.pages

    def page_images(self, step, placed: Placed, pages: list, out: Output) -> None:
        inputs, plan = self.inputs, self.plan
        # A patched build (a body edit) looks at the pages it keyed anew; the output
        # holds the others' images as they are.
        patched = plan.rechecked is not None
        self.images = page_images(step, plan.rechecked if patched else pages, plan.page_keys, placed.edition,
                                  inputs.config, self.memory, out, self.problems, inputs.jobs, patched,
                                  inputs.after_reload)
        self.later.update({path: (step, image, inputs.config) for path, image in self.images.pending.items()})
        self.lap("images")

    def site_step(self, step, placed: Placed, out: Output) -> None:
        self.steps.run(step, placed.edition)

    def check_links(self, pages: list, out: Output) -> int:
        self.lap("steps")
        assets, media = self.inputs.assets.files, self.photos.placed.media
        if self.plan.rechecked is None:
            # The clean build's file order (assets, media, pages, images, steps): its link
            # messages come out in that order.
            out.order([*assets, *media, *(p.output_path for p in self.plan.pages), *self.images.files,
                       *self.steps.files])
        else:           # the last build's files, in its order: only these can differ (and images come and go)
            previous = out.previous.files
            out.changed = [rel for rel in dict.fromkeys((*assets, *media, *self.rendered, *self.steps.files))
                           if previous.get(rel) != out.manifest[rel]] + self.images.added
            out.removed = self.images.stale
        checked = LinkCheck(self.memory, out, self.inputs.config.site_path, self.problems).run(pages, self.link_facts)
        self.lap("links")
        return checked

    # ---- the parts behind render -------------------------------------------------
    def _templates(self) -> Templates:
        """The Jinja environment of these templates: compiled once, kept while they are unchanged."""
        memory, config, key = self.memory, self.inputs.config, self.inputs.templates_key
        if memory.templates is None or memory.templates.key != key:
            cache = config.root / ".cache" / "jinja" if memory.cache_dir is not None else None
            memo = PrintMemo()
            env = make_environment(config.templates_dir, cache, memo)
            env.auto_reload = False         # templates_key says when they changed
            for name in env.list_templates():
                try:                        # compiled once here, not in every worker
                    env.get_template(name)
                except Exception:           # render_page reports it, with file and line
                    pass
            memory.templates = Templates(key, env, TemplateDeps(env), memo)
        return memory.templates

    def _plan(self, placed: Placed, deps: TemplateDeps, out: Output) -> PagePlan:
        """A body edit keys again only the pages that can show it (patch.py); any
        other build keys every page."""
        inputs, memory, edition = self.inputs, self.memory, placed.edition
        memo = memory.saved.by_listing
        if memo is None or memo.listing != self.loaded.listing:
            memo = memory.saved.by_listing = ListingMemo(self.loaded.listing)
        # A function of the memory, not a bound method: the keys live in the planner,
        # the planner in this runner, and a cycle through the runner would keep each
        # build's runner (its edition and pages) until a full collection; in a
        # process that freezes its heap, for good.
        links_of = functools.partial(linked_paths_of, memory, inputs.config.site_path, self.loaded.key_by_path)
        keys = PageKeys(inputs.global_key, edition, memory.article_keys, deps, memo, inputs.config.site_path,
                        links_of)
        self.planner = Planner(keys, deps, memory.article_keys, memory)
        patch = self.loaded.patch
        plan = patch and patch_plan(patch, edition, inputs.config, self.planner, out.previous, placed.media,
                                    self.photos.holders)
        return plan or self.planner.full(edition, inputs.config, out.previous.files)

    # ---- after the write ------------------------------------------------------------
    def remember(self, outcome: Outcome) -> None:
        """Keep what the next build needs: page keys, what a body edit patches
        (memory.LastBuild), what the no-change shortcut reports."""
        self.lap("write")
        memory, plan, loaded = self.memory, self.plan, self.loaded
        manifest = outcome.files.manifest
        if plan.rechecked is None:
            self.planner.keep(plan, manifest, len(outcome.edition.articles))
        else:
            keep_patched(plan, manifest, self.last, memory)
        front = next((i for i, p in enumerate(plan.pages) if p.article is not None), len(plan.pages))
        memory.last = LastBuild(
            self.inputs.key, loaded.listing, loaded.key_by_path, loaded.parse_at, loaded.enrich_at, self.linked,
            outcome.edition, self.photos.holders, frozenset(self.photos.placed.media), plan.pages, front,
            len(plan.pages) - front - len(outcome.edition.articles), plan.page_keys, memory.written.marker,
            memory.search.parts)
        memory.saved.last = summary(self.scan, self.inputs, self.problems.warnings, outcome.checked,
                                    len(outcome.edition.articles))


def linked_paths_of(memory: Memory, site_path: str, key_by_path: dict[str, str], a: Article) -> tuple[str, ...]:
    """keys.linked_paths of an article, from the hrefs its worker found (no body
    is read here, but a placed one's); remembered by its fingerprint."""
    fp = memory.article_keys.full(a)
    hit = memory.links_of.get(a.output_path)
    if hit is None or hit[0] != fp or hit[1] != site_path:
        hrefs = None
        if a.output_path not in memory.article_keys.photos:
            entry = memory.entries.get(key_by_path.get(a.output_path, ""))
            hrefs = entry.facts.hrefs if entry is not None and entry.facts is not None else None
        hit = memory.links_of[a.output_path] = (fp, site_path, linked_paths(a, site_path, hrefs))
    return hit[2]

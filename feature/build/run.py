"""The incremental build's memory (`State`) and one build (`Run`); see incremental.py.

A `Run` mirrors `pipeline.prepare_edition` + `pipeline.render_edition` +
`write.write_site` stage by stage, in the same order, so diagnostics come out
the same; it only skips work whose inputs are unchanged.
"""
from __future__ import annotations

import contextlib
import pickle
import time
from dataclasses import dataclass
from pathlib import Path

from feature.render.assets import collect_assets
from feature.core.config import Config
from feature.core.diagnostics import BuildError, Diagnostics
from feature.edition.assemble import group_into_sections, neighbours, reading_order
from .bodies import ArticleCache
from feature.output.buildfolder import FolderCheck, Manifest, check_folder
from .scan import SourceScan
from .steps import StepsAndLinks
from .patch import BodyEdit
from .plan import PagesAndPhotos
from .result import OutputFiles, Route
from .stages import STAGES, Stages, identity
from .stores import Shards, stat_signature
from .linkindex import LinkIndex
from feature.core.model import Edition
from .keys import Fingerprints, PageKeys, TemplateDeps, code_version, folder_digest
from feature.printing.forprint import PrintMemo
from feature.render.pages import make_environment
from . import workers as parallel
from feature.output import write as w
from feature.core.files import digest, digest_of, replace_file

PARALLEL_MIN = 48         # fewer misses than this: not worth starting workers


class State:
    """Everything kept between builds. On disk under `cache_dir` (None: memory only);
    a change to this package's code discards it all."""

    def __init__(self, root: Path, cache_dir: Path | None):
        self.root, self.cache_dir = root, cache_dir
        self.code = code_version()
        # source key → parsed + enriched article, its body on disk (bodystore.py)
        self.entries = ArticleCache(cache_dir)
        self.facts = Shards(cache_dir, "links")             # page path + content digest → link facts
        self.small = {"sources": None, "pages": {}, "steps": {}}
        self.linked: dict = {}                              # output path → (enriched, linked) of the last build
        self.page_keys: dict = {}                           # output path → (inputs, key) of article pages
        self.links: LinkIndex | None = None                 # the last build's links, known to hold
        self.written = None                                 # (output folder, marker stat, manifest) last written
        self.photo_free: dict = {}                          # id → article object known to hold no photo
        self.links_of: dict = {}                            # output path → (article, paths its body links to)
        self.search_keys: dict = {}                         # output path → (article, section title, key, entry)
        self.search_shard_keys = None                       # (shard plan, {shard path: key}) of the last build
        self.search_parts = None                            # [(section, entry key, entry)] of the last build
        self.search_format = None                           # the global key search.py's format was checked under
        self.last = None                                    # bodyedit.LastBuild of the last build that succeeded
        self.prints = Fingerprints()
        self.env = self.deps = self.print_memo = None
        self.env_key = ""
        if cache_dir is not None:
            self._load()

    def _load(self) -> None:
        try:
            small = pickle.loads((self.cache_dir / "state.pickle").read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            small = {}
        if small.get("code") != self.code:
            self.entries.clear_bodies()     # nothing names them any more
            return
        self.small = small
        for store in (self.entries, self.facts):
            store.loaded = False            # read on first use

    def save(self) -> None:
        if self.cache_dir is None:
            return
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        for store in (self.entries, self.facts):
            store.save()
        replace_file(self.cache_dir / "state.pickle",
                     pickle.dumps({**self.small, "code": self.code}, protocol=pickle.HIGHEST_PROTOCOL))

    def environment(self, config: Config, templates_key: str):
        if self.env is None or self.env_key != templates_key:
            cache = config.root / ".cache" / "jinja" if self.cache_dir is not None else None
            self.print_memo = PrintMemo()
            self.env = make_environment(config.templates_dir, cache, self.print_memo)
            self.env.auto_reload = False        # templates_key says when they changed
            self.deps = TemplateDeps(self.env)
            self.env_key = templates_key
            for name in self.env.list_templates():
                try:                            # compiled once here, not in every worker
                    self.env.get_template(name)
                except Exception:               # render_page reports it, with file and line
                    pass
        return self.env, self.deps


@dataclass
class Outcome:
    edition: Edition
    files: OutputFiles
    checked: int
    written: dict
    route: Route


class Run(SourceScan, PagesAndPhotos, StepsAndLinks, BodyEdit):
    """One build. Scanning sources (buildscan.py), the page plan, page keys and
    photos (buildpages.py), the post-process and link stages (buildsteps.py) and
    patching the last build after a body edit (bodyedit.py) are its other parts."""

    def __init__(self, state: State, config: Config, out_dir: Path, jobs: int, problems: Diagnostics,
                 in_place: bool = False, stages: Stages = STAGES):
        self.state, self.config, self.out_dir, self.jobs, self.problems = state, config, out_dir, jobs, problems
        self.in_place, self.stages = in_place, stages
        self._output_check: FolderCheck | None = None
        self.timings: dict[str, float] = {}
        self.route = Route()
        self._t = time.perf_counter()
        self.assets = collect_assets(config.static_dir)
        self.templates_key = folder_digest(config.templates_dir)
        self.global_key = digest(state.code, repr(config), self.templates_key,
                                 *(f"{k}\x1f{digest(v)}" for k, v in sorted(self.assets.files.items())))
        # What else a parsed and enriched source depends on: the stages that make it and the
        # settings they read; `section:` may name a section by its title.
        self.entry_salt = digest(state.code, identity(stages.parse),
                                 *(f"{identity(s.run)}\x1f{s.settings}\x1f{[getattr(config, f) for f in s.settings]!r}"
                                   for s in stages.article),
                                 *(f"{s.key}\x1f{s.title}" for s in config.sections))

    def _lap(self, name: str) -> None:
        now = time.perf_counter()
        self.timings[name] = now - self._t
        self._t = now

    # ---- load → validate → enrich (pipeline.prepare_edition) -------------
    def scan(self, changed) -> dict[str, tuple[Path, bytes | None]]:
        # The last build, for a body edit to patch (bodyedit.py); set again only
        # by a build that succeeds, so a failed one leaves nothing half-patched.
        self.last, self.state.last = self.state.last, None
        sources = self._scan(changed)
        self._lap("scan")
        return sources

    def prepare(self, sources) -> Edition:
        self.state.entries.check_bodies()
        known = self.state.entries.mapping()
        if self.last is not None and self.rekeyed is not None:
            # Only rewritten sources can be new: every other key was in the last build.
            missing = {key: sources[key] for _, key in self.rekeyed.values() if key not in known}
        else:
            missing = {key: item for key, item in sources.items() if key not in known}
        jobs = self.jobs if len(missing) >= PARALLEL_MIN else 1
        for key, entry in parallel.parse_and_enrich(list(missing.items()), self.config, self.stages, jobs,
                                                    self.state.entries.bodies):
            self.state.entries[key] = entry
        for key, (path, _) in missing.items():
            sources[key] = (path, None)     # read and parsed: the bytes are not needed again
        del missing
        self._lap("parse_enrich")
        # A body edit in a process that made the last build patches that build
        # (bodyedit.py); anything else assembles the edition from every article.
        edition = self._patched_edition()
        if edition is None:
            edition = self._assembled(sources, known)
        else:
            self.route = Route(patched_edition=True)
        self._lap("assemble")
        return edition

    def _assembled(self, sources, known) -> Edition:
        problems, loaded = self.problems, []
        entries = [known[key] for key in sources]
        # An enriched article is a function of its source key: that key, not a
        # hash of the whole article, fingerprints it (pagecache.Fingerprints.seed).
        # Keyed by output path (a str, unique once validated): hashing 10,000 Paths per build cost 25 ms.
        # One pass over 10,000 entries, not four: each costs a preview edit ~5-15 ms.
        self.key_of, self.key_by_path = key_of, key_by_path = {}, {}
        self.parse_at, self.enrich_at = {}, {}      # source path → its diagnostics, if any
        for (key, (path, _)), entry in zip(sources.items(), entries):
            if entry.parse_items:
                problems.items.extend(entry.parse_items)
                self.parse_at[path] = entry.parse_items
            a = entry.article
            if a is not None:
                loaded.append(a)
                key_of[id(a)] = key
                key_by_path[a.output_path] = key
        # Validation and reading order read the listing (headline, slug, section,
        # order …) and config, never a body: a body edit reuses both.
        listing = self.listing = self._listing(loaded)
        problems.items.extend(self._listing_problems(loaded))
        # Enrich problems join them before the build stops, as in pipeline.prepare_edition.
        for (_, (path, _)), entry in zip(sources.items(), entries):
            if entry.article is not None:
                if entry.error is not None:
                    raise entry.error
                if entry.enrich_items:
                    problems.items.extend(entry.enrich_items)
                    self.enrich_at[path] = entry.enrich_items
        if problems:
            raise BuildError(problems.errors)
        self.state.entries.keep_only(sources.keys())
        edition = self._assemble(loaded, listing)
        problems.items.extend(self._edition_problems(edition))
        return edition

    def _checked(self, check, run) -> list:
        """What a listing or edition check found: a function of the listing (the
        assembled edition follows from it and config), kept while it is unchanged."""
        memo, name = self.state.small.setdefault("checks", {}), identity(check.run)
        kept = memo.get(name)
        if kept is None or kept[0] != self.listing:
            found = Diagnostics()
            run(found)
            kept = memo[name] = (self.listing, found.items)
        return kept[1]

    def _listing_problems(self, loaded) -> list:
        return [item for check in self.stages.listing_checks
                for item in self._checked(check, lambda found: check.run(loaded, self.config, found))]

    def _edition_problems(self, edition) -> list:
        return [item for check in self.stages.edition_checks
                for item in self._checked(check, lambda found: check.run(edition, found, self._article_facts))]

    def checks_kept(self, listing: str) -> bool:
        """Whether every check's problems are kept for `listing` (a body edit replays them)."""
        memo = self.state.small.get("checks", {})
        return all(memo.get(identity(c.run), ("",))[0] == listing
                   for c in (*self.stages.listing_checks, *self.stages.edition_checks))

    def _entry_of(self, a):
        """The cache entry (parallel.Entry) of an article of this build; None if unknown."""
        return self.state.entries.get(self.key_by_path.get(a.output_path, ""))

    def _article_facts(self, a):
        # The entry's, made by its worker: no body is read here.
        return self._entry_of(a).facts

    def _listing(self, articles) -> str:
        """One digest of every article's listing fields (all but the body) and the
        config: what validation, reading order and neighbours depend on. An
        article's listing fingerprint is kept by its source key, so only new or
        edited sources are hashed."""
        known, now, prints = self.state.small.get("listings") or {}, {}, self.state.prints
        for a in articles:
            key = self.key_of[id(a)]
            fp = known.get(key)
            if fp is None:
                entry = self.state.entries.get(key)
                fp = entry.facts.listing if entry is not None and entry.facts and entry.article is a \
                    else prints.listing(a)
            now[key] = fp
        self.state.small["listings"] = now
        return digest(self.global_key, *now.values())

    def _assemble(self, articles, listing: str) -> Edition:
        """assemble.assemble_edition, keeping last build's linked article objects when
        nothing about them changed (fingerprints are cached per object)."""
        before, now, linked = self.state.linked, {}, []
        if self.state.small.get("assembled") == listing and len(before) == len(articles):
            # Same listing as the last build in this process: same order, positions
            # and neighbours; only articles with new bodies get new linked objects.
            by_path = {a.output_path: a for a in articles}
            for path, (old, la) in before.items():
                a = by_path[path]
                if a is not old:
                    la = self._link(a, la.position, la.previous, la.next)
                now[path] = (a, la)
                linked.append(la)
        else:
            ordered = reading_order(articles, self.config)
            for i, a in enumerate(ordered):
                previous, following = neighbours(ordered, i)
                hit = before.get(a.output_path)
                if (hit is not None and hit[0] is a and hit[1].position == i + 1
                        and hit[1].previous == previous and hit[1].next == following):
                    la = hit[1]
                else:
                    la = self._link(a, i + 1, previous, following)
                now[a.output_path] = (a, la)
                linked.append(la)
        self.state.linked = now
        self.state.small["assembled"] = listing
        return Edition(sections=group_into_sections(linked, self.config), articles=tuple(linked), listing=listing)

    def _link(self, a, position, previous, following):
        la = a.placed(position, previous, following)
        key, place = self.key_of[id(a)], (str(position), repr(previous), repr(following))
        self.state.prints.seed(la, digest(key, *place))
        self.state.prints.seed_listing(la, digest(self.state.small["listings"][key], *place))
        return la

    # ---- render → post-process → links → write (pipeline.render_edition) --
    def render_and_write(self, edition: Edition) -> Outcome:
        config, state = self.config, self.state
        linked = edition
        edition, media = self._place_photos(edition)
        env, deps = state.environment(config, self.templates_key)
        previous = self._previous_manifest()
        by_listing = state.small.get("by_listing")
        if by_listing is None or by_listing.get("listing") != self.listing:
            by_listing = state.small["by_listing"] = {"listing": self.listing}
        keys = PageKeys(self.global_key, edition, state.prints, deps, by_listing, config.site_path, self._links_of)
        # A body edit keys again only the pages that can show it (bodyedit.py).
        plan = (self._patched_plan(edition, keys, deps, previous, media)
                or self._full_plan(edition, keys, deps, previous))
        manifest, todo = plan.manifest, plan.todo
        self.route = Route(patched_edition=self.swapped is not None, patched_pages=plan.rechecked is not None)
        self._lap("keys")
        new: dict[str, bytes] = {}
        for rel, data in (*self.assets.files.items(), *media.items()):
            manifest[rel] = digest_of(data)
            new[rel] = data
        protected = self.config.sources
        # `build` always stages and swaps, however small the change: a build killed
        # or refused by the disk halfway leaves the previous output exactly as it
        # was. The preview server may replace changed files in place (see write.py)
        # in a folder that holds exactly what its marker says.
        in_place = self.in_place and bool(previous) and self.output_intact
        if in_place:
            w.check_output_dir(self.out_dir, protected)
        self.in_staging: set[str] = set()      # files this build wrote into the staging folder
        staged = contextlib.nullcontext() if in_place else w.staged_output(self.out_dir, protected, reuse_spare=True)
        with staged as staging:
            rendered = parallel.render_pages(env, edition, config, self.assets, todo, self.stages.page_filters,
                                             staging, self.jobs if len(todo) >= PARALLEL_MIN else 1)
            self._lap("render_pages")
            facts = {}
            for rel, d, data, fact in rendered:
                manifest[rel] = d
                if data is not None:
                    new[rel] = data
                else:
                    self.in_staging.add(rel)
                if fact is not None:
                    facts[rel] = fact
            step_files = self._steps(edition, keys, previous, new, staging)
            manifest.update(step_files)
            self._lap("steps")
            if plan.rechecked is None:
                # The clean build's file order (assets, media, pages, steps): its link
                # messages come out in that order.
                order = [*self.assets.files, *media, *(p.output_path for p in plan.pages), *step_files]
                manifest = {rel: manifest[rel] for rel in dict.fromkeys(order)}
                changed = None
            else:           # the last build's files, in its order: only these can differ
                changed = [rel for rel in dict.fromkeys((*self.assets.files, *media, *(r[0] for r in rendered),
                                                         *step_files)) if previous.get(rel) != manifest[rel]]
            checked = self._check_links(plan.pages, manifest, facts, new, staging, changed)
            self._lap("links")
            written = self._write(manifest, previous, new, staging, changed)
        self._lap("write")
        if plan.rechecked is None:
            self._keep_full(plan, manifest, edition)
        else:
            self._keep_patched(plan, manifest)
        self._remember_build(linked, edition, plan, media)
        return Outcome(edition, OutputFiles(self.out_dir, manifest), checked, written, self.route)

    def _bytes(self, rel, new, staging) -> bytes:
        """A file of this build: rendered in memory, written by a worker, or unchanged."""
        if rel in new:
            return new[rel]
        if staging is not None and rel in self.in_staging:
            return (staging / rel).read_bytes()
        return (self.out_dir / rel).read_bytes()

    # ---- write ------------------------------------------------------------
    def _write(self, manifest, previous, new, staging, changed=None) -> dict[str, int]:
        """`changed`: the files that differ from `previous`, when known (the same files otherwise)."""
        if changed is None:
            changed_count = sum(previous.get(rel) != d for rel, d in manifest.items())
            removed = len(previous.keys() - manifest.keys())
        else:
            changed_count, removed = len(changed), 0
        held, settings = self.previous_held, w.BuildSettings(self.config.base_url)
        if not changed_count and not removed and self.output_intact:
            # The output already is this build: touch nothing (staging goes back as the spare)
            # but the marker, if it does not say these settings yet.
            stats, sizes = {"written": 0, "linked": len(manifest), "removed": 0}, held.sizes
            if staging is not None:
                w.return_spare(staging, self.out_dir, {rel: manifest[rel] for rel in self.in_staging})
            if w.read_settings(self.out_dir) != settings:
                w.write_manifest(self.out_dir, manifest, sizes, settings)
        else:
            def data_of(rel: str) -> bytes:
                return self._bytes(rel, new, staging)
            if staging is None:
                stats, sizes = w.replace_in_place(self.out_dir, manifest, held, data_of, changed, settings)
            else:
                stats, sizes = w.fill_staging(staging, self.out_dir, manifest, held, data_of, self.in_staging,
                                              settings)
                w.swap_in(staging, self.out_dir, keep_spare=True)
        self.state.written = (str(self.out_dir), stat_signature(self.out_dir / w.OUTPUT_MARKER), dict(manifest), sizes)
        return stats

    def _previous_manifest(self) -> dict[str, str]:
        """The files of the output folder that can be trusted, path → digest: as
        this process last wrote them while the marker file is untouched (same
        inode, size, times; the output lock keeps our other writers out), else
        those the folder holds as its marker lists them (buildfolder.check_folder).
        Sets `previous_held` (with sizes) and `output_intact` (nothing else there)."""
        known = self.state.written
        if known is not None and known[0] == str(self.out_dir) and known[1] is not None \
                and known[1] == stat_signature(self.out_dir / w.OUTPUT_MARKER):
            self.previous_held, self.output_intact = Manifest(known[2], known[3]), True
            return known[2]
        check = self.output_check()
        self.previous_held, self.output_intact = check.held, check.intact
        return check.held.files

    def output_check(self) -> FolderCheck:
        """The output folder against its marker, once per build (buildfolder.check_folder)."""
        if self._output_check is None:
            self._output_check = check_folder(self.out_dir)
        return self._output_check

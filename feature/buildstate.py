"""The incremental build's memory (`State`) and one build (`Run`); see incremental.py.

A `Run` mirrors `pipeline.prepare_edition` + `pipeline.render_edition` +
`write.write_site` stage by stage, in the same order, so diagnostics come out
the same; it only skips work whose inputs are unchanged.
"""
from __future__ import annotations

import contextlib
import json
import pickle
import time
from dataclasses import dataclass, replace
from pathlib import Path

from .assets import collect_assets
from .config import Config
from .diagnostics import BuildError, Diagnostics
from .enrich import check_figure_consistency, group_into_sections, neighbours, reading_order
from .linkindex import LinkIndex
from .links import check_links, facts_hold, page_facts
from .load import is_content_file, walk_content
from .model import Edition
from .cachestore import Shards, StatIndex
from .pagecache import Fingerprints, PageKeys, TemplateDeps, code_version, digest, folder_digest
from .photos import place_photos, with_articles
from . import postprocess, search
from .postprocess import STEPS
from .render import make_environment, page_sources, pages_of
from .validate import validate_edition
from . import parallel, urls
from . import write as w

PARALLEL_MIN = 48         # fewer misses than this: not worth starting workers


class State:
    """Everything kept between builds. On disk under `cache_dir` (None: memory only);
    a change to this package's code discards it all."""

    def __init__(self, root: Path, cache_dir: Path | None):
        self.root, self.cache_dir = root, cache_dir
        self.code = code_version()
        self.entries = Shards(cache_dir, "articles")        # source key → parsed + enriched article
        self.facts = Shards(cache_dir, "links")             # page path + content digest → link facts
        self.small = {"sources": None, "pages": {}, "steps": {}}
        self.linked: dict = {}                              # source → (enriched, linked) of the last build
        self.page_keys: dict = {}                           # output path → (inputs, key) of article pages
        self.links: LinkIndex | None = None                 # the last build's links, known to hold
        self.written = None                                 # (output folder, marker stat, manifest) last written
        self.photo_free: dict = {}                          # id → article object known to hold no photo
        self.search_keys: dict = {}                         # source → (article, section title, key, entry)
        self.prints = Fingerprints()
        self.env = self.deps = None
        self.env_key = ""
        if cache_dir is not None:
            self._load()

    def _load(self) -> None:
        try:
            small = pickle.loads((self.cache_dir / "state.pickle").read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            return
        if small.get("code") != self.code:
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
        _atomic_write(self.cache_dir / "state.pickle",
                      pickle.dumps({**self.small, "code": self.code}, protocol=pickle.HIGHEST_PROTOCOL))

    def environment(self, config: Config, templates_key: str):
        if self.env is None or self.env_key != templates_key:
            cache = config.root / ".cache" / "jinja" if self.cache_dir is not None else None
            self.env = make_environment(config.templates_dir, cache)
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
    files: "OutputFiles"
    checked: int
    written: dict


class Run:
    def __init__(self, state: State, config: Config, out_dir: Path, jobs: int, problems: Diagnostics,
                 in_place: bool = False):
        self.state, self.config, self.out_dir, self.jobs, self.problems = state, config, out_dir, jobs, problems
        self.in_place = in_place
        self.timings: dict[str, float] = {}
        self._t = time.perf_counter()
        self.assets = collect_assets(config.static_dir)
        self.templates_key = folder_digest(config.templates_dir)
        self.global_key = digest(state.code, repr(config), self.templates_key,
                                 *(f"{k}\x1f{digest(v)}" for k, v in sorted(self.assets.files.items())))
        self.entry_salt = digest(state.code, str(config.allow_raw_html), str(config.sidebar_figures))

    def _lap(self, name: str) -> None:
        now = time.perf_counter()
        self.timings[name] = now - self._t
        self._t = now

    # ---- load → validate → enrich (pipeline.prepare_edition) -------------
    def scan(self, changed) -> dict[str, tuple[Path, bytes | None]]:
        sources = self._scan(changed)
        self._lap("scan")
        return sources

    def prepare(self, sources) -> Edition:
        missing = {key: item for key, item in sources.items() if self.state.entries.get(key) is None}
        jobs = self.jobs if len(missing) >= PARALLEL_MIN else 1
        for key, entry in parallel.parse_and_enrich(list(missing.items()), self.config, jobs):
            self.state.entries[key] = entry
        self._lap("parse_enrich")
        problems, loaded = self.problems, []
        entries = [self.state.entries.get(key) for key in sources]
        # An enriched article is a function of its source key: that key, not a
        # hash of the whole article, fingerprints it (pagecache.Fingerprints.seed).
        self.key_of = {id(e.article): key for key, e in zip(sources, entries) if e.article is not None}
        self.key_by_source = {e.article.source: key for key, e in zip(sources, entries) if e.article is not None}
        for entry in entries:
            problems.items.extend(entry.parse_items)
            if entry.article is not None:
                loaded.append(entry.article)
        # Validation and reading order read the listing (headline, slug, section,
        # order …) and config, never a body: a body edit reuses both.
        listing = self._listing(loaded)
        validated = self.state.small.get("validated")
        if validated is None or validated[0] != listing:
            found = Diagnostics()
            validate_edition(loaded, self.config, found)
            validated = self.state.small["validated"] = (listing, found.items)
        problems.items.extend(validated[1])
        if problems:
            raise BuildError(problems.errors)
        for entry in entries:
            if entry.article is not None:
                if entry.error is not None:
                    raise entry.error
                problems.items.extend(entry.enrich_items)
        if problems:
            raise BuildError(problems.errors)
        self.state.entries.keep_only(set(sources))
        edition = self._assemble(loaded, listing)
        # Warnings about figures that differ between articles: a function of the
        # listing (the assembled one follows from `listing` and config).
        cached = self.state.small.get("figure_warnings")
        if cached is None or cached[0] != listing:
            found = Diagnostics()
            check_figure_consistency(edition, found)
            cached = self.state.small["figure_warnings"] = (listing, found.items)
        problems.items.extend(cached[1])
        self._lap("assemble")
        return edition

    def _scan(self, changed) -> dict[str, tuple[Path, bytes | None]]:
        """{source key: (path, bytes or None when cached)}, in find_sources order.
        With `changed` (the preview server's hint) only those files are read;
        without, a file whose stat is as last seen keeps its key unread (as git's
        index does), so a fresh process finds 10,000 unchanged sources in ~0.1 s."""
        content = self.config.content_dir
        known = self.state.small["sources"]
        # A hint is trusted for files; a folder (or a vanished path that was not
        # an article) may hide many articles: then everything is scanned.
        hinted = changed is not None and known is not None and all(
            Path(p).is_file() or (not Path(p).exists() and (str(Path(p).absolute()) in known
                                                              or Path(p).suffix != ""))
            for p in changed)
        stats = StatIndex(self.state.small.get("stat") or {})
        if not hinted:
            sources, others = walk_content(content)
            paths = {p: stats.key(p) for p in sources}
            self.others = stats.signature(others)
        else:
            paths = dict(known)
            for p in changed:
                p = Path(p).absolute()
                if not p.is_relative_to(content):
                    continue
                rel = p.relative_to(content)
                ok = is_content_file(p) and p.is_file() and not any(x.startswith(".") for x in rel.parts)
                if ok:
                    paths[str(p)] = None
                else:
                    paths.pop(str(p), None)
            if len(paths) != len(known) or any(p not in known for p in paths):
                # find_sources' order (Path order: by parts), without 10,000 Path objects
                paths = dict(sorted(paths.items(), key=lambda kv: kv[0].split("/")))
            stats.now = {p: stats.before[p] for p, k in paths.items() if k is not None and p in stats.before}
            self.others = None
        out, keys = {}, {}
        for p, key in paths.items():
            raw = None
            if key is None:
                try:
                    raw = Path(p).read_bytes()
                except OSError as exc:       # as load.load_article reports it
                    key = digest(self.entry_salt, p, "unreadable", str(exc))
                    rel = Path(p).relative_to(content).as_posix()
                    unreadable = Diagnostics()
                    unreadable.error(f"content/{rel}", 0, f"cannot read file: {exc.strerror}")
                    self.state.entries[key] = parallel.Entry(None, unreadable.items, [])
                else:
                    key = digest(self.entry_salt, p, raw)
                    stats.remember(p, key)
            out[key] = (p, raw)
            keys[p] = key
        self.state.small["sources"] = keys
        self.state.small["stat"] = stats.now
        return out

    def unchanged_since_last(self, sources) -> dict | None:
        """What the last build reported, if nothing it read has changed since and
        the output folder is as it left it; else None. Only after a full scan."""
        if self.others is None:
            return None
        last = self.state.small.get("last")
        if last is None or last["inputs"] != self._inputs(sources):
            return None
        if last["marker"] != _marker_digest(self.out_dir):
            return None
        return last

    def remember(self, sources, outcome: "Outcome") -> None:
        """After a build that succeeded from a full scan: see unchanged_since_last."""
        self.state.small["last"] = None if self.others is None else {
            "inputs": self._inputs(sources), "marker": _marker_digest(self.out_dir),
            "warnings": list(self.problems.warnings), "checked": outcome.checked,
            "articles": len(outcome.edition.articles), "manifest": outcome.files.manifest}

    def _inputs(self, sources) -> str:
        # global_key: code, config (base_url included), templates, static files;
        # sources: every article's bytes; others: photos and anything else in content/.
        return digest(self.global_key, self.entry_salt, str(self.out_dir), *sources, *self.others)

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
                fp = prints.listing(a)
            now[key] = fp
        self.state.small["listings"] = now
        return digest(self.global_key, *now.values())

    def _assemble(self, articles, listing: str) -> Edition:
        """enrich.assemble_edition, keeping last build's linked article objects when
        nothing about them changed (fingerprints are cached per object)."""
        before, now, linked = self.state.linked, {}, []
        if self.state.small.get("assembled") == listing and len(before) == len(articles):
            # Same listing as the last build in this process: same order, positions
            # and neighbours; only articles with new bodies get new linked objects.
            by_source = {a.source: a for a in articles}
            for source, (old, la) in before.items():
                a = by_source[source]
                if a is not old:
                    la = self._link(a, la.position, la.previous, la.next)
                now[source] = (a, la)
                linked.append(la)
        else:
            ordered = reading_order(articles, self.config)
            for i, a in enumerate(ordered):
                previous, following = neighbours(ordered, i)
                hit = before.get(a.source)
                if (hit is not None and hit[0] is a and hit[1].position == i + 1
                        and hit[1].previous == previous and hit[1].next == following):
                    la = hit[1]
                else:
                    la = self._link(a, i + 1, previous, following)
                now[a.source] = (a, la)
                linked.append(la)
        self.state.linked = now
        self.state.small["assembled"] = listing
        return Edition(sections=group_into_sections(linked, self.config), articles=tuple(linked))

    def _link(self, a, position, previous, following):
        la = replace(a, position=position, previous=previous, next=following)
        self.state.prints.seed(la, digest(self.key_of[id(a)], str(position), repr(previous), repr(following)))
        return la

    # ---- render → post-process → links → write (pipeline.render_edition) --
    def render_and_write(self, edition: Edition) -> Outcome:
        config, state = self.config, self.state
        edition, media = self._place_photos(edition)
        env, deps = state.environment(config, self.templates_key)
        previous = self._previous_manifest()
        keys = PageKeys(self.global_key, edition, state.prints, deps)
        pages = pages_of(edition, config)
        known = state.small["pages"]
        page_keys, manifest, todo = {}, {}, []
        for page in pages:
            k = self._page_key(keys, deps, page)
            page_keys[page.output_path] = k
            d = known.get(k)
            if d is not None and previous.get(page.output_path) == d:
                manifest[page.output_path] = d
            else:
                todo.append(page)
        self._lap("keys")
        new: dict[str, bytes] = {}
        for rel, data in (*self.assets.files.items(), *media.items()):
            manifest[rel] = digest_of(data)
            new[rel] = data
        protected = self.config.sources
        # `build` always stages and swaps, however small the change: a build killed
        # or refused by the disk halfway leaves the previous output exactly as it
        # was. The preview server may replace changed files in place (see write.py).
        in_place = self.in_place and bool(previous)
        if in_place:
            w.check_output_dir(self.out_dir, protected)
        with (contextlib.nullcontext() if in_place else w.staged_output(self.out_dir, protected)) as staging:
            rendered = parallel.render_pages(env, edition, config, self.assets, todo, staging,
                                             self.jobs if len(todo) >= PARALLEL_MIN else 1)
            self._lap("render_pages")
            facts = {}
            for rel, d, data, fact in rendered:
                manifest[rel] = d
                if data is not None:
                    new[rel] = data
                if fact is not None:
                    facts[rel] = fact
            step_files = self._steps(edition, keys, previous, new)
            manifest.update(step_files)
            self._lap("steps")
            # The clean build's file order (assets, media, pages, steps): its link
            # messages come out in that order.
            order = [*self.assets.files, *media, *(p.output_path for p in pages), *step_files]
            manifest = {rel: manifest[rel] for rel in dict.fromkeys(order)}
            checked = self._check_links(pages, manifest, facts, new, staging)
            self._lap("links")
            written = self._write(manifest, previous, new, staging)
        self._lap("write")
        state.small["pages"] = {page_keys[rel]: manifest[rel] for rel in page_keys}
        if len(state.page_keys) > len(page_keys):
            state.page_keys = {rel: v for rel, v in state.page_keys.items() if rel in page_keys}
        state.prints.keep_only(edition.articles)
        return Outcome(edition, OutputFiles(self.out_dir, manifest), checked, written)

    def _page_key(self, keys: PageKeys, deps, page) -> str:
        """keys.key(page), remembered for article pages that see only their own
        article: the same article (fingerprint), page fields, nav and globals
        give the same key, so an edit hashes one page key, not 10,000."""
        if page.article is None or deps.sees_all(page.template):
            return keys.key(page)
        hit = self.state.page_keys.get(page.output_path)
        same = (self.global_key, keys.header, page.kind, page.template, page.title, page.description,
                page.section.key if page.section else "")
        if hit is not None and hit[0] is page.article and hit[1] == same:
            return hit[3]               # the very article object (fingerprinted) of the last build
        fp = self.state.prints.full(page.article)
        if hit is None or hit[2] != fp or hit[1] != same:
            hit = (page.article, same, fp, keys.key(page))
        else:
            hit = (page.article, same, fp, hit[3])
        self.state.page_keys[page.output_path] = hit
        return hit[3]

    def _steps(self, edition, keys: PageKeys, previous, new) -> dict[str, str]:
        """Post-process steps, re-run only when the edition (or code, config…) changed."""
        known, now, out = self.state.small["steps"], {}, {}
        for step in STEPS:
            k = digest(self.global_key, step.__module__, step.__qualname__,
                       keys.whole(step in postprocess.BODY_STEPS))
            hit = known.get(k)
            if hit is None or any(previous.get(rel) != d for rel, d in hit.items()):
                if step is postprocess.search_index:
                    # Only new shards come back as bytes; the others are in the output already.
                    files, hit = self._search_index(edition, keys)
                    hit = self._shards_on_disk(edition, files, hit, previous)
                else:
                    files = step(edition, self.config)
                    hit = {rel: digest_of(data) for rel, data in files.items()}
                new.update(files)
            now[k] = hit
            out.update(hit)
        self.state.small["steps"] = now
        return out

    def _shards_on_disk(self, edition, files, digests, previous) -> dict[str, str]:
        """A shard not rebuilt must be in the output with that digest, else rebuild them all."""
        if all(rel in files or previous.get(rel) == d for rel, d in digests.items()):
            return digests
        self.state.small["search_shards"] = {}
        files.clear()
        files.update(postprocess.search_index(edition, self.config))
        return {rel: digest_of(data) for rel, data in files.items()}

    def _search_index(self, edition: Edition, keys: PageKeys) -> tuple[dict[str, bytes], dict[str, str]]:
        """postprocess.search_index, from per-article entries kept between builds:
        (files to write, digest of every index file). A shard whose entries are
        unchanged is neither joined nor hashed again, nor rewritten. Checked
        against the real step on a two-article edition each build: if search.py
        changes its format, this falls back to the step itself."""
        prints, parts = self.state.prints, []
        titles = {s.key: s.title for s in edition.sections}
        known, now = self.state.search_keys, {}
        for a in edition.articles:
            title = titles[a.section]
            hit = known.get(a.source)
            if hit is None or hit[0] is not a or hit[1] != title:
                hit = (a, title, digest(prints.full(a), title), self._search_doc(a, title))
            now[a.source] = hit
            parts.append((a.section, hit[2], hit[3]))
        self.state.search_keys = now
        sample = edition.articles[:1] + edition.articles[-1:] if len(edition.articles) > 1 else edition.articles
        expected = postprocess.search_index(replace(edition, articles=tuple(sample)), self.config)
        mine = search.join_index([(a.section, _json(search._doc(a, titles[a.section]))) for a in sample])
        if expected != mine:
            files = postprocess.search_index(edition, self.config)
            return files, {rel: digest_of(data) for rel, data in files.items()}
        plan = search.shard_plan([section for section, _, _ in parts])
        if not plan:
            files = search.join_index([(section, entry) for section, _, entry in parts])
            return files, {rel: digest_of(data) for rel, data in files.items()}
        folder = urls.SEARCH_INDEX.rsplit("/", 1)[0]
        known, now, files, digests = self.state.small.get("search_shards") or {}, {}, {}, {}
        head = search.join_index([(section, "") for section, _, _ in parts])[urls.SEARCH_INDEX]
        files[urls.SEARCH_INDEX], digests[urls.SEARCH_INDEX] = head, digest_of(head)
        for name, first, end in plan:
            rel = f"{folder}/{name}"
            shard_key = digest(rel, *(k for _, k, _ in parts[first:end]))
            d = known.get(shard_key)
            if d is None:
                data = search.shard_bytes([entry for _, _, entry in parts[first:end]])
                d = digest_of(data)
                files[rel] = data
            now[shard_key] = d
            digests[rel] = d
        self.state.small["search_shards"] = now
        return files, digests

    def _search_doc(self, a, title: str) -> str:
        """One article's search entry: as its worker made it (parallel.load_entry),
        unless photos changed its body since or its section's title is not the one
        the worker saw."""
        entry = self.state.entries.get(self.key_by_source.get(a.source, ""))
        if (entry is not None and entry.search_doc is not None and entry.search_title == title
                and entry.article.body_html is a.body_html and entry.article.output_path == a.output_path):
            return entry.search_doc
        return _json(search._doc(a, title))

    def _check_links(self, pages, manifest, facts, new, staging) -> int:
        known = self.state.links
        self.state.links = None             # until this build's links are known to hold
        if known is not None and not self.problems:
            for rel, fact in facts.items():         # kept for a fresh process, as the full check does
                self.state.facts.discard(f"{rel}\0{known.manifest.get(rel)}")
                self.state.facts[f"{rel}\0{manifest[rel]}"] = fact
            checked = known.update(manifest, facts, lambda rel: self._facts_of(rel, manifest[rel], new, staging))
            if checked is not None:
                self.state.links = known
                return checked
        checked, facts = self._check_all_links(pages, manifest, facts, new, staging)
        self.state.links = LinkIndex(manifest, facts, checked)
        return checked

    def _facts_of(self, rel, d, new, staging):
        key = f"{rel}\0{d}"
        fact = self.state.facts.get(key)
        if fact is None:
            fact = self.state.facts[key] = page_facts(rel, self._bytes(rel, new, staging).decode("utf-8"),
                                                      self.config.site_path)
        return fact

    def _check_all_links(self, pages, manifest, facts, new, staging) -> tuple[int, dict]:
        site_path, cache = self.config.site_path, self.state.facts
        live = set()
        for rel, d in manifest.items():
            if not rel.endswith(".html"):
                continue
            key = f"{rel}\0{d}"
            live.add(key)
            if rel in facts:
                cache[key] = facts[rel]
                continue
            fact = cache.get(key)
            if fact is None:
                fact = page_facts(rel, self._bytes(rel, new, staging).decode("utf-8"), site_path)
                cache[key] = fact
            facts[rel] = fact
        cache.keep_only(live)
        verdict = digest(*sorted(f"{rel}\0{d}" for rel, d in manifest.items()))
        held = self.state.small.get("links_held") == verdict or facts_hold(facts, manifest)
        if not held or self.problems:
            # Slow path, for the messages: the reference check over every file's bytes.
            files = {rel: self._bytes(rel, new, staging) for rel in manifest}
            check_links(files, page_sources(pages), self.problems, site_path)
            if self.problems:
                raise BuildError(self.problems.errors)
        self.state.small["links_held"] = verdict
        return sum(f[2] for f in facts.values()), facts

    def _bytes(self, rel, new, staging) -> bytes:
        """A file of this build: rendered in memory, written by a worker, or unchanged."""
        if rel in new:
            return new[rel]
        if staging is not None and (staging / rel).exists():
            return (staging / rel).read_bytes()
        return (self.out_dir / rel).read_bytes()

    # ---- write ------------------------------------------------------------
    def _write(self, manifest, previous, new, staging) -> dict[str, int]:
        changed = sum(previous.get(rel) != d for rel, d in manifest.items())
        removed = len(previous.keys() - manifest.keys())
        if not changed and not removed and (self.out_dir / w.MARKER).is_file():
            # The output already is this build: touch nothing (staging is discarded).
            stats = {"written": 0, "linked": len(manifest), "removed": 0}
        else:
            def data_of(rel: str) -> bytes:
                return self._bytes(rel, new, staging)
            if staging is None:
                stats = w.replace_in_place(self.out_dir, manifest, previous, data_of)
            else:
                stats = w.fill_staging(staging, self.out_dir, manifest, previous, data_of)
                w.swap_in(staging, self.out_dir)
        self.state.written = (str(self.out_dir), _stat(self.out_dir / w.MARKER), dict(manifest))
        return stats

    def _previous_manifest(self) -> dict[str, str]:
        """The output folder's manifest: as this process last wrote it while the
        marker file is untouched (same inode, size, times), else read from disk."""
        known = self.state.written
        if known is not None and known[0] == str(self.out_dir) and known[1] is not None \
                and known[1] == _stat(self.out_dir / w.MARKER):
            return known[2]
        return w.read_manifest(self.out_dir)

    def _place_photos(self, edition: Edition):
        """photos.place_photos over the articles that may hold a photo: an article
        object already seen without one (most of them, most builds) is skipped."""
        free = self.state.photo_free
        candidates = tuple(a for a in edition.articles if free.get(id(a)) is not a)
        placed, media = place_photos(replace(edition, articles=candidates), self.config, self.problems)
        done = {a.source: p for a, p in zip(candidates, placed.articles) if p is not a}
        self.state.photo_free = {id(a): a for a in edition.articles
                                 if free.get(id(a)) is a or (a.source not in done and 'data-photo="' not in a.body_html)}
        return (with_articles(edition, done) if done else edition), media


def _stat(path: Path):
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)


def _marker_digest(out_dir: Path) -> str | None:
    try:
        return digest((out_dir / w.MARKER).read_bytes())
    except OSError:
        return None


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


digest_of = w.digest_of


_atomic_write = w._replace_file


class OutputFiles:
    """BuildResult.files without holding 10,000 pages in memory: read on access."""

    def __init__(self, out_dir: Path, manifest: dict[str, str]):
        self.out_dir, self.manifest = out_dir, manifest

    def __getitem__(self, rel: str) -> bytes:
        if rel not in self.manifest:
            raise KeyError(rel)
        return (self.out_dir / rel).read_bytes()

    def get(self, rel: str, default=None):
        return self[rel] if rel in self.manifest else default

    def __contains__(self, rel) -> bool:
        return rel in self.manifest

    def __iter__(self):
        return iter(self.manifest)

    def __len__(self) -> int:
        return len(self.manifest)

    def keys(self):
        return self.manifest.keys()

    def items(self):
        return ((rel, self[rel]) for rel in self.manifest)

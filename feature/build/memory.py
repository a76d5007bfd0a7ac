"""What the incremental builder keeps between builds, as typed records.

`Saved` is pickled in .cache/build/state.pickle: all a fresh process starts
from. `Memory` is one process's (the preview server's warm state): `Saved`,
the two stores kept in shards beside it (cache entries of articles, link facts
of pages), and what only lives as long as the process. Every memo is keyed by
stable keys: source keys (a digest of a source's path and bytes), article
fingerprints (keys.ArticleKeys) and output paths, never by object identity.
A change to the package's code (keys.code_version) discards it all.
"""
from __future__ import annotations

import pickle
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from feature.core.diagnostics import Diagnostic
from feature.core.files import replace_file
from feature.core.model import Article, Edition

from .entries import ArticleCache
from .keys import ArticleKeys, ListingMemo, code_version
from .linkindex import LinkIndex
from .stores import Shards


@dataclass
class Checked:
    """What one listing or edition check found, under the listing it ran for."""
    listing: str
    items: list[Diagnostic]


@dataclass(frozen=True)
class LastSummary:
    """What the no-change shortcut reports (scan.unchanged_since_last)."""
    inputs: str                     # digest of everything the last build read (scan.inputs_digest)
    marker: str                     # digest of the output folder's marker as it was written
    warnings: tuple[Diagnostic, ...]
    checked: int
    articles: int


@dataclass(frozen=True)
class VerifiedLinks:
    """The files of the last build whose links all held, and how many were checked."""
    manifest: dict[str, str]
    checked: int


@dataclass
class Saved:
    code: str
    sources: dict[str, str] | None = None       # source path → source key, as last scanned
    stat: dict[str, tuple] = field(default_factory=dict)       # stores.StatIndex records
    listings: dict[str, str] = field(default_factory=dict)     # source key → listing fingerprint
    checks: dict[str, Checked] = field(default_factory=dict)   # stages.identity(check) → what it found
    by_listing: ListingMemo | None = None
    pages: dict[str, str] = field(default_factory=dict)        # page key → digest of the page's bytes
    steps: dict[str, dict[str, str]] = field(default_factory=dict)     # step key → {output path: digest}
    search_shards: dict[str, str] = field(default_factory=dict)       # shard key → digest
    images: dict[str, tuple] = field(default_factory=dict)    # page path → (page key, {image: digest}): images.py
    links_verified: VerifiedLinks | None = None
    last: LastSummary | None = None


@dataclass
class Written:
    """The output folder as this process last wrote it."""
    out_dir: str
    marker: tuple | None            # the marker file's stat signature then (stores.stat_signature);
                                    # None while its full marker is due (Memory.marker_due)
    manifest: dict[str, str]        # output path → digest
    sizes: dict[str, int]
    settings: object                # output.write.BuildSettings the marker records


@dataclass
class Templates:
    """The Jinja environment of one version of the templates, compiled once."""
    key: str                        # digest of templates/
    env: Any                        # jinja2.Environment
    deps: Any                       # keys.TemplateDeps
    print_memo: Any                 # printing.forprint.PrintMemo: the env's for_print filter's


@dataclass
class SearchMemo:
    """The search index's parts as last built (sitesteps.py)."""
    keys: dict[str, tuple] = field(default_factory=dict)  # output path → (fingerprint, title, entry key, entry)
    shard_keys: tuple | None = None     # (shard plan, {shard path: shard key})
    parts: list | None = None           # [(section, entry key, entry)] in reading order
    format: str = ""                    # the global key search.py's format was last checked under


@dataclass
class LastBuild:
    """What the last successful build of this process leaves for a body edit (patch.py)."""
    inputs: tuple                   # inputs.Inputs.key: global key, entry salt, output folder
    listing: str
    key_by_path: dict[str, str]     # output path → source key
    parse_at: dict[str, list]       # source path → its parse diagnostics, for those with some
    enrich_at: dict[str, list]      # source path → its enrich diagnostics
    linked: Edition                 # as assembled
    final: Edition                  # as rendered (photos placed)
    holders: tuple[str, ...]        # output paths of the articles whose photos were placed
    media: frozenset[str]           # the media files' paths
    pages: list                     # render.pages.Page, in pages_of order
    front: int                      # pages before the article pages (render.front_pages)
    back: int                       # pages after them (render.back_pages)
    page_keys: dict[str, str]       # output path → page key
    marker: tuple | None            # the output folder's marker as this build wrote it (Written.marker)
    search_parts: list | None       # SearchMemo.parts


class Memory:
    """Everything one process keeps between builds of one edition (its `root`)."""

    def __init__(self, root: Path, cache_dir: Path | None):
        self.root, self.cache_dir = root, cache_dir
        self.saved = Saved(code_version())
        self.entries = ArticleCache(cache_dir)          # source key → entries.Entry, its body on disk
        self.link_facts = Shards(cache_dir, "links")    # "page\0digest" → linkindex.PageLinks
        self.linked: dict[str, tuple[str, Article]] = {}   # output path → (source key, linked article)
        self.assembled = ""                             # the listing `linked` was assembled under
        self.article_keys = ArticleKeys()
        self.page_keys: dict[str, tuple] = {}           # output path → (fingerprint(s), context, page key)
        self.links_of: dict[str, tuple] = {}            # output path → (fingerprint, site path, linked paths)
        self.photo_free: set[str] = set()               # source keys whose bodies hold no photo
        self.search = SearchMemo()
        self.links: LinkIndex | None = None             # the last build's links, known to hold
        self.written: Written | None = None
        # An in-place build's full marker, due after the reload (Inputs.after_reload): the
        # stat signature of the empty one it left, which another writer since would change.
        self.marker_due: tuple | None = None            # written by output.write_due_marker
        self.last: LastBuild | None = None
        self.templates: Templates | None = None
        if cache_dir is not None:
            self._load()

    def _load(self) -> None:
        try:
            saved = pickle.loads((self.cache_dir / "state.pickle").read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
            saved = None
        if not isinstance(saved, Saved) or saved.code != self.saved.code:
            self.entries.clear_bodies()     # nothing names them any more
            return
        self.saved = saved
        for store in (self.entries, self.link_facts):
            store.loaded = False            # read on first use

    def save(self) -> None:
        if self.cache_dir is None:
            return
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        for store in (self.entries, self.link_facts):
            store.save()
        replace_file(self.cache_dir / "state.pickle", pickle.dumps(self.saved, protocol=pickle.HIGHEST_PROTOCOL))

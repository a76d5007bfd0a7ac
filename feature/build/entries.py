"""The incremental builder's cache of articles: source key → `Entry`, the source
parsed and through the article stages (or why not), with what the parent
needs of its body (its facts, its search-index entry). Made in the parse
workers (workers.py); the entry's article is lean, its body in a pack
(bodies.py). A source key is a digest of the source's path and bytes, the
code and the stages' settings (inputs.py): the same key, the same entry.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from feature.core.diagnostics import Diagnostics
from feature.core.model import TextAsBytes
from feature.edition.load import read_source, shown_source
from feature.output import search

from .bodies import BodyStore, TextRef
from .facts import ArticleFacts, article_facts
from .stages import Stages
from .stores import Shards


@dataclass
class Entry(TextAsBytes):
    """One source, loaded and enriched (or why not)."""
    article: object                 # the enriched Article; the parsed one if enrich raised; None
    parse_items: list
    enrich_items: list
    error: BaseException | None = None
    search_doc: object = None       # its search-index entry (JSON; or a bodies.TextRef), made here too
    search_title: str = ""          # … under this section title
    facts: ArticleFacts | None = None   # what the parent needs of its body, made here too
    _text_fields: ClassVar[tuple[str, ...]] = ("search_doc",)


def load_entry(path: Path | str, raw: bytes | None, config, stages: Stages) -> Entry:
    """One source parsed and through the article stages (stages.py), with its
    search entry and facts: all the parent keeps of it."""
    path = Path(path)
    rel = path.relative_to(config.content_dir)
    shown, parsed = shown_source(rel), Diagnostics()
    if raw is None:
        raw = read_source(path, config.content_dir, shown, parsed)
    article = None if raw is None else stages.parse(raw, rel, shown, parsed, config.sections)
    if article is None:
        return Entry(None, parsed.items, [])
    enriched = Diagnostics()
    try:
        # Enriched even if validation will fail (validation never looks at the body), and
        # a stand-in for a source with errors too: the build reports every problem at once.
        done = article
        for stage in stages.article:
            done = stage.run(done, config, enriched)
    except Exception as exc:        # raised later, only where the clean build would get that far
        return Entry(article, parsed.items, [], exc)
    titles = {s.key: s.title for s in config.sections}
    doc = search.to_json(search._doc(done, titles[done.section])) if done.section in titles else None
    return Entry(done, parsed.items, enriched.items, None, doc, titles.get(done.section, ""), article_facts(done))


def stored_paths(entry) -> list[str]:
    """The packs a cache entry needs."""
    paths = []
    ref = entry.article.stored if entry.article is not None else None
    if ref is not None:
        paths.append(ref.path)
    if isinstance(entry.search_doc, TextRef):
        paths.append(entry.search_doc.path)
    return paths


class ArticleCache(Shards):
    """The incremental build's article cache: source key → Entry (its
    article lean), kept in shards, with the packs its bodies are in. A pack is
    removed when the last entry in it is dropped."""

    def __init__(self, cache_dir: Path | None):
        super().__init__(cache_dir, "articles")
        self.bodies = BodyStore(cache_dir / "bodies") if cache_dir is not None else None
        self.checked = False
        self._users: dict[str, set[str]] | None = None      # pack → keys of entries in it

    def check_bodies(self) -> None:
        """Once per process: an entry whose pack is gone (a cache folder pruned by
        hand) is dropped, so that its source is parsed again."""
        if self.bodies is None or self.checked:
            return
        self.checked = True
        present = self.bodies.present()
        for key, entry in self.items():
            if any(path not in present for path in stored_paths(entry)):
                self.discard(key)

    def clear_bodies(self) -> None:
        if self.bodies is not None:
            self.bodies.clear()

    def _pack_users(self) -> dict[str, set[str]]:
        # Made from every entry once per process (when the first is dropped), then kept up to date.
        if self._users is None:
            self._users = {}
            for key, entry in self.items():
                for path in stored_paths(entry):
                    self._users.setdefault(path, set()).add(key)
        return self._users

    def __setitem__(self, key: str, entry) -> None:
        super().__setitem__(key, entry)
        if self._users is not None:
            for path in stored_paths(entry):
                self._users.setdefault(path, set()).add(key)

    def discard(self, key: str) -> None:
        entry = self.get(key)
        if self.bodies is not None and entry is not None:
            users, unused = self._pack_users(), []
            for path in stored_paths(entry):
                left = users.get(path, set())
                left.discard(key)
                if not left:
                    unused.append(path)
                    users.pop(path, None)
            self.bodies.remove(unused)
        super().discard(key)

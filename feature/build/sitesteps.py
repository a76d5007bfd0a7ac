"""The site steps of the incremental builder, each re-run only as far as the
edition changed: a step is keyed by the global key and the edition's listing
(or, for a step that reads bodies, every article's fingerprint); the search
index is kept in per-article entries and shards."""
from __future__ import annotations

import bisect
from dataclasses import replace

from feature.core import urls
from feature.core.files import digest
from feature.core.model import Edition
from feature.output import postprocess, search

from .bodies import full, text_of, utf8_length, utf8_of
from .inputs import Inputs
from .keys import ArticleKeys, PageKeys
from .memory import LastBuild, Memory
from .output import Output
from .render import full_edition
from .stages import Reads, SiteStep, identity


SEARCH_FIELDS = ("body_html", "plain_text")       # what search._doc reads of an article


class SiteSteps:
    """The site steps of one build, their files into `out`. `replaced_at`: the
    indices in reading order of the articles a body edit replaced (patch.py),
    whose `last` build's search index is patched; None: no patch."""

    def __init__(self, inputs: Inputs, memory: Memory, keys: PageKeys, article_keys: ArticleKeys,
                 key_by_path: dict[str, str], out: Output, last: LastBuild | None, replaced_at: list | None):
        self.inputs, self.memory, self.keys, self.article_keys = inputs, memory, keys, article_keys
        self.key_by_path, self.out, self.last, self.replaced_at = key_by_path, out, last, replaced_at
        self.previous = out.previous.files
        self.files: dict[str, str] = {}         # every step's files: output path → digest
        # This build's step keys replace the last build's (whose are still read here).
        self._known, memory.saved.steps = memory.saved.steps, {}

    def run(self, step: SiteStep, edition: Edition) -> None:
        is_search = step.run is postprocess.search_index
        if is_search and self.replaced_at is not None:
            # A body edit: the index patches its own shards; its step key would
            # hash every article's fingerprint.
            hit = self._search_index(edition)
            self.out.keep(hit)
            self.files.update(hit)
            return
        k = digest(self.inputs.global_key, identity(step.run), self.keys.whole(Reads.BODIES in step.reads))
        hit = self._known.get(k)
        if hit is None or any(self.previous.get(rel) != d for rel, d in hit.items()):
            if is_search:
                hit = self._search_index(edition)
            else:
                hit = {rel: self.out.emit(rel, data) for rel, data in step.run(edition, self.inputs.config).items()}
        self.memory.saved.steps[k] = hit
        self.out.keep(hit)
        self.files.update(hit)

    def _search_index(self, edition: Edition) -> dict[str, str]:
        """postprocess.search_index from per-article entries kept between builds;
        each file goes to the output as it is made; → digest of every index file.
        A shard whose entries are unchanged, and that the output holds, is neither
        joined nor hashed again, nor rewritten. Checked against the real step on a
        two-article edition once per global key: if search.py changes its format,
        this falls back to the step itself."""
        titles = {s.key: s.title for s in edition.sections}
        parts, fresh = self._search_parts(edition, titles)
        if not self._format_holds(edition, titles):
            files = postprocess.search_index(full_edition(edition, SEARCH_FIELDS), self.inputs.config)
            return {rel: self.out.emit(rel, data) for rel, data in files.items()}
        plan, head = self._shard_plan(parts)
        if not plan:
            files = search.join_index([(section, text_of(entry)) for section, _, entry in parts])
            return {rel: self.out.emit(rel, data) for rel, data in files.items()}
        folder = urls.SEARCH_INDEX.rsplit("/", 1)[0]
        known, now, digests = self.memory.saved.search_shards, {}, {}
        digests[urls.SEARCH_INDEX] = self.out.emit(urls.SEARCH_INDEX, head)
        # A shard's key, kept while the plan is the same and none of its entries is new.
        memo = self.memory.search
        before = memo.shard_keys[1] if memo.shard_keys is not None and memo.shard_keys[0] == plan else {}
        memo.shard_keys = (plan, shard_keys := {})
        for name, first, end in plan:
            rel = f"{folder}/{name}"
            i = bisect.bisect_left(fresh, first)
            shard_key = before.get(rel) if i == len(fresh) or fresh[i] >= end else None
            if shard_key is None:
                shard_key = digest(rel, *(k for _, k, _ in parts[first:end]))
            shard_keys[rel] = shard_key
            d = known.get(shard_key)
            if d is None or self.previous.get(rel) != d:
                data = self._spliced_shard(rel, first, end, parts, fresh[i:bisect.bisect_left(fresh, end)])
                if data is None:
                    data = search.shard_bytes([text_of(entry) for _, _, entry in parts[first:end]])
                d = self.out.emit(rel, data)
            now[shard_key] = d
            digests[rel] = d
        self.memory.saved.search_shards = now
        return digests

    def _format_holds(self, edition: Edition, titles: dict) -> bool:
        if self.memory.search.format == self.inputs.global_key:
            return True
        articles = edition.articles
        ends = articles[:1] + articles[-1:] if len(articles) > 1 else articles
        sample = tuple(full(a, SEARCH_FIELDS) for a in ends)
        expected = postprocess.search_index(replace(edition, articles=tuple(sample), listing=""), self.inputs.config)
        mine = search.join_index([(a.section, search.to_json(search._doc(a, titles[a.section]))) for a in sample])
        if expected != mine:
            return False
        self.memory.search.format = self.inputs.global_key      # code and config: checked once for them
        return True

    def _shard_plan(self, parts: list) -> tuple:
        # The plan (and the manifest naming its shards) follows from the sections
        # of the articles in reading order: from the listing.
        memo = self.keys.by_listing
        if memo.search_plan is None:
            plan = search.shard_plan([section for section, _, _ in parts])
            head = search.join_index([(section, "") for section, _, _ in parts])[urls.SEARCH_INDEX] if plan else b""
            memo.search_plan = (plan, head)
        return memo.search_plan

    def _spliced_shard(self, rel: str, first: int, end: int, parts: list, fresh: list) -> bytes | None:
        """A body edit's shard: the last build's file with the new entries cut in,
        instead of 500 entries read and joined again; None if this is no body edit
        or the output does not hold the last build's shard."""
        last = self.last
        if self.replaced_at is None or last.search_parts is None:
            return None
        try:
            old = (self.inputs.out_dir / rel).read_bytes()
        except OSError:
            return None
        lengths = [utf8_length(entry) for _, _, entry in last.search_parts[first:end]]
        return search.spliced_shard(old, lengths, {i - first: utf8_of(parts[i][2]) for i in fresh})

    def _search_parts(self, edition: Edition, titles: dict) -> tuple[list, list]:
        """[(section, entry key, entry)] in reading order, and the indices of the
        entries that are new since the last build. A body edit replaces only its
        own articles' entries in the last build's list."""
        memo, last = self.memory.search, self.last
        if self.replaced_at is not None and last.search_parts is not None:
            parts, indices, now = list(last.search_parts), self.replaced_at, memo.keys
        else:
            parts, indices, now = [None] * len(edition.articles), range(len(edition.articles)), {}
        fresh = []
        for i in indices:
            a = edition.articles[i]
            title, fp = titles[a.section], self.article_keys.full(a)
            hit = memo.keys.get(a.output_path)
            if hit is None or hit[0] != fp or hit[1] != title:
                hit = (fp, title, digest(fp, title), self._search_doc(a, title))
                fresh.append(i)
            now[a.output_path] = hit
            parts[i] = (a.section, hit[2], hit[3])
        memo.keys, memo.parts = now, parts
        return parts, fresh

    def _search_doc(self, a, title: str):
        """One article's search entry: as its worker made it (entries.load_entry;
        kept on disk, read when its shard is written), unless photos changed its
        body since or its section's title is not the one the worker saw."""
        entry = self.memory.entries.get(self.key_by_path.get(a.output_path, ""))
        if (entry is not None and entry.search_doc is not None and entry.search_title == title
                and a.output_path not in self.article_keys.photos and entry.article.output_path == a.output_path):
            return entry.search_doc
        return search.to_json(search._doc(full(a, SEARCH_FIELDS), title))

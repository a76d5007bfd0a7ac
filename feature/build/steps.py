"""Part of buildstate.Run: the post-process steps (search index by shards) and
the link check, each redone only as far as the edition changed.
"""
from __future__ import annotations

import bisect
from dataclasses import replace

from .bodies import text_of, utf8_length, utf8_of
from feature.core.diagnostics import BuildError
from .linkindex import LinkIndex, all_hold, compact
from feature.output.links import check_links, page_facts
from feature.core.model import Edition
from feature.core.files import digest, digest_of
from .keys import PageKeys
from .stages import Reads, identity
from feature.render.pages import page_sources
from feature.output import postprocess
from feature.output import search
from feature.core import urls
from feature.output import write as w


class StepsAndLinks:
    def _steps(self, edition, keys: PageKeys, previous, new, staging=None) -> dict[str, str]:
        """Post-process steps, re-run only when the edition (or code, config…) changed.
        Their files go straight into `staging` when there is one (the search index
        of 10,000 articles is 80 MB: written shard by shard, never all in memory)."""
        def emit(rel: str, data: bytes) -> str:
            if staging is None:
                new[rel] = data
            else:
                w.stage_file(staging / rel, data)
                self.in_staging.add(rel)
            return digest_of(data)

        known, now, out = self.state.small["steps"], {}, {}
        for step in self.stages.site:
            if step.run is postprocess.search_index and self.replaced_at is not None:
                # A body edit (bodyedit.py): the index patches its own shards; its step
                # key would hash every article's fingerprint.
                out.update(self._search_index(edition, keys, previous, emit))
                continue
            k = digest(self.global_key, identity(step.run), keys.whole(Reads.BODIES in step.reads))
            hit = known.get(k)
            if hit is None or any(previous.get(rel) != d for rel, d in hit.items()):
                if step.run is postprocess.search_index:
                    hit = self._search_index(edition, keys, previous, emit)
                else:
                    hit = {rel: emit(rel, data) for rel, data in step.run(edition, self.config).items()}
            now[k] = hit
            out.update(hit)
        self.state.small["steps"] = now
        return out

    def _search_index(self, edition: Edition, keys: PageKeys, previous, emit) -> dict[str, str]:
        """postprocess.search_index, from per-article entries kept between builds;
        each file goes to `emit` (→ its digest) as it is made; → digest of every
        index file. A shard whose entries are unchanged, and that the output holds,
        is neither joined nor hashed again, nor rewritten. Checked against the real
        step on a two-article edition each build: if search.py changes its format,
        this falls back to the step itself."""
        titles = {s.key: s.title for s in edition.sections}
        parts, fresh = self._search_parts(edition, titles)
        if self.state.search_format != self.global_key:
            sample = edition.articles[:1] + edition.articles[-1:] if len(edition.articles) > 1 else edition.articles
            expected = postprocess.search_index(replace(edition, articles=tuple(sample), listing=""), self.config)
            mine = search.join_index([(a.section, search.to_json(search._doc(a, titles[a.section])))
                                      for a in sample])
            if expected != mine:
                return {rel: emit(rel, data) for rel, data in postprocess.search_index(edition, self.config).items()}
            self.state.search_format = self.global_key      # code and config: checked once for them
        # The plan (and the manifest naming its shards) follows from the sections
        # of the articles in reading order: from the listing.
        if "search_plan" not in keys.by_listing:
            plan = search.shard_plan([section for section, _, _ in parts])
            head = search.join_index([(section, "") for section, _, _ in parts])[urls.SEARCH_INDEX] if plan else b""
            keys.by_listing["search_plan"] = (plan, head)
        plan, head = keys.by_listing["search_plan"]
        if not plan:
            files = search.join_index([(section, text_of(entry)) for section, _, entry in parts])
            return {rel: emit(rel, data) for rel, data in files.items()}
        folder = urls.SEARCH_INDEX.rsplit("/", 1)[0]
        known, now, digests = self.state.small.get("search_shards") or {}, {}, {}
        digests[urls.SEARCH_INDEX] = emit(urls.SEARCH_INDEX, head)
        # A shard's key, kept while the plan is the same and none of its entries is new.
        memo = self.state.search_shard_keys
        before = memo[1] if memo is not None and memo[0] is plan else {}
        self.state.search_shard_keys = (plan, shard_keys := {})
        for name, first, end in plan:
            rel = f"{folder}/{name}"
            i = bisect.bisect_left(fresh, first)
            shard_key = before.get(rel) if i == len(fresh) or fresh[i] >= end else None
            if shard_key is None:
                shard_key = digest(rel, *(k for _, k, _ in parts[first:end]))
            shard_keys[rel] = shard_key
            d = known.get(shard_key)
            if d is None or previous.get(rel) != d:
                data = self._spliced_shard(rel, first, end, parts, fresh[i:bisect.bisect_left(fresh, end)])
                if data is None:
                    data = search.shard_bytes([text_of(entry) for _, _, entry in parts[first:end]])
                d = emit(rel, data)
            now[shard_key] = d
            digests[rel] = d
        self.state.small["search_shards"] = now
        return digests

    def _spliced_shard(self, rel: str, first: int, end: int, parts: list, fresh: list) -> bytes | None:
        """A body edit's shard (bodyedit.py): the last build's file with the new
        entries cut in, instead of 500 entries read and joined again; None if
        this is no body edit or the output does not hold the last build's shard."""
        last = self.last
        if self.replaced_at is None or last.search_parts is None:
            return None
        try:
            old = (self.out_dir / rel).read_bytes()
        except OSError:
            return None
        lengths = [utf8_length(entry) for _, _, entry in last.search_parts[first:end]]
        return search.spliced_shard(old, lengths, {i - first: utf8_of(parts[i][2]) for i in fresh})

    def _search_parts(self, edition: Edition, titles: dict) -> tuple[list, list]:
        """[(section, entry key, entry)] in reading order, and the indices of the
        entries that are new since the last build. A body edit (bodyedit.py)
        replaces only its own articles' entries in the last build's list."""
        prints, known, last = self.state.prints, self.state.search_keys, self.last
        if self.replaced_at is not None and last.search_parts is not None:
            parts, indices, now = list(last.search_parts), self.replaced_at, known
        else:
            parts, indices, now = [None] * len(edition.articles), range(len(edition.articles)), {}
        fresh = []
        for i in indices:
            a = edition.articles[i]
            title = titles[a.section]
            hit = known.get(a.output_path)
            if hit is None or hit[0] is not a or hit[1] != title:
                hit = (a, title, digest(prints.full(a), title), self._search_doc(a, title))
                fresh.append(i)
            now[a.output_path] = hit
            parts[i] = (a.section, hit[2], hit[3])
        self.state.search_keys = now
        self.state.search_parts = parts
        return parts, fresh

    def _search_doc(self, a, title: str):
        """One article's search entry: as its worker made it (parallel.load_entry;
        kept on disk, read when its shard is written), unless photos changed its
        body since or its section's title is not the one the worker saw."""
        entry = self._entry_of(a)
        if (entry is not None and entry.search_doc is not None and entry.search_title == title
                and entry.article.shares_body(a) and entry.article.output_path == a.output_path):
            return entry.search_doc
        return search.to_json(search._doc(a, title))

    def _check_links(self, pages, manifest, facts, new, staging, changed=None) -> int:
        known = self.state.links or self._saved_link_index()
        verified = self.state.small.get("links_verified")
        self.state.links = None             # until this build's links are known to hold
        self.state.small["links_verified"] = None
        if known is not None and not self.problems:
            for rel, fact in facts.items():         # kept for a fresh process, as the full check does
                self.state.facts.discard(f"{rel}\0{known.manifest.get(rel)}")
                self.state.facts[f"{rel}\0{manifest[rel]}"] = fact
            checked = known.update(manifest, facts, lambda rel: self._facts_of(rel, manifest[rel], new, staging),
                                   changed)
            if checked is not None:
                self.state.links = known
                self.state.small["links_verified"] = (known.manifest, checked)
                return checked
        held = verified is not None and verified[0] == manifest    # these very files were verified
        checked, facts = self._check_all_links(pages, manifest, facts, new, staging, held)
        self.state.links = LinkIndex(manifest, facts, checked)
        self.state.small["links_verified"] = (self.state.links.manifest, checked)
        return checked

    def _saved_link_index(self) -> LinkIndex | None:
        """The last verified build's LinkIndex, from .cache/build (a fresh process):
        its manifest and the facts of its pages, kept by content."""
        saved = self.state.small.get("links_verified")
        if saved is None:
            return None
        manifest, checked = saved
        facts = {}
        for rel, d in manifest.items():
            if rel.endswith(".html"):
                fact = self.state.facts.get(f"{rel}\0{d}")
                if fact is None:
                    return None
                facts[rel] = fact
        return LinkIndex(manifest, facts, checked)

    def _facts_of(self, rel, d, new, staging):
        key = f"{rel}\0{d}"
        fact = self.state.facts.get(key)
        if fact is None:
            fact = self.state.facts[key] = compact(page_facts(rel, self._bytes(rel, new, staging).decode("utf-8"),
                                                              self.config.site_path))
        return fact

    def _check_all_links(self, pages, manifest, facts, new, staging, held: bool) -> tuple[int, dict]:
        live = set()
        for rel, d in manifest.items():
            if rel.endswith(".html"):
                live.add(f"{rel}\0{d}")
                if rel in facts:
                    self.state.facts[f"{rel}\0{d}"] = facts[rel]
                else:
                    facts[rel] = self._facts_of(rel, d, new, staging)
        self.state.facts.keep_only(live)
        if not (held or all_hold(facts, manifest)) or self.problems:
            # Slow path, for the messages: the reference check over every file's bytes.
            files = {rel: self._bytes(rel, new, staging) for rel in manifest}
            check_links(files, page_sources(pages), self.problems, self.config.site_path)
            if self.problems:
                raise BuildError(self.problems.errors)
        return sum(f[2] for f in facts.values()), facts


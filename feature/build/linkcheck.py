"""The link check of the incremental builder: in time proportional to the
edit when the last build's links held (linkindex.LinkIndex), every page's
link facts kept by its content (path and digest) for a fresh process; the
reference check (output/links.check_links) for the messages when a link breaks."""
from __future__ import annotations

from feature.core.diagnostics import BuildError, Diagnostics
from feature.output.links import check_links, page_facts
from feature.render.pages import page_sources

from .linkindex import LinkIndex, all_hold, compact
from .memory import Memory, VerifiedLinks
from .output import Output


class LinkCheck:
    """`facts`: the link facts of the pages rendered in this build (their workers
    made them), by output path."""

    def __init__(self, memory: Memory, out: Output, site_path: str, problems: Diagnostics):
        self.memory, self.out, self.site_path, self.problems = memory, out, site_path, problems

    def run(self, pages: list, facts: dict) -> int:
        """→ how many links were checked. Raises BuildError naming each broken link."""
        memory, manifest = self.memory, self.out.manifest
        known = memory.links or self._saved_index()
        verified = memory.saved.links_verified
        memory.links, memory.saved.links_verified = None, None     # until this build's links are known to hold
        if known is not None and not self.problems:
            for rel, fact in facts.items():         # kept for a fresh process, as the full check does
                memory.link_facts.discard(f"{rel}\0{known.manifest.get(rel)}")
                memory.link_facts[f"{rel}\0{manifest[rel]}"] = fact
            checked = known.update(manifest, facts, lambda rel: self._facts_of(rel, manifest[rel]), self.out.changed)
            if checked is not None:
                memory.links, memory.saved.links_verified = known, VerifiedLinks(known.manifest, checked)
                return checked
        held = verified is not None and verified.manifest == manifest      # these very files were verified
        checked, facts = self._check_all(pages, facts, held)
        memory.links = LinkIndex(manifest, facts, checked)
        memory.saved.links_verified = VerifiedLinks(memory.links.manifest, checked)
        return checked

    def _saved_index(self) -> LinkIndex | None:
        """The last verified build's LinkIndex, from .cache/build (a fresh process):
        its manifest and the facts of its pages, kept by content."""
        saved = self.memory.saved.links_verified
        if saved is None:
            return None
        facts = {}
        for rel, d in saved.manifest.items():
            if rel.endswith(".html"):
                fact = self.memory.link_facts.get(f"{rel}\0{d}")
                if fact is None:
                    return None
                facts[rel] = fact
        return LinkIndex(saved.manifest, facts, saved.checked)

    def _facts_of(self, rel: str, d: str):
        key, stored = f"{rel}\0{d}", self.memory.link_facts
        fact = stored.get(key)
        if fact is None:
            fact = stored[key] = compact(page_facts(rel, self.out.bytes_of(rel).decode("utf-8"), self.site_path))
        return fact

    def _check_all(self, pages: list, facts: dict, held: bool) -> tuple[int, dict]:
        live, manifest, stored = set(), self.out.manifest, self.memory.link_facts
        for rel, d in manifest.items():
            if rel.endswith(".html"):
                live.add(f"{rel}\0{d}")
                if rel in facts:
                    stored[f"{rel}\0{d}"] = facts[rel]
                else:
                    facts[rel] = self._facts_of(rel, d)
        stored.keep_only(live)
        if not (held or all_hold(facts, manifest)) or self.problems:
            # Slow path, for the messages: the reference check over every file's bytes.
            files = {rel: self.out.bytes_of(rel) for rel in manifest}
            check_links(files, page_sources(pages), self.problems, self.site_path)
            if self.problems:
                raise BuildError(self.problems.errors)
        return sum(f[2] for f in facts.values()), facts

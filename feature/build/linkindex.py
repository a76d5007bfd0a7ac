"""Link checking in time proportional to an edit, for the incremental build.

`all_hold` re-checks every link of the edition (545,000 at 10,000
articles, ~0.4 s). After a build whose links all held, only two kinds of link
can break when some files change:
- links *on* a changed page (its own targets are new);
- links *into* a changed page's anchors, when the page lost an id (an edited
  sentence gets a new `s-…` id; the 数说 page and the print edition link to those).
A page that is removed may break any link to it: that (rare) case, and large
changes, go back to the full check. `LinkIndex` holds the facts of the last
build whose links held (in memory, in the process that built it: the preview
server) and answers "do they still hold?" from the changed pages alone.
"""
from __future__ import annotations

import sys
from collections import defaultdict
from typing import Callable, NamedTuple

MAX_CHANGED = 500           # more changed files than this: the full check is as quick


class PageLinks(NamedTuple):
    """links.page_facts of one page, kept small: 10,000 pages hold ~1,000,000 ids
    and 545,000 links, which as sets of str and tuples took ~20 KB a page (200 MB)."""
    ids: "Ids"
    targets: str | tuple    # "file\x1fanchor" joined by \x1e (a tuple if a link holds those)
    count: int

    def links(self) -> list[tuple[str, str]]:
        if not isinstance(self.targets, str):
            return list(self.targets)
        if not self.targets:
            return []
        return [(sys.intern(f), a) for f, _, a in (t.partition("\x1f") for t in self.targets.split("\x1e"))]


class Ids:
    """A page's ids as one string: membership by substring, ~10× smaller than a set
    (a set, should an id hold the separator)."""
    __slots__ = ("joined",)

    def __init__(self, ids):
        ids = sorted(ids)
        if any("\0" in i for i in ids):
            self.joined = frozenset(ids)
        else:
            self.joined = "\0" + "\0".join(ids) + "\0" if ids else ""

    def __contains__(self, anchor: str) -> bool:
        if isinstance(self.joined, frozenset):
            return anchor in self.joined
        return "\0" not in anchor and f"\0{anchor}\0" in self.joined

    def __iter__(self):
        if isinstance(self.joined, frozenset):
            return iter(self.joined)
        return iter(self.joined[1:-1].split("\0") if self.joined else ())

    def __eq__(self, other) -> bool:
        return isinstance(other, Ids) and self.joined == other.joined

    def __getstate__(self):
        return self.joined

    def __setstate__(self, state):
        self.joined = state


def compact(fact) -> PageLinks:
    """links.page_facts(...) → PageLinks."""
    ids, targets, count = fact
    targets = sorted(targets)
    if any("\x1e" in f or "\x1f" in f or "\x1e" in a or "\x1f" in a for f, a in targets):
        return PageLinks(Ids(ids), tuple(targets), count)
    return PageLinks(Ids(ids), "\x1e".join(f"{f}\x1f{a}" for f, a in targets), count)


def all_hold(facts: dict[str, PageLinks], files) -> bool:
    """Every link on every page resolves within `files`: links.check_links's verdict,
    from facts (it gives the messages when this is False)."""
    return all(page_holds(fact, facts, files) for fact in facts.values())


ASKS_BEFORE_SET = 16


def page_holds(fact: PageLinks, facts: dict[str, PageLinks], files, only: str | None = None) -> bool:
    """Every link on one page (or only those into page `only`) resolves: its file is
    one of `files` and its anchor an id of that page.

    A page that links many times into one page (a print volume into itself:
    thousands of page references) checks those against a set of that page's
    ids made for this call: by substring, 10,000 articles' volumes took 0.8 s
    of a cold build; kept on the Ids for good, the sets cost 110 MB."""
    asked: dict[str, int] = {}
    sets: dict[str, frozenset] = {}
    for file, anchor in fact.links():
        if only is not None and file != only:
            continue
        if file not in files:
            return False
        if anchor:
            ids = sets.get(file)
            if ids is None:
                ids = facts.get(file, _NONE).ids
                asked[file] = asked.get(file, 0) + 1
                if asked[file] > ASKS_BEFORE_SET:
                    ids = sets[file] = frozenset(ids)
            if anchor not in ids:
                return False
    return True


class LinkIndex:
    def __init__(self, manifest: dict[str, str], facts: dict[str, tuple], checked: int):
        self.manifest = dict(manifest)          # every output file → digest, as last verified
        self.facts = dict(facts)                # html page → PageLinks
        self.checked = checked                  # links counted over every page
        self._into: dict[str, set[str]] | None = None   # page → pages linking to its anchors

    def update(self, manifest: dict[str, str], rendered: dict[str, tuple],
               facts_of: Callable[[str], tuple], changed: list[str] | None = None) -> int | None:
        """Move to `manifest`. Returns the number of links checked if every link
        still holds; None if the caller must run the full check (a page was
        removed, too much changed, or some link broke: the full check names it).
        `rendered` has the facts of pages rendered this build; `facts_of(rel)`
        gives any other page's. On None this index must be discarded.
        `changed`: the files that may differ, when the caller knows (then
        `manifest` names the same files as the last one)."""
        if changed is None:
            if self.manifest.keys() - manifest.keys():
                return None
            changed = [rel for rel, d in manifest.items() if self.manifest.get(rel) != d]
        else:
            changed = [rel for rel in changed if self.manifest.get(rel) != manifest[rel]]
        if len(changed) > MAX_CHANGED:
            return None
        pages = [rel for rel in changed if rel.endswith(".html")]
        lost: dict[str, bool] = {}
        for rel in pages:
            fact = rendered.get(rel) or facts_of(rel)
            old = self.facts.get(rel)
            if old is not None:
                if old.ids != fact.ids and set(old.ids) - set(fact.ids):
                    lost[rel] = True
                self._unindex(rel, old)
                self.checked -= old.count
            self.facts[rel] = fact
            self._index(rel, fact)
            self.checked += fact.count
        self.manifest = dict(manifest)
        for rel in pages:
            if not page_holds(self.facts[rel], self.facts, self.manifest):
                return None
        for target in lost:
            for rel in self._linking_into(target):
                if not page_holds(self.facts[rel], self.facts, self.manifest, only=target):
                    return None
        return self.checked

    def _linking_into(self, target: str) -> set[str]:
        if self._into is None:                  # built on first need, then kept up to date
            self._into = defaultdict(set)
            for rel, fact in self.facts.items():
                self._index(rel, fact)
        return set(self._into.get(target, ()))

    def _index(self, rel: str, fact) -> None:
        if self._into is not None:
            for file, anchor in fact.links():
                if anchor and file != rel:
                    self._into[file].add(rel)

    def _unindex(self, rel: str, fact) -> None:
        if self._into is not None:
            for file, anchor in fact.links():
                if anchor and file != rel:
                    self._into[file].discard(rel)


_NONE = PageLinks(Ids(()), "", 0)

"""The incremental builder's prepare stages: the sources' cache entries loaded
(parsed and through the article stages in workers, for new sources only),
the listing digest, the checks' problems kept per listing, and the edition
assembled reusing the last build's linked articles where nothing changed.

`load_articles` is the one reader boundary (as Pelican's readers are): only it
knows articles come from a cache; every later part receives articles and
their facts.
"""
from __future__ import annotations

from dataclasses import dataclass

from feature.core.diagnostics import Diagnostics
from feature.core.files import digest
from feature.core.model import Article, Edition
from feature.edition.assemble import group_into_sections, neighbours, reading_order
from feature.edition.load import path_order

from . import workers
from .inputs import Inputs
from .keys import listing_fingerprint
from .memory import Checked, Memory
from .patch import EditionPatch, patch_edition
from .scan import Scan
from .stages import identity


@dataclass
class Loaded:
    """The sources of this build as articles, or a body edit's patch of the last build."""
    pairs: list[tuple[str, Article]]    # (source key, article) in find_sources order
    key_by_path: dict[str, str]         # output path → source key (unique once validated)
    parse_at: dict[str, list]           # source path → its parse diagnostics, for those with some
    enrich_at: dict[str, list]          # source path → its enrich diagnostics
    listing: str                        # digest of every listing fingerprint and the global key
    patch: EditionPatch | None = None


def load_articles(scan: Scan, inputs: Inputs, memory: Memory, problems: Diagnostics, last) -> Loaded:
    """Every source's entry, new ones parsed in workers; their parse problems
    reported. A body edit of `last` (the last build: memory.LastBuild) is a patch of it."""
    entries = memory.entries
    entries.check_bodies()
    known = entries.mapping()
    if last is not None and scan.rekeyed is not None:
        # Only rewritten sources can be new: every other key was in the last build.
        missing = {key: scan.sources[key] for _, key in scan.rekeyed.values() if key not in known}
    else:
        missing = {key: item for key, item in scan.sources.items() if key not in known}
    found = workers.parse_and_enrich(list(missing.items()), inputs.config, inputs.stages,
                                     inputs.workers_for(len(missing)), entries.bodies)
    for key, entry in found:
        entries[key] = entry
    for key, (path, _) in missing.items():
        scan.sources[key] = (path, None)    # read and parsed: the bytes are not needed again
    patch = patch_edition(scan, inputs, memory, last)
    if patch is not None:
        problems.items.extend(_in_source_order(patch.parse_at))
        return Loaded([], patch.key_by_path, patch.parse_at, patch.enrich_at, patch.last.listing, patch)
    return _loaded(scan, inputs, memory, problems, known)


def _loaded(scan: Scan, inputs: Inputs, memory: Memory, problems: Diagnostics, known: dict) -> Loaded:
    # One pass over 10,000 entries, not four: each costs a preview edit ~5-15 ms.
    loaded = Loaded([], {}, {}, {}, "")
    for key, (path, _) in scan.sources.items():
        entry = known[key]
        if entry.parse_items:
            problems.items.extend(entry.parse_items)
            loaded.parse_at[path] = entry.parse_items
        if entry.article is not None:
            loaded.pairs.append((key, entry.article))
            # Keyed by output path (a str, unique once validated): hashing 10,000 Paths per build cost 25 ms.
            loaded.key_by_path[entry.article.output_path] = key
    loaded.listing = _listing(loaded.pairs, inputs, memory)
    return loaded


def _listing(pairs: list, inputs: Inputs, memory: Memory) -> str:
    """One digest of every article's listing fields (all but the body) and the
    global key: what the checks, reading order and neighbours depend on. An
    article's listing fingerprint is kept by its source key (its worker made it),
    so only a source that failed to enrich is hashed here."""
    known, now = memory.saved.listings, {}
    for key, a in pairs:
        fp = known.get(key)
        if fp is None:
            entry = memory.entries.get(key)
            fp = entry.facts.listing if entry is not None and entry.facts is not None else listing_fingerprint(a)
        now[key] = fp
    memory.saved.listings = now
    return digest(inputs.global_key, *now.values())


def checked(check, loaded: Loaded, memory: Memory, run) -> list:
    """What a listing or edition check found: a function of the listing (the
    assembled edition follows from it and config), kept while it is unchanged."""
    name = identity(check.run)
    kept = memory.saved.checks.get(name)
    if kept is None or kept.listing != loaded.listing:
        found = Diagnostics()
        run(found)
        kept = memory.saved.checks[name] = Checked(loaded.listing, found.items)
    return kept.items


def enrich_problems(scan: Scan, loaded: Loaded, memory: Memory, problems: Diagnostics) -> None:
    """The article stages ran in the parse workers: their problems, in source order
    (an exception one raised is raised now, where the clean build would get to it)."""
    if loaded.patch is not None:
        problems.items.extend(_in_source_order(loaded.enrich_at))
        return
    entries = memory.entries.mapping()
    for key, (path, _) in scan.sources.items():
        entry = entries[key]
        if entry.article is not None:
            if entry.error is not None:
                raise entry.error
            if entry.enrich_items:
                problems.items.extend(entry.enrich_items)
                loaded.enrich_at[path] = entry.enrich_items


def assemble(scan: Scan, loaded: Loaded, inputs: Inputs, memory: Memory) -> Edition:
    """assemble.assemble_edition, keeping the last build's linked articles (and
    their fingerprints) when nothing about them changed."""
    memory.entries.keep_only(scan.sources.keys())
    before, now, linked = memory.linked, {}, []
    keys, listings, articles = memory.article_keys, memory.saved.listings, [a for _, a in loaded.pairs]
    key_by_path = loaded.key_by_path

    def link(key: str, a: Article, position: int, previous, following) -> Article:
        return keys.link(a, key, listings[key], position, previous, following)
    if memory.assembled == loaded.listing and len(before) == len(articles):
        # Same listing as the last build in this process: same order, positions and
        # neighbours; only articles with new sources get new linked objects.
        by_path = {a.output_path: a for a in articles}
        for path, (old_key, la) in before.items():
            key = key_by_path[path]
            if key != old_key:
                la = link(key, by_path[path], la.position, la.previous, la.next)
            now[path] = (key, la)
            linked.append(la)
    else:
        ordered = reading_order(articles, inputs.config)
        for i, a in enumerate(ordered):
            previous, following = neighbours(ordered, i)
            key, hit = key_by_path[a.output_path], before.get(a.output_path)
            if (hit is not None and hit[0] == key and hit[1].position == i + 1
                    and hit[1].previous == previous and hit[1].next == following):
                la = hit[1]
            else:
                la = link(key, a, i + 1, previous, following)
            now[a.output_path] = (key, la)
            linked.append(la)
        keys.keep_only(now)
    memory.linked, memory.assembled = now, loaded.listing
    return Edition(sections=group_into_sections(linked, inputs.config), articles=tuple(linked),
                   listing=loaded.listing)


def _in_source_order(at: dict) -> list:
    """The diagnostics kept by source path, in find_sources' order."""
    return [item for path in sorted(at, key=path_order) for item in at[path]]

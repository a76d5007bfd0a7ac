"""A body edit patches the last build instead of redoing it.

The preview server's usual edit changes the text of an article and nothing
of its listing (headline, deck, byline, figures … everything but the body:
keys.listing_fingerprint). Then the edition's order, sections, page list,
print volumes and search shards stay as they were, and of 10,000 articles'
worth of structures only the edited article's entries change. Redone in full,
a dozen passes over every article cost a preview edit ~170 ms at 10,000
articles; patched, they cost nothing.

So a build that succeeds keeps what a patch needs (memory.LastBuild), and the
next build in the same process uses it when all of this holds:
- the source scan was told which files changed, and they are articles that
  were already there (scan.Scan.rekeyed), nothing added or removed;
- code, config, templates and static files are as they were, and so is the
  output folder (Inputs.key), as this process last wrote it (the marker);
- every rewritten article parsed without problems and has the same listing,
  and every check's problems are kept for that listing;
- the article template does not show other articles (keys.TemplateDeps);
- the same photo files are placed (`media`).
Otherwise the build runs in full (and keeps a new LastBuild). Either way the
bytes are those of a clean `pipeline.build`: the property tests in
tests/build/test_incremental.py edit bodies through the preview's builder too.

A build that fails keeps no LastBuild (the runner takes it when it starts),
so a patch never starts from a half-patched state.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from feature.core.diagnostics import Diagnostics
from feature.core.model import Edition
from feature.render.pages import article_page, back_pages, front_pages

from .inputs import Inputs
from .memory import LastBuild, Memory
from .output import Previous
from .plan import PagePlan, Planner
from .scan import Scan
from .stages import identity


@dataclass
class EditionPatch:
    """The last build's edition with rewritten sources swapped in."""
    last: LastBuild
    swaps: list[tuple[str, str, str, object]]   # (source path, key before, key now, entries.Entry now)
    key_by_path: dict[str, str]
    parse_at: dict[str, list]
    enrich_at: dict[str, list]
    swapped: dict[str, object] = field(default_factory=dict)    # output path → the replaced linked article
    before: dict[str, str] = field(default_factory=dict)        # output path → its fingerprint before the swap


def patch_edition(scan: Scan, inputs: Inputs, memory: Memory, last: LastBuild | None) -> EditionPatch | None:
    """A body edit's patch of `last` (the last build), or None when this is not one
    (see the module's docstring). The swapped sources' keys and problems take
    their old ones' places in the last build's maps."""
    if last is None or scan.rekeyed is None or last.inputs != inputs.key or not _checks_kept(inputs, memory, last):
        return None
    entries, listings = memory.entries, memory.saved.listings
    swaps = []
    for path, (old_key, new_key) in scan.rekeyed.items():
        old, new = entries.get(old_key), entries.get(new_key)
        if (old is None or new is None or old.article is None or new.article is None
                or new.error is not None or Diagnostics(new.parse_items + new.enrich_items)
                or not new.facts or new.facts.listing != listings.get(old_key)):
            return None
        swaps.append((path, old_key, new_key, new))
    patch = EditionPatch(last, swaps, last.key_by_path, last.parse_at, last.enrich_at)
    for path, old_key, new_key, new in swaps:
        patch.key_by_path[new.article.output_path] = new_key
        listings[new_key] = listings.pop(old_key)
        _set_or_drop(patch.parse_at, path, new.parse_items)
        _set_or_drop(patch.enrich_at, path, new.enrich_items)
        entries.discard(old_key)
    return patch


def _checks_kept(inputs: Inputs, memory: Memory, last: LastBuild) -> bool:
    checks = memory.saved.checks
    return all(identity(c.run) in checks and checks[identity(c.run)].listing == last.listing
               for c in (*inputs.stages.listing_checks, *inputs.stages.edition_checks))


def swapped_edition(patch: EditionPatch, memory: Memory) -> Edition:
    """The last build's edition with the rewritten articles in their places (the
    same positions and neighbours), their fingerprints seeded."""
    keys, listings, last = memory.article_keys, memory.saved.listings, patch.last
    paths = [new.article.output_path for _, _, _, new in patch.swaps]
    patch.before = {p: keys.of_path(p) for p in (*paths, *last.holders)}
    articles = list(last.linked.articles)
    for (_, _, new_key, new), path in zip(patch.swaps, paths):
        _, old = memory.linked[path]
        la = keys.link(new.article, new_key, listings[new_key], old.position, old.previous, old.next)
        memory.linked[path] = (new_key, la)
        articles[old.position - 1] = la
        patch.swapped[path] = old
    return Edition(sections=_swap_in_sections(last.linked.sections, patch.swapped, articles),
                   articles=tuple(articles), listing=last.listing)


def photo_pool(patch: EditionPatch, edition: Edition, memory: Memory) -> tuple:
    """The articles whose photos a body edit places: those holding photos last
    time and the rewritten ones, in reading order."""
    return tuple(edition.articles[i] for i in sorted(_indices(memory, *patch.last.holders, *patch.swapped)))


def _indices(memory: Memory, *paths) -> set[int]:
    """Where in reading order the articles at these output paths are."""
    return {memory.linked[path][1].position - 1 for path in paths}


def patch_plan(patch: EditionPatch, edition: Edition, config, planner: Planner, previous: Previous,
               media, holders: tuple[str, ...]) -> PagePlan | None:
    """The last build's pages and keys with those that can show the edit keyed
    again: the cover, sections, 数说 and print pages, and the pages of articles
    not as last rendered. None: plan every page."""
    last, memory = patch.last, planner.memory
    if (not previous.as_written or memory.written is None or memory.written.marker != last.marker
            or frozenset(media) != last.media or len(edition.articles) != len(last.final.articles)):
        return None
    front, back = front_pages(edition, config), back_pages(edition, config)
    if len(front) != last.front or len(back) != last.back:
        return None
    keys = planner.article_keys
    at = _indices(memory, *last.holders, *holders, *patch.swapped)
    replaced = sorted(i for i in at if keys.full(edition.articles[i]) != patch.before[edition.articles[i].output_path])
    mine = [article_page(edition.articles[i], edition) for i in replaced]
    if any(planner.deps.sees_all(page.template) for page in mine[:1]):
        return None             # every article page shows the edit: plan them all
    pages = list(last.pages)
    pages[:len(front)] = front
    pages[len(pages) - len(back):] = back
    for i, page in zip(replaced, mine):
        pages[last.front + i] = page
    # A print volume or 数说 page showing none of the replaced articles keeps its key.
    shown = {page.output_path for page in mine}
    back = [page for page in back if not page.articles or not shown.isdisjoint(a.output_path for a in page.articles)]
    plan = PagePlan(pages, dict(last.page_keys), dict(previous.files), [], [*front, *mine, *back], replaced)
    planner.key_pages(plan, plan.rechecked, previous.files)
    return plan


def keep_patched(plan: PagePlan, manifest: dict[str, str], last: LastBuild, memory: Memory) -> None:
    """After a patched build: its page keys replace the last build's."""
    known, before = memory.saved.pages, last.page_keys
    for page in plan.rechecked:
        rel = page.output_path
        if before[rel] != plan.page_keys[rel]:
            known.pop(before[rel], None)
        known[plan.page_keys[rel]] = manifest[rel]


def _set_or_drop(at: dict, path: str, items) -> None:
    if items:
        at[path] = items
    else:
        at.pop(path, None)


def _swap_in_sections(sections, swapped: dict, articles: list) -> tuple:
    """The sections with the swapped articles' new objects (`articles`, in reading order)."""
    touched = {old.section for old in swapped.values()}
    if not touched:
        return sections
    new_at = {path: articles[old.position - 1] for path, old in swapped.items()}
    return tuple(replace(s, articles=tuple(new_at.get(a.output_path, a) for a in s.articles)) if s.key in touched
                 else s for s in sections)

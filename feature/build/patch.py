"""Part of buildstate.Run: a body edit patches the last build instead of redoing it.

The preview server's usual edit changes the text of an article and nothing
of its listing (headline, deck, byline, figures … everything but the body:
pagecache.listing_fingerprint). Then the edition's order, sections, page list,
print volumes and search shards stay as they were, and of 10,000 articles'
worth of structures only the edited article's entries change. Redone in full,
a dozen passes over every article cost a preview edit ~170 ms at 10,000
articles; patched, they cost nothing.

So a build that succeeds keeps what a patch needs (`LastBuild`), and the next
build in the same process uses it when all of this holds:
- the source scan was told which files changed, and they are articles that
  were already there (buildscan.py: `rekeyed`), nothing added or removed;
- code, config, templates and static files are as they were, and so is the
  output folder (`inputs`), as this process last wrote it (`manifest`);
- every rewritten article parsed without errors and has the same listing;
- the article template does not show other articles (pagecache.TemplateDeps);
- the same photo files are placed (`media`).
Otherwise the build runs in full (and keeps a new LastBuild). Either way the
bytes are those of a clean `pipeline.build`: the property tests in
tests/test_incremental.py edit bodies through the preview's builder too.

A build that fails keeps no LastBuild (Run.scan drops it first), so a patch
never starts from a half-patched state.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from feature.core.diagnostics import Diagnostics
from feature.edition.load import path_order
from feature.core.model import Edition
from feature.render.pages import article_page, back_pages, front_pages


@dataclass
class LastBuild:
    """What the last successful build of this process leaves for a body edit."""
    inputs: tuple               # (global key, entry salt, output folder): what every page saw
    listing: str
    key_of: dict                # as Run's: id(loaded article) → source key
    key_by_path: dict           # output path → source key
    parse_at: dict              # source path → its parse diagnostics, for those with some
    enrich_at: dict             # source path → its enrich diagnostics
    linked: Edition             # as assembled
    final: Edition              # as rendered (photos placed)
    holders: tuple              # output paths of the articles whose photos were placed
    media: frozenset            # the media files' paths
    pages: list
    front: int                  # pages before the article pages (render.front_pages)
    back: int                   # pages after them (render.back_pages)
    page_keys: dict             # output path → page key
    manifest: dict              # as written (State.written's)
    search_parts: list | None   # buildsteps' [(section, entry key, entry)] in reading order


@dataclass
class PagePlan:
    """The pages of a build, their keys, the output manifest so far, what to render.
    `rechecked`: the pages a body edit keyed again (None: all were keyed)."""
    pages: list
    page_keys: dict
    manifest: dict
    todo: list
    rechecked: list | None = None


class BodyEdit:
    swapped: dict | None = None         # output path → the replaced (old) assembled article
    replaced_at: list | None = None     # indices in reading order of articles not as last rendered

    # ---- prepare ------------------------------------------------------------
    def _patched_edition(self) -> Edition | None:
        """The last build's edition with the rewritten articles swapped in, or None
        when this is not a body edit (see the module's docstring)."""
        last, rekeyed, entries, small = self.last, self.rekeyed, self.state.entries, self.state.small
        if last is None or rekeyed is None or last.inputs != self._inputs_key() or not self.checks_kept(last.listing):
            return None
        listings = small.get("listings") or {}
        swaps = []
        for path, (old_key, new_key) in rekeyed.items():
            old, new = entries.get(old_key), entries.get(new_key)
            if (old is None or new is None or old.article is None or new.article is None
                    or new.error is not None or Diagnostics(new.parse_items + new.enrich_items)
                    or not new.facts or new.facts.listing != listings.get(old_key)):
                return None
            swaps.append((path, old_key, new_key, old.article, new))
        self.listing, self.key_of, self.key_by_path = last.listing, last.key_of, last.key_by_path
        self.parse_at, self.enrich_at = last.parse_at, last.enrich_at
        articles, self.swapped = list(last.linked.articles), {}
        for swap in swaps:
            self._swap_in(*swap, listings, articles)
        # The diagnostics in a full build's order: parse, validation, enrich, figures.
        problems = self.problems.items
        problems.extend(_in_source_order(self.parse_at))
        problems.extend(self._listing_problems(()))         # the listing's: kept
        problems.extend(_in_source_order(self.enrich_at))
        edition = Edition(sections=_swap_in_sections(last.linked.sections, self.swapped, articles),
                          articles=tuple(articles), listing=last.listing)
        problems.extend(self._edition_problems(edition))    # the listing's: kept
        return edition

    def _swap_in(self, path, old_key, new_key, old_a, new, listings: dict, articles: list) -> None:
        """One rewritten source: its new entry's article takes the old one's place,
        keys and neighbours, in Run's maps and in `articles` (reading order)."""
        new_a = new.article
        self.key_of.pop(id(old_a), None)
        self.key_of[id(new_a)] = new_key
        self.key_by_path[new_a.output_path] = new_key
        listings[new_key] = listings.pop(old_key)
        _set_or_drop(self.parse_at, path, new.parse_items)
        _set_or_drop(self.enrich_at, path, new.enrich_items)
        self.state.entries.discard(old_key)
        _, old_la = self.state.linked[new_a.output_path]
        la = self._link(new_a, old_la.position, old_la.previous, old_la.next)
        self.state.linked[new_a.output_path] = (new_a, la)
        articles[old_la.position - 1] = la
        self.swapped[old_la.output_path] = old_la

    def _inputs_key(self) -> tuple:
        return (self.global_key, self.entry_salt, str(self.out_dir))

    def _photo_pool(self, edition: Edition):
        """The articles whose photos a body edit must place: those holding photos
        last time and the rewritten ones, in reading order. None: all (no patch)."""
        if self.swapped is None:
            return None
        return tuple(edition.articles[i] for i in sorted(self._indices(*self.last.holders, *self.swapped)))

    def _indices(self, *paths) -> set[int]:
        """Where in reading order the articles at these output paths are."""
        return {self.state.linked[path][1].position - 1 for path in paths}

    # ---- render -------------------------------------------------------------
    def _patched_plan(self, edition: Edition, keys, deps, previous, media) -> PagePlan | None:
        """The last build's pages and keys with those that can show the edit keyed
        again: the cover, sections, 数说 and print pages, and the pages of articles
        that are not the objects last rendered. None: plan every page."""
        last = self.last
        if (self.swapped is None or previous is not last.manifest or frozenset(media) != last.media
                or len(edition.articles) != len(last.final.articles)):
            return None
        front, back = front_pages(edition, self.config), back_pages(edition, self.config)
        if len(front) != last.front or len(back) != last.back:
            return None
        at = self._indices(*last.holders, *self.holders, *self.swapped)
        replaced = sorted(i for i in at if edition.articles[i] is not last.final.articles[i])
        mine = [article_page(edition.articles[i], edition) for i in replaced]
        if any(deps.sees_all(page.template) for page in mine[:1]):
            return None             # every article page shows the edit: plan them all
        self.replaced_at = replaced
        pages = list(last.pages)
        pages[:len(front)] = front
        pages[len(pages) - len(back):] = back
        for i, page in zip(replaced, mine):
            pages[last.front + i] = page
        # A print volume or 数说 page showing none of the replaced articles keeps its key.
        ids = {id(page.article) for page in mine}
        back = [page for page in back if not page.articles or not ids.isdisjoint(map(id, page.articles))]
        plan = PagePlan(pages, dict(last.page_keys), dict(last.manifest), [], [*front, *mine, *back])
        self._key_pages(plan, plan.rechecked, keys, deps, previous)
        return plan

    def _keep_patched(self, plan: PagePlan, manifest: dict) -> None:
        """After a patched build: its page keys replace the last build's, and the
        replaced articles' fingerprints go (the full build's keep_only, for a few)."""
        known, before = self.state.small["pages"], self.last.page_keys
        for page in plan.rechecked:
            rel = page.output_path
            if before[rel] != plan.page_keys[rel]:
                known.pop(before[rel], None)
            known[plan.page_keys[rel]] = manifest[rel]
        old = [*self.swapped.values(), *(self.last.final.articles[i] for i in self.replaced_at)]
        self.state.prints.forget(old)

    def _remember_build(self, linked: Edition, final: Edition, plan: PagePlan, media) -> None:
        """Keep what the next body edit patches (LastBuild)."""
        front = next((i for i, p in enumerate(plan.pages) if p.article is not None), len(plan.pages))
        self.state.last = LastBuild(
            self._inputs_key(), self.listing, self.key_of, self.key_by_path, self.parse_at, self.enrich_at,
            linked, final, self.holders, frozenset(media), plan.pages, front,
            len(plan.pages) - front - len(final.articles), plan.page_keys, self.state.written[2],
            self.state.search_parts)


def _in_source_order(at: dict) -> list:
    """The diagnostics kept by source path, in find_sources' order."""
    return [item for path in sorted(at, key=path_order) for item in at[path]]


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
    new_at = {id(old): articles[old.position - 1] for old in swapped.values()}
    return tuple(replace(s, articles=tuple(new_at.get(id(a), a) for a in s.articles)) if s.key in touched else s
                 for s in sections)

"""Part of buildstate.Run: the pages of a build and their keys, and the photos
placed before them (the articles a page shows are the placed ones).

`_full_plan` keys every page (pagecache.PageKeys), remembering the keys of
pages that show only their own article(s) by those very article objects, so
that an edit hashes a few keys, not 10,000; bodyedit.py plans the pages of a
body edit from the last build instead.
"""
from __future__ import annotations

from dataclasses import replace

from .patch import PagePlan
from feature.core.model import Edition
from .keys import PageKeys, linked_paths
from feature.render.photos import place_photos, with_articles
from feature.render.pages import pages_of


class PagesAndPhotos:
    def _full_plan(self, edition: Edition, keys: PageKeys, deps, previous) -> PagePlan:
        """Every page, its key, and which of them the output does not hold yet."""
        pages = pages_of(edition, self.config)
        plan = PagePlan(pages, {}, {}, [])
        self._key_pages(plan, pages, keys, deps, previous)
        return plan

    def _key_pages(self, plan: PagePlan, pages, keys: PageKeys, deps, previous) -> None:
        """Key `pages` into `plan`: one the output holds under its key goes into the
        manifest, any other into `todo`."""
        known = self.state.small["pages"]
        for page in pages:
            k = plan.page_keys[page.output_path] = self._page_key(keys, deps, page)
            d = known.get(k)
            if d is not None and previous.get(page.output_path) == d:
                plan.manifest[page.output_path] = d
            else:
                plan.todo.append(page)

    def _keep_full(self, plan: PagePlan, manifest: dict, edition: Edition) -> None:
        """After a fully planned build: its page keys, and the memos of pages and
        articles it still has (bodyedit._keep_patched does this after a patch)."""
        state = self.state
        state.small["pages"] = {plan.page_keys[rel]: manifest[rel] for rel in plan.page_keys}
        if len(state.page_keys) > len(plan.page_keys):
            state.page_keys = {rel: v for rel, v in state.page_keys.items() if rel in plan.page_keys}
        if len(state.links_of) > len(edition.articles):
            state.links_of = {rel: v for rel, v in state.links_of.items() if rel in plan.page_keys}
        state.prints.keep_only(edition.articles)

    def _page_key(self, keys: PageKeys, deps, page) -> str:
        """keys.key(page), remembered for article pages that see only their own
        article: the very article object of the last build (its fingerprint, hence
        its title, description and section) under the same nav and globals gives
        the same key, so an edit hashes one page key, not 10,000."""
        if page.article is None:
            return self._printed_page_key(keys, page) if page.articles else keys.key(page)
        if deps.sees_all(page.template):
            return keys.key(page)
        hit = self.state.page_keys.get(page.output_path)
        if hit is not None and hit[0] is page.article and hit[1] == self._key_context(keys):
            return hit[2]
        hit = self.state.page_keys[page.output_path] = (page.article, self._key_context(keys), keys.key(page))
        return hit[2]

    def _printed_page_key(self, keys: PageKeys, page) -> str:
        """keys.key(page) of a page naming the articles it shows (a print volume, a
        数说 part), remembered like an article page's: the very same article
        objects, print index and page fields give the same key."""
        context = (self._key_context(keys), keys.print_index(), page.kind, page.template, page.title,
                   page.description, page.section.key if page.section else "", keys.headlines_linked(page))
        hit = self.state.page_keys.get(page.output_path)
        if (hit is not None and hit[1] == context and len(hit[0]) == len(page.articles)
                and all(a is b for a, b in zip(hit[0], page.articles))):
            return hit[2]
        hit = self.state.page_keys[page.output_path] = (page.articles, context, keys.key(page))
        return hit[2]

    def _key_context(self, keys: PageKeys) -> tuple:
        # What an article page's key depends on besides its article; pages_of is
        # code (global_key), so kind and template follow from the article.
        return (self.global_key, keys.header)

    def _place_photos(self, edition: Edition):
        """photos.place_photos over the articles that may hold a photo: skipped are
        an article object already seen without one (most of them, most builds) and
        one whose worker saw none (its Entry says so: no body is read here)."""
        free, pool = self.state.photo_free, self._photo_pool(edition)
        candidates = tuple(a for a in (edition.articles if pool is None else pool)
                           if free.get(id(a)) is not a and self._may_hold_photo(a))
        placed, media = place_photos(replace(edition, articles=candidates, listing=""), self.config, self.problems)
        # place_photos changes every article holding a photo: the others hold none.
        done = {a.source: p for a, p in zip(candidates, placed.articles) if p is not a}
        self.holders = tuple(a.output_path for a in candidates if a.source in done)
        if pool is None:
            self.state.photo_free = {id(a): a for a in edition.articles if a.source not in done}
        else:               # a body edit (bodyedit.py): only the pool can have changed
            for a in self.swapped.values():
                free.pop(id(a), None)
            for a in pool:
                if a.source in done:
                    free.pop(id(a), None)
                else:
                    free[id(a)] = a
        return (with_articles(edition, done) if done else edition), media

    def _links_of(self, a) -> tuple[str, ...]:
        """keys.linked_paths of an article, from the hrefs its worker found
        (no body is read here); remembered per article object."""
        hit = self.state.links_of.get(a.output_path)
        if hit is None or hit[0] is not a:
            entry = self._entry_of(a)
            hrefs = entry.facts.hrefs if entry is not None and entry.article is not None \
                and entry.article.shares_body(a) else None
            hit = self.state.links_of[a.output_path] = (a, linked_paths(a, self.config.site_path, hrefs))
        return hit[1]

    def _may_hold_photo(self, a) -> bool:
        entry = self._entry_of(a)
        return entry is None or entry.article is None or entry.facts.photo or not entry.article.shares_body(a)

"""The pages of a build, their keys, and which of them to render.

`Planner.full` keys every page (keys.PageKeys); a page the output holds under
the same key is not rendered again. The keys of pages that show only their
own article(s) are remembered by those articles' fingerprints, so an edit
hashes a few keys, not 10,000. After a body edit patch.py plans the pages
from the last build's instead.
"""
from __future__ import annotations

from dataclasses import dataclass

from feature.core.config import Config
from feature.core.model import Edition
from feature.render.pages import Page, pages_of

from .keys import ArticleKeys, PageKeys, TemplateDeps
from .memory import Memory


@dataclass
class PagePlan:
    """The pages of a build, their keys, the files the output holds already, what to render."""
    pages: list[Page]
    page_keys: dict[str, str]       # output path → page key
    manifest: dict[str, str]        # output path → digest of the files kept as they are
    todo: list[Page]
    rechecked: list[Page] | None = None     # the pages a body edit keyed again (None: all were keyed)
    replaced: list[int] | None = None       # … and the reading-order indices of the articles it replaced


class Planner:
    """Page keys for one build, remembered in `memory` across builds."""

    def __init__(self, keys: PageKeys, deps: TemplateDeps, article_keys: ArticleKeys, memory: Memory):
        self.keys, self.deps, self.article_keys, self.memory = keys, deps, article_keys, memory
        # What an article page's key depends on besides its article; pages_of is
        # code (global_key), so kind and template follow from the article.
        self.context = (keys.global_key, keys.header)

    def full(self, edition: Edition, config: Config, previous: dict[str, str]) -> PagePlan:
        """Every page, its key, and which of them the output does not hold yet."""
        pages = pages_of(edition, config)
        plan = PagePlan(pages, {}, {}, [])
        self.key_pages(plan, pages, previous)
        return plan

    def key_pages(self, plan: PagePlan, pages: list[Page], previous: dict[str, str]) -> None:
        """Key `pages` into `plan`: one the output holds under its key goes into the
        manifest, any other into `todo`."""
        known = self.memory.saved.pages
        for page in pages:
            k = plan.page_keys[page.output_path] = self.page_key(page)
            d = known.get(k)
            if d is not None and previous.get(page.output_path) == d:
                plan.manifest[page.output_path] = d
            else:
                plan.todo.append(page)

    def page_key(self, page: Page) -> str:
        """keys.key(page), remembered for article pages that see only their own
        article: the same article (its fingerprint, hence its title, description
        and section) under the same nav and globals gives the same key."""
        if page.article is None:
            return self._printed_page_key(page) if page.articles else self.keys.key(page)
        if self.deps.sees_all(page.template):
            return self.keys.key(page)
        fp, memo = self.article_keys.full(page.article), self.memory.page_keys
        hit = memo.get(page.output_path)
        if hit is None or hit[0] != fp or hit[1] != self.context:
            hit = memo[page.output_path] = (fp, self.context, self.keys.key(page))
        return hit[2]

    def _printed_page_key(self, page: Page) -> str:
        """keys.key(page) of a page naming the articles it shows (a print volume, a
        数说 part), remembered like an article page's: the same articles, print
        index and page fields give the same key."""
        keys = self.keys
        context = (self.context, keys.print_index(), page.kind, page.template, page.title, page.description,
                   page.section.key if page.section else "", keys.headlines_linked(page))
        fps, memo = tuple(self.article_keys.full(a) for a in page.articles), self.memory.page_keys
        hit = memo.get(page.output_path)
        if hit is None or hit[0] != fps or hit[1] != context:
            hit = memo[page.output_path] = (fps, context, keys.key(page))
        return hit[2]

    def keep(self, plan: PagePlan, manifest: dict[str, str], articles: int) -> None:
        """After a fully planned build: its page keys, and the memos of the pages it
        still has (patch.keep_patched does this after a patch)."""
        memory = self.memory
        memory.saved.pages = {plan.page_keys[rel]: manifest[rel] for rel in plan.page_keys}
        if len(memory.page_keys) > len(plan.page_keys):
            memory.page_keys = {rel: v for rel, v in memory.page_keys.items() if rel in plan.page_keys}
        if len(memory.links_of) > articles:
            memory.links_of = {rel: v for rel, v in memory.links_of.items() if rel in plan.page_keys}

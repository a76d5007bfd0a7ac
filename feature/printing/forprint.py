"""`for_print`: one article's rendered block rewritten for paper (links become
page and volume references, ids made unique per article), and `PrintMemo`,
what the Jinja filter remembers between builds. The rewrite itself is paper.py.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from . import paper
from .volumes import print_volumes, volume_size

def for_print(html: str, article, edition, site, memo: PrintMemo | None = None) -> Markup:
    """One article's rendered block (sidebar, body), rewritten for paper.

    On paper a link is only its text, so:
    - ids get a per-article prefix (`a2-`): the print page holds many articles,
      and sentence, heading and footnote ids repeat between articles;
    - links to an article (or a place in one) printed in the same document
      point inside it and get the class `page-ref`, which print.css turns
      into 见第 N 页;
    - links to an article printed in another volume (a split edition) become
      a `volume-ref` span naming that volume and headline (见分册“…”《…》);
    - links to other pages of the site (cover, sections) become plain text;
    - external links keep their address in `data-print-url`, printed after them;
    - footnote back-links (↩) go; headings move one level down (h2 → h3),
      under the article's own h2 headline.

    The block is our own generated HTML, so one pass over its tags does it
    (linear, ~50× faster than a parse tree, which took 8–25 ms per article);
    anything unusual (comments, scripts, unquoted attributes, nested links)
    goes through BeautifulSoup instead, with the same rewrites (paper.py).

    `memo` is the Jinja environment's (`PrintMemo.for_print` is the filter);
    without one, nothing is remembered beyond this call.
    """
    html = str(html)
    if memo is None:
        memo = PrintMemo()
    places = memo.places_for(edition, site)
    by_path, volume_of = places.by_path, places.volume_of
    # The result is a function of the block, this article's place, the
    # paths → (position, volume) map and the headlines of the articles it
    # refers to in other volumes (checked on a hit): an edit re-renders the print
    # page (or volume), but only the changed article's block is rewritten again.
    key = (hashlib.sha1(html.encode("utf-8")).digest(), article.position, article.output_path,
           site.site_path, places.digest)
    hit = memo.get(key)
    if hit is not None and all(paper.elsewhere(article, by_path[path], volume_of) == said
                               for path, said in hit[1]):
        return Markup(hit[0])
    refs: list = []
    out = paper.rewrite_fast(html, article, by_path, site.site_path, volume_of, refs)
    if out is None:
        refs.clear()
        out = paper.rewrite_soup(html, article, by_path, site.site_path, volume_of, refs)
    memo.put(key, (out, tuple(refs)))
    return Markup(out)


@dataclass
class Places:
    """Where every article is printed, for one edition and volume size."""
    articles: tuple = ()
    size: int | None = None
    by_path: dict = field(default_factory=dict)      # output path → article
    volume_of: dict = field(default_factory=dict)    # output path → its Volume ({} when not split)
    digest: str = ""                                 # of paths, positions and volumes
    sections: Any = None                             # the edition's (their titles name volumes)
    listing: str = ""                                # the edition's (model.Edition.listing)


class PrintMemo:
    """What `for_print` remembers, for as long as one Jinja environment lives
    (render.make_environment makes one per environment; the filter is its bound
    `for_print`). The incremental builder keeps its environment across builds, so
    the preview server's warm rebuilds rewrite only changed blocks; a clean
    `pipeline.build` starts empty.

    It holds the rewritten blocks of the print pages (the document, or the
    volumes) for the last two editions; older ones are dropped, so it holds at
    most about two print editions' worth of text. A generation starts with each
    new edition (`places_for`), whose places it keeps too.
    """

    def __init__(self):
        self.current: dict = {}
        self.previous: dict = {}
        self.places = Places()
        self.edition = None             # the edition of the build rendering now
        self.rewrites = 0               # blocks rewritten rather than remembered (tests count them)

    def for_print(self, html: str, article, edition, site) -> Markup:
        """The Jinja filter: `for_print` with this memo."""
        return for_print(html, article, edition, site, self)

    def places_for(self, edition, site=None) -> Places:
        """Where `edition`'s articles are printed, worked out once per edition
        (not once per article or volume: that was O(N²))."""
        articles, size = edition.articles, volume_size(site)
        sections = getattr(edition, "sections", None)
        known, listing = self.places, getattr(edition, "listing", "")
        if listing:
            # The same listing places every article where it was (a body edit in the
            # preview): the old objects in `by_path` show the same headlines and positions.
            fresh = known.listing != listing or known.size != size
        else:
            fresh = known.articles is not articles or known.size != size or known.sections is not sections
        if fresh:
            volume_of = {a.output_path: v for v in print_volumes(edition, site) for a in v.articles}
            where = hashlib.sha1("\n".join(
                f"{a.output_path}\0{a.position}\0{volume_of[a.output_path].output_path if volume_of else ''}"
                f"\0{volume_of[a.output_path].label if volume_of else ''}" for a in articles).encode("utf-8"))
            self.places = Places(articles, size, {a.output_path: a for a in articles}, volume_of,
                                 where.hexdigest(), sections, listing)
        if edition is not self.edition:
            # A new build (the places may be kept): blocks it does not use again go
            # after the next one. Kept generation after generation instead, a
            # preview edit added a block each time: 33 KB an edit.
            self.edition = edition
            self.next_generation()
        return self.places

    def get(self, key):
        hit = self.current.get(key)
        if hit is None:
            hit = self.previous.get(key)
            if hit is not None:
                self.current[key] = hit
        return hit

    def put(self, key, value) -> None:
        self.rewrites += 1
        self.current[key] = value

    def next_generation(self) -> None:
        self.previous, self.current = self.current, {}

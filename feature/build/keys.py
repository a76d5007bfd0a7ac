"""What a page depends on, as one hash: the keys of the incremental build's page cache.

A page is re-rendered only when its key changes. The key covers everything
the page can see:
- `global_key`: the code of this package, the Jinja and Markdown versions,
  config, every template's bytes and the static assets;
- an article page: its own article (after enrich and assemble, so its
  previous/next links and position are in it) and the sections' headers
  (the nav); plus the whole edition if a template it uses reaches
  `.articles` (then it could show any other article);
- a page that names the articles it prints (`Page.articles`: the print
  edition, or one volume of it; or a section's 数说 page of a split edition,
  figurepages.py): those articles in full (bodies too) if its template shows
  bodies, else their listings; of every article, only its `PRINT_INDEX`
  fields (path, position, section: where it is printed, so what page and
  volume references say); and the headlines of the articles their bodies
  link to (a link to another volume reads 见分册“…”《headline》). That is a
  contract with its template, held by tests/build/test_print_volumes.py and
  tests/build/test_figure_pages.py: print.html and figures_part.html show
  `page.articles` and nothing else of other articles. So a body edit,
  or a key figure that moved, re-renders the one volume printing that article,
  and a headline edit that volume and those linking to it (keyed by the whole
  listing, each re-rendered all 205 volumes of a 10,000-article edition and
  its 205 数说 pages: 13–23 s);
- a section page whose template reaches no articles but `section.articles`
  (TemplateDeps reads it): the listings of that section's articles;
- any other page (cover, figures, the print contents page, 404):
  the whole edition. "Whole edition" is the *listing* of every article
  (headline, deck, byline, lede, figures, paths … everything but the body)
  unless one of its templates names a body field (`body_html`,
  `plain_text`, `toc`, `body_markdown`): then the bodies too.

Which names a template uses is read from its Jinja AST (attribute names and
string constants, through extends/include/import), so a new template that
lists bodies on the cover is keyed correctly without anyone editing this
file. Python context code (`structured.py`) is assumed to read only listing
fields on edition-wide pages; tests/build/test_incremental.py checks every
incremental result against a clean `pipeline.build`.
"""
from __future__ import annotations

import hashlib
import pickle
import sys
from dataclasses import dataclass, field, fields
from pathlib import Path

import jinja2
from jinja2 import meta, nodes

from feature.core import urls
from feature.core.files import digest, digest_of
from feature.core.model import Article, Edition
from feature.output.links import body_links

from .bodies import read

BODY_FIELDS = frozenset({"body_markdown", "body_html", "plain_text", "toc"})
PRINT_INDEX = ("output_path", "position", "section")
KEY_FIGURE_PLACE = frozenset({"paragraph", "sentence_index"})
# Everything but the body; `figure_count` follows from the key figures (hashed
# apart below), `stored` only says where a lean article's body is.
LISTING_FIELDS = tuple(f.name for f in fields(Article) if f.name not in BODY_FIELDS | {"figure_count", "stored"})


# The whole package feature/, not this module's folder: a change to any stage
# (core/model.py, render/pages.py …) changes what a cached entry or page holds.
PACKAGE_ROOT = Path(__file__).resolve().parents[1]


def code_version(root: Path = PACKAGE_ROOT) -> str:
    """The package's own source (every .py file under `root`, subpackages too)
    and the libraries that shape the output."""
    import markdown
    parts = [jinja2.__version__, markdown.__version__, sys.version]
    for path in sorted(root.rglob("*.py")):
        parts.append(path.relative_to(root).as_posix())
        parts.append(path.read_bytes())
    return digest(*parts)


def folder_digest(folder: Path) -> str:
    parts = []
    if folder.is_dir():
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            parts += [path.relative_to(folder).as_posix(), path.read_bytes()]
    return digest(*parts)


class Fingerprints:
    """An article's fingerprints hashed from its content: `full` (everything, the
    body too) and `listing` (listing_fingerprint). For a caller with a few
    articles; the incremental builder knows them without hashing (ArticleKeys)."""

    def full(self, a: Article) -> str:
        return hashlib.sha1(pickle.dumps(a, protocol=5)).hexdigest()

    def listing(self, a: Article) -> str:
        return listing_fingerprint(a)


class ArticleKeys:
    """The incremental builder's fingerprints of its articles, by output path, made
    without hashing an article. An assembled article is a function of its source
    key and its place (position, neighbours); its listing fingerprint, of the
    source's (made in the parse worker) and that place. An article whose photos
    were placed is its assembled self and its placed body; photos leave the
    listing as it was."""

    def __init__(self):
        self.linked: dict[str, str] = {}        # output path → full fingerprint as assembled
        self.listings: dict[str, str] = {}      # output path → listing fingerprint
        self.photos: dict[str, str] = {}        # output path → full fingerprint with photos placed

    def link(self, a: Article, key: str, listing: str, position: int, previous, following) -> Article:
        """`a` (from the source of `key`, listing fingerprint `listing`) placed in
        the reading order, its fingerprints seeded."""
        path, place = a.output_path, (str(position), repr(previous), repr(following))
        self.linked[path] = digest(key, *place)
        self.listings[path] = digest(listing, *place)
        self.photos.pop(path, None)
        return a.placed(position, previous, following)

    def keep_only(self, paths) -> None:
        """Drop the articles not at these output paths (a set, or a dict's keys)."""
        for table in (self.linked, self.listings, self.photos):
            for path in table.keys() - paths:
                del table[path]

    def placed(self, path: str, body_html: str) -> None:
        """The article at `path` got its photos placed: this body."""
        self.photos[path] = digest(self.linked[path], "photos", digest_of(body_html.encode("utf-8")))

    def unplaced(self, path: str) -> None:
        self.photos.pop(path, None)

    def of_path(self, path: str) -> str:
        return self.photos.get(path) or self.linked[path]

    def full(self, a: Article) -> str:
        return self.of_path(a.output_path)

    def listing(self, a: Article) -> str:
        return self.listings[a.output_path]


def listing_fingerprint(a: Article) -> str:
    """The hash of everything about an article but its body (LISTING_FIELDS).

    Except where in the body a key figure sits (`KEY_FIGURE_PLACE`): only the
    article's own page shows that (keyed by the whole article), so a paragraph
    added above a figure does not re-render the cover, section and 数说 pages of
    the edition (2-3 s at 10,000 articles). tests/build/test_keys.py holds the
    edition-wide pages to it."""
    values = tuple(getattr(a, f) for f in LISTING_FIELDS if f != "key_figures")
    # __getstate__: the figure's text as bytes (model.TextAsBytes says why).
    figures = tuple(tuple((name, v) for name, v in k.__getstate__().items() if name not in KEY_FIGURE_PLACE)
                    for k in a.key_figures)
    return hashlib.sha1(pickle.dumps((values, figures), protocol=5)).hexdigest()


def linked_paths(article, site_path: str, hrefs: tuple[str, ...] | None = None) -> tuple[str, ...]:
    """Output paths `article`'s body links to (`hrefs`: its body_links, if known):
    a print volume names their headlines (paper.elsewhere), so its key holds them."""
    hrefs = body_links(read(article, "body_html")) if hrefs is None else hrefs
    targets = (urls.resolve_link(article.output_path, href, site_path) for href in hrefs)
    return tuple(sorted({t[0] for t in targets if t is not None and t[0] != article.output_path}))


def sections_header(edition: Edition) -> str:
    """The nav: every section's key, title, description and paths, not its articles."""
    return digest(*(f"{s.key}\x1f{s.title}\x1f{s.description}\x1f{s.url}\x1f{s.output_path}"
                    for s in edition.sections))


OTHER_ARTICLES = "\0articles"      # TemplateDeps.names: `.articles` of something but the page's section


def _own_section(node) -> bool:
    """`section` or `page.section` or `page` (whose `.articles` are its own)."""
    if isinstance(node, nodes.Name):
        return node.name in ("section", "page")
    return isinstance(node, nodes.Getattr) and node.attr == "section" and \
        isinstance(node.node, nodes.Name) and node.node.name == "page"


# What one template's source names, and the templates it includes, by source text:
# parsing the templates again was two thirds of a small edition's clean build, and
# every build of a process (tests, `print` after its build) parsed the same sources.
# Every environment is made alike (render.make_environment), so the source decides.
# At most PARSED_KEPT: a template saved over and over in a long preview adds one each time.
PARSED_KEPT = 256
_PARSED: dict[str, tuple[frozenset[str], tuple[str | None, ...]] | None] = {}


def _parsed(env: jinja2.Environment, source: str) -> tuple[frozenset[str], tuple[str | None, ...]] | None:
    """(attribute names and string constants, included templates) of one source; None if it does not parse."""
    if source in _PARSED:
        return _PARSED[source]
    if len(_PARSED) >= PARSED_KEPT:
        _PARSED.clear()
    try:
        ast = env.parse(source)
    except jinja2.TemplateError:
        _PARSED[source] = None
        return None
    getattrs = list(ast.find_all(nodes.Getattr))
    constants = {n.value for n in ast.find_all(nodes.Const) if isinstance(n.value, str)}
    found = {n.attr for n in getattrs} | constants
    if "articles" in constants or any(n.attr == "articles" and not _own_section(n.node) for n in getattrs):
        found.add(OTHER_ARTICLES)
    _PARSED[source] = (frozenset(found), tuple(meta.find_referenced_templates(ast)))
    return _PARSED[source]


class TemplateDeps:
    """Per template: does it reach other articles, does it show bodies?"""

    def __init__(self, env: jinja2.Environment):
        self.env = env
        self._names: dict[str, frozenset[str] | None] = {}

    def names(self, template: str) -> frozenset[str] | None:
        """Attribute names and string constants used by the template and all it
        includes; None if an include is computed at run time (then: anything)."""
        if template in self._names:
            return self._names[template]
        self._names[template] = frozenset()          # cycles end here
        try:
            source, _, _ = self.env.loader.get_source(self.env, template)
        except jinja2.TemplateError:        # render_page reports it, with file and line
            self._names[template] = None
            return None
        parsed = _parsed(self.env, source)
        if parsed is None:
            self._names[template] = None
            return None
        result: frozenset[str] | None
        result, refs = parsed
        for ref in refs:
            sub = self.names(ref) if ref is not None else None
            if sub is None:
                result = None
                break
            result |= sub
        self._names[template] = result
        return result

    def shows_own_section_only(self, template: str) -> bool:
        """Whether the only articles it reaches are `section.articles` (or
        `page.articles`): a section page drawn by it shows no other section's."""
        names = self.names(template)
        return names is not None and OTHER_ARTICLES not in names

    def sees_all(self, template: str) -> bool:
        names = self.names(template)
        return names is None or "articles" in names

    def sees_bodies(self, template: str) -> bool:
        names = self.names(template)
        return names is None or bool(names & BODY_FIELDS)


@dataclass
class ListingMemo:
    """Values that follow from the edition's listing alone, kept while it is unchanged."""
    listing: str
    print_index: str | None = None              # PageKeys.print_index
    whole: str | None = None                    # PageKeys.whole(bodies=False)
    sections: dict[str, str] = field(default_factory=dict)     # section key → PageKeys.section_listing
    search_plan: tuple | None = None            # (search.shard_plan, the index manifest's bytes): sitesteps.py
    by_path: dict[str, Article] | None = None   # output path → article, for the links of print volumes


class PageKeys:
    """One build's page keys: `key(page)`."""

    def __init__(self, global_key: str, edition: Edition, prints: Fingerprints | ArticleKeys, deps: TemplateDeps,
                 by_listing: ListingMemo | None = None, site_path: str = "/", links_of=None):
        """`prints`: the articles' fingerprints. `by_listing`: the caller's memo of
        the values that follow from the edition's listing alone (the print index,
        the listing-only `whole` …), kept while the listing is unchanged: a body
        edit then hashes none of them again. `links_of(article)`: the output paths
        its body links to (default: linked_paths, which reads the body)."""
        self.global_key, self.prints, self.deps = global_key, prints, deps
        self.header = sections_header(edition)
        self._edition = edition
        self._whole: dict[bool, str] = {}
        self.by_listing = by_listing if by_listing is not None else ListingMemo("")
        if links_of is None:
            def links_of(a):
                return linked_paths(a, site_path)
        self.links_of = links_of

    def print_index(self) -> str:
        """What a print volume may show of articles it does not print (see above)."""
        memo = self.by_listing
        if memo.print_index is None:
            memo.print_index = digest(
                *("\x1f".join(str(getattr(a, f)) for f in PRINT_INDEX) for a in self._edition.articles))
        return memo.print_index

    def headlines_linked(self, page) -> tuple[str, ...]:
        """The headline of each article that `page.articles` link to: a volume names
        those printed in other volumes (见分册《…》), and no other article's.
        Links are in bodies: a page that shows none (a 数说 page) names none."""
        if not self.deps.sees_bodies(page.template):
            return ()
        out = []
        for a in page.articles:
            for path in self.links_of(a):
                other = self._by_path().get(path)
                if other is not None:
                    out.append(f"{path}\x1f{other.headline}")
        return tuple(out)

    def _by_path(self) -> dict:
        # Made when the first link is looked up (most volumes link nowhere), kept with the listing.
        if self.by_listing.by_path is None:
            self.by_listing.by_path = {b.output_path: b for b in self._edition.articles}
        return self.by_listing.by_path

    def whole(self, bodies: bool) -> str:
        if not bodies and self.by_listing.whole is not None:
            return self.by_listing.whole
        if bodies not in self._whole:
            fp = self.prints.full if bodies else self.prints.listing
            self._whole[bodies] = digest(*(fp(a) for a in self._edition.articles))
            if not bodies:
                self.by_listing.whole = self._whole[bodies]
        return self._whole[bodies]

    def key(self, page) -> str:
        parts = [self.global_key, page.kind, page.template, page.output_path, page.title,
                 page.description, self.header, page.section.key if page.section else ""]
        if page.article is not None:
            parts.append(self.prints.full(page.article))
            if self.deps.sees_all(page.template):
                parts.append(self.whole(self.deps.sees_bodies(page.template)))
        elif getattr(page, "articles", ()):
            fp = self.prints.full if self.deps.sees_bodies(page.template) else self.prints.listing
            parts += [self.print_index(), "printed", *(fp(a) for a in page.articles), *self.headlines_linked(page)]
        elif page.kind == "section" and page.section is not None and self.deps.shows_own_section_only(page.template):
            parts += ["section", self.section_listing(page.section, self.deps.sees_bodies(page.template))]
        else:
            parts.append(self.whole(self.deps.sees_bodies(page.template)))
        return digest(*parts)

    def section_listing(self, section, bodies: bool) -> str:
        """A section's articles, as `whole` is the edition's: a headline edit
        re-renders its own section's page, not all ten (1,000 cards each at
        10,000 articles). Kept with the listing unless bodies count."""
        memo = self.by_listing.sections if not bodies else {}
        if section.key not in memo:
            fp = self.prints.full if bodies else self.prints.listing
            memo[section.key] = digest(*(fp(a) for a in section.articles))
        return memo[section.key]

"""The newsroom's nouns: the plain data passed between pipeline stages.

Stages never mutate what they receive; each returns new objects
(`dataclasses.replace`) so a preview rebuild can reuse unchanged ones.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import ClassVar


class TextAsBytes:
    """Pickles the str fields named in `_text_fields` as UTF-8 bytes.

    pickle writes a str through CPython's cached UTF-8 form, and that copy then
    stays inside the str for good: +150 % memory for Chinese text once the
    build cache is saved or an article fingerprinted (240 MB more at 10,000
    articles). str.encode leaves no such copy."""
    _text_fields: ClassVar[tuple[str, ...]] = ()

    def __getstate__(self):
        state = self.__dict__.copy()
        for name in self._text_fields:
            if isinstance(state.get(name), str):
                state[name] = state[name].encode("utf-8")
        return state

    def __setstate__(self, state):
        for name in self._text_fields:
            if isinstance(state.get(name), bytes):
                state[name] = state[name].decode("utf-8")
        self.__dict__.update(state)


@dataclass(frozen=True)
class Reporter:
    """One name of a byline, with the title printed before it (首席记者)."""
    name: str
    title: str = ""

    def __str__(self) -> str:
        return f"{self.title} {self.name}".strip()


@dataclass(frozen=True)
class Heading:
    """A subhead of an article, as listed in its table of contents."""
    level: int
    text: str
    anchor: str


@dataclass(frozen=True)
class KeyFigure(TextAsBytes):
    """A number from the story, with the sentence it comes from.

    `text` is the figure exactly as printed (21.99亿元); `value` its numeric
    value in base units (2199000000.0); `sentence_id` the anchor of the
    sentence in the rendered body, so a sidebar entry can link to it.
    """
    text: str
    value: float
    unit: str
    label: str
    sentence: str
    paragraph: int
    sentence_index: int
    sentence_id: str = ""
    subhead: str = ""
    approximate: bool = False
    value_max: float | None = None
    _text_fields: ClassVar[tuple[str, ...]] = ("sentence",)


@dataclass(frozen=True)
class CuratedFigure:
    """An editor's pick from front matter `figures:`, verified at build time."""
    figure: str
    label: str = ""
    line: int = 0


@dataclass(frozen=True)
class ArticleLink:
    """What a page needs to point at another article: previous/next, lists."""
    headline: str
    output_path: str


@dataclass(frozen=True)
class Article(TextAsBytes):
    """One story: where it came from, what it says, and where it goes."""
    source: Path            # relative to the content folder, e.g. fupin/zongshu.md
    source_line: int        # first line of the Markdown body in the source
    headline: str
    section: str
    slug: str
    body_markdown: str
    deck: str = ""
    byline: tuple[Reporter, ...] = ()
    order: int | None = None
    date: str = ""
    lede: str = ""
    pull_quote: str = ""
    curated_figures: tuple[CuratedFigure, ...] = ()
    extra: tuple[tuple[str, object], ...] = ()
    field_lines: tuple[tuple[str, int], ...] = ()
    # Filled by the enrich stage:
    description: str = ""   # the lede, or without one the body's opening (enrich.opening_excerpt)
    body_html: str = ""
    toc: tuple[Heading, ...] = ()
    key_figures: tuple[KeyFigure, ...] = ()
    plain_text: str = ""
    url: str = ""           # site-relative URL, e.g. fupin/zongshu/
    output_path: str = ""   # relative to the output folder, e.g. fupin/zongshu/index.html
    previous: ArticleLink | None = None
    next: ArticleLink | None = None
    position: int = 0       # 1-based place in the edition's reading order
    figure_count: int = 0   # len(key_figures), set by enrich: known without the body
    # Where the body is kept when its fields hold UNREAD (the incremental builder's
    # lean articles: build/bodies.py reads them back).
    stored: StoredBody | None = field(default=None, compare=False, repr=False)
    _text_fields: ClassVar[tuple[str, ...]] = ("body_markdown", "body_html", "plain_text")

    def line_of(self, key: str) -> int:
        """Line in the source where front matter `key` was written (1 if unknown)."""
        return dict(self.field_lines).get(key, 1)

    def placed(self, position: int, previous: "ArticleLink | None", next: "ArticleLink | None") -> "Article":
        """dataclasses.replace(self, position=…, previous=…, next=…)."""
        return self.with_fields(position=position, previous=previous, next=next)

    def with_fields(self, **values) -> "Article":
        """dataclasses.replace(self, **values) without running __init__ over every
        field again: 11 ms per 10,000 articles where replace took 81 ms."""
        copy = object.__new__(Article)
        copy.__dict__.update(self.__dict__, **values)
        return copy


# The body: what an article is made of besides its listing. The incremental
# builder keeps it on disk and holds *lean* articles, whose body fields hold
# UNREAD (build/bodies.py says why and reads them back).
STORED_FIELDS = ("body_markdown", "body_html", "plain_text", "toc", "key_figures")


class BodyNotRead(RuntimeError):
    """A lean article's body field used without being read: a bug in the generator
    (the stage that uses it must read it first: build/bodies.full)."""


class Unread:
    """What a lean article holds in place of a body field. Any use of it fails
    loudly: a page is never rendered from a body that was not read."""
    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name

    def _refuse(self, *args):
        raise BodyNotRead(f"the article's {self.name} was not read: read it with build.bodies.full() first")

    __str__ = __html__ = __bool__ = __len__ = __iter__ = __getitem__ = __contains__ = __eq__ = _refuse
    __hash__ = object.__hash__

    def __repr__(self) -> str:
        return f"<{self.name} not read>"

    def __reduce__(self):           # one object per field, in any process
        return (unread, (self.name,))


UNREAD = {name: Unread(name) for name in STORED_FIELDS}


def unread(name: str) -> Unread:
    return UNREAD[name]


@dataclass(frozen=True)
class StoredBody:
    """Where a lean article's body is kept: a slice of a pack file (build/bodies.py)."""
    path: str
    offset: int
    length: int


@dataclass(frozen=True)
class Section:
    """A part of the edition (扶贫, 百城提质), in the order config declares."""
    key: str
    title: str
    description: str = ""
    url: str = ""
    output_path: str = ""
    articles: tuple[Article, ...] = ()


@dataclass(frozen=True)
class Edition:
    """The whole feature: sections holding their articles in reading order."""
    sections: tuple[Section, ...]
    articles: tuple[Article, ...] = field(default=())  # reading order
    # The incremental builder's digest of everything but the bodies (config and
    # templates included): two editions with the same one print every article
    # at the same place (printing.PrintMemo.places_for). "" means unknown.
    listing: str = field(default="", compare=False, repr=False)

    def section(self, key: str) -> Section:
        # Asked once per page and per printed article: a dict, made on first use
        # (the edition is frozen, so it cannot go stale).
        return self._sections_by_key[key]

    @cached_property
    def _sections_by_key(self) -> dict[str, Section]:
        return {s.key: s for s in self.sections}

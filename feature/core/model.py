"""The newsroom's nouns: the plain data passed between pipeline stages.

Stages never mutate what they receive; each returns new objects
(`dataclasses.replace`) so a preview rebuild can reuse unchanged ones.
"""
from __future__ import annotations

from dataclasses import dataclass, field
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
    _text_fields: ClassVar[tuple[str, ...]] = ("body_markdown", "body_html", "plain_text")

    def line_of(self, key: str) -> int:
        """Line in the source where front matter `key` was written (1 if unknown)."""
        return dict(self.field_lines).get(key, 1)

    def __getattr__(self, name: str):
        # Only reached when `name` is not in __dict__: the body of a lean article,
        # kept on disk by bodystore.py (its docstring says why).
        if name in LAZY_FIELDS:
            ref = self.__dict__.get("_body")
            if ref is not None:
                return ref.load()[name]
        raise AttributeError(f"'Article' object has no attribute '{name}'")

    def without_body(self, ref) -> "Article":
        """A lean copy: the body fields dropped, `ref.load()` gives them back."""
        lean = object.__new__(Article)
        lean.__dict__.update({k: v for k, v in self.__dict__.items() if k not in LAZY_FIELDS}, _body=ref,
                             _figure_count=len(self.key_figures))
        return lean

    @property
    def figure_count(self) -> int:
        """len(key_figures), known without loading a lean article's body (the 数说
        index counts every article's figures)."""
        count = self.__dict__.get("_figure_count")
        return len(self.key_figures) if count is None else count

    def placed(self, position: int, previous: "ArticleLink | None", next: "ArticleLink | None") -> "Article":
        """dataclasses.replace(self, position=…, previous=…, next=…) that leaves a
        lean article lean (replace reads every field, the body too)."""
        copy = object.__new__(Article)
        copy.__dict__.update(self.__dict__, position=position, previous=previous, next=next)
        return copy

    def shares_body(self, other: "Article") -> bool:
        """Whether `other` has this very body (the same object or the same stored file)."""
        mine, theirs = self.__dict__.get("_body"), other.__dict__.get("_body")
        if mine is not None or theirs is not None:
            return mine is theirs or (mine is not None and mine == theirs)
        return self.body_html is other.body_html


# The body fields (bodystore.py). Without a class-level default, reading one that
# is not in an instance's __dict__ reaches Article.__getattr__; __init__ keeps
# its defaults (dataclasses bakes them into the generated code).
LAZY_FIELDS = ("body_markdown", "body_html", "plain_text", "toc", "key_figures")
for _name in LAZY_FIELDS:
    if _name in Article.__dict__:
        delattr(Article, _name)
del _name


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
        by_key = self.__dict__.get("_sections_by_key")
        if by_key is None:
            by_key = {s.key: s for s in self.sections}
            object.__setattr__(self, "_sections_by_key", by_key)
        return by_key[key]

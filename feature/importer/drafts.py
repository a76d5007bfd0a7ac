"""Drafts for the editor: one Markdown file per article, front matter in
the edition's format, body with `## ` subheads and `> ` pull quotes."""
from __future__ import annotations

import yaml

from .punctuation import split_sentences
from .records import QUOTE, SUBHEAD, TEXT_KINDS, Block, ImportedArticle

_MAX_LEDE_CHARS = 100


class _Dumper(yaml.SafeDumper):
    """Indent list items under their key, as the edition's front matter does."""

    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)


def draft_name(order: int) -> str:
    return f"article-{order}.md"


def lede_of(article: ImportedArticle) -> str:
    """The opening sentence or two, verbatim, kept short."""
    first = next((b.text for b in article.blocks if b.kind in TEXT_KINDS), "")
    lede = ""
    for sentence in split_sentences(first)[:2]:
        if lede and len(lede) + len(sentence) > _MAX_LEDE_CHARS:
            break
        lede += sentence
    return lede


def front_matter(article: ImportedArticle, order: int) -> dict:
    data: dict = {"headline": article.headline}
    if article.deck:
        data["deck"] = article.deck
    data["byline"] = [{"title": r.title, "name": r.name} for r in article.byline]
    data["order"] = order
    data["lede"] = lede_of(article)
    quote = next((b.text for b in article.blocks if b.kind == QUOTE), "")
    if quote:
        data["pull_quote"] = quote
    return data


def _markdown(block: Block) -> str:
    if block.kind == SUBHEAD:
        return f"## {block.text}"
    if block.kind == QUOTE:
        return f"> {block.text}"
    return block.text


def render_draft(article: ImportedArticle, order: int, source_name: str) -> str:
    matter = yaml.dump(front_matter(article, order), Dumper=_Dumper, allow_unicode=True,
                            sort_keys=False, width=1000)
    body = "\n\n".join(_markdown(b) for b in article.blocks)
    note = (f"# Draft imported from {source_name}; `section` is for the editor to set.\n"
            "# Check the order of the text against import-report.md.\n")
    return f"---\n{note}{matter}---\n\n{body}\n"

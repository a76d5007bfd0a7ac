"""Drafts for the editor: one Markdown file per article, front matter in
the edition's format, body with `## ` subheads and `> ` pull quotes."""
from __future__ import annotations

import yaml

from feature.edition import bylines

from .marks import flag_text, marked
from .proposals import GUESS, GUESS_NOTE, Proposal
from .punctuation import split_sentences
from .records import PHOTO, QUOTE, SUBHEAD, TEXT_KINDS, Block, ImportedArticle

_MAX_LEDE_CHARS = 100


class _Dumper(yaml.SafeDumper):
    """Indent list items under their key, as the edition's front matter does."""

    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)


def draft_name(order: int) -> str:
    return f"article-{order}.md"


def _opening(article: ImportedArticle) -> tuple[int, int]:
    """The lede's paragraph and length: a lead paragraph marked as such, else
    the opening sentence or two, verbatim, kept short."""
    index = next((i for i, b in enumerate(article.blocks) if b.kind in TEXT_KINDS), -1)
    if article.lede and index >= 0 and article.blocks[index].text == article.lede:
        return index, len(article.lede)
    length = 0
    for sentence in split_sentences(article.blocks[index].text)[:2] if index >= 0 else []:
        if length and length + len(sentence) > _MAX_LEDE_CHARS:
            break
        length += len(sentence)
    return index, length


def lede_of(article: ImportedArticle) -> str:
    index, length = _opening(article)
    return article.blocks[index].text[:length] if index >= 0 else ""


def _flagged(article: ImportedArticle, index: int) -> list:
    return [f.proposal for f in article.findings if f.block == index]


def front_matter(article: ImportedArticle, order: int) -> dict:
    """The front matter in the edition's format; lede and pull quote carry the
    flags of the text they quote, so a doubt cannot be published through them."""
    data: dict = {"headline": article.headline}
    if article.deck:
        data["deck"] = article.deck
    data["reporter"] = reporter_value(article.byline)
    data["order"] = order
    index, length = _opening(article)
    data["lede"] = marked(article.blocks[index].text, _flagged(article, index), length) if index >= 0 else ""
    quote = next((i for i, b in enumerate(article.blocks) if b.kind == QUOTE), -1)
    if quote >= 0:
        data["pull_quote"] = marked(article.blocks[quote].text, _flagged(article, quote))
    return data


def _markdown(block: Block, text: str) -> str:
    if block.kind == SUBHEAD:
        return f"## {text}"
    if block.kind == PHOTO:
        # The edition's photo form: ![alt](file "caption｜credit"), the caption doubling as alt text.
        title = "｜".join(t for t in (block.text if text == block.text else "", block.credit) if t)
        title = title.replace('"', "“")
        return f"![{text}]({block.photo}" + (f' "{title}"' if title else "") + ")"
    if block.kind == QUOTE:
        return f"> {text}"
    return text


def _guessed(article: ImportedArticle) -> set[int]:
    """Blocks that open a run placed by guess."""
    return {next(i for i, b in enumerate(article.blocks) if p.first_line <= b.first_line <= p.last_line)
            for p in article.placements if p.guess
            and any(p.first_line <= b.first_line <= p.last_line for b in article.blocks)}


def render_draft(article: ImportedArticle, order: int, source_name: str) -> tuple[str, list[int]]:
    """The draft's text, and the line each of the article's blocks is on. A
    run placed by guess is preceded by a flag of its own, a line to delete
    once the editor has checked where the run belongs."""
    matter = yaml.dump(front_matter(article, order), Dumper=_Dumper, allow_unicode=True,
                       sort_keys=False, width=1000)
    note = (f"# Draft imported from {source_name}; `section` is for the editor to set.\n"
            "# Flags in the text (tortoise-shell brackets opening with a question mark) mark what\n"
            "# import-report.md asks you to decide; the build refuses a draft until none is left.\n")
    head = f"---\n{note}{matter}---\n\n"
    line = head.count("\n") + 1
    body, lines, guessed = [], [], _guessed(article)
    for index, block in enumerate(article.blocks):
        if index in guessed:
            body.append(flag_text(Proposal(GUESS, 0, 0, GUESS_NOTE, None, "", True)))
            line += 2
        body.append(_markdown(block, marked(block.text, _flagged(article, index))))
        lines.append(line)
        line += 2
    return head + "\n\n".join(body) + "\n", lines


def reporter_value(reporters) -> str | list[dict]:
    """The byline as printed (`记者 张三 李四`) when the build reads that back to the
    same reporters, else one {title, name} per person: never a silent re-split."""
    line = bylines.printed(reporters)
    if bylines.parse_byline(line) == bylines.Byline(tuple(reporters)):
        return line
    return [{"title": r.title, "name": r.name} for r in reporters]

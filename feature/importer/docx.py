"""A Word document (.docx, as newsroom systems and WPS export it) → the same
articles, flags and report as raw print text.

The document's styles say what each paragraph is: Title or Heading 1 opens
an article, Subtitle (or a line opening with a dash) under it is the deck,
Heading 2 and below are subheads, Caption is a photo's caption. A line of
reporters' titles and names under the headline is the byline; a first
paragraph set all in bold is the lead (导语), used as the lede. Photos are
extracted beside the drafts and written as the edition's photo Markdown
with their caption and credit. A paragraph's "line" is its number in the
document.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from zipfile import BadZipFile

from feature.core.diagnostics import Diagnostic

from .corrections import CorrectionsFile, corrected
from .findings import finish
from .proposals import CAPTION_PLACEHOLDER
from .records import (
    PARAGRAPH, PHOTO, QUOTE, SUBHEAD, Block, Flag, ImportedArticle, ImportResult, Placement, RawTextError,
)
from .structure import is_deck, is_pull_quote, parse_byline

_HEADING = re.compile(r"^(?:heading|标题)\s*(\d)$")
_CREDIT = re.compile(r"[（(]\s*([^（）()]{1,20}?)\s*摄\s*[）)]\s*$|[｜|]\s*(.+)$")
_IMAGE_TYPES = {"image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif", "image/webp": ".webp"}


@dataclass
class _Paragraph:
    number: int
    text: str
    role: str                      # "headline", "deck", "subhead", "caption", "body", "table"
    bold: bool = False
    images: list[tuple[bytes, str]] = field(default_factory=list)    # (data, extension)


@dataclass
class _Draft:
    """An article while it is being read."""
    head: list[_Paragraph]
    body: list[_Paragraph] = field(default_factory=list)


def _role(paragraph) -> str:
    name = (paragraph.style.name if paragraph.style is not None else "").strip().lower()
    level = _HEADING.match(name)
    if name in ("title", "标题") or (level and level.group(1) == "1"):
        return "headline"
    if level:
        return "subhead"
    if name in ("subtitle", "副标题"):
        return "deck"
    if name in ("caption", "题注"):
        return "caption"
    return "body"


def _bold(paragraph) -> bool:
    runs = [r for r in paragraph.runs if r.text.strip()]
    style_bold = bool(paragraph.style is not None and paragraph.style.font.bold)
    return bool(runs) and all(r.bold or (r.bold is None and style_bold) for r in runs)


def _images(paragraph, document) -> list[tuple[bytes, str]]:
    found = []
    for blip in paragraph._element.xpath(".//a:blip"):
        part = document.part.related_parts.get(blip.get(
            "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed"))
        if part is not None:
            found.append((part.blob, _IMAGE_TYPES.get(part.content_type, Path(str(part.partname)).suffix)))
    return found


def _read(path: Path) -> list[_Paragraph]:
    import docx     # python-docx: only the importer needs it
    from docx.opc.exceptions import OpcError
    from docx.table import Table
    from docx.text.paragraph import Paragraph
    try:
        document = docx.Document(str(path))
    except (BadZipFile, KeyError, ValueError, OpcError) as exc:
        raise RawTextError(Diagnostic(str(path), 0, f"not a readable Word document (.docx): {exc}")) from None
    found, number = [], 0
    for child in document.element.body.iterchildren():
        if child.tag.endswith("}p"):
            paragraph = Paragraph(child, document)
            number += 1
            found.append(_Paragraph(number, paragraph.text.strip(), _role(paragraph), _bold(paragraph),
                                    _images(paragraph, document)))
        elif child.tag.endswith("}tbl"):
            for row in Table(child, document).rows:
                number += 1
                cells = [c.text.strip() for c in row.cells]
                found.append(_Paragraph(number, "　".join(c for c in cells if c), "table"))
    return found


def _articles(paragraphs: list[_Paragraph]) -> list[_Draft]:
    drafts: list[_Draft] = []
    for paragraph in paragraphs:
        if not paragraph.text and not paragraph.images:
            continue
        starts = paragraph.role == "headline" or not drafts
        if starts:
            drafts.append(_Draft([paragraph]))
        elif not drafts[-1].body and (paragraph.role == "deck" or is_deck(paragraph.text)
                                      or parse_byline(paragraph.text)):
            drafts[-1].head.append(paragraph)
        else:
            drafts[-1].body.append(paragraph)
    return drafts


def _credit(caption: str) -> tuple[str, str]:
    """'周口港码头一角（张三 摄）' → ('周口港码头一角', '摄影 张三')."""
    match = _CREDIT.search(caption)
    if not match:
        return caption, ""
    if match.group(1):
        return caption[:match.start()].strip(), f"摄影 {match.group(1).strip()}"
    return caption[:match.start()].strip(), match.group(2).strip()


def _body_blocks(draft: _Draft, order: int, photos: list[tuple[str, bytes]]) -> tuple[list[Block], str]:
    """The article's blocks and its lede (a bold lead paragraph, if any)."""
    blocks: list[Block] = []
    lede = ""
    body = draft.body
    for index, paragraph in enumerate(body):
        if paragraph.images:
            caption = body[index + 1] if index + 1 < len(body) and body[index + 1].role == "caption" else None
            for data, extension in paragraph.images:
                name = f"article-{order}-photo-{len(photos) + 1}{extension}"
                photos.append((name, data))
                text, credit = _credit(caption.text) if caption else ("", "")
                number = caption.number if caption else paragraph.number
                blocks.append(Block(((number, text or CAPTION_PLACEHOLDER),), PHOTO, photo=name, credit=credit))
            if paragraph.text and paragraph.text != (caption.text if caption else ""):
                blocks.append(Block(((paragraph.number, paragraph.text),)))
            continue
        if paragraph.role == "caption" and index and body[index - 1].images:
            continue
        if not lede and not blocks and paragraph.bold and paragraph.role == "body":
            lede = paragraph.text
        kind = SUBHEAD if paragraph.role == "subhead" else QUOTE if is_pull_quote(paragraph.text) else PARAGRAPH
        blocks.append(Block(((paragraph.number, paragraph.text),), kind))
    return blocks, lede


def _article(draft: _Draft, order: int, photos: list[tuple[str, bytes]]) -> ImportedArticle:
    headline = draft.head[0]
    deck = next((p.text for p in draft.head[1:] if p.role == "deck" or is_deck(p.text)), "")
    byline = next((parse_byline(p.text) for p in draft.head[1:] if parse_byline(p.text)), ()) or ()
    blocks, lede = _body_blocks(draft, order, photos)
    numbers = [p.number for p in draft.body] or [headline.number]
    placement = Placement(numbers[0], numbers[-1], "opening",
                          "the document has it under this headline, in this order", False)
    return ImportedArticle(headline.text, deck, byline, tuple(p.number for p in draft.head),
                           tuple(blocks), (placement,), lede=lede)


def import_docx(path: Path, corrections: CorrectionsFile | None = None) -> ImportResult:
    paragraphs = _read(path)
    drafts = _articles(paragraphs)
    if not drafts:
        raise RawTextError(Diagnostic(str(path), 1, "no text to import"))
    photos: list[tuple[str, bytes]] = []
    articles = [_article(d, n, photos) for n, d in enumerate(drafts, start=1)]
    articles, unused = corrected(articles, corrections)
    flags = [Flag("table", (p.number,), "a table's row, imported as a paragraph; rebuild the table by hand")
             for p in paragraphs if p.role == "table" and p.text]
    return ImportResult(
        source_name=str(path), line_count=len(paragraphs), articles=finish(articles, (), None),
        unplaced=(), joins=(), markers=(), duplicates=(), flags=tuple(flags),
        corrections_source=corrections.path if corrections else "", corrections_unused=unused,
        photos=tuple(photos), line_word="paragraph")

"""An editor's corrections file (content/corrections.yaml) applied to a new
import, so next year's import of a similar text reuses this year's
decisions. Each `original` found in an article's text is replaced by its
`corrected`, before slips are looked for; the report lists each one."""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from feature.core.diagnostics import Diagnostic

from .duplicates import slice_parts
from .findings import raw_line_at
from .records import Applied, Block, ColumnJoin, ImportedArticle, RawTextError


@dataclass(frozen=True)
class Correction:
    original: str
    corrected: str
    line: int               # in the corrections file


@dataclass(frozen=True)
class CorrectionsFile:
    path: str
    entries: tuple[Correction, ...]


def read_corrections(path: Path) -> CorrectionsFile:
    """Every entry of the file, or a located error for the first bad one."""
    try:
        text = path.read_text(encoding="utf-8")
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except OSError as exc:
        raise RawTextError(Diagnostic(str(path), 0, f"cannot read: {exc.strerror}")) from None
    except UnicodeDecodeError:
        raise RawTextError(Diagnostic(str(path), 0, "not UTF-8 text")) from None
    except yaml.YAMLError as exc:
        line = exc.problem_mark.line + 1 if getattr(exc, "problem_mark", None) else 0
        raise RawTextError(Diagnostic(str(path), line, "invalid YAML")) from None
    if root is None:
        return CorrectionsFile(str(path), ())
    if not isinstance(root, yaml.SequenceNode):
        raise RawTextError(Diagnostic(str(path), root.start_mark.line + 1,
                                          "expected a list of {file, original, corrected, reason}"))
    corrections = []
    for node in root.value:
        line = node.start_mark.line + 1
        entry = yaml.safe_load(yaml.serialize(node)) if isinstance(node, yaml.MappingNode) else None
        if not isinstance(entry, dict) or not all(isinstance(entry.get(k), str) and entry[k]
                                                  for k in ("original", "corrected")):
            raise RawTextError(Diagnostic(str(path), line,
                                              "each correction needs `original` and `corrected` text"))
        corrections.append(Correction(entry["original"], entry["corrected"], line))
    return CorrectionsFile(str(path), tuple(corrections))


def _replace_in_block(block: Block, start: int, end: int, new: str) -> Block:
    """The block with text [start, end) replaced; the new text goes where
    the replaced text began."""
    kept, _ = slice_parts(block.parts, start, end)
    parts, position, placed = [], 0, False
    for number, text in kept:
        if not placed and start <= position + len(text):
            k = start - position
            parts.append((number, text[:k] + new + text[k:]))
            placed = True
        else:
            parts.append((number, text))
        position += len(text)
    if not placed:
        parts.append((block.last_line, new))
    return replace(block, parts=tuple(p for p in parts if p[1]))


def _moved(join: ColumnJoin, index: int, start: int, end: int, new: str) -> ColumnJoin:
    if join.block != index or join.at <= start:
        return join
    return replace(join, at=join.at + len(new) - (end - start) if join.at >= end else start + len(new))


def apply_corrections(article: ImportedArticle, corrections: tuple[Correction, ...]) -> tuple[ImportedArticle, set[int]]:
    """The article with every correction applied wherever its original
    occurs, and the file lines of the corrections used."""
    blocks, joins, applied, used = list(article.blocks), list(article.column_joins), [], set()
    for correction in corrections:
        for index, block in enumerate(blocks):
            at = block.text.find(correction.original)
            while at >= 0:
                end = at + len(correction.original)
                applied.append(Applied(correction.original, correction.corrected, index,
                                       raw_line_at(block, at)))
                block = _replace_in_block(block, at, end, correction.corrected)
                joins = [_moved(j, index, at, end, correction.corrected) for j in joins]
                used.add(correction.line)
                at = block.text.find(correction.original, at + len(correction.corrected))
            blocks[index] = block
    return replace(article, blocks=tuple(blocks), column_joins=tuple(joins), applied=tuple(applied)), used


def corrected(articles: list[ImportedArticle], corrections: CorrectionsFile | None
              ) -> tuple[list[ImportedArticle], tuple[str, ...]]:
    """The articles with an editor's corrections applied, and the originals
    found nowhere (normal for another year's text)."""
    if not corrections:
        return articles, ()
    used: set[int] = set()
    out = []
    for article in articles:
        article, lines = apply_corrections(article, corrections.entries)
        out.append(article)
        used |= lines
    return out, tuple(c.original for c in corrections.entries if c.line not in used)

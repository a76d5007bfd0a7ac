"""The importer on one screen: lines → blocks → kinds → placement →
duplicates → flags, then (in `run`) render everything and write it."""
from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

from feature.core.diagnostics import Diagnostic

from .columns import join_units
from .corrections import CorrectionsFile, corrected, read_corrections
from .drafts import draft_name, render_draft
from .duplicates import drop_duplicates
from .findings import finish
from .lexicon import Lexicon
from .lines import assemble_blocks, joins_of, read_lines
from .placement import ArticlePlan, place
from .pdf import read_pdf
from .records import (
    BYLINE, DECK, HEADLINE, KICKER, Block, ColumnJoin, Flag, ImportedArticle, ImportResult, Join, Placement, RawTextError,
)
from .output import KeptEdit, Written, kept_messages, write_files
from .report import REPORT_NAME, DraftPlace, render_report, summary_line
from .structure import classify, parse_byline


def import_raw(text: str, source_name: str, lexicon: Lexicon | None = None,
               corrections: CorrectionsFile | None = None, lines_are_paragraphs: bool = False) -> ImportResult:
    """`lexicon`: the word list, loaded here when not given (0.3 s);
    `corrections`: an editor's earlier decisions, applied before slips are sought;
    `lines_are_paragraphs`: each line is a whole paragraph already (text from a
    PDF, whose paragraphs the page's geometry gave), so none is joined to the next."""
    lines, markers = read_lines(text)
    if not lines:
        raise RawTextError(Diagnostic(source_name, 1, "no text to import"))
    blocks = classify(assemble_blocks(lines, join=not lines_are_paragraphs))
    plans, unplaced_units = place(blocks)
    if not plans:
        raise RawTextError(Diagnostic(
            source_name, lines[0].number,
            "no headline found (a headline is a short line followed by a byline or a ——deck)"))
    kept, dropped, near_copies = drop_duplicates(blocks)
    articles = [_article(plan, blocks, kept) for plan in plans]
    unplaced = tuple(kept[i] for unit in unplaced_units for i in unit if kept[i])
    articles, unused = corrected(articles, corrections)
    articles = finish(articles, unplaced, lexicon)
    flags = near_copies + _placement_flags(articles) + _unplaced_flags(blocks, unplaced_units)
    return ImportResult(
        source_name=source_name,
        line_count=len(text.splitlines()),
        articles=articles,
        unplaced=unplaced,
        joins=tuple(_joins(blocks, kept)),
        markers=tuple(markers),
        duplicates=tuple(dropped),
        flags=tuple(sorted(flags, key=lambda f: f.lines)),
        corrections_source=corrections.path if corrections else "",
        corrections_unused=unused,
    )


def import_source(path: Path, corrections: CorrectionsFile | None = None) -> ImportResult:
    """Any input the importer reads: raw print text, a Word document, a PDF."""
    suffix = path.suffix.lower()
    if suffix == ".docx":
        from .docx import import_docx
        return import_docx(path, corrections)
    if suffix == ".pdf":
        reading = read_pdf(path)
        result = import_raw(reading.text, str(path), corrections=corrections, lines_are_paragraphs=True)
        return replace(result, boxes=reading.boxes, line_word="line")
    return import_raw(read_raw(path), str(path), corrections=corrections)


def _article(plan: ArticlePlan, blocks: list[Block], kept: list[Block | None]) -> ImportedArticle:
    head = [blocks[i] for i in plan.head]
    headline = next(b for b in head if b.kind == HEADLINE)
    kicker = next((b.text for b in head if b.kind == KICKER), "")
    deck = next((b.text for b in head if b.kind == DECK), "")
    byline = next((parse_byline(b.text) for b in head if b.kind == BYLINE), ()) or ()
    units = [[kept[i] for i in unit if kept[i] is not None] for unit, _ in plan.units]
    body, column_joins = join_units(units)
    placements = tuple(_confirmed(p, column_joins) for _, p in plan.units)
    return ImportedArticle(headline.text, deck, byline, tuple(b.first_line for b in head),
                           tuple(body), placements, tuple(column_joins), kicker=kicker)


def _confirmed(placement: Placement, joins: list[ColumnJoin]) -> Placement:
    """A run placed by guess whose cut last sentence goes on in the article's
    next run: two signs agree, so it is no longer a guess."""
    join = next((j for j in joins if placement.guess
                 and placement.first_line <= j.lines[0] <= placement.last_line), None)
    if join is None:
        return placement
    return replace(placement, guess=False, note=(
        f"{placement.note}; and its last sentence, cut at raw line {join.lines[0]}, goes on at raw "
        f"line {join.lines[1]}, in this article's next run: the two agree"))


def _joins(blocks: list[Block], kept: list[Block | None]) -> list[Join]:
    """Every join made, noting those that ended up in a dropped copy."""
    joins = []
    for before, after in zip(blocks, kept):
        for join in joins_of([before]):
            if after is None:
                join = Join(join.lines, join.seams, "in a copy dropped as a duplicate")
            elif len(after.parts) < len(before.parts):
                join = Join(join.lines, join.seams, "partly in a spliced copy that was cut")
            joins.append(join)
    return joins


def _placement_flags(articles: tuple[ImportedArticle, ...]) -> list[Flag]:
    return [Flag("guess", (p.first_line, p.last_line),
                 f"placed in {a.headline} by guess: {p.note}")
            for a in articles for p in a.placements if p.guess]


def _unplaced_flags(blocks: list[Block], units: list[tuple[int, ...]]) -> list[Flag]:
    return [Flag("unplaced", (blocks[u[0]].first_line, blocks[u[-1]].last_line),
                 "could not place this text in any article; it is quoted in full in the report")
            for u in units]


def read_raw(raw_path: Path) -> str:
    try:
        data = raw_path.read_bytes()
    except OSError as exc:
        raise RawTextError(Diagnostic(str(raw_path), 0, f"cannot read: {exc.strerror}")) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise RawTextError(Diagnostic(
            str(raw_path), line, f"not UTF-8 text (byte 0x{data[exc.start]:02x})")) from None


def render_outputs(result: ImportResult) -> dict[str, str | bytes]:
    """Every output file's name and text, rendered before anything is written."""
    files, places = {}, []
    for n, article in enumerate(result.articles, start=1):
        text, lines = render_draft(article, n, result.source_name)
        files[draft_name(n)] = text
        places.append(DraftPlace(draft_name(n), tuple(lines)))
    files[REPORT_NAME] = render_report(result, places)
    return files | dict(result.photos)


def write_outputs(files: dict[str, str | bytes], out_dir: Path) -> Written:
    try:
        return write_files(files, out_dir)
    except KeptEdit as exc:
        raise RawTextError(Diagnostic(str(out_dir), 0, str(exc))) from None
    except OSError as exc:
        raise RawTextError(Diagnostic(str(out_dir), 0, f"cannot write: {exc.strerror}")) from None


def run(raw_path: Path, out_dir: Path, corrections_path: Path | None = None) -> int:
    """Import `raw_path` (raw text, .docx or .pdf) into drafts and a report in
    `out_dir`; 0 on success, 1 (with a located error on stderr) when the
    import cannot be done. `corrections_path`: an editor's corrections file
    to apply first (the content/corrections.yaml format)."""
    try:
        raw_path, out_dir = Path(raw_path), Path(out_dir)
        corrections = read_corrections(Path(corrections_path)) if corrections_path else None
        result = import_source(raw_path, corrections)
        written = write_outputs(render_outputs(result), out_dir)
    except RawTextError as error:
        print(error, file=sys.stderr)
        return 1
    for message in kept_messages(written, out_dir):
        print(message, file=sys.stderr)
    print(summary_line(result, out_dir / REPORT_NAME))
    return 0

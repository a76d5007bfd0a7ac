"""The import report: the editor's checklist. What must be decided, what is
proposed, what was repaired automatically, each with where to look (the
draft's file and line, and the raw line it came from); then how the text
was put in order, in words, with the alternative and how to choose it."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .marks import flag_text
from .proposals import SLIP_KINDS
from .records import SUBHEAD, DroppedDuplicate, Finding, Flag, ImportedArticle, ImportResult, Placement

REPORT_NAME = "import-report.md"
_EXCERPT = 24
_CONTEXT = 8


@dataclass(frozen=True)
class DraftPlace:
    """Where an article's draft is and the draft line of each of its blocks."""
    name: str
    block_lines: tuple[int, ...]


def _lines(lines: tuple[int, ...], word: str = "raw line") -> str:
    """'raw line 5', 'raw lines 5–9' (a Word document's: 'paragraph 5')."""
    if len(lines) == 1 or lines[0] == lines[-1]:
        return f"{word} {lines[0]}"
    return f"{word}s {lines[0]}–{lines[-1]}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _excerpt(text: str) -> str:
    return text if len(text) <= _EXCERPT else text[:_EXCERPT] + "…"


class Places:
    """Raw line → draft file:line, for every line that reached a draft."""

    def __init__(self, result: ImportResult, drafts: list[DraftPlace]):
        self.by_raw: dict[int, str] = {}
        for article, draft in zip(result.articles, drafts):
            for block, line in zip(article.blocks, draft.block_lines):
                for number in block.lines:
                    self.by_raw.setdefault(number, f"{draft.name}:{line}")

    def of(self, raw_line: int) -> str:
        return f"`{self.by_raw[raw_line]}`" if raw_line in self.by_raw else "(not in a draft)"

    def span(self, first: int, last: int) -> str:
        found = [self.by_raw[n] for n in range(first, last + 1) if n in self.by_raw]
        if not found:
            return "(not in a draft)"
        name = found[0].split(":")[0]
        numbers = sorted(int(f.split(":")[1]) for f in found if f.startswith(name + ":"))
        return f"`{name}:{numbers[0]}`" if numbers[0] == numbers[-1] else f"`{name}:{numbers[0]}–{numbers[-1]}`"


def figures(result: ImportResult) -> dict[str, int]:
    findings = [f for a in result.articles for f in a.findings]
    return {
        "must be decided": sum(f.proposal.decide for f in findings) + len(result.flags) + len(result.boxes),
        "proposed": sum(not f.proposal.decide for f in findings),
        "repaired automatically": len(result.joins) + len(result.duplicates) + len(result.markers)
        + sum(len(a.column_joins) for a in result.articles),
    } | ({"corrections applied": sum(len(a.applied) for a in result.articles)}
         if result.corrections_source else {})


def summary_line(result: ImportResult, report_path: Path) -> str:
    counts = ", ".join(f"{n} {name}" for name, n in figures(result).items())
    return f"{result.source_name}: {_count(len(result.articles), 'article')}; {counts}; see {report_path}"


def _in_context(article: ImportedArticle, finding: Finding) -> str:
    text, p = article.blocks[finding.block].text, finding.proposal
    before = text[max(0, p.start - _CONTEXT):p.start]
    after = text[p.end:p.end + _CONTEXT]
    return f"…{before}{flag_text(p)}{after}…"


def _finding(article: ImportedArticle, draft: DraftPlace, finding: Finding, word: str) -> str:
    p = finding.proposal
    where = f"`{draft.name}:{draft.block_lines[finding.block]}` ({_lines((finding.raw_line,), word)})"
    return f"- [ ] {where} — {p.kind}: {_in_context(article, finding)} — {p.reason}"


def _flag(flag: Flag, places: Places, word: str) -> str:
    where = places.span(flag.lines[0], flag.lines[-1])
    return f"- [ ] {where} ({_lines(flag.lines, word)}) — {flag.kind}: {flag.message}"


def _decide_section(result: ImportResult, drafts: list[DraftPlace], places: Places) -> list[str]:
    word = result.line_word
    items = [_finding(a, d, f, word) for a, d in zip(result.articles, drafts) for f in a.findings if f.proposal.decide]
    items += [_flag(f, places, word) for f in result.flags]
    items += [f"- [ ] {box.split(':')[0]} of the PDF — set apart: short lines side by side without a "
              f"sentence (a sidebar, a fact box), put in no draft; copy what the story needs: "
              f"{box.split(': ', 1)[1]}" for box in result.boxes]
    intro = ("Nothing here has a certain reading: choose, then replace the flag in the draft with the "
             "text to print.")
    return [f"## Must be decided ({len(items)})", "", intro, ""] + (items or ["- nothing"]) + [""]


def _proposed_section(result: ImportResult, drafts: list[DraftPlace]) -> list[str]:
    items = [_finding(a, d, f, result.line_word) for a, d in zip(result.articles, drafts)
             for f in a.findings if not f.proposal.decide]
    intro = ("Suspected OCR slips with the reading the importer proposes. Accept by replacing the flag "
             "〔？printed→proposed〕 with the proposed text, reject by replacing it with the printed text; "
             "record a change of wording in content/corrections.yaml.")
    return [f"## Proposed ({len(items)})", "", intro, ""] + (items or ["- nothing"]) + [""]


def _applied_section(result: ImportResult, drafts: list[DraftPlace]) -> list[str]:
    if not result.corrections_source:
        return []
    applied = [(d, x) for a, d in zip(result.articles, drafts) for x in a.applied]
    out = [f"## Applied from {result.corrections_source} ({len(applied)})", "",
           "An editor's earlier decisions, applied before slips were sought. Check each still fits.", ""]
    out += [f"- `{d.name}:{d.block_lines[x.block]}` ({_lines((x.raw_line,), result.line_word)}): "
            f"`{x.original}` → `{x.corrected}`" for d, x in applied] or ["- none"]
    if result.corrections_unused:
        out += ["", f"Not found in this text ({len(result.corrections_unused)}): "
                + "、".join(f"`{o}`" for o in result.corrections_unused)]
    return out + [""]


def _duplicate(d: DroppedDuplicate, places: Places) -> str:
    note = f"; {d.note}" if d.note else ""
    return (f"- {_lines(d.lines)} ({d.how} copy) “{_excerpt(d.text)}” — the kept copy is at "
            f"{_lines(d.kept_lines)}, {places.of(d.kept_lines[0])}{note}")


def _repaired_section(result: ImportResult, drafts: list[DraftPlace], places: Places) -> list[str]:
    out = [f"## Repaired automatically ({figures(result)['repaired automatically']})", "",
           "Layout repairs; no wording was changed. Check them against the print if in doubt.", ""]
    column_joins = [(d, j) for a, d in zip(result.articles, drafts) for j in a.column_joins]
    out += ["### Paragraphs a column or page end cut apart, joined again", ""]
    out += [f"- raw lines {j.lines[0]} and {j.lines[1]} → `{d.name}:{d.block_lines[j.block]}`: {j.seam}"
            for d, j in column_joins] or ["- none"]
    out += ["", "### Lines the layout broke, joined again", ""]
    out += [f"- {_lines(j.lines)} → {places.of(j.lines[0])}: {' '.join(j.seams)}" + (f" ({j.note})" if j.note else "")
            for j in result.joins] or ["- none"]
    out += ["", "### Duplicate copies dropped", ""]
    out += [_duplicate(d, places) for d in result.duplicates] or ["- none"]
    out += ["", "### Jump markers removed", ""]
    out += [f"- raw line {m.line}: {m.text}" for m in result.markers] or ["- none"]
    return out + [""]


def _placement(article: ImportedArticle, number: int, p: Placement, result: ImportResult,
               places: Places) -> str:
    span = places.span(p.first_line, p.last_line)
    word = result.line_word
    runs = [b for b in article.blocks if p.first_line <= b.first_line <= p.last_line]
    subheads = [b.text for b in runs if b.kind == SUBHEAD]
    what = f"{span} ({_lines((p.first_line, p.last_line), word)})" + (
        f", subhead {'、'.join(subheads)}" if subheads else f", “{_excerpt(runs[0].text) if runs else ''}”")
    if p.how == "opening":
        return f"- {what}: opens the article: {p.note}."
    where = ("printed before this article's headline" if p.first_line < article.head_lines[0]
             else "printed after this article's head")
    line = f"- {what}: {where}; placed in article {number} because {p.note}."
    if p.other >= 0:
        other = result.articles[p.other]
        line += (f" The alternative is article {p.other + 1} ({other.headline}): to choose it, move "
                 f"{span} into `article-{p.other + 1}.md` where it belongs in that story.")
    return line + (" A guess: must be decided." if p.guess else "")


_ORDER_OF_PRINT = (
    "Print layout flows stories around each other, so the raw text is a series of runs (a subhead "
    "with its paragraphs, or whatever lies between two column breaks). Each draft opens with the run "
    "printed right after its byline, then the article's other runs in the order they were printed. "
    "Where the page is meant to be read in another order, move the run's lines in the draft (a "
    "subhead moves with its paragraphs).")
_ORDER_OF_DOCUMENT = ("Each draft keeps the document's order: a Title or Heading 1 opens an article, "
                      "and everything up to the next one belongs to it.")


def _order_section(result: ImportResult, drafts: list[DraftPlace], places: Places) -> list[str]:
    intro = _ORDER_OF_DOCUMENT if result.line_word == "paragraph" else _ORDER_OF_PRINT
    out = ["## Reading order and subheads", "", intro, ""]
    for number, (article, draft) in enumerate(zip(result.articles, drafts), start=1):
        byline = "、".join(str(r) for r in article.byline) or "none found"
        out += [f"### {number}. {article.headline} — `{draft.name}`", "",
                f"- head: {_lines(article.head_lines, result.line_word)} ("
                + (f"kicker above the headline, left out of the draft (the edition's `section:` "
                   f"prints it): {article.kicker}; " if article.kicker else "")
                + f"deck: {article.deck or 'none'}; byline: {byline})"]
        out += [_placement(article, number, p, result, places) for p in article.placements] + [""]
    return out


def _unplaced(result: ImportResult) -> list[str]:
    if not result.unplaced:
        return []
    out = ["## Text that could not be placed", "",
           "Kept here in full, in no draft: copy it into the article it belongs to.", ""]
    return out + [f"- {_lines(b.lines)}: {b.text}" for b in result.unplaced] + [""]


def _slip_counts(result: ImportResult) -> str:
    kinds = Counter(f.proposal.kind for a in result.articles for f in a.findings
                    if f.proposal.kind in SLIP_KINDS or f.proposal.kind.startswith("unpaired"))
    listed = ", ".join(f"{kind} {n}" for kind, n in sorted(kinds.items())) or "none"
    return f"Suspected OCR slips: {sum(kinds.values())} ({listed})."


def render_report(result: ImportResult, drafts: list[DraftPlace]) -> str:
    places = Places(result, drafts)
    names = ", ".join(f"`{d.name}`" for d in drafts)
    out = [f"# Import report: {result.source_name}", "",
           f"{_count(result.line_count, result.line_word)} → {_count(len(result.articles), 'draft')} ({names}).", "",
           "A checklist: work through it in the drafts. Every place that needs an editor is flagged "
           "in the draft's text as 〔？…〕, and `python build.py` refuses a draft until each flag is "
           "replaced by the text to print (docs/editorial-conventions.md).", "",
           "| | count |", "|---|---|"]
    out += [f"| {name} | {n} |" for name, n in figures(result).items()]
    out += ["", _slip_counts(result), ""]
    out += _decide_section(result, drafts, places)
    out += _proposed_section(result, drafts)
    out += _applied_section(result, drafts)
    out += _repaired_section(result, drafts, places)
    out += _order_section(result, drafts, places)
    out += _unplaced(result)
    return "\n".join(out).rstrip() + "\n"

"""The import report: an account, by raw line number, of every change the
importer made and every doubt it has, for the editor who checks the drafts."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

from .records import Block, DroppedDuplicate, ImportedArticle, ImportResult, Placement

REPORT_NAME = "import-report.md"
_EXCERPT = 24


def _lines(lines: tuple[int, ...]) -> str:
    if len(lines) == 1:
        return f"line {lines[0]}"
    return f"lines {lines[0]}–{lines[-1]}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _excerpt(text: str) -> str:
    return text if len(text) <= _EXCERPT else text[:_EXCERPT] + "…"


def figures(result: ImportResult) -> dict[str, int]:
    return {
        "joins": len(result.joins),
        "duplicates dropped": len(result.duplicates),
        "jump markers removed": len(result.markers),
        "flags": len(result.flags),
    }


def summary_line(result: ImportResult, report_path: Path) -> str:
    counts = ", ".join(f"{n} {name}" for name, n in figures(result).items())
    return f"{result.source_name}: {_count(len(result.articles), 'article')}; {counts}; see {report_path}"


def _placement(p: Placement) -> str:
    certainty = "guess" if p.guess else ("certain" if p.how == "opening" else "heuristic, check")
    return f"  - {_lines((p.first_line, p.last_line))}: {p.note} ({certainty})"


def _article_section(number: int, article: ImportedArticle, draft: str) -> list[str]:
    byline = "、".join(str(r) for r in article.byline) or "(none found)"
    out = [f"### {number}. {article.headline}", "",
           f"- draft: `{draft}`; head at {_lines(article.head_lines)}",
           f"- deck: {article.deck or '(none)'}", f"- byline: {byline}",
           f"- subheads: {'、'.join(article.subheads) or '(none)'}",
           "- text, in draft order (opening first, the rest in raw order):"]
    return out + [_placement(p) for p in article.placements] + [""]


def _duplicate(d: DroppedDuplicate) -> str:
    note = f"; {d.note}" if d.note else ""
    return (f"- {_lines(d.lines)} ({d.how} copy) “{_excerpt(d.text)}” — "
            f"kept copy at {_lines(d.kept_lines)}{note}")


def _unplaced(blocks: tuple[Block, ...]) -> list[str]:
    if not blocks:
        return []
    out = ["## Text that could not be placed", ""]
    return out + [f"- {_lines(b.lines)}: {b.text}" for b in blocks] + [""]


def render_report(result: ImportResult, drafts: list[str]) -> str:
    kinds = Counter(d.how for d in result.duplicates)
    out = [f"# Import report: {result.source_name}", "",
           f"{result.line_count} raw lines, {_count(len(result.articles), 'article')}.", "",
           "| | count |", "|---|---|"]
    out += [f"| {name} | {n} |" for name, n in figures(result).items()]
    out += ["", "Duplicates by kind: " + (", ".join(f"{k} {n}" for k, n in sorted(kinds.items())) or "none"), ""]
    out += ["## Articles", ""]
    for number, (article, draft) in enumerate(zip(result.articles, drafts), start=1):
        out += _article_section(number, article, draft)
    out += ["## Flags", ""] + [f"- {_lines(f.lines)} [{f.kind}] {f.message}" for f in result.flags]
    out += ["", "## Joins (lines the layout broke, joined again)", ""]
    out += [f"- {_lines(j.lines)}: {' '.join(j.seams)}" + (f" ({j.note})" if j.note else "")
            for j in result.joins]
    out += ["", "## Duplicates dropped", ""] + [_duplicate(d) for d in result.duplicates]
    out += ["", "## Jump markers removed", ""] + [f"- line {m.line}: {m.text}" for m in result.markers]
    out += [""] + _unplaced(result.unplaced)
    return "\n".join(out).rstrip() + "\n"

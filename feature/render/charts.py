"""Inline SVG bars for the "数说" page, drawn at build time (no JavaScript).

Only figures of the same unit within one article are compared: bars of 元
next to bars of 人 would mislead. Each chart repeats its numbers as text, so
it adds a picture to the list beside it, not information only the eye gets.
"""
from __future__ import annotations

from collections import defaultdict
from html import escape

from markupsafe import Markup

from feature.core.model import Article, KeyFigure

_WIDTH, _BAR, _GAP, _LABEL = 320, 18, 10, 120


def comparable_groups(figures: tuple[KeyFigure, ...]) -> list[list[KeyFigure]]:
    """Figures sharing a unit, two or more to a group, largest first."""
    by_unit = defaultdict(list)
    for f in figures:
        if f.unit and f.value > 0:
            by_unit[f.unit].append(f)
    return [sorted(g, key=lambda f: -f.value) for _, g in sorted(by_unit.items()) if len(g) >= 2]


def bars_svg(group: list[KeyFigure]) -> str:
    top = max(f.value for f in group)
    height = len(group) * (_BAR + _GAP)
    rows = []
    for i, f in enumerate(group):
        y = i * (_BAR + _GAP)
        width = max(2.0, (_WIDTH - _LABEL - 90) * f.value / top)
        rows.append(
            f'<text x="{_LABEL - 6}" y="{y + _BAR - 5}" text-anchor="end" class="chart-label">'
            f"{escape(_short(f.label))}</text>"
            f'<rect x="{_LABEL}" y="{y}" width="{width:.1f}" height="{_BAR}" class="chart-bar"/>'
            f'<text x="{_LABEL + width + 6:.1f}" y="{y + _BAR - 5}" class="chart-value">{escape(f.text)}</text>')
    title = "、".join(f"{f.label}{f.text}" for f in group)
    return (f'<svg class="figure-chart" viewBox="0 0 {_WIDTH} {height}" width="{_WIDTH}" '
            f'height="{height}" role="img" aria-label="{escape(title)}">{"".join(rows)}</svg>')


def charts_for(article: Article) -> Markup:
    """Every chart of an article's sidebar figures, ready for the template."""
    return Markup("".join(bars_svg(g) for g in comparable_groups(article.key_figures)))


def _short(label: str, limit: int = 9) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"

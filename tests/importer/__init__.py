"""Importer tests; the package holds the small builders they share."""
from __future__ import annotations

from feature.importer.lines import assemble_blocks, read_lines
from feature.importer.structure import classify


def raw(*lines: str) -> str:
    """Raw print text as layout exports it: one blank line after every line."""
    return "\n\n".join(lines) + "\n"


def blocks_of(text: str):
    lines, _ = read_lines(text)
    return classify(assemble_blocks(lines))


def texts_of(text: str) -> list[str]:
    return [b.text for b in blocks_of(text)]

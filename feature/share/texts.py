"""What a share image shows: small plain records the caller fills from its own model.

They know nothing of the build's Article or Edition, so this package can be
used (and tested) on its own. `source` says where the text comes from
(content/fupin/zongshu.md) for error messages; it is not shown and not part
of the content key.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_NUMBER = re.compile(r"^(\D*?)([0-9０-９][0-9０-９.,，]*)(.*)$", re.S)


@dataclass(frozen=True)
class CardFigure:
    """A key figure as printed ("21.99亿元") and its short label."""
    figure: str
    label: str = ""


@dataclass(frozen=True)
class CardText:
    """A share card (1200×630 and square) for the cover, a section, 数说 or an article."""
    headline: str
    deck: str = ""
    section: str = ""           # the kicker above the headline: 脱贫攻坚, 数说, 特别报道
    edition_title: str = ""     # left out of the masthead when empty (the cover's headline is the title)
    newspaper: str = ""
    figure: CardFigure | None = None
    photo: Path | None = None   # shown in the wide card only, cropped to fill its panel
    source: str = ""


@dataclass(frozen=True)
class PosterText:
    """A 数字海报: one key figure, the sentence it comes from, and a QR code to that sentence."""
    figure: str                 # as printed in the sentence: "21.99亿元"
    label: str
    sentence: str
    headline: str
    reporter: str               # "首席记者 李凤霞"; several joined by the caller
    newspaper: str
    url: str                    # where the QR code leads: the article page + #sentence-id
    edition_title: str = ""
    section: str = ""
    source: str = ""


@dataclass(frozen=True)
class FigureParts:
    """A figure cut for display: the number set large, the words around it smaller."""
    prefix: str                 # 约, 近, 超 …
    number: str
    unit: str


def figure_parts(figure: str) -> FigureParts:
    match = _NUMBER.match(figure.strip())
    if not match:
        return FigureParts("", figure.strip(), "")
    return FigureParts(*match.groups())

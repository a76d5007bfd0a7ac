"""The real Zhoukou edition as share records: what the build will hand feature.share.

Used by the tests in tests/unit/share and by benchmarks/share_images.py (which also writes
the README's examples). The long image's HTML is a plain stand-in for
templates/long_image.html (headline, deck, byline, body, key figures and a QR
code to the article), styled by that template's CSS and set by WeasyPrint.
"""
from __future__ import annotations

import functools
import html
import io
import re
import struct
from pathlib import Path

import pytest
import segno
from PIL import Image

from feature.core.config import Config, load_config
from feature.core.diagnostics import Diagnostics
from feature.core.model import Article, Edition
from feature.build.pipeline import prepare_edition
from feature.share import CardFigure, CardText, PosterText, find_fonts

ROOT = Path(__file__).resolve().parents[2]
SITE = "https://www.example.cn/specials/2019-zhoukou/"

# The long image's style is the template's (templates/long_image.html, what `print --long-images` draws).
LONG_CSS = re.search(r"<style>(.*?)</style>", (ROOT / "templates/long_image.html").read_text(encoding="utf-8"),
                     re.S).group(1)


@functools.cache
def real_edition() -> tuple[Config, Edition]:
    config = load_config(ROOT / "config.yaml")
    return config, prepare_edition(config, Diagnostics())


def section_title(config: Config, key: str) -> str:
    return next(s.title for s in config.sections if s.key == key)


def reporters(article: Article) -> str:
    return "、".join(str(r) for r in article.byline)


def article_card(config: Config, article: Article, photo: Path | None = None) -> CardText:
    figure = article.key_figures[0] if article.key_figures else None
    return CardText(article.headline, article.deck, section_title(config, article.section), config.title,
                    config.newspaper, CardFigure(figure.text, figure.label) if figure and not photo else None,
                    photo, source=f"content/{article.source}")


def cover_card(config: Config) -> CardText:
    return CardText(config.title, config.subtitle, "特别报道", "", config.newspaper, source="config.yaml")


def section_card(config: Config, key: str) -> CardText:
    section = next(s for s in config.sections if s.key == key)
    return CardText(section.title, section.description, "专题", config.title, config.newspaper,
                    source="config.yaml")


def figures_card(config: Config, edition: Edition) -> CardText:
    lead = edition.articles[0].key_figures[0]
    return CardText("数说", "一组数字读懂" + config.title.split()[-1], "数说", config.title, config.newspaper,
                    CardFigure(lead.text, lead.label), source="config.yaml")


def posters(config: Config, article: Article) -> list[PosterText]:
    return [PosterText(figure.text, figure.label, figure.sentence, article.headline, reporters(article),
                       config.newspaper, f"{SITE}{article.url}#{figure.sentence_id}", config.title,
                       section_title(config, article.section), f"content/{article.source}")
            for figure in article.key_figures]


def long_image_html(config: Config, article: Article) -> str:
    """The article as the long image shows it (the template phase two brings stands in here)."""
    figures = "".join(f"<dt>{html.escape(f.text)}</dt><dd>{html.escape(f.label)}</dd>" for f in article.key_figures)
    qr = segno.make(SITE + article.url, error="m").svg_data_uri(scale=4, dark="#1d1d1f")
    return f"""<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"></head><body>
<div class="masthead"><b>{html.escape(config.newspaper)}</b>{html.escape(config.title)}</div>
<span class="kicker">{html.escape(section_title(config, article.section))}</span>
<h1>{html.escape(article.headline)}</h1>
{f'<p class="deck">{html.escape(article.deck)}</p>' if article.deck else ''}
<p class="byline">{html.escape(reporters(article))}</p>
{article.body_html}
<section class="figures"><h2>数说</h2><dl>{figures}</dl></section>
<div class="qr"><img src="{qr}" alt="二维码"><div>扫码阅读原文<br>{html.escape(config.newspaper)} · {html.escape(config.title)}</div></div>
</body></html>"""


def opened(png: bytes) -> Image.Image:
    """The PNG as Pillow reads it (checks that it is one)."""
    image = Image.open(io.BytesIO(png))
    image.load()
    return image


@pytest.fixture(scope="session")
def fonts():
    """The faces found on this machine."""
    return find_fonts()


@pytest.fixture(scope="session")
def edition():
    """The real edition as records: (config, edition)."""
    return real_edition()


def png_chunks(png: bytes):
    """The chunk types of a PNG, in order."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    at = 8
    while at < len(png):
        length, kind = struct.unpack(">I4s", png[at:at + 8])
        yield kind
        at += 12 + length

"""The real Zhoukou edition as share records: what the build will hand feature.share.

Used by the tests in tests/unit/share and by benchmarks/share_images.py (which also writes
the README's examples). The long image's HTML and CSS stand in for the
template the build will give it: headline, deck, byline, body, key figures
and a QR code to the article, set by WeasyPrint.
"""
from __future__ import annotations

import functools
import html
import io
from pathlib import Path

import segno
from PIL import Image

from feature.core.config import Config, load_config
from feature.core.diagnostics import Diagnostics
from feature.core.model import Article, Edition
from feature.build.pipeline import prepare_edition
from feature.share import CardFigure, CardText, PosterText

ROOT = Path(__file__).resolve().parents[2]
SITE = "https://www.example.cn/specials/2019-zhoukou/"

LONG_CSS = """
html { background: #fffdf8; color: #1d1d1f; font-family: "Noto Serif CJK SC", serif; }
body { margin: 0; padding: 28px 24px 0; font-size: 17px; line-height: 1.8; text-align: justify; }
.masthead { font-family: "Noto Sans CJK SC", sans-serif; font-size: 13px; color: #55555a;
            border-bottom: 3px double #1d1d1f; padding-bottom: 6px; margin-bottom: 22px; }
.masthead b { color: #a4161a; font-family: "Noto Serif CJK SC", serif; font-size: 17px; margin-right: .6em; }
.kicker { display: inline-block; background: #a4161a; color: #fffdf8; font: bold 13px/1.6 "Noto Sans CJK SC";
          padding: 1px 8px; }
h1 { font-size: 28px; line-height: 1.35; margin: 10px 0 6px; }
.deck { color: #55555a; font-size: 18px; margin: 0 0 8px; text-indent: 0; }
.byline { text-indent: 0; font-family: "Noto Sans CJK SC", sans-serif; font-size: 13px; color: #55555a;
          border-bottom: 1px solid #d9d3c7; padding-bottom: 14px; margin: 0 0 18px; }
h2 { font-family: "Noto Sans CJK SC", sans-serif; font-size: 19px; line-height: 1.5; margin: 1.6em 0 .6em; }
p { margin: 0 0 1em; text-indent: 2em; }
blockquote { margin: 1em 0; padding: 0 0 0 1em; border-left: 3px solid #a4161a; }
blockquote p { text-indent: 0; font-weight: bold; }
data.figure { color: #a4161a; }
.figures { background: #f5f1e8; border-top: 3px solid #a4161a; padding: 12px 16px; margin: 24px 0; }
.figures h2 { margin: 0 0 8px; font-size: 16px; }
.figures dl { margin: 0; display: grid; grid-template-columns: 1fr 1fr; gap: 10px 16px; }
.figures dt { color: #a4161a; font-weight: bold; font-size: 22px; line-height: 1.2; }
.figures dd { margin: 0; font-family: "Noto Sans CJK SC", sans-serif; font-size: 12px; line-height: 1.5; }
.qr { display: flex; align-items: center; gap: 16px; border-top: 1px solid #d9d3c7; padding-top: 16px;
      font-family: "Noto Sans CJK SC", sans-serif; font-size: 14px; color: #55555a; }
.qr img { width: 96px; height: 96px; }
"""


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

"""`print --long-images`: a 长图 of every article, drawn after a finished build.

Each article is rendered through templates/long_image.html where its page
lies (its photos and links relative to its folder), set by WeasyPrint and
drawn 1080 px wide (share/longimage.py). The PNG is kept in
`.cache/long-images/` under the content key of everything that decides its
bytes (the rendered HTML, which names each photo by its content hash; the
faces; the drawing code and libraries): a later run draws only the articles
whose key changed. Nothing is written to the output folder here: the caller
adds the images and the pages that offer them in one step
(print_edition.link_made), so a run stopped while drawing leaves the
folder as the finished build it was.
"""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from feature.build.keys import TemplateDeps
from feature.build.render import render_one
from feature.build.stages import STAGES
from feature.core import urls
from feature.core.config import Config
from feature.core.diagnostics import Diagnostic, source_name
from feature.core.files import replace_file
from feature.core.model import Article, Edition
from feature.render.assets import collect_assets
from feature.render.pages import LongImageFile, long_image_page
from feature.render.templates import make_environment
from feature.share import FontNotFound, LongImage, LongImageTooLong, MissingGlyphs, content_key, find_fonts
from feature.share import render_long_image

SPEC = LongImage()                      # 1080 px wide, laid out 540 CSS px wide
CACHE = Path(".cache") / "long-images"


@dataclass
class LongImages:
    """What one run made: the images (with where each PNG lies), what failed."""
    made: list[LongImageFile] = field(default_factory=list)
    files: dict[str, Path] = field(default_factory=dict)     # output path → the PNG in the cache
    drawn: int = 0                                           # the others came from the cache
    problems: list[Diagnostic] = field(default_factory=list)


def draw_long_images(config: Config, out: Path, edition: Edition) -> LongImages:
    """A long image of every article of `edition`, built into `out`; an article that
    cannot be drawn (a character no face has, too tall) is a problem naming its
    file, and the others are still drawn."""
    result = LongImages()
    try:
        fonts = find_fonts()
    except FontNotFound as exc:
        result.problems.append(Diagnostic("long images", 0, str(exc)))
        return result
    if not config.site_origin:
        print(f"note: base_url {config.base_url} names no host, so the long images carry no QR code to their "
              f"article; build with --base-url https://… (the address the edition is served from) to have one",
              file=sys.stderr)
    env = make_environment(config.templates_dir)
    deps, assets = TemplateDeps(env), collect_assets(config.static_dir)
    cache = config.root / CACHE
    start = time.perf_counter()
    for article in edition.articles:
        page = long_image_page(article, edition)
        html = render_one(env, page, edition, config, assets, STAGES.page_filters, deps).decode("utf-8")
        cached = cache / f"{content_key('long', html, SPEC, fonts=fonts)}.png"
        if not cached.is_file():
            try:
                png = _draw(html, article, out, fonts)
            except (LongImageTooLong, MissingGlyphs) as exc:
                result.problems.append(exc.diagnostic())
                continue
            replace_file(cached, png)
            result.drawn += 1
        path = urls.long_image_path(article.output_path)
        result.made.append(LongImageFile(article.output_path, path, cached.stat().st_size))
        result.files[path] = cached
    if result.made:
        print(f"long images: {len(result.made)} of {len(edition.articles)} articles, {result.drawn} drawn, "
              f"{len(result.made) - result.drawn} unchanged, in {time.perf_counter() - start:.1f} s")
    return result


def _draw(html: str, article: Article, out: Path, fonts) -> bytes:
    folder = (out / article.output_path).parent
    return render_long_image(html, fonts=fonts, base_url=folder.as_uri() + "/", spec=SPEC,
                             source=source_name(article.source))

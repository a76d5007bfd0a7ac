"""长图: the real article set by WeasyPrint on one tall page, rasterised 1080 px wide; and
every kind of share image the same bytes in a fresh interpreter (determinism across processes).

Here, not in tests/unit/share, as WeasyPrint's layout and a second interpreter take seconds."""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys

import pytest
import zxingcpp

from feature.share import (LongImage, LongImageTooLong, MissingGlyphs, render_card, render_long_image, render_poster,
                           render_square_card)
from feature.share.canvas import PAPER

from tests.support.share import (LONG_CSS, ROOT, SITE, article_card, cover_card, long_image_html, opened,
                                 png_chunks, posters)
from tests.support.share import edition, fonts  # noqa: F401  (fixtures)

SMALL_HTML = "<html lang='zh-CN'><body><h1>让千万人民过上富裕幸福的生活</h1><p>岁月不居，时节如流。</p></body></html>"


@pytest.fixture(scope="module")
def zongshu(fonts, edition):
    config, ed = edition
    article = ed.articles[0]
    png = render_long_image(long_image_html(config, article), LONG_CSS, fonts, source=f"content/{article.source}")
    return article, opened(png), png


def test_the_article_is_one_tall_png_1080_wide(zongshu):
    _, image, png = zongshu
    assert image.format == "PNG" and image.width == 1080
    assert set(png_chunks(png)) <= {b"IHDR", b"PLTE", b"IDAT", b"IEND"}      # no metadata, as the cards
    assert 6000 < image.height < 20000           # 3,500 characters at 17 px on a 540 px column, at 2×


def test_the_whole_article_is_set_down_to_the_qr_code_at_its_end(zongshu):
    article, image, _ = zongshu
    foot = image.crop((0, image.height - 600, image.width, image.height)).convert("RGB")
    assert [code.text for code in zxingcpp.read_barcodes(foot)] == [SITE + article.url]
    # Below the last content only the paper of the foot margin: the page was cut where the text ends.
    last_rows = image.crop((0, image.height - 60, image.width, image.height)).convert("RGB")
    (colour,) = set(last_rows.get_flattened_data())
    assert all(abs(a - b) <= 2 for a, b in zip(colour, PAPER))      # the palette moves it a unit at most


def test_the_top_is_the_headline_not_paper(zongshu):
    _, image, _ = zongshu
    top = image.crop((0, 300, image.width, 700)).convert("L")
    assert sum(1 for value in top.get_flattened_data() if value < 80) > 10000


def test_width_and_layout_width_are_the_callers(fonts):
    html = "<html lang='zh-CN'><body><p>脱贫攻坚，关键在落实。</p></body></html>"
    image = opened(render_long_image(html, "body, p { margin: 0 } body { font-size: 20px }", fonts,
                                     spec=LongImage(width=720, css_width=360, foot=10)))
    assert image.width == 720
    # One line of 20 px text (line-height about 1.45) and 10 px of foot, at 2 px per CSS px.
    assert 2 * (20 + 10) <= image.height <= 2 * (40 + 10)


def test_an_article_taller_than_the_limit_is_an_error_not_a_huge_image(fonts, edition):
    config, ed = edition
    html = long_image_html(config, ed.articles[0])
    with pytest.raises(LongImageTooLong) as error:
        render_long_image(html, LONG_CSS, fonts, spec=LongImage(max_height=3000), source="content/fupin/zongshu.md")
    assert error.value.height > 3000
    assert str(error.value).startswith("content/fupin/zongshu.md: error: long image: the article is")


def test_a_missing_glyph_in_the_text_is_named(fonts):
    html = "<html><head><style>p{}</style></head><body><p>周口&#x2A6A5;港</p><script>var x='😀'</script></body></html>"
    with pytest.raises(MissingGlyphs) as error:
        render_long_image(html, "", fonts, source="content/x.md")
    assert error.value.characters == "𪚥"           # script text is not drawn, so not checked
    assert str(error.value).startswith("content/x.md: error: long image:")


# Renders the same images in a fresh interpreter and prints their digests.
OTHER_PROCESS = """
import hashlib, json, sys
sys.path[:0] = [{root!r}]
from feature.share import find_fonts, render_card, render_square_card, render_poster, render_long_image
from tests.support.share import real_edition, cover_card, article_card, posters, LONG_CSS
fonts = find_fonts()
config, edition = real_edition()
article = edition.articles[1]
images = [render_card(cover_card(config), fonts), render_square_card(article_card(config, article), fonts),
          render_poster(posters(config, article)[0], fonts),
          render_long_image({html!r}, LONG_CSS, fonts)]
print(json.dumps([hashlib.sha256(png).hexdigest() for png in images]))
"""


def digests(fonts, edition) -> list[str]:
    config, ed = edition
    article = ed.articles[1]
    images = [render_card(cover_card(config), fonts), render_square_card(article_card(config, article), fonts),
              render_poster(posters(config, article)[0], fonts),
              render_long_image(SMALL_HTML, LONG_CSS, fonts)]
    return [hashlib.sha256(png).hexdigest() for png in images]


def test_the_same_input_gives_the_same_bytes_in_another_process(fonts, edition):
    here = digests(fonts, edition)
    assert digests(fonts, edition) == here
    script = OTHER_PROCESS.format(root=str(ROOT), html=SMALL_HTML)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == here

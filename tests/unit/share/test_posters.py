"""数字海报: one per key figure of the real edition; its QR code, read by a real decoder,
opens the article at the sentence the figure comes from."""
from __future__ import annotations

from urllib.parse import unquote, urlsplit

import pytest
import zxingcpp
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from feature.share import POSTER, MissingGlyphs, PosterText, render_poster

from tests.support import examples
from tests.support.share import SITE, opened, posters


@pytest.fixture(scope="module")
def real_posters(fonts, edition):
    config, ed = edition
    return [(poster, opened(render_poster(poster, fonts)))
            for article in ed.articles for poster in posters(config, article)]


def decoded(image) -> list[str]:
    return [code.text for code in zxingcpp.read_barcodes(image) if code.format == zxingcpp.BarcodeFormat.QRCode]


def test_every_key_figure_has_a_portrait_png_poster(real_posters, edition):
    _, ed = edition
    assert len(real_posters) == sum(len(a.key_figures) for a in ed.articles) == 16
    for _, image in real_posters:
        assert (image.format, image.size) == ("PNG", POSTER) == ("PNG", (1080, 1440))


def test_each_qr_code_decodes_to_exactly_its_url(real_posters):
    for poster, image in real_posters:
        assert decoded(image) == [poster.url]


def test_each_qr_code_lands_on_the_sentence_that_holds_the_figure(real_posters, real_site):
    out, _ = real_site
    for poster, image in real_posters:
        url = urlsplit(decoded(image)[0])
        assert url.geturl().startswith(SITE) and url.fragment
        page = out / unquote(url.path[len(urlsplit(SITE).path):]) / "index.html"
        target = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").find(id=url.fragment)
        assert target is not None, url.geturl()
        assert poster.figure in target.get_text() and target.get_text() == poster.sentence


def test_a_long_url_with_chinese_still_decodes(fonts):
    url = SITE + "baicheng/%E4%B8%89%E5%B7%9D%E8%9D%B6%E5%8F%98/#补齐短板强基础-" + "很长" * 30
    poster = PosterText("100座", "新改建街头游园", "新改建100座街头游园。", "“百城提质” 三川蝶变", "记者 王艳",
                        "周口日报", url, "决胜全面小康 周口在行动", "百城提质")
    assert decoded(opened(render_poster(poster, fonts))) == [url]


def test_a_missing_glyph_in_the_sentence_is_named_with_the_article(fonts):
    poster = PosterText("3600亩", "水面", "建设3600亩水面的𪚥工程。", "标题", "记者", "周口日报", SITE,
                        source="content/baicheng/sanchuan-diebian.md")
    with pytest.raises(MissingGlyphs) as error:
        render_poster(poster, fonts)
    assert str(error.value).startswith("content/baicheng/sanchuan-diebian.md: error: poster:")
    assert "“𪚥” (U+2A6A5)" in str(error.value)


TEXT = st.text(st.sampled_from("周口日报脱贫攻坚让千万人民过上富裕幸福的生活“”《》（），。、；：！？……——·%0123456789.AZaz 𪚥😀\n"),
               max_size=200)


@settings(max_examples=examples(20), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(TEXT, TEXT, TEXT, TEXT, TEXT)
def test_any_text_gives_a_poster_or_names_what_is_missing(fonts, figure, label, sentence, headline, reporter):
    poster = PosterText(figure, label, sentence, headline, reporter, "周口日报", SITE + "#s-1", "决胜全面小康")
    try:
        image = opened(render_poster(poster, fonts))
    except MissingGlyphs as error:
        assert set(error.characters) <= {"𪚥", "😀"} and error.characters
    else:
        assert image.size == POSTER and decoded(image) == [SITE + "#s-1"]

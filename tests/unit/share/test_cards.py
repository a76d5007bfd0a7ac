"""Share cards: sizes and format for every kind of page, the photo panel, missing glyphs."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from feature.share import (SQUARE, WIDE, BadPhoto, CardFigure, CardText, MissingGlyphs, render_card,
                           render_square_card)
from feature.share.canvas import ACCENT, PAPER

from tests.support import examples
from tests.support.share import article_card, cover_card, figures_card, opened, section_card


def real_cards(edition):
    config, ed = edition
    yield "cover", cover_card(config)
    for section in config.sections:
        yield f"section {section.key}", section_card(config, section.key)
    yield "数说", figures_card(config, ed)
    for article in ed.articles:
        yield f"article {article.slug}", article_card(config, article)


def test_every_real_card_is_a_png_of_the_right_size(fonts, edition):
    for name, card in real_cards(edition):
        for render, size in ((render_card, WIDE), (render_square_card, SQUARE)):
            image = opened(render(card, fonts))
            assert (image.format, image.size) == ("PNG", size), name
            assert image.mode in ("RGB", "P")
    assert SQUARE[0] >= 300 and SQUARE[0] == SQUARE[1]
    assert WIDE == (1200, 630)


def test_the_card_shows_its_kicker_band_and_headline_ink(fonts, edition):
    config, ed = edition
    image = opened(render_card(article_card(config, ed.articles[0]), fonts)).convert("RGB")
    # Colours within a few units: type on flat colours is stored as a 256-colour palette.
    assert _near(image.getpixel((600, 4)), ACCENT)               # the red band
    assert _near(image.getpixel((40, 600)), PAPER)
    assert not _near(image.getpixel((1190, 620)), PAPER)          # the figure panel reaches the corner
    dark = sum(1 for pixel in image.crop((64, 250, 700, 500)).get_flattened_data() if max(pixel) < 80)
    assert dark > 5000                                   # the headline is set, in ink


def test_the_photo_fills_the_right_panel_of_the_wide_card(fonts, edition, tmp_path):
    config, ed = edition
    photo = tmp_path / "dock.jpg"
    Image.new("RGB", (800, 600), (20, 90, 160)).save(photo, quality=95)
    card = article_card(config, ed.articles[0], photo=photo)
    image = opened(render_card(card, fonts)).convert("RGB")
    for point in ((800, 10), (1190, 10), (1000, 315), (1190, 620)):
        assert _near(image.getpixel(point), (20, 90, 160)), point
    assert _near(image.getpixel((40, 600)), PAPER)
    square = opened(render_square_card(card, fonts)).convert("RGB")
    assert not any(_near(pixel, (20, 90, 160)) for pixel in square.get_flattened_data())


def test_an_unreadable_photo_is_named(fonts, tmp_path):
    photo = tmp_path / "broken.jpg"
    photo.write_bytes(b"not a jpeg")
    with pytest.raises(BadPhoto) as error:
        render_card(CardText("标题", photo=photo, source="content/fupin/x.md"), fonts)
    assert str(error.value).startswith("content/fupin/x.md: error: share card: cannot read the photo")
    assert "broken.jpg" in str(error.value)


def test_a_missing_glyph_fails_naming_every_character_and_the_article(fonts):
    card = CardText("周口𪚥港", "副题😀", "百城提质", "决胜全面小康", "周口日报",
                    CardFigure("21.99亿元", "标签"), source="content/baicheng/gang.md")
    for render in (render_card, render_square_card):
        with pytest.raises(MissingGlyphs) as error:
            render(card, fonts)
        assert error.value.characters == "𪚥😀"
        message = str(error.value)
        assert message.startswith("content/baicheng/gang.md: error: share card:")
        assert "“𪚥” (U+2A6A5)" in message and "“😀” (U+1F600)" in message
        assert "Noto Serif CJK SC Bold" in message and "Noto Serif CJK SC Regular" in message


def test_a_missing_glyph_in_the_figure_label_is_found_too(fonts):
    card = CardText("标题", figure=CardFigure("3600亩", "引黄调蓄𠀀工程"), source="content/x.md")
    with pytest.raises(MissingGlyphs, match="U\\+20000"):
        render_card(card, fonts)


def _near(pixel, colour, tolerance=6) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour))


def test_a_long_headline_shrinks_to_leave_the_figure_its_room(fonts):
    card = CardText("周口港千吨级货船直达长江，临港经济迎来历史性巨变", "", "百城提质", "决胜全面小康 周口在行动",
                    "周口日报", CardFigure("532.28亿元", "临港经济38个签约项目总投资"))
    image = opened(render_square_card(card, fonts)).convert("RGB")
    bar_top = next(y for y in range(300, 600) if _near(image.getpixel((72, y)), ACCENT))
    assert bar_top > 380                            # the short red rule above the figure
    above = image.crop((44, bar_top - 24, 556, bar_top))
    assert all(max(pixel) > 200 for pixel in above.get_flattened_data()), "the headline runs into the figure"


TEXT = st.text(st.sampled_from("周口日报脱贫攻坚让千万人民过上富裕幸福的生活“”《》（），。、；：！？……——·%0123456789.AZaz 𪚥😀\n\t"),
               max_size=120)


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(TEXT, TEXT, TEXT, st.one_of(st.none(), st.tuples(TEXT, TEXT)))
def test_any_text_gives_a_card_or_names_what_is_missing(fonts, headline, deck, section, figure):
    card = CardText(headline, deck, section, "决胜全面小康", "周口日报",
                    CardFigure(*figure) if figure else None, source="content/x.md")
    for render, size in ((render_card, WIDE), (render_square_card, SQUARE)):
        try:
            assert opened(render(card, fonts)).size == size
        except MissingGlyphs as error:
            assert set(error.characters) <= {"𪚥", "😀"} and error.characters

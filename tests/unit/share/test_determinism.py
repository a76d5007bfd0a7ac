"""Same input, same bytes; the content key changes exactly with what is shown. The same
bytes in another process: tests/system/test_long_image_layout.py."""
from __future__ import annotations

import dataclasses

from PIL import Image

from feature.share import CardText, content_key, render_card, render_poster

from tests.support.share import LONG_CSS, article_card, cover_card, long_image_html, png_chunks, posters

SMALL_HTML = "<html lang='zh-CN'><body><h1>让千万人民过上富裕幸福的生活</h1><p>岁月不居，时节如流。</p></body></html>"


def test_pngs_carry_no_metadata(fonts, edition):
    config, ed = edition
    # The long image's: tests/system/test_long_image_layout.py (WeasyPrint sets it).
    for png in (render_card(cover_card(config), fonts), render_poster(posters(config, ed.articles[0])[0], fonts)):
        assert set(png_chunks(png)) <= {b"IHDR", b"PLTE", b"IDAT", b"IEND"}


def test_the_content_key_follows_what_the_card_shows(fonts, edition, tmp_path):
    config, ed = edition
    card = article_card(config, ed.articles[0])
    key = content_key("card", card, fonts=fonts)
    assert content_key("card", card, fonts=fonts) == key
    assert content_key("card", dataclasses.replace(card, source="elsewhere.md"), fonts=fonts) == key
    assert content_key("square", card, fonts=fonts) != key
    assert content_key("card", card) != key
    for change in ({"headline": card.headline + "！"}, {"deck": ""}, {"section": "百城提质"},
                   {"newspaper": "周口晚报"}, {"figure": None}):
        assert content_key("card", dataclasses.replace(card, **change), fonts=fonts) != key, change


def test_the_content_key_reads_the_photo_bytes(fonts, tmp_path):
    photo = tmp_path / "dock.jpg"
    Image.new("RGB", (40, 30), (20, 90, 160)).save(photo)
    card = CardText("周口港", photo=photo)
    before = content_key("card", card, fonts=fonts)
    Image.new("RGB", (40, 30), (160, 90, 20)).save(photo)
    assert content_key("card", card, fonts=fonts) != before


def test_the_long_image_key_covers_html_and_css(fonts, edition):
    config, ed = edition
    html = long_image_html(config, ed.articles[0])
    key = content_key("long", html, LONG_CSS, fonts=fonts)
    assert content_key("long", html, LONG_CSS, fonts=fonts) == key
    assert content_key("long", html.replace("岁月", "日月"), LONG_CSS, fonts=fonts) != key
    assert content_key("long", html, LONG_CSS + "p{}", fonts=fonts) != key


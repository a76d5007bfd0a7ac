"""Font discovery: the SC face of each Noto CJK collection, found by name; clear errors otherwise."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from feature.share import FontNotFound, find_fonts
from feature.share.fonts import FACES, FaceSpec, face_index, find_face

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def test_each_face_is_the_sc_face_as_freetype_names_it(fonts):
    assert [face.spec for face in fonts.faces] == list(FACES)
    for face in fonts.faces:
        assert face.path.suffix == ".ttc"
        family, style = fonts.font(face, 40).getname()
        assert (family, style) == (face.spec.family, face.spec.style)


def test_the_first_face_of_the_collection_is_not_sc_here(fonts):
    # The trap the name lookup avoids: Debian's collections start with the JP face.
    for face in fonts.faces:
        first = ImageFont.truetype(str(face.path), 40, index=0).getname()[0]
        assert first != face.spec.family and first.endswith(" JP")
        assert face.index != 0


def test_sc_glyph_forms_are_not_the_japanese_ones(fonts):
    face = fonts.faces[0]
    drawn = [_ink("骨", ImageFont.truetype(str(face.path), 80, index=index)) for index in (face.index, 0)]
    assert drawn[0] != drawn[1]


def test_a_configured_folder_is_searched_by_face_name(fonts, tmp_path):
    for face in fonts.faces:
        link = tmp_path / face.path.name
        if not link.exists():
            link.symlink_to(face.path)
    (tmp_path / "DejaVuSans.ttf").symlink_to(DEJAVU)
    found = find_fonts(tmp_path)
    assert [(f.spec, f.path.parent, f.index) for f in found.faces] == \
        [(f.spec, tmp_path, f.index) for f in fonts.faces]


def test_a_folder_without_cjk_fonts_names_every_face_and_the_package(tmp_path):
    shutil.copy(DEJAVU, tmp_path)
    with pytest.raises(FontNotFound) as error:
        find_fonts(tmp_path)
    message = str(error.value)
    assert "fonts-noto-cjk" in message and str(tmp_path) in message
    assert all(str(spec) in message for spec in FACES)


def test_a_missing_folder_is_named(tmp_path):
    with pytest.raises(FontNotFound, match="fonts folder does not exist"):
        find_fonts(tmp_path / "nowhere")


def test_a_machine_without_cjk_fonts_gets_the_package_to_install(tmp_path, monkeypatch):
    # fontconfig that knows only DejaVu: fc-match answers every query with it.
    (tmp_path / "fonts").mkdir()
    shutil.copy(DEJAVU, tmp_path / "fonts")
    (tmp_path / "fonts.conf").write_text(
        f'<?xml version="1.0"?><fontconfig><dir>{tmp_path / "fonts"}</dir>'
        f'<cachedir>{tmp_path / "cache"}</cachedir></fontconfig>', encoding="utf-8")
    monkeypatch.setenv("FONTCONFIG_FILE", str(tmp_path / "fonts.conf"))
    with pytest.raises(FontNotFound) as error:
        find_fonts()
    assert "fonts-noto-cjk" in str(error.value) and "fc-match" in str(error.value)


def test_fontconfig_missing_is_named(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(FontNotFound, match="fc-match is not installed.*fonts-noto-cjk"):
        find_fonts()


def test_a_fallback_answer_of_fontconfig_is_not_taken_for_the_face():
    assert find_face(FaceSpec("Noto Serif CJK ZZ", "Bold")) is None
    assert face_index(DEJAVU, FaceSpec("DejaVu Sans", "Book")) == 0


def _ink(text: str, font) -> bytes:
    image = Image.new("L", (120, 120))
    ImageDraw.Draw(image).text((10, 100), text, font=font, fill=255, anchor="ls")
    return image.tobytes()


def test_a_book_holds_few_fonts_and_draws_the_same_bytes_as_a_fresh_one(edition):
    """FONTS_KEPT: the sizes tried while fitting text are let go (4 MB each), and a font
    made again draws exactly as the first did."""
    from feature.share import find_fonts, render_card, render_poster, render_square_card
    from feature.share.fonts import FONTS_KEPT
    from tests.support.share import article_card, posters
    config, ed = edition
    images = [(draw, article_card(config, a)) for a in ed.articles for draw in (render_card, render_square_card)]
    images += [(render_poster, p) for p in posters(config, ed.articles[0])[:2]]
    book = find_fonts()
    drawn = [draw(text, book) for draw, text in images]          # some 40 faces and sizes tried
    assert book.fonts_held() == FONTS_KEPT
    (first, text), (last, last_text) = images[0], images[-1]
    assert [first(text, book), last(last_text, find_fonts())] == [drawn[0], drawn[-1]]

"""Photos: Markdown image → <figure> with caption and credit; resized copies; errors with file and line."""
from __future__ import annotations

import re

import pytest
from PIL import Image

from feature.core.config import load_config
from feature.core.diagnostics import BuildError
from feature.markup.renderer import MarkdownRenderer
from feature.render.photos import WIDTHS
from feature.markup.photo_figures import split_title
from feature.build.pipeline import build
from tests.support import article, jpeg


def build_edition(make_edition, files):
    root = make_edition(files=files)
    return build(load_config(root / "config.yaml"), root / "dist"), root / "dist"


def test_title_splits_into_caption_and_credit():
    assert split_title("周口港码头｜摄影 张三") == ("周口港码头", "摄影 张三")
    assert split_title("周口港码头 | 记者 李四 摄") == ("周口港码头", "记者 李四 摄")
    assert split_title("只有说明") == ("只有说明", "")
    assert split_title("") == ("", "")


def test_lone_image_becomes_figure_with_caption_and_credit():
    html = MarkdownRenderer().render('正文。\n\n![码头上的集装箱](dock.jpg "周口港码头｜摄影 张三")\n').html
    assert re.search(r'<figure class="photo">\s*<img [^>]*data-photo="dock.jpg"', html)
    assert 'alt="码头上的集装箱"' in html
    assert '<span class="photo-caption">周口港码头</span> <span class="photo-credit">摄影 张三</span>' in html
    assert "title=" not in html and "<p><img" not in html


def test_image_inside_text_stays_inline():
    html = MarkdownRenderer().render("前文![图标](icon.jpg)后文。\n").html
    assert "<figure" not in html and 'data-photo="icon.jpg"' in html


PHOTO_BODY = ('![码头](dock.jpg "周口港码头｜摄影 张三")\n\n第一段。\n\n第二段。\n\n第三段。\n\n'
              '![沙颍河](river.jpg "沙颍河畔｜记者 李四 摄")\n')


def photo_files() -> dict:
    return {"content/alpha/a.md": article(body=PHOTO_BODY), "content/alpha/dock.jpg": jpeg(1600, 1000),
            "content/images/river.jpg": jpeg(600, 400, (40, 90, 160))}


def test_photos_are_resized_and_sized_in_the_page(make_edition):
    result, out = build_edition(make_edition, photo_files())
    page = (out / "alpha/a/index.html").read_text(encoding="utf-8")
    imgs = re.findall(r"<img [^>]+>", page)
    assert len(imgs) == 2
    dock, river = imgs
    # The opening photo loads at once; the one further down waits until the reader nears it.
    assert 'loading="lazy"' not in dock and 'loading="lazy"' in river
    assert 'width="1200" height="750"' in dock and 'width="600" height="400"' in river
    srcset = re.search(r'srcset="([^"]+)"', dock).group(1)
    assert [int(w) for w in re.findall(r" (\d+)w", srcset)] == list(WIDTHS)
    assert re.fullmatch(r'<img src="../../media/dock-[0-9a-f]{10}-800\.jpg" .*', dock)
    for src in re.findall(r"\.\./\.\./(media/[^ \",]+)", page):
        assert (out / src).is_file(), src
    media = sorted(p.name for p in (out / "media").iterdir())
    assert len(media) == 15                     # dock at 480/800/1200, river at 480 and its own 600; 3 formats
    for suffix, kind in (("jpg", "JPEG"), ("webp", "WEBP"), ("avif", "AVIF")):
        copies = {Image.open(out / "media" / m).size for m in media if m.endswith("." + suffix)}
        assert copies == {(480, 300), (800, 500), (1200, 750), (480, 320), (600, 400)}, suffix
        assert {Image.open(out / "media" / m).format for m in media if m.endswith("." + suffix)} == {kind}
    # The print page holds the same body one folder higher: links follow.
    printed = (out / "print/index.html").read_text(encoding="utf-8")
    assert 'src="../media/' in printed and "@@" not in printed


def test_each_photo_is_a_picture_of_avif_then_webp_with_the_jpeg_img_as_fallback(make_edition):
    _, out = build_edition(make_edition, photo_files())
    page = (out / "alpha/a/index.html").read_text(encoding="utf-8")
    pictures = re.findall(r"<picture>.*?</picture>", page)
    assert len(pictures) == 2
    for picture in pictures:
        sources = re.findall(r'<source type="([^"]+)" srcset="([^"]+)" sizes="([^"]+)">', picture)
        assert [kind for kind, _, _ in sources] == ["image/avif", "image/webp"]
        jpeg_srcset = re.search(r'<img [^>]*srcset="([^"]+)" sizes="([^"]+)"', picture)
        for (kind, srcset, sizes), suffix in zip(sources, ("avif", "webp")):
            assert sizes == jpeg_srcset.group(2)            # one column, whatever the format
            assert srcset == jpeg_srcset.group(1).replace(".jpg ", f".{suffix} ")
        assert picture.index("<source") < picture.index("<img")


def test_the_print_page_keeps_the_plain_jpeg_img(make_edition):
    _, out = build_edition(make_edition, photo_files())
    printed = (out / "print/index.html").read_text(encoding="utf-8")
    assert "<picture" not in printed and "<source" not in printed and ".avif" not in printed
    assert len(re.findall(r'<img src="../media/[a-z]+-[0-9a-f]{10}-[0-9]+\.jpg" srcset="[^"]+\.jpg 4', printed)) == 2


def test_a_rebuild_encodes_nothing_and_writes_the_same_bytes(make_edition, monkeypatch):
    from feature.render import photos
    root = make_edition(files=photo_files())
    config = load_config(root / "config.yaml")
    build(config, root / "dist")
    first = {p.name: p.read_bytes() for p in (root / "dist/media").iterdir()}
    encoded = []
    monkeypatch.setattr(photos, "_encoded", lambda im, encoding: encoded.append(encoding) or b"")
    build(config, root / "dist")
    assert encoded == []                            # every copy came from .cache/photos
    assert {p.name: p.read_bytes() for p in (root / "dist/media").iterdir()} == first
    # Without the cache each format is encoded again, to the same bytes (a fresh machine, CI).
    monkeypatch.undo()
    for cached in (root / ".cache/photos").iterdir():
        cached.unlink()
    build(config, root / "dist")
    assert {p.name: p.read_bytes() for p in (root / "dist/media").iterdir()} == first


def test_missing_photo_and_missing_alt_fail_with_file_and_line(make_edition):
    body = "第一段。\n\n![](nowhere.jpg)\n\n![有说明](also-missing.jpg \"说明｜摄影 张三\")\n"
    with pytest.raises(BuildError) as caught:
        build_edition(make_edition, {"content/alpha/a.md": article(body=body)})
    text = str(caught.value)
    line = 7                                     # 4 lines of front matter, then body line 3
    assert f"content/alpha/a.md:{line}: error: photo `nowhere.jpg` has no alt text" in text
    assert f"content/alpha/a.md:{line}: error: photo `nowhere.jpg` not found" in text
    assert f"content/alpha/a.md:{line + 2}: error: photo `also-missing.jpg` not found" in text


def test_photo_from_the_web_is_refused(make_edition):
    body = "![远程图片](https://example.com/a.jpg)\n"
    with pytest.raises(BuildError, match="URLs are not allowed"):
        build_edition(make_edition, {"content/alpha/a.md": article(body=body)})


def test_file_that_is_not_an_image_fails(make_edition):
    with pytest.raises(BuildError, match="cannot be read as an image"):
        build_edition(make_edition, {"content/alpha/a.md": article(body="![坏图](bad.jpg)\n"),
                                     "content/alpha/bad.jpg": b"not a jpeg"})

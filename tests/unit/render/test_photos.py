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


def test_photos_are_resized_and_sized_in_the_page(make_edition):
    body = ('![码头](dock.jpg "周口港码头｜摄影 张三")\n\n第一段。\n\n第二段。\n\n第三段。\n\n'
            '![沙颍河](river.jpg "沙颍河畔｜记者 李四 摄")\n')
    result, out = build_edition(make_edition, {
        "content/alpha/a.md": article(body=body),
        "content/alpha/dock.jpg": jpeg(1600, 1000),
        "content/images/river.jpg": jpeg(600, 400, (40, 90, 160)),
    })
    page = (out / "alpha/a/index.html").read_text(encoding="utf-8")
    imgs = re.findall(r"<img [^>]+>", page)
    assert len(imgs) == 2
    dock, river = imgs
    # The opening photo loads at once; the one further down waits until the reader nears it.
    assert 'loading="lazy"' not in dock and 'loading="lazy"' in river
    assert 'width="1200" height="750"' in dock and 'width="600" height="400"' in river
    srcset = re.search(r'srcset="([^"]+)"', dock).group(1)
    assert [int(w) for w in re.findall(r" (\d+)w", srcset)] == list(WIDTHS)
    for src in re.findall(r"\.\./\.\./(media/[^ \",]+)", dock + river):
        assert (out / src).is_file(), src
    media = sorted(p.name for p in (out / "media").iterdir())
    assert len(media) == 5                      # dock at 480/800/1200, river at 480 and its own 600
    sizes = {Image.open(out / "media" / m).size for m in media}
    assert sizes == {(480, 300), (800, 500), (1200, 750), (480, 320), (600, 400)}
    # The print page holds the same body one folder higher: links follow.
    printed = (out / "print/index.html").read_text(encoding="utf-8")
    assert 'src="../media/' in printed and "@@" not in printed


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

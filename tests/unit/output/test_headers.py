"""One set of header rules for `_headers`, nginx and object storage."""
from __future__ import annotations

import pytest

from tests.support import article
from feature.core.config import load_config
from feature.output.headers import CACHE_FOREVER, REVALIDATE, cache_control, content_type, headers_file
from feature.build.pipeline import build


@pytest.mark.parametrize("path, expected", [
    ("index.html", "text/html; charset=utf-8"), ("static/style.0123456789.css", "text/css; charset=utf-8"),
    ("static/search.0123456789.js", "application/javascript; charset=utf-8"),
    ("search/index.json", "application/json; charset=utf-8"), ("feed.xml", "text/xml; charset=utf-8"),
    ("robots.txt", "text/plain; charset=utf-8"), ("media/dock-0123456789-800.jpg", "image/jpeg"),
    ("media/dock-0123456789-800.avif", "image/avif"), ("media/dock-0123456789-800.webp", "image/webp"),
    ("static/logo.PNG", "image/png"), ("print/edition.pdf", "application/pdf"),
    ("static/font.woff2", "font/woff2"), ("notes", "application/octet-stream"),
    ("a.b/README", "application/octet-stream"),
])
def test_content_types_name_utf_8_for_text(path, expected):
    assert content_type(path) == expected


@pytest.mark.parametrize("path, expected", [
    ("static/style.0123456789.css", CACHE_FOREVER), ("media/dock-0123456789-800.jpg", CACHE_FOREVER),
    ("media/dock-0123456789-800.avif", CACHE_FOREVER), ("media/dock-0123456789-800.webp", CACHE_FOREVER),
    ("static/style.css", REVALIDATE), ("static/logo.png", REVALIDATE), ("index.html", REVALIDATE),
    ("search/index.json", REVALIDATE), ("media/notes.txt", REVALIDATE), ("x/style.0123456789.css.map", REVALIDATE),
])
def test_only_fingerprinted_files_are_cached_for_a_year(path, expected):
    assert cache_control(path) == expected


def test_headers_file_keeps_unhashed_static_files_revalidating():
    text = headers_file(["index.html", "static/logo.png", "static/style.abcdef0123.css"], "/")
    assert "/static/style.abcdef0123.css\n  Cache-Control: public, max-age=31536000, immutable" in text
    assert "/static/logo.png\n  Cache-Control: no-cache" in text
    assert "/static/*" not in text


def test_headers_file_and_object_headers_agree_on_every_built_file(make_edition):
    """What `_headers` tells Netlify-style hosts is what the S3 deploy sets on each object."""
    root = make_edition(files={"content/alpha/one.md": article("第一篇", "alpha", "正文。\n"),
                               "content/beta/two.md": article("第二篇", "beta", "正文。\n")})
    dist = root / "dist"
    build(load_config(root / "config.yaml").with_overrides(base_url="https://example.cn/s/x/"), dist)
    lines = (dist / "_headers").read_text().splitlines()
    rules = {path: header.strip().removeprefix("Cache-Control: ") for path, header in zip(lines[1::2], lines[2::2])}
    files = [p.relative_to(dist).as_posix() for p in dist.rglob("*") if p.is_file()]
    checked = 0
    for path in files:
        if path.startswith((".", "_headers")):
            continue
        url = "/s/x/" + path
        matching = [r for r in rules if (url.startswith(r[:-1]) if r.endswith("*") else url == r)]
        assert [rules[r] for r in matching] == [cache_control(path)], path
        checked += 1
    assert checked >= 10 and any(cache_control(p) == CACHE_FOREVER for p in files)

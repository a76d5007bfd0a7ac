"""urls.relative: the fast path gives exactly what posixpath.relpath gives."""
from __future__ import annotations

import posixpath

from hypothesis import given, strategies as st

from feature.core import urls


def _reference(from_path: str, to_path: str) -> str:
    target, _, anchor = to_path.partition("#")
    rel = posixpath.relpath(target or from_path, posixpath.dirname(from_path) or ".")
    return rel + (f"#{anchor}" if anchor else "")


_SEGMENT = st.sampled_from(["fupin", "a", "index.html", "style.1a2b.css", "..", ".", "", "周口", "a b"])
_PATH = st.lists(_SEGMENT, min_size=1, max_size=4).map("/".join)


def test_relative_links_between_output_files():
    assert urls.relative("fupin/zongshu/index.html", "index.html") == "../../index.html"
    assert urls.relative("index.html", "fupin/index.html") == "fupin/index.html"
    assert urls.relative("fupin/a/index.html", "fupin/b/index.html#s-1") == "../b/index.html#s-1"
    assert urls.relative("fupin/a/index.html", "#top") == "index.html#top"
    assert urls.relative("fupin/index.html", "fupin/index.html") == "index.html"


@given(_PATH, _PATH, st.sampled_from(["", "#x", "#"]))
def test_relative_is_posixpath_relpath(from_path, to_path, anchor):
    try:
        expected = _reference(from_path, to_path + anchor)
    except ValueError:            # relpath refuses an empty path; so must we
        expected = ValueError
    try:
        got = urls.relative(from_path, to_path + anchor)
    except ValueError:
        got = ValueError
    assert got == expected


def test_relative_cache_is_bounded():
    assert urls.relative.cache_info().maxsize is not None

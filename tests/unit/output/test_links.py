"""urls.resolve_link: the fast path for plain links reads them as urlsplit does."""
from __future__ import annotations

import posixpath
from urllib.parse import unquote, urlsplit

from hypothesis import given, settings, strategies as st

from feature.core.urls import resolve_link
from tests.support import examples


def _reference(page: str, url: str, site_path: str):
    """The resolver before the fast path: everything through urlsplit."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith(("mailto:", "tel:", "data:")):
        return None
    path = unquote(parts.path)
    if path.startswith("/"):
        if not path.startswith(site_path):
            return None
        target = path[len(site_path):]
    elif path:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
    else:
        target = page
    if target in ("", "."):
        target = "index.html"
    elif path.endswith("/"):
        target = target.rstrip("/") + "/index.html"
    return target, unquote(parts.fragment)


def test_resolves_the_links_our_pages_have():
    page = "fupin/zongshu/index.html"
    assert resolve_link(page, "../../index.html", "/") == ("index.html", "")
    assert resolve_link(page, "#s-1a2b3c", "/") == (page, "s-1a2b3c")
    assert resolve_link(page, "../a/index.html#%E5%91%A8", "/") == ("fupin/a/index.html", "周")
    assert resolve_link(page, "https://example.cn/", "/") is None
    assert resolve_link(page, "mailto:x@example.cn", "/") is None
    assert resolve_link(page, "/x/fupin/", "/x/") == ("fupin/index.html", "")


_PIECES = st.sampled_from(["a", "/", "//", "#", "?", ":", "..", ".", "%20", "%E5%91%A8", "%", "\t", "\n",
                           "\r", " ", "\x01", "index.html", "mailto:", "http://h", "s-1", "周"])


@settings(max_examples=examples(2000), deadline=None)
@given(st.lists(_PIECES, max_size=7).map("".join),
       st.sampled_from(["index.html", "fupin/index.html", "fupin/a/index.html"]),
       st.sampled_from(["/", "/x/"]))
def test_resolve_agrees_with_urlsplit(url, page, site_path):
    assert resolve_link(page, url, site_path) == _reference(page, url, site_path)


_SEGMENTS = st.lists(st.sampled_from(["a", "b", "..", ".", "", "index.html", "周口"]), min_size=1, max_size=5)


@settings(max_examples=examples(2000), deadline=None)
@given(_SEGMENTS.map("/".join), _SEGMENTS.map("/".join))
def test_join_is_normpath_of_join(page, path):
    from feature.core.urls import _join
    assert _join(page, path) == posixpath.normpath(posixpath.join(posixpath.dirname(page), path))


def test_page_facts_unescape_ids_and_links():
    from feature.output.links import page_facts
    text = '<p id="a&amp;b"><a href="#a&amp;b">x</a> <a href="../b/index.html">y</a></p>'
    ids, targets, count = page_facts("fupin/a/index.html", text)
    assert ids == {"a&b"} and count == 2
    assert targets == {("fupin/a/index.html", "a&b"), ("fupin/b/index.html", "")}


_HTML_PIECES = st.sampled_from(['id="', ' id="', 'href="', ' href="', ' src="', 'src="', '"', "x", "=", "i", "d",
                                " ", "\t", "\n", "\u3000", "\xa0", "\x1c", "<a", ">", "周"])


@settings(max_examples=examples(3000), deadline=None)
@given(st.lists(_HTML_PIECES, max_size=12).map("".join))
def test_quoted_values_are_the_regex_findall(text):
    """page_facts finds ids and links with str.find; check_links (the reference)
    with the regexes: the same values, whitespace and overlaps included."""
    from feature.output.links import _ID, _REF, _quoted_values
    assert _quoted_values(text, 'id="') == _ID.findall(text)
    assert _quoted_values(text, 'href="', 'src="') == _REF.findall(text)


_BODY_PIECES = st.sampled_from(["href", "HREF", "hReF", "h", "ref", "=", '"', "'", "/a/", "#x", "http:",
                                " ", "<a ", "<A ", ">", "</a>", "周", "İ", "\u212a", "&amp;"])


def _body_links_reference(body: str) -> tuple[str, ...]:
    """body_links without its substring shortcut: the regex over every body."""
    import html
    from feature.output.links import _HREF, _SCHEME
    found = {html.unescape(next(g for g in m.groups() if g is not None)) for m in _HREF.finditer(body)}
    return tuple(sorted(h for h in found if h and not h.startswith("#") and not _SCHEME.match(h)))


@settings(max_examples=examples(3000), deadline=None)
@given(st.lists(_BODY_PIECES, max_size=12).map("".join))
def test_body_links_shortcut_finds_what_the_regex_finds(body):
    """body_links skips bodies without `href` in any case: never one with a link."""
    from feature.output.links import body_links
    assert body_links(body) == _body_links_reference(body)


def test_body_links_in_any_case():
    from feature.output.links import body_links
    assert body_links('<p>周<A HREF="../b/">x</A> <a hReF=\'/c/\'>y</a> <a href="#s-1">z</a></p>') == ("../b/", "/c/")
    assert body_links("<p>周口</p>") == ()

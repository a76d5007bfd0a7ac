"""What a deploy decides before it changes anything (publish/plan.py, publish/purge.py)."""
from __future__ import annotations

import pytest

from feature.publish.plan import (DEPLOY_MARKER, DeployRefused, Headers, LocalFile, RemoteFile, check_claimed,
                                  check_deletions, plan_deploy, summary_line, upload_line, upload_phase)
from feature.publish.purge import purge_urls


def local(path: str, body: str = "x") -> LocalFile:
    import hashlib
    return LocalFile(path, len(body), hashlib.md5(body.encode()).hexdigest())


def remote(path: str, body: str = "x", etag: str | None = None, digest: str | None = None) -> RemoteFile:
    f = local(path, body)
    return RemoteFile(path, f.size, etag or f.md5, digest)


def test_uploads_go_assets_first_then_pages_then_the_files_that_list_pages():
    paths = ["sitemap.xml", "index.html", "search/index.json", "static/style.0123456789.css", "feed.xml",
             "search/alpha-0.json", "media/a-0123456789-800.jpg", "alpha/one/index.html", "robots.txt"]
    plan = plan_deploy({p: local(p) for p in paths}, {})
    order = [u.path for u in plan.uploads]
    assert order == ["media/a-0123456789-800.jpg", "static/style.0123456789.css",
                     "alpha/one/index.html", "index.html",
                     "feed.xml", "robots.txt", "search/alpha-0.json", "sitemap.xml", "search/index.json"]
    assert [upload_phase(p) for p in order] == [0, 0, 1, 1, 2, 2, 2, 2, 2]


def test_an_object_is_unchanged_by_its_etag_or_by_the_digest_stored_with_it():
    multipart = remote("big.pdf", "x", etag="0f343b0931126a20f133d67c2b018a3b-3")
    plan = plan_deploy(
        {p: local(p) for p in ("same.html", "edited.html", "big.pdf", "other.pdf", "new.html")},
        {"same.html": remote("same.html"), "edited.html": remote("edited.html", "y"),
         "big.pdf": RemoteFile("big.pdf", 1, multipart.etag, local("big.pdf").md5),
         "other.pdf": RemoteFile("other.pdf", 1, multipart.etag, None),
         "gone.html": remote("gone.html"), DEPLOY_MARKER: remote(DEPLOY_MARKER)})
    assert plan.unchanged == 2 and plan.claimed
    assert {u.path: u.replaces is not None for u in plan.uploads} == {
        "edited.html": True, "other.pdf": True, "new.html": False}
    assert [r.path for r in plan.deletions] == ["gone.html"]


def test_an_object_whose_headers_alone_differ_is_sent_again_as_a_headers_change():
    """Same bytes, but the rules give it other headers now (a page's old type without
    charset; a photo that became fingerprinted, so cached for a year); headers
    the store respells (case, spaces) are the same headers."""
    css = "static/style.0123456789.css"
    stored = {"index.html": Headers("text/html", "no-cache"),
              css: Headers("text/css; charset=utf-8", "no-cache"),
              "a.html": Headers("TEXT/HTML;charset=UTF-8", "no-cache"),
              "b.html": None}                                   # not looked at: taken as it is
    plan = plan_deploy({p: local(p) for p in stored},
                       {p: RemoteFile(p, 1, local(p).md5, None, h) for p, h in stored.items()})
    assert plan.unchanged == 2
    assert [(u.path, u.headers_only) for u in plan.uploads] == [(css, True), ("index.html", True)]
    assert [upload_line(u) for u in plan.uploads] == [
        f'~ {css} (headers: Cache-Control "no-cache" → "public, max-age=31536000, immutable")',
        '~ index.html (headers: Content-Type "text/html" → "text/html; charset=utf-8")']
    assert "2 object(s) (0 new, 0 replaced, 2 for headers only, 2 B)" in summary_line(plan, "s3://b/", False)


def test_objects_of_an_edition_deployed_below_are_never_stale():
    objects = {DEPLOY_MARKER: remote(DEPLOY_MARKER), "old.html": remote("old.html"),
               f"2020/{DEPLOY_MARKER}": remote(f"2020/{DEPLOY_MARKER}"), "2020/index.html": remote("2020/index.html"),
               "2020x/index.html": remote("2020x/index.html")}
    plan = plan_deploy({"index.html": local("index.html")}, objects)
    assert [r.path for r in plan.deletions] == ["2020x/index.html", "old.html"]


def test_a_target_with_objects_but_no_marker_is_refused():
    check_claimed({}, "s3://b/p/")
    check_claimed({DEPLOY_MARKER: remote(DEPLOY_MARKER), "a.html": remote("a.html")}, "s3://b/p/")
    with pytest.raises(DeployRefused, match=r"s3://b/p/ holds 1 object\(s\) and was not deployed by build.py"):
        check_claimed({"a.html": remote("a.html")}, "s3://b/p/")


def test_more_deletions_than_allowed_are_refused_with_the_number_to_allow():
    plan = plan_deploy({}, {DEPLOY_MARKER: remote(DEPLOY_MARKER),
                            **{f"{n}.html": remote(f"{n}.html") for n in range(3)}})
    check_deletions(plan, 3, "s3://b/p/")
    with pytest.raises(DeployRefused, match="would delete 3 objects .* rerun with --max-deletes 3"):
        check_deletions(plan, 2, "s3://b/p/")


def test_purge_urls_name_pages_in_both_forms_and_skip_fingerprinted_files():
    plan = plan_deploy({p: local(p) for p in ("index.html", "a/b/index.html", "feed.xml", "404.html",
                                              "static/style.0123456789.css", "media/d-0123456789-800.jpg")},
                       {DEPLOY_MARKER: remote(DEPLOY_MARKER), "old/index.html": remote("old/index.html")})
    assert purge_urls(plan, "https://x.cn/s/") == [
        "https://x.cn/s/404.html", "https://x.cn/s/a/b/", "https://x.cn/s/a/b/index.html",
        "https://x.cn/s/feed.xml", "https://x.cn/s/", "https://x.cn/s/index.html",
        "https://x.cn/s/old/", "https://x.cn/s/old/index.html"]

"""The deployed edition on a real web server: nginx on 127.0.0.1, crawled link by link.

One nginx serves three copies, each deployed with `feature.publish.folder.publish`:
  /                 a build with the default base_url `/` (domain root)
  /PREFIX/          a build for an absolute base_url at a random prefix
  /other/PREFIX/    the same `/` build, unchanged, under another subpath
A crawler (BeautifulSoup) starts at each cover and follows every link, asset,
canonical URL, feed and sitemap entry, JSON-LD URL and search result URL.
"""
from __future__ import annotations

import json
import secrets
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup

from tests.support import ROOT, SHARED_CONFIG, article, write_edition
from feature.core.config import load_config
from feature.publish.plan import DEPLOY_MARKER
from feature.publish.folder import publish
from feature.output.headers import CACHE_FOREVER, REVALIDATE
from feature.markup.photo_figures import holds_photo
from feature.build.pipeline import build
from tests.support.crawl import NOT_CRAWLED, Crawl, fetch
from tests.support.nginx import Nginx, free_port

ARTICLES = {
    "content/alpha/one.md": article(
        "周口港通江达海", "alpha", "## 港口建设\n\n周口港完成投资21.99亿元，货物吞吐量增长87.21%。\n\n"
        "## 产业转型\n\n新建标准化厂房120万平方米。\n\n![码头](dock.jpg \"周口港码头｜摄影 张三\")\n",
        order=1, byline=[{"title": "首席记者", "name": "张三"}], lede="周口港建设提速。", date="2019-08-01"),
    "content/alpha/two.md": article(
        "贫困村出列", "alpha", "全市贫困发生率降至0.81%。\n", order=2,
        byline=["记者 李四", "通讯员 王五"], lede="脱贫攻坚取得决定性进展。", date="2019-08-02"),
    "content/beta/three.md": article(
        "沙颍河畔", "beta", "## 以水润城\n\n沙颍河两岸新增绿地300公顷。\n", byline=["记者 赵六"],
        deck="——百城提质见闻", lede="一河清水穿城过。", date="2019-08-03"),
}
# How each file type must be labelled (nginx + the documented charset_types).
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
    ".js": "application/javascript; charset=utf-8", ".json": "application/json; charset=utf-8",
    ".xml": "text/xml; charset=utf-8", ".txt": "text/plain; charset=utf-8", ".jpg": "image/jpeg",
    ".svg": "image/svg+xml", ".webp": "image/webp", ".avif": "image/avif", ".png": "image/png",
}
@pytest.fixture(scope="module")
def hosted(tmp_path_factory):
    """Build twice, deploy, and serve three copies from one nginx."""
    tmp = tmp_path_factory.mktemp("hosting")
    prefix = f"/{secrets.token_hex(3)}/feature/"
    server = Nginx(tmp / "nginx", free_port())
    builds = {}
    for name, base_url in (("plain", None), ("absolute", f"{server.url}{prefix}"),
                           ("real", f"{server.url}/specials{prefix}")):
        if name == "real":          # the Zhoukou edition itself, from the repository
            config = load_config(ROOT / "config.yaml")
        else:
            config = load_config(write_edition(tmp / name, {**ARTICLES, "content/alpha/dock.jpg": jpeg()}, SHARED_CONFIG)
                                 / "config.yaml")
        dist = tmp / "dist" / name
        result = build(config.with_overrides(base_url=base_url), dist)
        first = publish(dist, str(tmp / "site" / name))
        second = publish(dist, str(tmp / "site" / name))
        builds[name] = {"result": result, "site": tmp / "site" / name, "deploys": (first, second)}
    sites = {"/": builds["plain"]["site"], prefix: builds["absolute"]["site"],
             f"/other{prefix}": builds["plain"]["site"], f"/specials{prefix}": builds["real"]["site"]}
    server.start(sites)
    try:
        yield server, prefix, builds
    finally:
        server.stop()


def _crawl(server: Nginx, prefix: str) -> Crawl:
    crawl = Crawl(server.url).run(f"{server.url}{prefix}index.html")
    return crawl.run(f"{server.url}{prefix}robots.txt")     # robots.txt → sitemap.xml


PLACES = {"root": lambda prefix: ("/", "plain"), "prefix": lambda prefix: (prefix, "absolute"),
          "other": lambda prefix: (f"/other{prefix}", "plain"),
          "real": lambda prefix: (f"/specials{prefix}", "real")}


def jpeg(width: int = 900, height: int = 600) -> bytes:
    import io
    from PIL import Image
    out = io.BytesIO()
    Image.new("RGB", (width, height), (120, 160, 200)).save(out, "JPEG")
    return out.getvalue()


@pytest.mark.parametrize("where", list(PLACES))
def test_crawl_finds_no_broken_link(hosted, where):
    server, prefix, builds = hosted
    at, build_name = PLACES[where](prefix)
    crawl = _crawl(server, at)
    site = builds[build_name]["site"]
    deployed = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    reached = crawl.files(at)
    print(f"{where} ({at}): {len(crawl.links)} links checked, {len(crawl.responses)} URLs fetched, "
          f"{len(reached)} of {len(deployed)} deployed files reached")
    assert crawl.broken() == []
    assert crawl.external == []
    # A crawler can pass having checked nothing: it must reach every deployed
    # file (pages, assets, feed, search index…) through links, and check many links.
    assert reached >= deployed - NOT_CRAWLED, deployed - NOT_CRAWLED - reached
    pages = sum(p.endswith(".html") for p in deployed - NOT_CRAWLED)
    assert len(crawl.links) >= 20 * pages
    if build_name != "plain":
        assert {"sitemap.xml", "robots.txt"} <= deployed
    else:
        assert "sitemap.xml" not in deployed     # no valid sitemap without an absolute base_url


def test_content_types_and_cache_headers(hosted):
    server, prefix, _ = hosted
    crawl = _crawl(server, prefix)
    checked = 0
    for url, r in crawl.responses.items():
        if not url.startswith(server.url + prefix):
            continue
        suffix = Path(urlsplit(url).path).suffix or ".html"       # pretty URLs are pages
        assert r.content_type == CONTENT_TYPES[suffix], url
        fingerprinted = ("/static/" in url and suffix in (".css", ".js")) or "/media/" in url or "/share/" in url
        assert r.headers["cache-control"] == (CACHE_FOREVER if fingerprinted else REVALIDATE), url
        checked += 1
    assert checked >= 15
    # Revalidation is cheap: an unchanged page answers 304 to its ETag.
    page = fetch(f"{server.url}{prefix}index.html")
    again = fetch(page.url, {"If-None-Match": page.headers["etag"]})
    assert again.status == 304
    # The host-config files are not published as pages.
    assert fetch(f"{server.url}{prefix}_headers").status == 404
    assert fetch(f"{server.url}{prefix}{DEPLOY_MARKER}").status == 404


def test_photo_formats_get_their_types_from_a_host_whose_mime_types_lacks_them(hosted, tmp_path):
    """The nginx block declares image/avif and image/webp itself: Debian's
    mime.types before nginx 1.24 has no avif, and a <picture> source served as
    application/octet-stream is not shown."""
    _, _, builds = hosted
    site = builds["plain"]["site"]
    old = tmp_path / "mime.types"
    old.write_text("".join(line for line in Path("/etc/nginx/mime.types").read_text().splitlines(keepends=True)
                           if "image/avif" not in line and "image/webp" not in line))
    server = Nginx(tmp_path / "nginx", free_port(), mime_types=old).start({"/": site})
    try:
        photos = sorted(p.name for p in (site / "media").iterdir())
        for suffix, kind in ((".avif", "image/avif"), (".webp", "image/webp"), (".jpg", "image/jpeg")):
            name = next(n for n in photos if n.endswith(suffix))
            r = fetch(f"{server.url}/media/{name}")
            assert (r.status, r.content_type, r.headers["cache-control"]) == (200, kind, CACHE_FOREVER), name
            assert r.body == (site / "media" / name).read_bytes()
        # Only those files: everything else keeps the host's table (and revalidates).
        page = fetch(f"{server.url}/index.html")
        assert (page.content_type, page.headers["cache-control"]) == ("text/html; charset=utf-8", REVALIDATE)
    finally:
        server.stop()


@pytest.mark.parametrize("where", ["root", "prefix"])
def test_missing_url_gets_the_404_page_with_its_css(hosted, where, browser):
    server, prefix, _ = hosted
    at = "/" if where == "root" else prefix
    missing = f"{server.url}{at}no/such/page/index.html"
    r = fetch(missing)
    assert r.status == 404 and r.content_type == "text/html; charset=utf-8"
    soup = BeautifulSoup(r.body, "html.parser")
    assert soup.h1.get_text() == "页面不存在"
    css = fetch(urljoin(missing, soup.select_one('link[rel="stylesheet"]')["href"]))
    assert css.status == 200 and css.content_type.startswith("text/css")
    for a in soup.select("main a[href]"):
        assert fetch(urljoin(missing, a["href"])).status == 200, a["href"]
    page = browser.new_page()
    responses = []
    page.on("response", lambda r: responses.append((r.url, r.status)))
    try:
        assert page.goto(missing).status == 404
        style = page.evaluate("getComputedStyle(document.querySelector('.masthead')).borderBottomStyle")
        assert style == "double"                 # style.css applied, not the browser default
        page.wait_for_load_state("networkidle")
    finally:
        page.close()
    # Everything the page asks for is there, its icon too (the newspaper's, at the site's root).
    assert [(url, status) for url, status in responses if url != missing and status != 200] == []
    assert (f"{server.url}{at}favicon.svg", 200) in responses


@pytest.mark.parametrize("where", ["prefix", "real"])
def test_json_ld_and_share_meta(hosted, where):
    server, prefix, builds = hosted
    at, build_name = PLACES[where](prefix)
    edition = builds[build_name]["result"].edition
    newspaper = load_config(ROOT / "config.yaml").newspaper if where == "real" else "测试日报"
    base = f"{server.url}{at}"
    assert edition.articles
    for a in edition.articles:
        soup = BeautifulSoup(fetch(base + a.output_path).body, "html.parser")
        data = json.loads(soup.select_one('script[type="application/ld+json"]').string)
        assert data["@type"] == "NewsArticle" and data["headline"] == a.headline
        assert [p["name"] for p in data["author"]] == [r.name for r in a.byline]
        assert data["author"] and data["datePublished"] in (a.date, load_config(ROOT / "config.yaml").date)
        assert data["publisher"]["name"] == newspaper
        assert data["articleSection"] == edition.section(a.section).title
        assert data["inLanguage"] == "zh-CN"
        assert data["isPartOf"]["url"] == base
        assert data["mainEntityOfPage"] == base + a.url
        meta = {m.get("property") or m.get("name"): m["content"] for m in soup.select("meta[content]")}
        assert meta["og:type"] == "article" and meta["og:title"] == a.headline
        assert meta["og:description"] == (a.description or a.deck) == meta["twitter:description"] != ""
        assert meta["og:url"] == soup.select_one('link[rel="canonical"]')["href"] == base + a.url
        # The share card, then the first photo's largest copy, at absolute URLs the host serves.
        assert meta["twitter:card"] == "summary_large_image"
        assert meta["og:image"] == meta["twitter:image"] == data["image"][0]
        assert meta["og:image"].startswith(base + "share/")
        if holds_photo(a.body_html):
            copies = [c.split() for c in soup.select_one(".story-body img")["srcset"].split(", ")]
            largest = max(copies, key=lambda c: int(c[1].rstrip("w")))[0]
            assert data["image"][1] == urljoin(base + a.url, largest) and largest.count("/media/") == 1
            image = fetch(data["image"][1])
            assert image.status == 200 and image.content_type == "image/jpeg"
        else:
            assert len(data["image"]) == 1
    cover = BeautifulSoup(fetch(base).body, "html.parser")
    items = json.loads(cover.select_one('script[type="application/ld+json"]').string)
    assert items["@type"] == "ItemList" and items["numberOfItems"] == len(edition.articles)
    assert [i["url"] for i in items["itemListElement"]] == [base + a.url for a in edition.articles]


@pytest.mark.parametrize("where", list(PLACES))
def test_every_pages_share_card_is_a_png_the_host_serves(hosted, where):
    """og:image, twitter:image and the square card of every page, fetched through nginx
    under its subpath: 200, image/png, the size the page declares."""
    from PIL import Image
    import io
    server, prefix, builds = hosted
    at, _ = PLACES[where](prefix)
    crawl = _crawl(server, at)
    pages = [url for url, r in crawl.responses.items()
             if url.startswith(server.url + at) and r.content_type.startswith("text/html") and r.status == 200]
    checked = 0
    for url in pages:
        soup = BeautifulSoup(crawl.responses[url].body, "html.parser")
        card = soup.select_one('meta[property="og:image"]')
        if "/print/" in url:
            assert card is None          # the print edition is made for paper, not shared
            continue
        meta = {m.get("property") or m.get("name") or m.get("itemprop"): m["content"] for m in soup.select("meta[content]")}
        for key, size in (("og:image", (int(meta["og:image:width"]), int(meta["og:image:height"]))),
                          ("image", (600, 600))):
            image = fetch(urljoin(url, meta[key]))
            assert (image.status, image.content_type) == (200, "image/png"), (url, meta[key])
            assert Image.open(io.BytesIO(image.body)).size == size
            checked += 1
        assert meta["twitter:image"] == meta["og:image"]
    assert checked >= 2 * 6


def test_feed_lists_every_article(hosted):
    server, prefix, builds = hosted
    edition = builds["absolute"]["result"].edition
    atom = "{http://www.w3.org/2005/Atom}"
    for at in (prefix, f"/other{prefix}"):       # absolute links, then relative ones
        feed_url = f"{server.url}{at}feed.xml"
        feed = ET.fromstring(fetch(feed_url).body)
        entries = feed.findall(f"{atom}entry")
        assert [e.find(f"{atom}title").text for e in entries] == [a.headline for a in edition.articles]
        for e in entries:
            assert e.find(f"{atom}id").text.startswith("urn:uuid:")
            assert fetch(urljoin(feed_url, e.find(f"{atom}link").get("href"))).status == 200


def test_second_deploy_of_the_same_build_transfers_nothing(hosted):
    _, _, builds = hosted
    for b in builds.values():
        first, second = b["deploys"]
        deployed = {p.relative_to(b["site"]).as_posix() for p in b["site"].rglob("*") if p.is_file()}
        print(f"deploy: first {len(first.uploaded)} files, second {second.changes} changes")
        assert set(first.uploaded) == deployed - {DEPLOY_MARKER}
        assert second.changes == 0


def test_path_only_base_url_writes_no_relative_canonical(hosted):
    """Without an origin there is no correct absolute URL: leave them out rather than guess."""
    _, _, builds = hosted
    site = builds["plain"]["site"]
    for page in ("index.html", "alpha/one/index.html", "print/index.html", "404.html"):
        soup = BeautifulSoup((site / page).read_bytes(), "html.parser")
        assert soup.select('link[rel="canonical"]') == [] and soup.select('meta[property="og:url"]') == []
    assert "Sitemap:" not in (site / "robots.txt").read_text()


def test_pages_work_opened_from_disk(hosted, browser):
    """Offline review over file://: CSS applies and every nav link opens a styled page."""
    _, _, builds = hosted
    site = builds["plain"]["site"]
    page = browser.new_page()
    visited = 0
    try:
        for start in ("index.html", "alpha/one/index.html"):
            page.goto((site / start).as_uri())
            hrefs = page.eval_on_selector_all(".site-nav a", "els => els.map(a => a.href)")
            hrefs += page.eval_on_selector_all("link[rel=stylesheet], script[src]",
                                              "els => els.map(e => e.href || e.src)")
            assert len(hrefs) >= 6
            for href in hrefs:
                assert href.startswith("file://") and Path(href[len("file://"):]).is_file(), href
            for href in page.eval_on_selector_all(".site-nav a", "els => els.map(a => a.href)"):
                page.goto(href)
                # file:// stylesheets are opaque to cssRules; computed styles show they applied.
                assert page.evaluate("getComputedStyle(document.body).marginTop") == "0px", href
                if page.query_selector(".masthead"):
                    style = page.evaluate("getComputedStyle(document.querySelector('.masthead')).borderBottomStyle")
                    assert style == "double", href
                visited += 1
    finally:
        page.close()
    assert visited >= 10

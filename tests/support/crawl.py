"""A crawler for a deployed edition on a real web server (tests/support/nginx.py):
from a start URL it follows every link, asset, canonical URL, feed and sitemap
entry, JSON-LD URL and search result URL of the site, and records each response
and each page's ids, so a test can name every broken link and anchor."""
from __future__ import annotations

import json
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urljoin, urlsplit

from bs4 import BeautifulSoup

from feature.publish.plan import DEPLOY_MARKER

NOT_CRAWLED = {"_headers", DEPLOY_MARKER, "404.html"}   # not linked from pages; 404 checked on its own


@dataclass
class Response:
    url: str
    status: int
    headers: dict
    body: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")


def fetch(url: str, headers: dict | None = None) -> Response:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with _OPENER.open(request, timeout=10) as r:
            return Response(url, r.status, {k.lower(): v for k, v in r.headers.items()}, r.read())
    except urllib.error.HTTPError as e:
        return Response(url, e.code, {k.lower(): v for k, v in e.headers.items()}, e.read())


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args):
        return None        # a redirect is reported as itself: our links should need none


_OPENER = urllib.request.build_opener(_NoRedirect)


@dataclass
class Crawl:
    origin: str
    responses: dict[str, Response] = field(default_factory=dict)    # URL without fragment
    links: list[tuple[str, str]] = field(default_factory=list)      # (found on, absolute URL)
    external: list[tuple[str, str]] = field(default_factory=list)
    ids: dict[str, set[str]] = field(default_factory=dict)

    def run(self, start: str) -> "Crawl":
        queue = [start]
        while queue:
            url = queue.pop()
            if url in self.responses:
                continue
            response = self.responses[url] = fetch(url)
            if response.status != 200:
                continue
            for target in self.links_in(response):
                self.links.append((url, target))
                plain = urldefrag(target).url
                if not target.startswith(self.origin + "/"):
                    self.external.append((url, target))
                elif plain not in self.responses:
                    queue.append(plain)
        return self

    def links_in(self, r: Response) -> list[str]:
        path = urlsplit(r.url).path
        if r.content_type.startswith("text/html"):
            return self._html_links(r)
        if path.endswith("feed.xml"):
            atom = "{http://www.w3.org/2005/Atom}"
            return [urljoin(r.url, el.get("href")) for el in ET.fromstring(r.body).iter(f"{atom}link")]
        if path.endswith("sitemap.xml"):
            ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
            return [el.text for el in ET.fromstring(r.body).iter(f"{ns}loc")]
        if path.endswith("robots.txt"):
            return [line.split(":", 1)[1].strip() for line in r.body.decode().splitlines()
                    if line.startswith("Sitemap:")]
        return []

    def _html_links(self, r: Response) -> list[str]:
        soup = BeautifulSoup(r.body, "html.parser")
        self.ids[r.url] = {el["id"] for el in soup.select("[id]")}
        refs = [el["href"] for el in soup.select("[href]")] + [el["src"] for el in soup.select("[src]")]
        refs += [c.split()[0] for el in soup.select("[srcset]") for c in el["srcset"].split(",")]
        refs += [el["content"] for el in soup.select('meta[property="og:url"], meta[property="og:image"], '
                                                       'meta[name="twitter:image"], meta[itemprop="image"]')]
        for form in soup.select("form.search"):
            refs += [form["action"], form["data-index"]]
            index = fetch(urljoin(r.url, form["data-index"]))
            if index.status == 200:       # search.js links results as data-root + each doc's url
                refs += [form["data-root"] + doc["url"] for doc in json.loads(index.body)["docs"]]
        for script in soup.select('script[type="application/ld+json"]'):
            refs += list(json_ld_urls(json.loads(script.string)))
        return [urljoin(r.url, ref) for ref in refs]

    def broken(self) -> list[str]:
        problems = []
        for source, target in self.links:
            plain, anchor = urldefrag(target)
            if not target.startswith(self.origin + "/"):
                continue
            status = self.responses[plain].status
            if status != 200:
                problems.append(f"{source} → {target}: HTTP {status}")
            elif anchor and anchor not in self.ids.get(plain, {anchor}):
                problems.append(f"{source} → {target}: no id {anchor!r}")
        return problems

    def files(self, prefix: str) -> set[str]:
        """The deployed files the crawl reached, as paths inside the site."""
        out = set()
        for url in self.responses:
            path = urlsplit(url).path
            if path.startswith(prefix):
                rel = path[len(prefix):]
                out.add(rel + "index.html" if rel.endswith("/") or rel == "" else rel)
        return out


def json_ld_urls(data):
    if isinstance(data, dict):
        for key, value in data.items():
            if key in ("url", "mainEntityOfPage") and isinstance(value, str):
                yield value
            else:
                yield from json_ld_urls(value)
    elif isinstance(data, list):
        for value in data:
            yield from json_ld_urls(value)

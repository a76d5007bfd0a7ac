"""The reading experience in a real browser (Debian's Chromium through Playwright).

Phone widths to desktop: no sideways scrolling, key figures after the lede on
phones and beside the text on wide screens, Chinese drawn with a CJK font,
axe-core finding nothing serious, search answering, nothing fetched from
another site. Screenshots go to test-artifacts/ for a human look.
"""
from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import pytest

from feature.core import urls
from tests.support import ROOT
from tests.support.browser import AXE, axe_violations, open_page, overflow
from tests.support.volumes import split  # noqa: F401  (a fixture: the edition with 数说 split)

PHONES = (360, 390, 430)
WIDE = (1280, 1440)
# Every kind of page the edition has: cover, section, article, figures, print, 404.
PAGE_KINDS = {"cover": "index.html", "section": "fupin/index.html", "article": "fupin/zongshu/index.html",
              "article-2": "baicheng/sanchuan-diebian/index.html", "figures": "figures/index.html",
              "print": "print/index.html", "404": "404.html"}


@pytest.fixture(scope="module")
def site(real_site, serve_folder) -> str:
    out, _ = real_site
    return serve_folder(out)


def search_for(page, query: str) -> list[dict]:
    """Type a query into the page's search box; the results as {href, headline, where, snippet}."""
    page.fill("#search-q", query)
    page.wait_for_selector(f".search-results[data-query={json.dumps(query, ensure_ascii=False)}]", state="attached")
    return page.eval_on_selector_all(".search-results li", """items => items.map(li => ({
        href: li.querySelector('a').href, headline: li.querySelector('a').textContent,
        where: li.querySelector('.result-where').textContent,
        snippet: li.querySelector('.result-snippet').textContent,
        mark: li.querySelector('mark') ? li.querySelector('mark').textContent : ''}))""")


def box(page, selector: str) -> dict:
    found = page.locator(selector).first.bounding_box()
    assert found, f"{selector} not on the page"
    return found


def test_screenshots_of_cover_and_article(browser, site, artifacts_dir):
    for width, height in ((390, 844), (1280, 800)):
        with open_page(browser, width, height) as page:
            for name, path in (("cover", "index.html"), ("article", "fupin/zongshu/index.html")):
                page.goto(site + path)
                shot = artifacts_dir / f"reading-{name}-{width}x{height}.png"
                page.screenshot(path=str(shot))
                assert shot.stat().st_size > 10_000
                assert overflow(page) <= 0
    with open_page(browser, 390, color_scheme="dark") as page:
        page.goto(site + "fupin/zongshu/index.html")
        page.screenshot(path=str(artifacts_dir / "reading-article-390x844-dark.png"))
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert sum(map(int, re.findall(r"\d+", background)[:3])) < 3 * 60, background


@pytest.mark.parametrize("width", PHONES + WIDE)
def test_no_page_scrolls_sideways(browser, site, width):
    with open_page(browser, width) as page:
        for kind, path in PAGE_KINDS.items():
            page.goto(site + path)
            assert overflow(page) <= 0, f"{kind} page scrolls sideways at {width}px"
        page.goto(site + "fupin/zongshu/index.html")
        search_for(page, "扶贫")
        assert overflow(page) <= 0, f"open search results scroll sideways at {width}px"


@pytest.mark.parametrize("width", PHONES)
def test_key_figures_follow_the_lede_on_phones(browser, site, width):
    with open_page(browser, width) as page:
        page.goto(site + "fupin/zongshu/index.html")
        opening = box(page, ".story-opening, .story > .lede")
        aside = box(page, "aside.key-figures")
        body = box(page, ".story > .story-body:not(.story-opening)")
        assert opening["y"] + opening["height"] <= aside["y"] + 1
        assert aside["y"] + aside["height"] <= body["y"] + 1
        assert abs(aside["x"] - body["x"]) < 2          # same column


@pytest.mark.parametrize("width", WIDE)
def test_key_figures_sit_beside_the_text_on_wide_screens(browser, site, width):
    with open_page(browser, width) as page:
        page.goto(site + "fupin/zongshu/index.html")
        body = box(page, ".story > .story-body:not(.story-opening)")
        opening = box(page, ".story-opening, .story > .lede")
        aside = box(page, "aside.key-figures")
        assert aside["x"] >= body["x"] + body["width"]   # a column of its own, to the right
        assert aside["y"] < opening["y"] + opening["height"]   # level with the opening, not after it
        measure = page.evaluate("""() => {
            const p = document.querySelector('.story-body p');
            return p.getBoundingClientRect().width / parseFloat(getComputedStyle(p).fontSize); }""")
        assert 30 <= measure <= 40, f"{measure:.1f} characters a line"


def test_typography_follows_clreq(browser, site):
    with open_page(browser, 1280) as page:
        page.goto(site + "fupin/zongshu/index.html")
        style = page.evaluate("""() => {
            const s = getComputedStyle(document.querySelector('.story-body p'));
            return {indent: parseFloat(s.textIndent) / parseFloat(s.fontSize),
                    leading: parseFloat(s.lineHeight) / parseFloat(s.fontSize),
                    align: s.textAlign, lineBreak: s.lineBreak, autospace: s.textAutospace,
                    fontStyleEm: (() => { const em = document.createElement('em');
                        document.querySelector('.story-body p').append(em);
                        const c = getComputedStyle(em); return [c.fontStyle, c.textEmphasisStyle]; })()}; }""")
        assert style["indent"] == pytest.approx(2)
        assert 1.75 <= style["leading"] <= 1.9
        assert style["align"] == "justify" and style["lineBreak"] == "strict"
        assert style["autospace"] == "normal"
        assert style["fontStyleEm"] == ["normal", "dot"]    # "filled dot" computes to "dot"


def test_chinese_is_drawn_with_a_cjk_font(browser, site):
    """The fonts Chromium actually used for the glyphs (DevTools protocol), not the CSS wish list."""
    with open_page(browser, 390) as page:
        page.goto(site + "fupin/zongshu/index.html")
        cdp = page.context.new_cdp_session(page)
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument")["root"]["nodeId"]
        for selector in (".headline", ".story-body p .sentence", ".deck"):
            node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
            fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
            glyphs = sum(f["glyphCount"] for f in fonts)
            cjk = sum(f["glyphCount"] for f in fonts if "CJK" in f["familyName"])
            assert cjk / glyphs > 0.95, (selector, fonts)


def test_pages_have_landmarks_one_h1_and_ordered_headings(browser, site):
    with open_page(browser, 1280) as page:
        for kind, path in PAGE_KINDS.items():
            page.goto(site + path)
            found = page.evaluate("""() => ({
                h1: document.querySelectorAll('h1').length,
                levels: [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => +h.tagName[1]),
                landmarks: ['body > header', 'nav', 'main', 'body > footer'].filter(s => document.querySelector(s)),
                skip: !!document.querySelector('a.skip-link[href="#main"]')})""")
            assert found["h1"] == 1, kind
            jumps = [b for a, b in zip(found["levels"], found["levels"][1:]) if b > a + 1]
            assert not jumps, f"{kind}: heading levels {found['levels']}"
            if kind != "print":       # the print edition is one document for paper (print engineer's)
                assert found["landmarks"] == ["body > header", "nav", "main", "body > footer"], kind
                assert found["skip"], kind
        page.goto(site + "fupin/zongshu/index.html")
        assert page.locator("main article").count() == 1 and page.locator("article aside").count() >= 1


def test_skip_link_and_focus_are_visible(browser, site):
    with open_page(browser, 390) as page:
        page.goto(site + "fupin/zongshu/index.html")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "skip-link"
        skip = box(page, ".skip-link")
        assert skip["y"] >= 0 and skip["width"] > 20
        assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"
        page.keyboard.press("Tab")
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineWidth")
        assert float(outline.rstrip("px")) >= 2


def test_axe_version_is_the_pinned_one():
    pinned = re.search(r"^AXE_VERSION := (\S+)", (ROOT / "Makefile").read_text(), re.M).group(1)
    installed = json.loads((AXE.parent / "package.json").read_text())["version"]
    assert installed == pinned


@pytest.mark.parametrize("scheme,width", [("light", 1280), ("dark", 390)])
def test_axe_finds_nothing_serious_on_any_page(browser, site, scheme, width, artifacts_dir):
    report = {}
    with open_page(browser, width, color_scheme=scheme) as page:
        for kind, path in PAGE_KINDS.items():
            page.goto(site + path)
            report[kind] = axe_violations(page)
    (artifacts_dir / f"axe-{scheme}-{width}.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    serious = {k: [v for v in found if v["impact"] in ("serious", "critical")] for k, found in report.items()}
    assert not any(serious.values()), json.dumps(serious, ensure_ascii=False, indent=1)


def test_search_finds_the_right_articles(browser, site):
    with open_page(browser, 390) as page:
        page.goto(site + "baicheng/index.html")
        fupin = search_for(page, "扶贫")
        assert [urlsplit(r["href"]).path for r in fupin] == ["/fupin/zongshu/index.html"]
        assert fupin[0]["where"].startswith("脱贫攻坚") and fupin[0]["mark"] == "扶贫"
        baicheng = search_for(page, "百城")
        assert urlsplit(baicheng[0]["href"]).path == "/baicheng/sanchuan-diebian/index.html"
        assert "百城" in baicheng[0]["snippet"]
        # A result leads to the sentence holding the words, highlighted as the target.
        money = search_for(page, "21.99亿元")
        page.click(".search-results li a")
        page.wait_for_url(re.compile(r"/fupin/zongshu/index\.html#s-"))
        assert "21.99亿元" in page.locator(".sentence:target").text_content()
        nothing = search_for(page, "不存在的词语")
        assert nothing == [] and "没有找到" in page.text_content(".search-status")
        assert money


def test_search_index_loads_only_when_used_and_nothing_leaves_the_site(browser, site):
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(site))
    requests = []
    with open_page(browser, 390) as page:
        page.on("request", lambda r: requests.append(r.url))
        for path in PAGE_KINDS.values():
            page.goto(site + path)
        assert not [u for u in requests if "search/index.json" in u], "index fetched before use"
        search_for(page, "周口")
    assert any("search/index.json" in u for u in requests)
    foreign = [u for u in requests if not u.startswith(origin + "/")]
    assert not foreign, foreign


@pytest.fixture(scope="module")
def logged_site(real_site):
    """The real edition on a server that logs every request it answers: the
    browser's own icon request is no page event Playwright reports."""
    import functools
    import http.server
    import threading
    log = []

    class Logged(http.server.SimpleHTTPRequestHandler):
        def log_request(self, code="-", size="-"):
            log.append((self.path, int(code)))

        def log_message(self, *args):
            pass
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             functools.partial(Logged, directory=str(real_site[0])))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", log
    server.shutdown()


@pytest.mark.parametrize("kind", PAGE_KINDS)
def test_a_page_view_asks_for_nothing_that_is_not_there(browser, logged_site, kind):
    """No 404 behind any page view: the tab icon is named by the page (else the
    browser asks for /favicon.ico), and it is the edition's own."""
    site, log = logged_site
    with open_page(browser, 390) as page:
        page.goto(site + PAGE_KINDS[kind])
        page.wait_for_load_state("networkidle")
        page.wait_for_function("document.readyState === 'complete'")
    answered, log[:] = list(log), []
    assert [(path, code) for path, code in answered if code >= 400] == []
    assert ("/favicon.svg", 200) in answered


# The text of an element as the browser laid it out, one string per line.
LINES_JS = """el => {
  const range = document.createRange(), lines = [];
  let top = null;
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let i = 0; i < node.length; i++) {
      range.setStart(node, i); range.setEnd(node, i + 1);
      const rect = range.getClientRects()[0];
      if (!rect || !rect.width) continue;                       // collapsed or zero-width space
      if (top === null || rect.top > top + rect.height / 2) { lines.push(""); top = rect.top; }
      lines[lines.length - 1] += node.data[i];
    }
  }
  return lines.map(line => line.trim());
}"""


def broken_phrases(lines: list[str], text: str) -> list[str]:
    """The phrases of `text` (render.headline_phrases) that a line break cuts."""
    from feature.render.templates import headline_phrases
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    return [p.text for p in headline_phrases(text) if not any(p.text in line.replace(" ", "") for line in lines)]


def test_the_figures_title_never_breaks_inside_a_place_name_on_a_phone(browser, site):
    """数说：决胜全面小康 周口在行动 once broke as 数说：决胜全面小康 周 / 口在行动."""
    from feature.core.config import load_config
    title = "数说：" + load_config(ROOT / "config.yaml").title
    wrapped = 0
    for width in (320, *PHONES):
        with open_page(browser, width) as page:
            page.goto(site + "figures/index.html")
            lines = page.eval_on_selector("main h1", LINES_JS)
        assert broken_phrases(lines, title) == [], (width, lines)
        wrapped += len(lines) > 1
    assert wrapped, "the title never wrapped: the test proves nothing at these widths"


HEADLINES = ["周口港：通江达海的内河大港，加快建设再出发", "“百城提质” 三川蝶变展新颜，以水润城惠民生",
             "沈丘县槐店镇：一个村庄三年的变化（上）"]


def test_headlines_break_at_the_spaces_and_punctuation_the_editor_wrote(browser, make_edition, serve_folder):
    from feature.core.config import load_config
    from feature.build.pipeline import build
    from tests.support import article
    root = make_edition({f"content/alpha/h{i}.md": article(h, "alpha", order=i, lede="导语。")
                         for i, h in enumerate(HEADLINES)})
    build(load_config(root / "config.yaml"), root / "dist")
    url = serve_folder(root / "dist")
    wrapped = 0
    for width in (320, 360):
        with open_page(browser, width) as page:
            for i, headline in enumerate(HEADLINES):
                page.goto(f"{url}alpha/h{i}/index.html")
                lines = page.eval_on_selector("h1.headline", LINES_JS)
                assert broken_phrases(lines, headline) == [], (width, lines)
                wrapped += len(lines) > 1
            page.goto(url + "index.html")
            cards = [card.evaluate(LINES_JS) for card in page.query_selector_all(".card-headline")]
            for headline, lines in zip(HEADLINES, cards, strict=True):
                assert broken_phrases(lines, headline) == [], (width, lines)
    assert wrapped >= 3


def test_reading_needs_no_javascript(browser, site):
    with open_page(browser, 390, java_script_enabled=False) as page:
        page.goto(site + "fupin/zongshu/index.html")
        assert page.locator(".story-body p").count() > 20
        assert page.locator("aside.key-figures li").count() > 0
        assert box(page, ".story-body p")["height"] > 0


def test_photos_fit_every_width_and_load_lazily(browser, make_edition, serve_folder, artifacts_dir):
    from feature.core.config import load_config
    from feature.build.pipeline import build
    from tests.support import article
    from tests.support import jpeg
    paragraphs = "\n\n".join(f"第{i}段正文，讲述周口的变化。" * 8 for i in range(1, 16))
    body = (f'![码头上的集装箱](dock.jpg "周口港码头｜摄影 张三")\n\n{paragraphs}\n\n'
            '![沙颍河畔的步道](river.jpg "沙颍河畔｜记者 李四 摄")\n')
    root = make_edition(files={"content/alpha/a.md": article(body=body),
                               "content/alpha/dock.jpg": jpeg(1600, 1000),
                               "content/alpha/river.jpg": jpeg(1200, 1600, (40, 90, 160))})
    build(load_config(root / "config.yaml"), root / "dist")
    site = serve_folder(root / "dist")
    for width in (360, 1280):
        with open_page(browser, width) as page:
            loaded = []
            page.on("request", lambda r: loaded.append(r.url))
            page.goto(site + "alpha/a/index.html", wait_until="load")
            assert overflow(page) <= 0
            dock = page.locator("figure.photo img").first
            shown = dock.bounding_box()
            column = box(page, ".story-body")
            assert shown["width"] <= column["width"] + 0.5
            assert shown["height"] == pytest.approx(shown["width"] * 1000 / 1600, abs=1)
            assert page.locator("figure.photo figcaption .photo-credit").first.text_content() == "摄影 张三"
            assert not [u for u in loaded if "river" in u], "photo far below the fold loaded at once"
            page.locator("figure.photo img").last.scroll_into_view_if_needed()
            page.wait_for_function("[...document.images].every(i => i.complete && i.naturalWidth)")
            # `sizes` tells the truth about the column, so the browser picks the smallest copy that fills it.
            # Chromium shows AVIF: the <picture>'s first source, from the same widths.
            natural, chosen, kind = dock.evaluate(
                "i => [i.naturalWidth, ...i.currentSrc.match(/-(\\d+)\\.([a-z]+)$/).slice(1)]")
            assert kind == "avif"
            assert natural == pytest.approx(shown["width"], abs=1)
            assert int(chosen) == min(w for w in (480, 800, 1200) if w >= shown["width"])
            assert not [u for u in loaded if u.endswith((".jpg", ".webp"))], "a fallback was fetched too"
            if width == 360:
                page.screenshot(path=str(artifacts_dir / "reading-photos-360.png"), full_page=True)


@pytest.mark.parametrize("scheme,width", [("light", 1280), ("dark", 360)])
def test_split_pages_in_a_browser_fit_and_axe_finds_nothing_serious(split, browser, serve_folder, scheme, width):
    """The cover with its 全部N篇 link, the 数说 index and a section's second
    page of a split 数说 (tests/build/test_figure_pages.py): no sideways
    scrolling, nothing serious for axe-core."""
    site = serve_folder(split["out"])
    found = {}
    with open_page(browser, width, color_scheme=scheme) as page:
        for rel in (urls.COVER, urls.FIGURES, "figures/alpha/2/index.html"):
            page.goto(site + rel)
            assert overflow(page) <= 0, rel
            found[rel] = [v for v in axe_violations(page) if v["impact"] in ("serious", "critical")]
        page.goto(site + urls.COVER)
        page.click(".section-more a")
        page.wait_for_url(re.compile(r"/alpha/index\.html$"))
    assert not any(found.values()), json.dumps(found, ensure_ascii=False, indent=1)

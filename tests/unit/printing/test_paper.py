"""The paper rewrite (`for_print`): one article's HTML as the print edition
shows it, its ids made unique, its links turned into page references or
printed addresses; the fast rewrite gives what the HTML parser gives."""
from __future__ import annotations

from bs4 import BeautifulSoup

from feature.printing.forprint import for_print


def test_for_print_rewrites_one_fragment():
    from types import SimpleNamespace as NS
    one = NS(position=1, output_path="a/x/index.html")
    two = NS(position=2, output_path="b/y/index.html")
    edition, site = NS(articles=(one, two)), NS(site_path="/")
    html = ('<aside aria-labelledby="t"><h2 id="t">数字看点</h2><a href="#s-1">1个</a></aside>'
            '<p id="s-1"><a href="../../b/y/">见</a><a href="../../index.html">封面</a>'
            '<a href="mailto:desk@example.cn">desk@example.cn</a>'
            '<sup><a class="footnote-ref" href="#fn:1">1</a></sup><a class="footnote-backref" href="#fnref:1">↩</a></p>')
    soup = BeautifulSoup(str(for_print(html, one, edition, site)), "html.parser")
    assert soup.aside["aria-labelledby"] == "a1-t" and soup.h3["id"] == "a1-t"
    assert soup.aside.a["href"] == "#a1-s-1" and "page-ref" not in (soup.aside.a.get("class") or [])
    assert soup.p["id"] == "a1-s-1"
    links = soup.p.find_all("a")
    assert [a.get_text() for a in links] == ["见", "desk@example.cn", "1"]
    assert links[0]["href"] == "#article-2" and links[0]["class"] == ["page-ref"]
    assert not links[1].has_attr("data-print-url")          # the text already is the address
    assert links[2]["href"] == "#a1-fn:1" and "page-ref" not in links[2]["class"]


def test_fast_print_rewrite_matches_the_parser_and_declines_odd_html():
    from types import SimpleNamespace as NS
    from feature.printing.paper import rewrite_fast, rewrite_soup
    from feature.printing.forprint import PrintMemo
    one = NS(position=1, output_path="a/x/index.html")
    two = NS(position=2, output_path="b/y/index.html")
    edition = NS(articles=(one, two))
    by_path = PrintMemo().places_for(edition).by_path
    html = ('<aside class="figs" aria-labelledby="t"><h2 id="t">数字看点</h2><a href="#s-1">1个</a></aside>'
            '<h3 id="h">小标题</h3><p id="s-1"><span class="sentence" id="s-1-1" data-sentence="s-1-1">甲&amp;乙。</span>'
            '<a href="../../b/y/#h" title="去">见</a><a href="../../index.html"><em>封面</em></a>'
            '<a href="https://example.cn/a?b=1&amp;c=2">网站</a>'
            '<sup><a class="footnote-ref" href="#fn:1">1</a></sup><a class="footnote-backref" href="#fnref:1">↩</a></p>')
    fast = rewrite_fast(html, one, by_path, "/")
    assert fast is not None
    assert str(BeautifulSoup(fast, "html.parser")) == rewrite_soup(html, one, by_path, "/")
    for odd in ("<p id='x'>单引号</p>", "<p id=x>无引号</p>", "<!-- 注释 --><p>正文</p>", "<a href='#'><a href='#'>套</a></a>"):
        assert rewrite_fast(odd, one, by_path, "/") is None
        assert for_print(odd, one, edition, NS(site_path="/"))      # the parser handles it

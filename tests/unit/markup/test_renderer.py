"""Chinese Markdown rules: soft line breaks, heading anchors, raw HTML, unsafe URLs."""
import re

import pytest
from hypothesis import given, settings, strategies as st

from feature.markup.renderer import MarkdownRenderer, join_cjk_lines, slugify
from tests.support import examples


@pytest.fixture(scope="module")
def md():
    return MarkdownRenderer()


def bare(html: str) -> str:
    """The HTML without the sentence anchors and figure markup (tested elsewhere)."""
    return re.sub(r'<span class="sentence"[^>]*>|</span>|<data[^>]*>|</data>', "", html)


@pytest.mark.parametrize("source, expected", [
    ("自强不息，厚\n德载物", "<p>自强不息，厚德载物</p>"),
    ("中文\nEnglish", "<p>中文\nEnglish</p>"),
    ("English\n中文", "<p>English\n中文</p>"),
    ("“你回来了？”\n她", "<p>“你回来了？”她</p>"),
    ("한국어\n한국어", "<p>한국어\n한국어</p>"),           # Hangul keeps its space
    ("**强调**\n中文", "<p><strong>强调</strong>中文</p>"),   # across an inline element
    ("４６\n０", "<p>４６０</p>"),                          # full-width digits are wide
])
def test_soft_line_breaks_between_wide_characters_vanish(md, source, expected):
    assert bare(md.render(source).html) == expected


def test_line_breaks_inside_code_are_kept(md):
    html = md.render("```\n中\n文\n```").html
    assert "中\n文" in html
    assert bare(md.render("`中`\n`文`").html) == "<p><code>中</code>\n<code>文</code></p>"


def test_join_cjk_lines_keeps_latin_spacing():
    assert join_cjk_lines("a\nb") == "a\nb"
    assert join_cjk_lines("中\n文\nx") == "中文\nx"


@pytest.mark.parametrize("text, slug", [
    ("补齐短板强基础", "补齐短板强基础"),
    ("一、补齐短板（上）：", "一补齐短板上"),
    ("“百城提质” 三川蝶变", "百城提质-三川蝶变"),
    ("Hello World", "hello-world"),
    ("？！……", "section"),            # never empty
])
def test_slugify_keeps_chinese_and_drops_punctuation(text, slug):
    assert slugify(text) == slug


def test_heading_anchors_unique_stable_and_explicit(md):
    source = "## 产城融合\n\n## 产城融合\n\n## 自定义 {#own-id}\n\n## ？？\n"
    first = md.render(source)
    again = md.render(source)
    anchors = [h.anchor for h in first.toc]
    assert anchors == ["产城融合", "产城融合_1", "own-id", "section"]
    assert len(set(anchors)) == len(anchors) and all(anchors)
    assert [h.anchor for h in again.toc] == anchors
    assert [h.text for h in first.toc] == ["产城融合", "产城融合", "自定义", "？？"]
    assert '<h2 id="own-id">' in first.html


def test_raw_html_is_left_out_with_a_warning_naming_the_line(md):
    body = md.render("第一段。\n\n<script>alert(1)</script>\n\n文字<b onclick=x>粗</b>。\n")
    assert "<script" not in body.html and "<b" not in body.html
    assert "粗" in body.html
    lines = [line for line, message in body.warnings if "raw HTML left out" in message]
    assert lines[0] == 2 and 4 in lines


def test_raw_html_kept_when_config_allows():
    body = MarkdownRenderer(allow_raw_html=True).render("<div class=x>保留</div>\n")
    assert '<div class=x>保留</div>' in body.html and not body.warnings


def test_entities_and_code_are_not_taken_for_raw_html(md):
    body = md.render("A &amp; B &copy;\n\n    <code> block\n")
    assert "&amp;" in body.html and "&copy;" in body.html
    assert "&lt;code&gt;" in body.html
    assert not body.warnings


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,x",
                                 " javascript:alert(1)", "vbscript:x"])
def test_script_urls_are_disarmed(md, url):
    body = md.render(f"[链接]({url}) ![图]({url})")
    assert not re.search(r'(href|src)="[^"]*(script|data):', body.html, re.I), body.html
    assert any("unsafe link" in m for _, m in body.warnings)


@pytest.mark.parametrize("url", ["https://example.com/a", "../other/index.html", "#anchor", "mailto:a@b.cn", "/x/"])
def test_ordinary_urls_stay(md, url):
    assert f'href="{url}"' in md.render(f"[链接]({url})").html


def _stock_inline_renderer() -> MarkdownRenderer:
    """The same renderer with Python-Markdown's own inline and unescape passes and
    block processor tests back in place."""
    from markdown.treeprocessors import InlineProcessor, UnescapeTreeprocessor
    renderer = MarkdownRenderer()
    renderer.md.treeprocessors.register(InlineProcessor(renderer.md), "inline", 20)
    renderer.md.treeprocessors.register(UnescapeTreeprocessor(renderer.md), "unescape", 0)
    for proc in renderer.md.parser.blockprocessors:     # the gated test/run are instance attributes
        proc.__dict__.pop("test", None)
        proc.__dict__.pop("run", None)
    return renderer


_INLINE_PIECES = st.sampled_from([
    "周口", "21.99亿元", "。", "，", " ", "  \n", "\n", "\n\n", "*", "**", "_", "__", "`", "``", "\\", "\\*",
    "[", "]", "(", ")", "![", "[^1]", "[^1]: 注", "<", ">", "<b>", "</b>", "<https://a.cn>", "<a@b.cn>",
    "&", "&amp;", "&#20013;", "[链接](../a/index.html)", "[ref]", "[ref]: https://a.cn", "## ", "- ", "> ",
    "{: #x}", "```\n", "    ", "\\[", "\\`", "`<b>&amp;`", "周\n口", "[x](a&b)",
    "\n===\n", "\n---\n", "***", "___", "# ", "### 小标题 ###", "\n> 引", "[a]: /x \"t\"", "[^n]: 注",
])


@settings(max_examples=examples(400), deadline=None)
@given(st.lists(_INLINE_PIECES, max_size=24).map("".join))
def test_passes_skipping_impossible_work_change_nothing(text):
    ours, stock = MarkdownRenderer(), _stock_inline_renderer()
    assert ours.render(text) == stock.render(text)


def test_inline_pass_still_applies_every_pattern(md):
    html = md.render("**粗**、*斜*、`码`、[链](#a)、&amp;、\\*、<https://a.cn>、注[^1]\n\n[^1]: 脚注").html
    for piece in ("<strong>", "<em>", "<code>", 'href="#a"', "&amp;", "*", 'href="https://a.cn"', "fnref"):
        assert piece in html


def _stock_toc_renderer(allow_raw_html: bool) -> MarkdownRenderer:
    """The same renderer with Python-Markdown's own TOC pass."""
    from markdown.extensions.toc import TocExtension, TocTreeprocessor
    renderer = MarkdownRenderer(allow_raw_html=allow_raw_html)
    ext = next(e for e in renderer.md.registeredExtensions if isinstance(e, TocExtension))
    renderer.md.treeprocessors.register(TocTreeprocessor(renderer.md, ext.getConfigs()), "toc", 5)
    return renderer


_TOC_PIECES = st.sampled_from([
    "\n\n## ", "\n\n### ", "\n\n#### ", "\n\n# ", "标题", "周口", " ", "21.99亿元", "。", "\n\n", "正文一句。",
    "[TOC]", "\n\n[TOC]\n\n", "&amp;", "&", "<b>粗</b>", "<div>块</div>", "\n\n<div>块</div>\n\n", "`码`",
    '<span title="x>y">', "[^1]", "\n\n[^1]: 注", "**粗**", " {: #自定义 }", ' {: data-toc-label="目录名" }',
    "\\*", "<", "[链](#a)",
])


@settings(max_examples=examples(400), deadline=None)
@given(st.lists(_TOC_PIECES, max_size=20).map("".join), st.booleans())
def test_lean_toc_pass_changes_nothing_we_read(text, allow_raw_html):
    """Headings, ids, the TOC, the left-out raw HTML (and so the sentences' text:
    the TOC pass is where the stash is blanked) and [TOC] itself, as the stock pass."""
    ours, stock = MarkdownRenderer(allow_raw_html=allow_raw_html), _stock_toc_renderer(allow_raw_html)
    body = ours.render(text)
    assert body == stock.render(text)
    if '<div class="toc">' in body.html:        # a [TOC] paragraph: md.toc is made as before
        assert ours.md.toc == stock.md.toc


def test_attribute_lists_set_only_an_editors_attributes(md):
    """`{: … }` sets id, class, lang, dir, title (and width, height, alt on images);
    style= could hide or fake text, ping= reports every click elsewhere, data-* would
    pose as the build's own marks: each is dropped with a warning at its line, as
    event handlers are."""
    body = md.render("第一段。\n\n第二段。\n{: #p2 .note lang=en dir=ltr title=说明 style=\"display:none\" "
                     "ping=\"https://x.cn/\" data-photo=\"../../secret.jpg\" onclick=\"x()\" }\n\n"
                     "![码头](dock.jpg){: width=10 height=8 style=\"opacity:0\" }\n\n"
                     "| 甲 | 乙 |\n|:--|--:|\n| 1 | 2 |\n")
    paragraph = re.search(r"<p [^>]*>", body.html).group(0)
    assert paragraph == '<p class="note" dir="ltr" id="p2" lang="en" title="说明">'
    assert re.search(r'<img alt="码头" data-photo="dock.jpg" height="8" width="10">', body.html)
    assert 'style="text-align: left;"' in body.html         # the tables extension's own style stays
    allowed = "{: … } sets only id, class, lang, dir, title; width, height and alt on images"
    assert list(body.warnings) == [
        (3, f"attribute `style` removed: {allowed}"), (3, f"attribute `ping` removed: {allowed}"),
        (3, f"attribute `data-photo` removed: {allowed}"), (5, f"attribute `style` removed: {allowed}"),
        (3, "event handler `onclick` removed")]

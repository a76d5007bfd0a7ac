"""Sentence anchors and <data> figures in the rendered body."""
from __future__ import annotations

import re

import markdown
import pytest
from hypothesis import given, settings, strategies as st
from bs4 import BeautifulSoup

from feature.markup.sentences import SentenceExtension, attach_sentence_ids, sentence_id_base
from feature.markup.figures import extract_figures, find_figures, split_sentences
from tests.support import examples

FINANCE = ("金融扶贫助力。2018年累计发放扶贫小额信贷21.99亿元，带动贫困户7.74万户；“政融保”产业扶贫"
           "融资项目41个，授信扶贫资金14.2亿元，发放扶贫贷款7.7亿元，带动贫困户1.17万户，为贫困地区和"
           "贫困户提供了更多的风险保障。")
ROADS = "脱贫道路更通畅。修建农村公路2291公里，是省定责任目标任务450公里的5倍。"
INDUSTRY = "几年来，全市分三批培育市级产业扶贫基地213个，实现关联贫困户年收入增加900至1800元。"
ARTICLE = f"## 金融扶贫助力\n\n{FINANCE}\n\n## 脱贫道路\n\n{ROADS}\n\n{INDUSTRY}\n"
ID = re.compile(r"^s-[0-9a-f]{6}(-\d+)?$")


@pytest.fixture
def md():
    return markdown.Markdown(extensions=[SentenceExtension(), "fenced_code"])


def convert(md, text: str) -> BeautifulSoup:
    md.reset()
    return BeautifulSoup(md.convert(text), "html.parser")


def ids_by_text(soup) -> dict[str, str]:
    return {s.get_text(): s["id"] for s in soup.select("span.sentence[id]")}


def test_every_sentence_gets_a_span_with_a_hash_id(md):
    soup = convert(md, ARTICLE)
    spans = soup.select("span.sentence")
    assert [s.get_text() for s in spans] == split_sentences(FINANCE) + split_sentences(ROADS) + [INDUSTRY]
    assert all(ID.match(s["id"]) for s in spans)
    assert spans[0]["id"] == sentence_id_base("金融扶贫助力。")
    assert not soup.select("h2 span")                       # headings never wrapped


def test_ids_are_stable_across_conversions_and_edits_elsewhere(md):
    first = ids_by_text(convert(md, ARTICLE))
    again = ids_by_text(convert(md, ARTICLE))
    other = ids_by_text(convert(markdown.Markdown(extensions=[SentenceExtension()]), ARTICLE))
    edited = ARTICLE.replace("## 脱贫道路\n\n", "## 脱贫道路\n\n新插入的一段，有38个项目。再一句。\n\n")
    after_insert = ids_by_text(convert(md, "开头新加一段导语。\n\n" + edited))
    assert first == again == other
    assert {t: after_insert[t] for t in first} == first
    assert len(set(first.values())) == len(first)


def test_repeated_sentences_get_numbered_ids(md):
    soup = convert(md, "同一句话。\n\n同一句话。另一句。\n\n同一句话。\n")
    same = [s["id"] for s in soup.select("span.sentence") if s.get_text() == "同一句话。"]
    base = sentence_id_base("同一句话。")
    assert same == [base, f"{base}-2", f"{base}-3"]


def test_figures_are_wrapped_in_data_with_plain_values(md):
    soup = convert(md, ARTICLE)
    data = {d.get_text(): d for d in soup.select("data.figure")}
    assert data["21.99亿元"]["value"] == "2199000000"
    assert data["7.74万户"]["value"] == "77400"
    assert data["2291公里"]["value"] == "2291" and data["5倍"]["value"] == "5"
    assert data["900至1800元"]["value"] == "900" and data["900至1800元"]["data-max"] == "1800"
    assert "data-max" not in data["14.2亿元"].attrs
    assert "2018年" not in data and not any("e+" in d["value"] for d in data.values())
    assert data["21.99亿元"].find_parent("span", class_="sentence")["id"] == ids_by_text(soup)[split_sentences(FINANCE)[1]]


def test_code_blocks_and_inline_code_are_untouched(md):
    source = ("正文有3个。\n\n```\n代码里21.99亿元。第二句。\n```\n\n    缩进代码5个。\n\n"
              "行内 `21.99亿元` 不算，外面的7个算。\n")
    soup = convert(md, source)
    for pre in soup.select("pre"):
        assert not pre.select("span, data")
    assert soup.select("pre code")[0].get_text() == "代码里21.99亿元。第二句。\n"
    inline = soup.select("p code")[0]
    assert inline.get_text() == "21.99亿元" and not inline.select("data")
    assert [d.get_text() for d in soup.select("data")] == ["3个", "7个"]
    assert [p for _, p in md.paragraphs] == ["正文有3个。", "行内 21.99亿元 不算，外面的7个算。"]


def test_html_stays_escaped(md):
    html = md.convert("他写了 &lt;script&gt;alert(1)&lt;/script&gt; 共5个。还有 `<script>` 和 a < b。\n")
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<code>&lt;script&gt;</code>" in html
    assert "a &lt; b" in html
    assert md.sentences[0].text == "他写了 <script>alert(1)</script> 共5个。"   # plain text, unescaped
    assert md.paragraphs[0][1].endswith("还有 <script> 和 a < b。")


def test_inline_children_inside_one_sentence_move_into_its_span(md):
    soup = convert(md, "他说**修建农村公路2291公里**，[详见](http://x)。第二句。\n")
    first = soup.select("span.sentence")[0]
    assert first.get_text() == "他说修建农村公路2291公里，详见。"
    assert first.strong.data["value"] == "2291" and first.a["href"] == "http://x"


def test_a_sentence_cut_by_an_inline_element_gets_one_span_per_text_run(md):
    soup = convert(md, "他说：“**第一句。第二**句。”第三句。\n")
    ids = [s.sentence_id for s in md.sentences]
    assert [s.text for s in md.sentences] == ["他说：“第一句。", "第二句。”", "第三句。"]
    assert [soup.find(id=i) is not None for i in ids] == [True, True, True]
    assert soup.find(id=ids[0]).get_text() == "他说：“"
    assert soup.find(id=ids[1]).find_parent("strong") is not None
    rest = soup.select(f'span[data-sentence="{ids[0]}"]')
    assert [r.get_text() for r in rest] == ["第一句。"] and rest[0].find_parent("strong")
    assert soup.get_text() == "他说：“第一句。第二句。”第三句。"


def test_lists_and_quotes_are_paragraphs_with_subheads(md):
    source = "## 小标题\n\n- 修建公路2291公里。\n- 外层3个。\n    - 内层5个。\n\n> 引文里7个。\n"
    soup = convert(md, source)
    assert md.paragraphs == [("小标题", "修建公路2291公里。"), ("小标题", "外层3个。"),
                             ("小标题", "内层5个。"), ("小标题", "引文里7个。")]
    assert [d.get_text() for d in soup.select("li data, blockquote data")] == ["2291公里", "3个", "5个", "7个"]
    assert len(soup.select("span.sentence[id]")) == 4


def test_sentences_match_what_the_extractor_sees_and_reset_clears_them(md):
    convert(md, ARTICLE)
    for p_index, (_, text) in enumerate(md.paragraphs):
        mine = [s.text for s in md.sentences if s.paragraph == p_index]
        assert mine == split_sentences(text)
    assert [s.subhead for s in md.sentences][:2] == ["金融扶贫助力", "金融扶贫助力"]
    assert (md.sentences[0].sentence_id, md.sentences[0].index) == (sentence_id_base("金融扶贫助力。"), 0)
    md.reset()
    assert md.sentences == [] and md.paragraphs == []


def test_figures_link_to_the_sentence_that_holds_them(md):
    soup = convert(md, ARTICLE)
    figures = attach_sentence_ids(extract_figures(md.paragraphs), md.sentences)
    assert len(figures) == 11
    for fig in figures:
        span = soup.find(id=fig.sentence_id)
        assert span is not None and fig.text in span.get_text() and span.get_text() == fig.sentence
    loan = next(f for f in figures if f.text == "21.99亿元")
    assert (loan.subhead, loan.paragraph, loan.sentence_index) == ("金融扶贫助力", 0, 1)


def test_works_inside_the_projects_markdown_renderer():
    from feature.markup.renderer import MarkdownRenderer
    renderer = MarkdownRenderer(extra_extensions=[SentenceExtension()])
    body = renderer.render("完成危房改造1.14万\n户，拨付资金2.68亿元。\n\n正文[^1]。\n\n[^1]: 注释。\n")
    soup = BeautifulSoup(body.html, "html.parser")
    assert soup.find("data", string="1.14万户")["value"] == "11400"    # soft break joined first
    assert renderer.md.paragraphs[0][1] == "完成危房改造1.14万户，拨付资金2.68亿元。"
    assert renderer.md.paragraphs[1][1] == "正文。"                      # footnote mark is not text


def test_a_sentence_starting_inside_cut_code_still_has_an_anchor(md):
    soup = convert(md, "前文`代码。里面`后文。\n")
    assert [s.text for s in md.sentences] == ["前文代码。", "里面后文。"]
    marker = soup.find(id=md.sentences[1].sentence_id)
    assert marker is not None and marker.get_text() == "" and marker.find_next_sibling("code")


SNIPPETS = list("一二三。！？，、”“（）12.5万亿元个人%至多*`_<>&\n #->") + [
    "**", "\n\n", "\n- ", "[x](http://a)", "&lt;", "\\*", "```\n"]


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(st.sampled_from(SNIPPETS), max_size=40).map("".join))
def test_wrapping_never_changes_the_text_and_every_sentence_has_one_anchor(source):
    ours = markdown.Markdown(extensions=[SentenceExtension(), "fenced_code"])
    plain = markdown.Markdown(extensions=["fenced_code"])
    html = ours.convert(source)
    assert re.sub("<[^>]+>", "", html) == re.sub("<[^>]+>", "", plain.convert(source))
    soup = BeautifulSoup(html, "html.parser")
    ids = [t["id"] for t in soup.select("span[id]")]
    assert sorted(ids) == sorted(s.sentence_id for s in ours.sentences)
    assert not soup.select("p pre, span pre, pre span, code span, code data")


def test_extract_figures_with_sentence_ids_is_attach_sentence_ids(md):
    convert(md, ARTICLE)
    ids = {(s.paragraph, s.index): s.sentence_id for s in md.sentences}
    assert extract_figures(md.paragraphs, ids) == attach_sentence_ids(extract_figures(md.paragraphs), md.sentences)


def test_find_figures_results_are_not_shared_between_calls():
    first = find_figures("贷款21.99亿元。")
    first.clear()                               # the cache behind it must not see this
    assert [m.unit for m in find_figures("贷款21.99亿元。")] == ["元"]


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(st.sampled_from(["周口", "21.99亿元", "3个", "。", "！”", " ", "\n", "约5万户", "第3个",
                                 "５０％", "\x02wzxhzdk:0\x03", "，"]), max_size=20).map("".join))
def test_plain_paragraph_fast_path_builds_the_general_tree(text):
    import xml.etree.ElementTree as etree
    from feature.markup import sentences as fm
    from feature.markup.figures import sentence_spans
    spans = [(a, b) for a, b in sentence_spans(fm._mask(text)) if text[a:b].strip()]
    ids = [f"s-{k}" for k in range(len(spans))]
    general, fast = etree.Element("p"), etree.Element("p")
    general.text = fast.text = text or None
    fm._SentenceWrapper(spans, ids).apply(general)
    fm._wrap_figures(general)
    fm._wrap_plain_paragraph(fast, spans, ids)
    assert etree.tostring(fast) == etree.tostring(general)


@given(st.text(alphabet=st.sampled_from(list("周口２１.9亿元 \t\n\u3000\u00a0\u2028\x1c\x85。")), max_size=30))
def test_sentence_id_ignores_exactly_the_whitespace_regex_would(sentence):
    import hashlib
    from feature.markup.figures import normalise_digits
    normal = re.sub(r"\s+", "", normalise_digits(sentence))
    assert sentence_id_base(sentence) == "s-" + hashlib.sha1(normal.encode("utf-8")).hexdigest()[:6]


_TEXT_PIECES = ["周口", "21.99亿元", "3个", "。", "！”", "？）", " ", "\n", "\u3000", "\x1c", "约5万户", "第3个",
                "５０％", "900至1800元", "1,200人", "5G", "A", "2018年", "，", "8500多个", ".5", "万"]


@settings(max_examples=examples(500), deadline=None)
@given(st.lists(st.sampled_from(_TEXT_PIECES + ["<", ">", "1<2万元", '"']), max_size=20).map("".join))
def test_text_paragraph_path_writes_the_same_html_and_keeps_its_figures(text):
    """A paragraph of text alone (no placeholder, no entity), written as one string:
    what Python-Markdown serializes from the general path's tree, and the figure
    places extract_figures reads (each sentence's figures)."""
    import xml.etree.ElementTree as etree
    from markdown.serializers import to_html_string
    from feature.markup import sentences as fm
    from feature.markup.figures import sentence_spans
    spans = sentence_spans(text)
    ids = [f"s-{k}" for k in range(len(spans))]
    general = etree.Element("p")
    general.text = text or None
    fm._wrap_plain_paragraph(general, spans, ids)
    markup, places = fm._text_paragraph_html(text, spans, ids)
    assert "<p>" + markup + "</p>" == to_html_string(general)
    expected = [(k, text[a:b], [(m.start, m.end, m.value, m.unit) for m in find_figures(text[a:b])])
                for k, (a, b) in enumerate(spans)]
    got = [(k, sentence, [(m.start, m.end, m.value, m.unit) for m in matches]) for k, sentence, matches in places]
    assert got == [e for e in expected if e[2]]


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(st.sampled_from(SNIPPETS + _TEXT_PIECES), max_size=40).map("".join))
def test_extract_figures_from_the_treeprocessors_scan_is_the_same(source):
    md = markdown.Markdown(extensions=[SentenceExtension(), "fenced_code"])
    md.convert(source)
    assert len(md.scanned) == len(md.paragraphs)
    ids = {(s.paragraph, s.index): s.sentence_id for s in md.sentences}
    assert extract_figures(md.paragraphs, ids, md.scanned) == extract_figures(md.paragraphs, ids)

"""A paragraph cut by a column or page end is joined with the run of its
article that goes on with it; characters lost at the cut are proposed from
how the rest of the text goes on, never supplied silently."""
from feature.importer import import_raw
from feature.importer.proposals import JOIN, OPEN_END

from tests.support.importer import raw

OPENING = "今年以来，全县抓住有利天气，春耕播种进展顺利。全县组织农民抢抓农时，小麦长势良好。全县上下干劲十足。"
GOES_ON = "农机手分片包干，小麦播种面积十二万亩，春耕农机服务队走村入户，确保不误农时。"


def _article(text):
    result = import_raw(text, "page.txt")
    return result.articles[0]


def _lost(article):
    return [(f.proposal.kind, f.proposal.reading, f.raw_line) for f in article.findings
            if f.proposal.kind in (JOIN, OPEN_END)]


def test_a_paragraph_cut_at_a_column_end_is_joined_and_the_lost_word_is_proposed():
    text = raw("春耕生产进展顺利", "记者 张明", OPENING + "全") + "\n\n\n" + raw(GOES_ON)
    article = _article(text)
    assert [b.text for b in article.blocks] == [OPENING + "全" + GOES_ON]
    assert [j.lines for j in article.column_joins] == [(5, 9)]
    # Every other sentence opening with 全 reads 全县: 县 was probably lost at the cut.
    assert _lost(article) == [(JOIN, "县", 9)]


def test_without_evidence_a_sentence_just_begun_at_the_cut_is_flagged_for_checking():
    text = raw("春耕生产进展顺利", "记者 张明", OPENING + "各") + "\n\n\n" + raw(GOES_ON)
    article = _article(text)
    assert [b.text for b in article.blocks] == [OPENING + "各" + GOES_ON]
    assert _lost(article) == [(JOIN, "……", 9)]


def test_a_word_cut_in_the_middle_needs_no_flag():
    text = raw("春耕生产进展顺利", "记者 张明", OPENING + "农机手分片包干，小麦播种面") + "\n\n\n" + raw(
        "积十二万亩，春耕农机服务队走村入户，确保不误农时，全县上下干劲十足。")
    article = _article(text)
    assert len(article.blocks) == 1 and "小麦播种面积十二万亩" in article.blocks[0].text
    assert _lost(article) == []


def test_a_paragraph_still_open_before_a_subhead_is_flagged_as_lost_text():
    text = raw("春耕生产进展顺利", "记者 张明", OPENING + "全县", "农机服务保播种", GOES_ON)
    article = _article(text)
    assert [b.text for b in article.blocks][0] == OPENING + "全县"
    assert _lost(article) == [(OPEN_END, "……", 5)]


def test_a_page_jump_marker_cut_from_a_sentence_joins_it_with_where_it_goes_on():
    text = raw("春耕生产进展顺利", "记者 张明", OPENING + "农机手分片包干，①6") + "\n\n\n" + raw(
        "小麦播种面积十二万亩，春耕农机服务队走村入户，确保不误农时。")
    result = import_raw(text, "page.txt")
    assert [(m.line, m.text) for m in result.markers] == [(5, "①6")]
    assert [b.text for b in result.articles[0].blocks] == [
        OPENING + "农机手分片包干，小麦播种面积十二万亩，春耕农机服务队走村入户，确保不误农时。"]

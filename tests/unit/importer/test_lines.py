"""Lines → blocks: joins, jump markers, glyph and mid-sentence flags."""
from feature.importer.lines import (
    cut_marker, joins_of, normalise_line, read_lines,
)

from tests.support.importer import blocks_of, raw, texts_of


def test_a_sentence_broken_mid_word_is_joined_without_a_space():
    text = raw("全县完成播种面积12万亩，470人获市级以上荣", "誉表彰。")
    assert texts_of(text) == ["全县完成播种面积12万亩，470人获市级以上荣誉表彰。"]


def test_join_records_raw_line_numbers_and_the_seam():
    joins = joins_of(blocks_of(raw("今年以来，全县农机投入达到", "两千台。")))
    assert [j.lines for j in joins] == [(1, 3)]
    assert joins[0].seams == ("…农机投入达到 | 两千台。…",)


def test_a_narrow_column_is_joined_line_by_line():
    text = raw("解决了难点问题。将建档立卡贫困", "户中符合供养条件的人员全部纳",
               "入救助范围，老有所依、老", "有所养。")
    assert texts_of(text) == ["解决了难点问题。将建档立卡贫困户中符合供养条件的人员全部纳入救助范围，老有所依、老有所养。"]


def test_a_heading_like_fragment_joins_when_the_next_line_starts_mid_word():
    # "中央单位倾情支援脱贫攻" looks like a subhead, but "坚，" cannot open a sentence.
    text = raw("中央单位倾情支援脱贫攻", "坚，社会扶贫吸引大批爱心人士。")
    assert texts_of(text) == ["中央单位倾情支援脱贫攻坚，社会扶贫吸引大批爱心人士。"]


def test_a_line_opening_with_a_closing_mark_continues_even_a_heading_like_line():
    assert texts_of(raw("社会资本聚力周口扶贫", "”，全社会参与。")) == ["社会资本聚力周口扶贫”，全社会参与。"]


def test_a_line_ending_in_an_enumeration_comma_always_continues():
    text = raw("亭台、雕塑、", "假山点缀其中。")
    assert texts_of(text) == ["亭台、雕塑、假山点缀其中。"]


def test_a_subhead_is_not_joined_to_its_paragraph():
    assert texts_of(raw("补齐短板强基础", "提及身边环境变化，居民如数家珍。")) == [
        "补齐短板强基础", "提及身边环境变化，居民如数家珍。"]


def test_a_sentence_just_begun_is_joined_across_a_paragraph_gap():
    assert texts_of(raw("以港促城，发展新路径。我市", "进一步明确了发展定位。")) == [
        "以港促城，发展新路径。我市进一步明确了发展定位。"]


def test_a_sentence_just_begun_is_not_joined_across_a_column_break_or_into_a_headline():
    broken = "让城市更文明，让生活更美好。我\n\n\n\n密切了干群关系。\n"
    assert texts_of(broken) == ["让城市更文明，让生活更美好。我", "密切了干群关系。"]
    assert texts_of(raw("走活满盘“棋”。周", "“城市新貌” 三川蝶变", "记者 王艳")) == [
        "走活满盘“棋”。周", "“城市新貌” 三川蝶变", "记者 王艳"]


def test_a_line_is_never_joined_into_a_byline():
    assert texts_of(raw("一幅新画卷正在徐徐展开，城市功能日益", "记者 王艳"))[1] == "记者 王艳"


def test_jump_marker_is_cut_after_a_finished_sentence_and_recorded():
    lines, markers = read_lines(raw("旌旗如画。①6", "接着说。"))
    assert lines[0].text == "旌旗如画。" and lines[0].marker == "①6"
    assert [(m.line, m.text) for m in markers] == [(1, "①6")]
    assert cut_marker("详见下文。（下转第6版）") == ("详见下文。", "（下转第6版）")


def test_a_page_jump_cuts_a_sentence_and_is_recorded():
    assert cut_marker("奋进在决胜同步全面小康的新征程上，①6") == ("奋进在决胜同步全面小康的新征程上，", "①6")


def test_circled_number_inside_running_text_is_not_a_marker():
    assert cut_marker("措施有两条，①") == ("措施有两条，①", "")


def test_jump_marker_ends_the_paragraph_even_if_the_next_line_could_continue():
    assert len(blocks_of(raw("旌旗如画。①6", "而且还有更多。"))) == 2


def test_whitespace_is_normalised_and_space_only_lines_count_as_blank():
    assert normalise_line("\u3000 决战贫困  ■\u00a0力同心 ") == "决战贫困■力同心"
    assert normalise_line("“百城提质”  三川蝶变") == "“百城提质” 三川蝶变"
    lines, _ = read_lines("甲。\n \n\u3000\n乙。\n")
    assert lines[1].gap_before == 2

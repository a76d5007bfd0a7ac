"""Repeated passages: exact, re-broken with characters lost, spliced."""
import pytest

from feature.importer.duplicates import UniqueTextDropped, drop_duplicates, ensure_covered

from tests.support.importer import blocks_of, raw

WIDE = "畅通了信访渠道。两级全部建立了扶贫公共服务热线机构，实现了热线电话、手机短信全覆盖。"


def _kept_texts(kept):
    return [b.text for b in kept if b is not None]


def test_a_re_broken_exact_copy_is_dropped_and_the_unbroken_copy_kept():
    text = raw(WIDE, "另一段文字。", "畅通了信访渠道。两级", "全部建立了扶贫公共服务热线机构，实现了热线电话、手机短信全",
               "覆盖。")
    kept, dropped, flags = drop_duplicates(blocks_of(text))
    assert _kept_texts(kept) == [WIDE, "另一段文字。"]
    assert [(d.how, d.lines, d.kept_lines) for d in dropped] == [("exact", (5, 7, 9), (1,))]
    assert flags == []


def test_a_copy_that_lost_a_character_is_dropped_in_favour_of_the_complete_one():
    narrow = raw("中央单位倾情支援脱贫攻", "坚，社会资本聚力周口扶", "……在周口，全社会参与扶",
                 "贫的交响乐越奏越嘹亮。")
    complete = "中央单位倾情支援脱贫攻坚，社会资本聚力周口扶贫……在周口，全社会参与扶贫的交响乐越奏越嘹亮。"
    kept, dropped, _ = drop_duplicates(blocks_of(narrow + "\n\n" + raw(complete)))
    assert _kept_texts(kept) == [complete]
    assert dropped[0].how == "fuzzy" and "贫" in dropped[0].note


def test_a_copy_spliced_onto_another_paragraph_is_cut_and_the_seam_mended():
    guest = "危房改造成效明显，完成农村危房改造1.79万户，超额完成目标任务。"
    text = raw("就业扶贫提速。累计开发公益性岗位8500多个，吸纳贫困人口就业；" + guest, "扶贫助残送上关爱。", guest)
    kept, dropped, _ = drop_duplicates(blocks_of(text))
    assert _kept_texts(kept) == [
        "就业扶贫提速。累计开发公益性岗位8500多个，吸纳贫困人口就业。", "扶贫助残送上关爱。", guest]
    assert dropped[0].how == "spliced" and dropped[0].kept_lines == (5,)
    assert "“；” replaced by “。”" in dropped[0].note


def test_a_spliced_copy_spanning_a_line_break_names_every_raw_line_it_came_from():
    guest = "危房改造成效明显，完成农村危房改造1.79万户（其中贫困户1.14万户），超额完成任务。"
    text = raw("就业扶贫提速。吸纳贫困人口就业；危房改造成效明显，完成农村危房改造1.79万户（其中贫困户1.14万",
               "户），超额完成任务。", "其他。", guest)
    _, dropped, _ = drop_duplicates(blocks_of(text))
    assert dropped[0].lines == (1, 3)


def test_near_copies_that_differ_both_ways_are_both_kept_and_flagged():
    a = "全市累计选聘两千名生态护林员，确保五个贫困县森林资源管护无死角。"
    b = "全市累计选聘两千名生态护林员，确保六个贫困县森林资源管护无死角。"
    kept, dropped, flags = drop_duplicates(blocks_of(raw(a, b)))
    assert _kept_texts(kept) == [a, b] and dropped == []
    assert [f.kind for f in flags] == ["near-duplicate"]


def test_short_repeated_sentences_are_not_treated_as_copies():
    kept, dropped, _ = drop_duplicates(blocks_of(raw("密切了干群关系。", "密切了干群关系。")))
    assert dropped == [] and len(_kept_texts(kept)) == 2


def test_dropping_text_the_kept_copy_lacks_is_refused():
    with pytest.raises(UniqueTextDropped):
        ensure_covered("甲乙丙丁", "甲乙丁")
    ensure_covered("甲乙，丁。", "甲乙丙丁")     # punctuation and lost characters are fine


def test_a_pull_quote_the_layout_repeats_is_dropped_but_a_short_exclamation_is_not():
    text = raw("正文第一段。", "“脱贫路上，决不落下一户一人！”", "正文第二段，很长很长。",
               "“脱贫路上，决不落下一户一人！”", "“好！”", "又一段。", "“好！”")
    kept, dropped, _ = drop_duplicates(blocks_of(text))
    assert _kept_texts(kept) == ["正文第一段。", "“脱贫路上，决不落下一户一人！”", "正文第二段，很长很长。",
                                 "“好！”", "又一段。", "“好！”"]
    assert [(d.how, d.lines, d.kept_lines) for d in dropped] == [("exact", (7,), (3,))]

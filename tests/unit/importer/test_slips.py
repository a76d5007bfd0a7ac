"""Suspected OCR slips, one class at a time, on sentences the Zhoukou text
does not have: each slip is flagged at its place with the reading that
restores it; ordinary writing that looks similar is left alone."""
import pytest

from feature.importer.lexicon import load_lexicon
from feature.importer.proposals import DOUBLED, GLYPH, IDIOM, LOOKALIKE, PAIR
from feature.importer.slips import find_slips


@pytest.fixture(scope="module")
def lexicon():
    return load_lexicon()


def _found(text, lexicon):
    return [(p.kind, p.printed, p.reading, p.start) for p in find_slips(text, lexicon)]


@pytest.mark.parametrize("text, expected", [
    ("各地要加快推进基础设设施建设。", (DOUBLED, "设", "", 9)),
    ("各市县（县、区）要落实责任。", (DOUBLED, "县", "", 2)),
    ("工作要抓实，，不能松懈。", (DOUBLED, "，", "", 5)),
])
def test_a_doubled_character_no_word_has_is_proposed_for_deletion(text, expected, lexicon):
    assert _found(text, lexicon) == [expected]


@pytest.mark.parametrize("text", [
    "人人都有责任，产权权能要充实。",        # 人人 is a word; 产权|权能 two words meeting
    "犹如一颗颗明珠镶嵌在城区各处。",         # a measure word doubled on purpose
    "要求穿得暖、洗洗澡、治治病。",           # a pattern repeated
    "市、县（市、区）两级全部建立了热线。",   # brackets without a doubled character
])
def test_reduplication_written_on_purpose_is_left_alone(text, lexicon):
    assert _found(text, lexicon) == []


@pytest.mark.parametrize("text, printed, reading", [
    ("战土们冲锋在前。", "土", "士"),
    ("每逢周未，公园里人很多。", "未", "末"),
    ("末来可期。", "末", "未"),
    ("他己经走了。", "己", "已"),
    ("这是自已的事情。", "已", "己"),    # 自已 is in the word list, 自己 far commoner
    ("这竞然是真的。", "竞", "竟"),
    ("选拨优秀干部到村任职。", "拨", "拔"),
    ("大家迎难而上，埋头苦千。", "千", "干"),
])
def test_a_look_alike_character_is_proposed_from_the_common_word(text, printed, reading, lexicon):
    [(kind, found, proposed, start)] = _found(text, lexicon)
    assert (kind, found, proposed) == (LOOKALIKE, printed, reading)
    assert text[start] == printed


@pytest.mark.parametrize("text, expected", [
    ("大家一心一意，全力赴地工作。", (IDIOM, "", "以", 9)),          # a character lost
    ("他们一丝不笱地工作。", (IDIOM, "笱", "苟", 5)),                # misread, not a look-alike
])
def test_an_idiom_one_character_off_is_proposed(text, expected, lexicon):
    assert _found(text, lexicon) == [expected]


@pytest.mark.parametrize("text", [
    "保障特困群体老有所依、老有所养、老有所医、老有所居。",   # a series varied on purpose
    "以水润城、以绿荫城、以文化城、以业兴城。",
    "脱贫路上，决不落下一户一人！",                          # 一X一Y: a pattern, not 一户一策
    "这是一次千载难逢的机遇，大家精益求精、兢兢业业。",
])
def test_idioms_and_patterns_written_on_purpose_are_left_alone(text, lexicon):
    assert _found(text, lexicon) == []


@pytest.mark.parametrize("glyph", ["■", "□", "\ufffd", "\ue000"])
def test_an_undecoded_glyph_is_read_when_a_phrase_settles_it(glyph, lexicon):
    assert _found(f"大家同{glyph}协力，共建家园。", lexicon) == [(GLYPH, glyph, "心", 3)]


def test_an_undecoded_glyph_no_phrase_settles_is_flagged_without_a_reading(lexicon):
    [(kind, printed, reading, start)] = _found("今天来了■位客人。", lexicon)
    assert (kind, printed, reading) == (GLYPH, "■", None)


@pytest.mark.parametrize("text, reading, at", [
    ("他说：“我们要干。", "”", 9),                     # speech after a colon runs to the end
    ("开工建设沙颍河（二期工程，启动连通工程。", "）", 12),  # a bracket ends before the next mark
    ("周口的成绩令人眼前一亮！”省长说。", "“", 0),        # the opening mark lost at the start
])
def test_an_unpaired_mark_is_flagged_with_where_its_partner_stood(text, reading, at, lexicon):
    assert _found(text, lexicon) == [(PAIR, "", reading, at)]
    assert all(p.decide for p in find_slips(text, lexicon))


def test_clean_news_writing_has_no_flags(lexicon):
    text = ("近年来，我市狠抓政策落实，以产业扶贫、就业扶贫、金融扶贫为抓手，分路并进，协调联动，"
            "打好政策组合拳。截至目前，全市发展农民合作社累计达到1.77万家，带动贫困户1.47万户，"
            "基本实现了每个贫困户有1至2项稳定增收渠道。乡村在变美、产业在变强、群众在变富。")
    assert _found(text, lexicon) == []

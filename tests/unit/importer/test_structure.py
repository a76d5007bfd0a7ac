"""Headlines, decks, bylines, subheads, pull quotes."""
from feature.importer.records import BYLINE, DECK, HEADLINE, KICKER, PARAGRAPH, QUOTE, SUBHEAD
from feature.importer.structure import is_pull_quote, parse_byline
from feature.core.model import Reporter

from tests.support.importer import blocks_of, raw


def test_bylines_with_every_common_title():
    assert parse_byline("首席记者 李凤霞") == (Reporter("李凤霞", "首席记者"),)
    assert parse_byline("本报记者王艳") == (Reporter("王艳", "本报记者"),)
    assert parse_byline("记者 王艳 通讯员 张三 李四") == (
        Reporter("王艳", "记者"), Reporter("张三", "通讯员"), Reporter("李四", "通讯员"))
    assert parse_byline("实习生 赵六") == (Reporter("赵六", "实习生"),)
    assert parse_byline("特约记者 孙七") == (Reporter("孙七", "特约记者"),)


def test_a_heading_that_merely_mentions_a_reporter_is_not_a_byline():
    assert parse_byline("记者节里的思考与回望") is None
    assert parse_byline("王艳") is None          # a name needs a title before it
    assert parse_byline("记者 王艳说，今年很好") is None


def test_headline_deck_byline_subhead_and_paragraph_are_told_apart():
    blocks = blocks_of(raw("春天的田野", "——某县春耕生产综述", "记者 张明", "今年以来，全县春耕进展顺利。",
                           "抢抓农时保播种", "全县共投入农机两千台。"))
    assert [b.kind for b in blocks] == [HEADLINE, DECK, BYLINE, PARAGRAPH, SUBHEAD, PARAGRAPH]


def test_headline_without_deck_is_recognised_by_its_byline():
    kinds = [b.kind for b in blocks_of(raw("“城市新貌” 三川蝶变", "记者 王艳", "八月的城市生机勃发。"))]
    assert kinds == [HEADLINE, BYLINE, PARAGRAPH]


def test_a_standalone_short_quotation_is_a_pull_quote():
    blocks = blocks_of(raw("前文。", "“脱贫路上，决不落下一户一人！”", "这是庄严承诺。"))
    assert [b.kind for b in blocks] == [PARAGRAPH, QUOTE, PARAGRAPH]
    assert not is_pull_quote("“甲”和“乙”都说好。")


def test_a_section_label_above_a_headline_is_its_kicker_not_a_subhead():
    kinds = [b.kind for b in blocks_of(raw("百城提质", "城市交通换新颜", "记者 李华", "正文第一段，写得很长。"))]
    assert kinds == [KICKER, HEADLINE, BYLINE, PARAGRAPH]


def test_kicker_is_kept_in_the_head_and_out_of_the_body():
    from feature.importer import import_raw
    text = raw("春耕生产进展顺利", "记者 张明", "今年以来，全县春耕播种进展顺利，小麦长势良好，农机手忙着播种。",
               "城市建设", "城市交通换新颜", "记者 李华", "今年，城市地铁建设全面提速，公交与地铁无缝衔接。")
    farm, metro = import_raw(text, "page.txt").articles
    assert (metro.kicker, metro.headline) == ("城市建设", "城市交通换新颜")
    assert all(b.text != "城市建设" for a in (farm, metro) for b in a.blocks)

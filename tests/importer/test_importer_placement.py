"""Interleaved columns go back under their article; doubts are reported."""
from feature.importer import import_raw, run
from feature.importer.proposals import GUESS_NOTE

from . import raw

FARM_OPENING = "今年以来，全县抓住有利天气，组织农民抢抓农时，春耕播种进展顺利，小麦长势良好，农机手忙着播种。"
FARM_MORE = "全县共投入农机两千台，农机手分片包干，小麦播种面积十二万亩，春耕农机服务队走村入户。"
METRO_EARLY = "地铁三号线全线贯通，公交线路同步优化，市民乘坐地铁出行更加便捷，地铁站点覆盖主城区。"
METRO_OPENING = "今年，城市地铁建设全面提速，公交与地铁无缝衔接，市民出行更便捷，地铁线路延伸到新城区。"
WEATHER = "天气预报：明天晴转多云，气温十五到二十度，东南风三级，空气质量良好，适宜户外活动。"

INTERLEAVED = raw(
    "春耕生产进展顺利", "记者 张明", FARM_OPENING,
    "农机服务保播种", FARM_MORE,
    "地铁建设提速度", METRO_EARLY,       # printed before its own headline
    "城市交通换新颜", "记者 李华", METRO_OPENING,
)


def _texts(article):
    return [b.text for b in article.blocks]


def test_a_run_printed_before_its_headline_is_placed_under_it():
    farm, metro = import_raw(INTERLEAVED, "page.txt").articles
    assert _texts(farm) == [FARM_OPENING, "农机服务保播种", FARM_MORE]
    assert _texts(metro) == [METRO_OPENING, "地铁建设提速度", METRO_EARLY]
    assert [p.how for p in metro.placements] == ["opening", "resemblance"]


def test_headline_and_byline_are_taken_from_the_head():
    metro = import_raw(INTERLEAVED, "page.txt").articles[1]
    assert metro.headline == "城市交通换新颜"
    assert [str(r) for r in metro.byline] == ["记者 李华"]
    assert metro.head_lines == (15, 17)


def test_a_short_run_stays_with_the_text_before_it_and_is_flagged_as_a_guess(tmp_path):
    text = raw("春耕生产进展顺利", "记者 张明", FARM_OPENING, "田间管理", "抓好管理。")
    result = import_raw(text, "page.txt")
    assert _texts(result.articles[0])[-2:] == ["田间管理", "抓好管理。"]
    assert [(f.kind, f.lines) for f in result.flags] == [("guess", (7, 9))]
    # The draft carries a flag line before the run, so the guess cannot be published unchecked.
    (tmp_path / "page.txt").write_text(text, encoding="utf-8")
    run(tmp_path / "page.txt", tmp_path / "drafts")
    body = (tmp_path / "drafts" / "article-1.md").read_text(encoding="utf-8").split("---\n", 2)[2]
    assert body.endswith(f"\n〔？{GUESS_NOTE}〕\n\n## 田间管理\n\n抓好管理。\n")


def test_text_resembling_no_article_is_not_placed_but_kept_and_flagged():
    text = INTERLEAVED + "\n\n\n" + raw(WEATHER)
    result = import_raw(text, "page.txt")
    assert [b.text for b in result.unplaced] == [WEATHER]
    assert [f.kind for f in result.flags] == ["unplaced"]
    assert all(WEATHER not in _texts(a) for a in result.articles)

"""Interleaved columns go back under their article; doubts are reported."""
from feature.importer import import_raw, run
from feature.importer.proposals import GUESS_NOTE

from tests.support.importer import (
    FARM_MORE, FARM_OPENING, INTERLEAVED, METRO_EARLY, METRO_OPENING, WEATHER, raw,
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

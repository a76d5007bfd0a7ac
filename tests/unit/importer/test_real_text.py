"""The importer on the real raw text of the first edition."""
import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
import yaml

from feature.importer import import_raw
from feature.importer.proposals import GLYPH, JOIN, PAIR

RAW = Path(__file__).resolve().parents[3] / "sources" / "zhoukou-2019-raw.txt"
CORRECTIONS = RAW.parents[1] / "content" / "corrections.yaml"
# The test's own idea of a sentence and of "the same text", independent of
# the importer's: split after sentence-final marks and semicolons (a splice
# glues two sentences at a semicolon), ignore punctuation and spaces.
_SENTENCE_END = re.compile(r"(?<=[。！？!?；])|(?<=……)")
_JUMP_MARKER = re.compile(r"[①-⑳]\d*\s*$")


def _norm(text: str) -> str:
    return "".join(ch for ch in text if unicodedata.category(ch)[0] not in "PZC")


def _sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(text) if _norm(s)]


@pytest.fixture(scope="module")
def result():
    return import_raw(RAW.read_text(encoding="utf-8"), "sources/zhoukou-2019-raw.txt")


def _blocks(result):
    return [b for a in result.articles for b in a.blocks] + list(result.unplaced)


def test_no_sentence_of_the_raw_text_is_missing(result):
    heads = [f"{a.headline}|{a.deck}|" + "|".join(str(r) for r in a.byline) for a in result.articles]
    imported = "|".join([_norm(b.text) for b in _blocks(result)] + [_norm(h) for h in heads])
    checked, missing = 0, []
    for number, line in enumerate(RAW.read_text(encoding="utf-8").splitlines(), start=1):
        for sentence in _sentences(_JUMP_MARKER.sub("", line)):
            checked += 1
            if _norm(sentence) not in imported:
                missing.append((number, sentence))
    assert missing == []
    assert checked > 150


def test_no_sentence_appears_twice(result):
    counts = Counter(_norm(s) for b in _blocks(result) for s in _sentences(b.text))
    assert [s for s, n in counts.items() if n > 1] == []
    assert sum(counts.values()) > 120


def test_no_paragraph_ends_mid_sentence_the_two_cut_by_a_column_end_are_joined(result):
    open_ends = {b.last_line for b in _blocks(result)
                 if b.kind in ("paragraph", "quote") and not re.search(r"[。！？…]”?$", b.text)}
    assert open_ends == set()
    city = result.articles[1]
    assert [j.lines for j in city.column_joins] == [(105, 117), (139, 194)]
    joined = [city.blocks[j.block].text for j in city.column_joins]
    assert joined[0].startswith("巧落一个“子”，走活满盘“棋”。周这座被百城建设提质工程")
    assert "让城市更文明，让生活更美好。我坚持以文化人" in joined[1]


def test_characters_lost_at_the_column_joins_are_proposed_from_the_text_itself(result):
    city = result.articles[1]
    lost = [(f.raw_line, f.proposal.printed, f.proposal.reading, f.proposal.decide)
            for f in city.findings if f.proposal.kind == JOIN]
    assert lost == [(117, "", "口，", True), (194, "", "市", True)]


def test_both_articles_with_their_heads(result):
    poverty, city = result.articles
    assert (poverty.headline, poverty.deck) == ("让千万人民过上富裕幸福的生活", "——全市推进脱贫攻坚工作综述")
    assert [(r.title, r.name) for r in poverty.byline] == [("首席记者", "李凤霞")]
    assert (city.headline, city.deck) == ("“百城提质” 三川蝶变", "")
    assert [(r.title, r.name) for r in city.byline] == [("记者", "王艳")]


def test_every_subhead_is_found_under_its_article(result):
    poverty, city = result.articles
    assert set(poverty.subheads) == {"不忘初心的脱贫答卷", "与时俱进的攻坚作为"}
    assert city.subheads == ("补齐短板强基础", "以人为本优环境", "产城融合添动力", "创建并举增活力")


def test_interleaved_and_narrow_column_text_is_placed_in_the_right_article(result):
    poverty, city = result.articles
    poverty_text = "".join(b.text for b in poverty.blocks)
    city_text = "".join(b.text for b in city.blocks)
    assert "密切了干群关系。通过驻村帮扶" in poverty_text       # unique to the narrow copy
    assert "岁月不居" in poverty_text and "“脱贫路上，决不落下一户一人！”" in poverty_text
    assert "提及身边环境变化" in city_text and "坚持以文化人" in city_text
    assert result.unplaced == ()
    # Too short to compare, 产城融合添动力 stays with the column before it; its cut last
    # sentence going on in the article's next run confirms that, so it is no guess.
    assert [f.lines for f in result.flags if f.kind == "guess"] == []
    [placed] = [p for p in city.placements if p.first_line == 103]
    assert placed.how == "neighbour" and not placed.guess and "the two agree" in placed.note


def test_duplicates_dropped_are_the_narrow_copy_and_the_splice(result):
    dropped = {(d.lines[0], d.how, d.kept_lines[0]) for d in result.duplicates}
    assert dropped == {(151, "exact", 55), (157, "exact", 57), (171, "exact", 59),
                       (173, "fuzzy", 61), (188, "exact", 63), (27, "spliced", 41)}
    employment = next(b for b in result.articles[0].blocks if b.text.startswith("就业扶贫提速"))
    assert employment.text.endswith("吸纳贫困人口就业。")


def test_joins_markers_glyph_and_quote(result):
    joins = {j.lines for j in result.joins}
    assert {(17, 19), (93, 95), (121, 123), (143, 145, 147, 149), (196, 198)} <= joins
    assert len(result.joins) == 11
    assert [(m.line, m.text) for m in result.markers] == [(63, "①6"), (190, "①6")]
    found = [(f.raw_line, f.proposal.kind, f.proposal.printed, f.proposal.reading)
             for a in result.articles for f in a.findings]
    assert (59, GLYPH, "■", "戮") in found
    assert (89, PAIR, "", "“") in found


def _flagged(result, correction) -> bool:
    """A finding lies inside the text the editor corrected."""
    for article in result.articles:
        for index, block in enumerate(article.blocks):
            at = block.text.find(correction["original"])
            if at >= 0 and any(f.block == index and at <= f.proposal.start <= at + len(correction["original"])
                               for f in article.findings):
                return True
    return False


def _matches_a_correction(result, article, finding, corrections) -> bool:
    text = article.blocks[finding.block].text
    for c in corrections:
        at = text.find(c["original"])
        if at >= 0 and at <= finding.proposal.start <= at + len(c["original"]):
            return True
    return False


def test_the_editors_repairs_are_flagged_and_false_flags_are_fewer(result):
    corrections = yaml.safe_load(CORRECTIONS.read_text(encoding="utf-8"))
    flagged = [c["original"] for c in corrections if _flagged(result, c)]
    false = [(f.raw_line, f.proposal.reason) for a in result.articles for f in a.findings
             if not _matches_a_correction(result, a, f, corrections)]
    assert len(corrections) == 9 and len(flagged) >= 8
    assert len(false) < len(flagged)

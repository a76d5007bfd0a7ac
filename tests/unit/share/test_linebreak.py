"""clreq line breaking: properties over generated text, and the real edition's headlines and sentences."""
from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from feature.share.cards import WIDE_HEADLINE
from feature.share.fonts import SERIF, SERIF_BOLD
from feature.share.linebreak import (CLOSING, ELLIPSIS, OPENING, break_lines, clamp, content_length, normalize,
                                     pieces)
from feature.share.typeset import LAYOUT
from tests.support import examples


def width_of(text: str) -> float:
    """A stand-in font: ideographs and full-width marks one unit, ASCII half."""
    return sum(0.5 if ord(c) < 128 else 1 for c in text)


IDEOGRAPHS = st.sampled_from("脱贫攻坚周口在行动全市推进工作综述百城提质三川蝶变群众生活")
NUMBERS = st.sampled_from(["21.99亿元", "87.21%", "2291公里", "1.77万家", "8500多个", "第29", "3600亩", "5G"])
WORDS = st.sampled_from(["COVID-19", "PDF", "Zhoukou", "WeChat"])
TOKENS = st.one_of(IDEOGRAPHS, IDEOGRAPHS, IDEOGRAPHS, NUMBERS, WORDS,
                   st.sampled_from(list(CLOSING) + list(OPENING) + ["——", "……", " "]))
TEXTS = st.lists(TOKENS, min_size=2, max_size=60).map("".join).filter(lambda t: content_length(t) >= 2)
WIDTHS = st.integers(min_value=14, max_value=30)


def assert_clreq(text: str, lines: list[str], width: float) -> None:
    assert "".join(lines).replace(" ", "") == normalize(text).replace(" ", ""), "text lost or changed"
    for number, line in enumerate(lines):
        assert line and line == line.strip(" ")
        if number > 0:
            assert line[0] not in CLOSING + ELLIPSIS, f"line {number} starts with {line[0]}: {lines}"
        if number < len(lines) - 1:
            assert line[-1] not in OPENING, f"line {number} ends with {line[-1]}: {lines}"
        assert width_of(line) <= width


@settings(max_examples=examples(300), deadline=None)
@given(TEXTS, WIDTHS, st.booleans())
# An orphan whose line also holds an opening bracket: one piece down is not enough.
@example("脱脱脱脱脱脱21.99亿元21.99亿元PDF脱（", 18, False)
def test_lines_keep_the_text_and_the_clreq_rules(text, width, balance):
    lines = break_lines(text, width_of, width, balance)
    assert_clreq(text, lines, width)
    if len(lines) >= 2 and content_length(lines[-1]) < 2:
        # An orphan stays only where no piece can come down: the line before is one
        # unbreakable piece, or its last piece and the orphan do not fit one line.
        before = [p for p in pieces(lines[-2]) if p != " "]
        assert len(before) == 1 or width_of(before[-1] + lines[-1]) > width, f"orphan: {lines}"


@settings(max_examples=examples(200), deadline=None)
@given(st.lists(st.one_of(IDEOGRAPHS, NUMBERS, WORDS), min_size=2, max_size=40), WIDTHS)
def test_numbers_with_units_and_latin_words_stay_whole(tokens, width):
    # Ideographs between the tokens, so each number or word is its own piece.
    text = "，".join(tokens)
    lines = break_lines(text, width_of, width)
    for token in tokens:
        if len(token) > 1:
            assert any(token in line for line in lines), f"{token} broken across {lines}"


@settings(max_examples=examples(200), deadline=None)
@given(TEXTS, WIDTHS)
def test_balanced_lines_are_as_many_as_filled_ones(text, width):
    assert len(break_lines(text, width_of, width, balance=True)) == len(break_lines(text, width_of, width))


@settings(max_examples=examples(200), deadline=None)
@given(TEXTS, WIDTHS, st.integers(min_value=1, max_value=3))
def test_clamped_lines_end_in_an_ellipsis_and_fit(text, width, count):
    lines = clamp(break_lines(text, width_of, width), count, width_of, width)
    assert len(lines) <= count
    assert all(width_of(line) <= width for line in lines)


def test_examples():
    assert break_lines("让千万人民过上富裕幸福的生活", width_of, 10, balance=True) == ["让千万人民过上", "富裕幸福的生活"]
    assert break_lines("让千万人民过上富裕幸福的生活", width_of, 10) == ["让千万人民过上富裕幸", "福的生活"]
    # The closing quote stays with 质, the space vanishes at the break.
    assert break_lines("“百城提质” 三川蝶变", width_of, 6) == ["“百城提质”", "三川蝶变"]
    # 。 may not start a line and 活 alone would be an orphan: 生 comes down with it.
    assert break_lines("让千万人民过上富裕幸福的生活。", width_of, 14) == ["让千万人民过上富裕幸福的", "生活。"]
    # A break inside 2291公里 moves the whole figure down.
    assert break_lines("修建农村公路2291公里，是目标任务的5倍", width_of, 8) == ["修建农村公路", "2291公里，是目标", "任务的5倍"]
    # An opening quote never ends a line (实施了“ would fit): it goes down with 全.
    assert break_lines("实施了“全面改薄”项目", width_of, 4) == ["实施了", "“全面改", "薄”项目"]
    # Cut text ends at a pause late in the line, not mid-word, and never after a comma.
    assert clamp(["周口港千吨级货船", "直达长江，临港经济签约", "项目"], 2, width_of, 12) == \
        ["周口港千吨级货船", "直达长江……"]
    assert clamp(["周口港千吨级货船", "直达，长江临港经济签约", "项目"], 2, width_of, 12) == \
        ["周口港千吨级货船", "直达，长江临港经济签……"]


def real_texts(edition):
    """(text, the figures in it that must stay whole) of everything the images show."""
    config, ed = edition
    for article in ed.articles:
        yield article.headline, []
        yield article.deck, []
        yield article.lede, []
        for figure in article.key_figures:
            yield figure.sentence, [figure.text]
    yield config.title, []
    for section in config.sections:
        yield section.description, []


@pytest.mark.parametrize("width", [300, 520, 700, 912])
@pytest.mark.parametrize("spec", [SERIF_BOLD, SERIF])
def test_the_real_edition_breaks_by_the_rules_in_the_real_face(fonts, edition, width, spec):
    font = fonts.font(fonts.face(spec), 36)

    def measure(text):
        return font.getlength(text, **LAYOUT)
    for text, whole in real_texts(edition):
        if not text:
            continue
        lines = break_lines(text, measure, width)
        assert "".join(lines).replace(" ", "") == normalize(text).replace(" ", "")
        assert all(measure(line) <= width + 0.01 for line in lines)
        assert all(line[0] not in CLOSING + ELLIPSIS for line in lines[1:]), lines
        assert all(line[-1] not in OPENING for line in lines[:-1]), lines
        if len(lines) >= 2:
            assert content_length(lines[-1]) >= 2, lines
        for figure in whole:
            assert any(figure in line for line in lines), (figure, lines)


def test_real_headlines_fit_three_lines_and_shrink_only_when_needed(fonts, edition):
    from feature.share.typeset import set_text
    _, ed = edition
    for article in ed.articles:
        block = set_text(fonts, article.headline, WIDE_HEADLINE, 650)
        assert len(block.lines) <= 3 and block.size == WIDE_HEADLINE.sizes[0]
    long = "周口港千吨级货船直达长江，临港经济38个签约项目总投资532.28亿元，三川大地正在发生历史性巨变"
    block = set_text(fonts, long, WIDE_HEADLINE, 650)
    assert len(block.lines) == 3 and block.size == WIDE_HEADLINE.sizes[-1]
    assert block.lines[-1].endswith("……")
    middle = "让千万人民过上富裕幸福的生活，让千万人民过上富裕幸福的生活"
    block = set_text(fonts, middle, WIDE_HEADLINE, 650)
    assert len(block.lines) <= 3 and WIDE_HEADLINE.sizes[-1] < block.size < WIDE_HEADLINE.sizes[0]
    assert "".join(block.lines) == middle

"""render.py's helpers for templates: where a headline may break."""
import pytest

from feature.render.templates import Phrase, headline_phrases


@pytest.mark.parametrize("headline, phrases", [
    ("数说：决胜全面小康 周口在行动", [("数说：", False), ("决胜全面小康", True), ("周口在行动", False)]),
    ("“百城提质” 三川蝶变", [("“百城提质”", True), ("三川蝶变", False)]),
    ("让千万人民过上富裕幸福的生活", [("让千万人民过上富裕幸福的生活", False)]),
    ("周口港：通江达海，再出发！", [("周口港：", False), ("通江达海，", False), ("再出发！", False)]),
    ("他说“好”。然后", [("他说", False), ("“好”。", False), ("然后", False)]),      # 。” stay together
    ("省委书记（左）视察……", [("省委书记", False), ("（左）", False), ("视察……", False)]),
])
def test_a_headline_breaks_only_at_the_spaces_and_punctuation_written(headline, phrases):
    assert headline_phrases(headline) == tuple(Phrase(t, s) for t, s in phrases)
    assert "".join(p.text + " " * p.space_after for p in headline_phrases(headline)) == " ".join(headline.split())

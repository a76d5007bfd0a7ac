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


def test_environments_share_compiled_templates_and_compile_an_edited_one_again(tmp_path):
    """Environments without a cache folder share compiled code (ProcessBytecode);
    an edited template is compiled again in the same process, never served stale."""
    from feature.render.templates import make_environment
    page = tmp_path / "page.html"
    page.write_text("第一版 {{ n }}", encoding="utf-8")
    first = make_environment(tmp_path).get_template("page.html")
    again = make_environment(tmp_path).get_template("page.html")
    assert first.render(n=1) == again.render(n=1) == "第一版 1"
    page.write_text("第二版 {{ n * 2 }}", encoding="utf-8")
    assert make_environment(tmp_path).get_template("page.html").render(n=2) == "第二版 4"

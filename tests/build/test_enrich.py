"""Enrich: key figures verified against the text, ranked, consistent across articles."""

from feature.cli import main
from feature.core.config import load_config
from feature.build.pipeline import build
from tests.support import article

BODY = ("## 组织\n\n市县两级派出1031个工作队，实现全覆盖。明确29名市级领导干部联系7个重点县。\n\n"
        "## 金融\n\n2018年累计发放扶贫小额信贷21.99亿元，带动贫困户7.74万户。发放扶贫贷款7.7亿元。\n")


def test_curated_figures_are_verified_and_keep_the_editors_label(make_edition, tmp_path):
    root = make_edition({"content/alpha/a.md": article(
        "甲", "alpha", body=BODY, figures=[{"figure": "21.99亿元", "label": "扶贫小额信贷"},
                                            {"figure": "1031个工作队"}])})
    result = build(load_config(root / "config.yaml"), tmp_path / "out")
    figures = result.edition.articles[0].key_figures
    assert [(f.text, f.label, f.value) for f in figures] == [
        ("21.99亿元", "扶贫小额信贷", 2199000000.0), ("1031个", "市县两级派出工作队", 1031.0)]
    assert all(f.sentence_id.startswith("s-") for f in figures)


def test_a_curated_figure_missing_from_the_text_fails_with_file_and_line(make_edition, capsys):
    root = make_edition({"content/alpha/a.md": article(
        "甲", "alpha", body=BODY, figures=[{"figure": "21.99亿元"}, {"figure": "1013个工作队", "label": "工作队"},
                                            {"figure": "2018年"}])})
    assert main(["build", "--config", str(root / "config.yaml")]) == 1
    err = capsys.readouterr().err
    assert "content/alpha/a.md:6: error: figure “1013个工作队” does not occur in the article text" in err
    assert "content/alpha/a.md:8: error: figure “2018年” is in the text but is not a figure" in err
    assert not (root / "dist").exists()


def test_without_curation_the_sidebar_is_ranked_money_first(make_edition, tmp_path):
    root = make_edition({"content/alpha/a.md": article("甲", "alpha", body=BODY)})
    result = build(load_config(root / "config.yaml"), tmp_path / "out")
    texts = [f.text for f in result.edition.articles[0].key_figures]
    assert texts[0] == "21.99亿元"
    assert "2018年" not in texts and len(texts) == len(set(texts))


def test_same_label_with_different_numbers_warns(make_edition, tmp_path):
    root = make_edition({
        "content/alpha/a.md": article("甲", "alpha", body="市县两级派出1031个工作队。\n"),
        "content/beta/b.md": article("乙", "beta", body="市县两级派出1013个工作队。\n"),
    })
    result = build(load_config(root / "config.yaml"), tmp_path / "out")
    warnings = [str(w) for w in result.warnings]
    assert any("“市县两级派出工作队” is 1013个 here but 1031个 in content/alpha/a.md" in w for w in warnings), warnings


def test_figures_command_lists_candidates_with_positions(make_edition, capsys):
    root = make_edition({"content/alpha/a.md": article("甲", "alpha", body=BODY)})
    assert main(["figures", str(root / "content/alpha/a.md"), "--config", str(root / "config.yaml")]) == 0
    out = capsys.readouterr().out
    assert "# 甲 — 6 figures" in out
    assert "★ ¶1 句1    1031个" in out and "市县两级派出工作队" in out
    assert "★ ¶2 句1    21.99亿元" in out and "¶2 句2    7.7亿元" in out


def test_figures_page_links_every_figure_to_its_sentence(make_edition, tmp_path):
    from bs4 import BeautifulSoup
    root = make_edition({"content/alpha/a.md": article("甲", "alpha", body=BODY)})
    build(load_config(root / "config.yaml"), tmp_path / "out")
    page = BeautifulSoup((tmp_path / "out/figures/index.html").read_text(), "html.parser")
    story = BeautifulSoup((tmp_path / "out/alpha/a/index.html").read_text(), "html.parser")
    links = page.select(".figure-list a:not(.poster-link)")
    assert len(links) == 4       # one figure per sentence
    for a in links:
        anchor = a["href"].split("#")[1]
        assert a.data.get_text() in story.find(id=anchor).get_text()
    bars = page.select("svg.figure-chart rect")     # the two sums in 元 compared
    assert len(bars) == 2 and "21.99亿元" in page.select_one("svg.figure-chart")["aria-label"]


def test_figures_command_reports_a_broken_article_instead_of_crashing(make_edition, capsys):
    root = make_edition({"content/alpha/a.md": article("甲", "alpha", body="<" * 2100 + "\n")})
    assert main(["figures", str(root / "content/alpha/a.md"), "--config", str(root / "config.yaml")]) == 1
    assert "content/alpha/a.md:5: error: more than 2000 `<`" in capsys.readouterr().err

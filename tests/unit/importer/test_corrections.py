"""`import --apply-corrections FILE`: an editor's decisions (the
content/corrections.yaml format) applied to a new import, so next year's
import of a similar text reuses this year's."""
from pathlib import Path

import pytest

from feature.importer import import_source, run
from feature.importer.corrections import read_corrections
from feature.importer.proposals import SLIP_KINDS

from tests.support.importer import raw

ROOT = Path(__file__).resolve().parents[3]
RAW = ROOT / "sources" / "zhoukou-2019-raw.txt"
CORRECTIONS = ROOT / "content" / "corrections.yaml"


def test_this_years_decisions_resolve_every_flag_they_cover():
    result = import_source(RAW, read_corrections(CORRECTIONS))
    applied = [x.corrected for a in result.articles for x in a.applied]
    assert len(applied) == 9 and result.corrections_unused == ()
    slips = [f for a in result.articles for f in a.findings if f.proposal.kind in SLIP_KINDS]
    assert slips == []
    city = "".join(b.text for b in result.articles[1].blocks)
    assert "河畔花团锦簇" in city and "周〔口，〕这座被" in city and "我〔市〕坚持以文化人" in city
    # The corrected text keeps its raw lines: the report can still point into the print.
    assert [(x.raw_line, x.corrected) for x in result.articles[1].applied][:1] == [(111, "河畔花团锦簇")]


def test_next_years_text_reuses_the_decisions_that_fit_and_lists_the_rest(tmp_path, capsys):
    page = raw("春耕生产进展顺利", "记者 张明",
               "今年以来，全县河畔花园锦簇，春耕播种进展顺利，农机手忙着播种，小麦长势良好。")
    source = tmp_path / "page.txt"
    source.write_text(page, encoding="utf-8")
    assert run(source, tmp_path / "drafts", CORRECTIONS) == 0
    draft = (tmp_path / "drafts" / "article-1.md").read_text(encoding="utf-8")
    report = (tmp_path / "drafts" / "import-report.md").read_text(encoding="utf-8")
    assert "河畔花团锦簇" in draft and "〔？" not in draft
    assert f"## Applied from {CORRECTIONS} (1)" in report
    assert "- `article-1.md:11` (raw line 5): `河畔花园锦簇` → `河畔花团锦簇`" in report
    assert "Not found in this text (8)" in report


@pytest.mark.parametrize("text, line, message", [
    ("- original: 甲\n  reason: 没有改正\n", 1, "each correction needs `original` and `corrected` text"),
    ("- original: 甲\n  corrected: 乙\n- [not, a, mapping]\n", 3, "each correction needs"),
    ("original: 甲\n", 1, "expected a list of {file, original, corrected, reason}"),
    ("- original: [甲\n", 2, "invalid YAML"),
])
def test_a_bad_corrections_file_is_an_error_naming_file_and_line(text, line, message, tmp_path, capsys):
    bad = tmp_path / "corrections.yaml"
    bad.write_text(text, encoding="utf-8")
    source = tmp_path / "page.txt"
    source.write_text(raw("春耕生产进展顺利", "记者 张明", "正文。"), encoding="utf-8")
    assert run(source, tmp_path / "drafts", bad) == 1
    assert capsys.readouterr().err.startswith(f"{bad}:{line}: error: {message}")
    assert not (tmp_path / "drafts").exists()

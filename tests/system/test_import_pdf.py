"""`import page.pdf`: the real edition printed by WeasyPrint in a
three-column newspaper layout, read back by poppler's pdftotext: every
sentence of the edition comes back once, in order."""
import re
import subprocess
import unicodedata
from pathlib import Path

import pytest
import weasyprint

from feature.cli import main
from feature.importer import import_source, run
from feature.importer.pdf import pdf_text

ROOT = Path(__file__).resolve().parents[2]
# A broadsheet: wide pages, three justified columns, a sidebar box of key figures.
NEWSPAPER = """
@page { size: A3; margin: 15mm; }
.title-page, .contents { display: none; }
.story-body { column-count: 3; column-gap: 8mm; text-align: justify; }
"""
_SENTENCE_END = re.compile(r"(?<=[。！？!?；])|(?<=……)")
_EDITORIAL = re.compile(r"〔[^〕]*〕")


def _norm(text: str) -> str:
    return "".join(ch for ch in _EDITORIAL.sub("", text) if unicodedata.category(ch)[0] not in "PZC")


def _edition_sentences() -> list[str]:
    sentences = []
    for path in ("content/fupin/zongshu.md", "content/baicheng/sanchuan-diebian.md"):
        body = (ROOT / path).read_text(encoding="utf-8").split("---\n", 2)[2]
        for line in body.splitlines():
            line = re.sub(r"^(?:## |> )", "", line)
            sentences += [_norm(s) for s in _SENTENCE_END.split(line) if _norm(s)]
    return sentences


@pytest.fixture(scope="module")
def newspaper_pdf(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("newspaper")
    assert main(["print", "--config", str(ROOT / "config.yaml"), "--out", str(out / "dist")]) == 0
    pdf = out / "page.pdf"
    weasyprint.HTML(out / "dist" / "print" / "index.html").write_pdf(
        pdf, stylesheets=[weasyprint.CSS(string=NEWSPAPER)])
    return pdf


def test_the_layout_really_has_columns(newspaper_pdf):
    """The test means something only if pdftotext's own reading order
    interleaves the columns: many sentences are broken in its plain output."""
    plain = subprocess.run(["pdftotext", "-enc", "UTF-8", str(newspaper_pdf), "-"],
                           capture_output=True, check=True).stdout.decode()
    sentences = _edition_sentences()
    broken = [s for s in sentences if s not in _norm(plain)]
    assert len(broken) > len(sentences) // 4
    assert [s for s in sentences if s not in _norm(pdf_text(newspaper_pdf))] == []


def test_every_sentence_of_the_edition_comes_back_once_in_order(newspaper_pdf):
    result = import_source(newspaper_pdf)
    imported = _norm("".join(b.text for a in result.articles for b in a.blocks)
                     + "".join(b.text for b in result.unplaced))
    expected = _edition_sentences()
    assert len(expected) > 120
    missing = [s for s in expected if imported.count(s) == 0]
    twice = [s for s in expected if imported.count(s) > 1 and len(s) > 12]
    assert missing == [] and twice == []
    positions = [imported.find(s) for s in expected if len(s) > 12]
    assert positions == sorted(positions)


def test_the_articles_come_back_with_their_heads(newspaper_pdf):
    poverty, city = import_source(newspaper_pdf).articles
    assert (poverty.kicker, city.kicker) == ("脱贫攻坚", "百城提质")     # the section labels above
    assert (poverty.headline, poverty.deck) == ("让千万人民过上富裕幸福的生活", "——全市推进脱贫攻坚工作综述")
    assert [str(r) for r in poverty.byline] == ["首席记者 李凤霞"]
    assert city.headline == "“百城提质” 三川蝶变" and [str(r) for r in city.byline] == ["记者 王艳"]
    assert "不忘初心的脱贫答卷" in poverty.subheads and "产城融合添动力" in city.subheads


def test_the_key_figures_boxes_are_set_apart_not_run_into_the_text(newspaper_pdf):
    result = import_source(newspaper_pdf)
    assert [box.split(":")[0] for box in result.boxes] == ["page 1", "page 4"]
    assert "29名" in result.boxes[0] and "市级领导干部联系重点县和乡镇" in result.boxes[0]
    assert all(b.text != "29名" for a in result.articles for b in a.blocks)
    assert result.flags == () and result.unplaced == ()


def test_import_writes_drafts_from_a_pdf(newspaper_pdf, tmp_path, capsys):
    assert run(newspaper_pdf, tmp_path / "drafts") == 0
    assert "2 articles" in capsys.readouterr().out
    assert "“百城提质” 三川蝶变" in (tmp_path / "drafts" / "article-2.md").read_text(encoding="utf-8")


def test_a_file_that_is_not_a_pdf_is_a_clear_error(tmp_path, capsys):
    fake = tmp_path / "page.pdf"
    fake.write_text("not a pdf", encoding="utf-8")
    assert run(fake, tmp_path / "drafts") == 1
    assert capsys.readouterr().err.startswith(f"{fake}: error: not a readable PDF")

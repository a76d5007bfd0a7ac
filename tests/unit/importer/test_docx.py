"""`import story.docx`: real Word documents written with python-docx (as
newsroom systems and WPS export them): several articles, subheads, a bold
lead, bylines, a photo with its caption."""
import io

import docx
import pytest
import yaml
from docx.shared import Cm
from PIL import Image

from feature.importer import run

LEAD = "今年以来，全县抓住有利天气，组织农民抢抓农时，春耕播种进展顺利。"
FARM = "全县共投入农机两千台，农机手分片包干，小麦播种面积十二万亩，河畔花园锦簇。"
METRO = "城市地铁建设全面提速，公交与地铁无缝衔接，市民出行更便捷。"


def _photo() -> io.BytesIO:
    data = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(data, "PNG")
    data.seek(0)
    return data


def _story(path, photo_caption="农机在田间作业（张三 摄）"):
    document = docx.Document()
    document.add_paragraph("春耕生产进展顺利", style="Title")
    document.add_paragraph("——全县春耕春播综述", style="Subtitle")
    document.add_paragraph("本报记者 张明 通讯员 李华")
    lead = document.add_paragraph()
    lead.add_run(LEAD).bold = True
    document.add_heading("农机服务保播种", level=2)
    document.add_paragraph(FARM)
    document.add_paragraph().add_run().add_picture(_photo(), width=Cm(4))
    if photo_caption is not None:
        document.add_paragraph(photo_caption, style="Caption")
    document.add_heading("城市交通换新颜", level=1)
    document.add_paragraph("记者 王艳")
    document.add_paragraph(METRO)
    document.save(path)


def _draft(path):
    _, matter, body = path.read_text(encoding="utf-8").split("---\n", 2)
    return yaml.safe_load(matter), body


@pytest.fixture
def imported(tmp_path, capsys):
    _story(tmp_path / "story.docx")
    assert run(tmp_path / "story.docx", tmp_path / "drafts") == 0
    assert "2 articles" in capsys.readouterr().out
    return tmp_path / "drafts"


def test_each_heading_1_opens_an_article_with_its_deck_byline_and_bold_lead(imported):
    matter, body = _draft(imported / "article-1.md")
    assert matter["headline"] == "春耕生产进展顺利" and matter["deck"] == "——全县春耕春播综述"
    assert matter["reporter"] == "本报记者 张明\u3000通讯员 李华"
    assert matter["lede"] == LEAD and body.startswith(f"\n{LEAD}\n")
    second, body2 = _draft(imported / "article-2.md")
    assert (second["headline"], second["reporter"]) == ("城市交通换新颜", "记者 王艳")
    assert body2.strip() == METRO


def test_headings_become_subheads_and_slips_are_flagged_as_in_raw_text(imported):
    _, body = _draft(imported / "article-1.md")
    assert "\n## 农机服务保播种\n" in body
    assert "河畔花〔？园→团〕锦簇" in body
    report = (imported / "import-report.md").read_text(encoding="utf-8")
    assert "(paragraph 6) — look-alike character: " in report


def test_a_photo_is_extracted_beside_the_draft_with_its_caption_and_credit(imported):
    _, body = _draft(imported / "article-1.md")
    assert '\n![农机在田间作业](article-1-photo-1.png "农机在田间作业｜摄影 张三")\n' in body
    with Image.open(imported / "article-1-photo-1.png") as photo:
        assert photo.size == (64, 48)


def test_a_photo_without_a_caption_is_flagged(tmp_path, capsys):
    _story(tmp_path / "story.docx", photo_caption=None)
    assert run(tmp_path / "story.docx", tmp_path / "drafts") == 0
    _, body = _draft(tmp_path / "drafts" / "article-1.md")
    assert "\n![〔？照片说明〕](article-1-photo-1.png)\n" in body


def test_a_file_that_is_not_a_word_document_is_a_clear_error(tmp_path, capsys):
    fake = tmp_path / "story.docx"
    fake.write_text("not a document", encoding="utf-8")
    assert run(fake, tmp_path / "drafts") == 1
    assert capsys.readouterr().err.startswith(f"{fake}: error: not a readable Word document (.docx)")

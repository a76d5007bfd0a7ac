"""The print edition: print HTML, the PDF (one WeasyPrint render per session), article printing
(the paper rewrite of one fragment: tests/unit/printing/test_paper.py).

The fixture edition is long enough to span several pages per article and
dense with Chinese punctuation, so line breaking and page breaking are
really exercised.
"""
from __future__ import annotations

import re
import subprocess

import pytest
from bs4 import BeautifulSoup

from feature.core import urls
from feature.printing.pdf import PDF_NAME

from tests.support import article, command_output, write_edition

CLOSING = set("，。、；：？！）》”’」』】〕〗…")

CONFIG = """\
title: 测试专题 决胜小康
subtitle: 印刷版测试
newspaper: 测试日报
date: "2019-08"
language: zh-CN
base_url: /specials/test/
sections:
  - key: alpha
    title: 脱贫攻坚
  - key: beta
    title: 百城提质
print:
  paper: A4
  margin: 20mm 17mm 22mm
"""
MARGIN_LEFT_PT = 17 / 25.4 * 72

# Sentences rich in the punctuation that must never start a line.
_SENTENCES = [
    "市委、市政府把脱贫攻坚作为重大政治任务，以上率下、常抓严管，“四级书记”抓扶贫。",
    "为夯实工作基石，我市建立健全了三项机制、两项制度、一个责任体系；确保决策部署落地生根。",
    "近两年，市派驻村干部提拔{n}名、重用{m}名，县派驻村干部提拔52名。",
    "产业扶贫发力：坚持长短结合、大小结合、引扶结合，统筹谋划扶贫产业发展！",
    "村里人说：“路通了，心就亮了。”这是真心话吗？是的。",
    "全市共有贫困村{m}个（其中深度贫困村{n}个），已全部实现脱贫退出。",
    "《周口日报》记者走进沙颍河畔，看到一座座新建的游园、一条条整洁的街巷……",
    "截至今年6月底，全市累计投入资金{n}.5亿元，完成项目{m}个，占计划的87.21%。",
    "“以水润城、以绿荫城、以文化城、以业兴城、以港促城”，五城联创，步步为营。",
    "群众的获得感、幸福感、安全感不断增强，满意度达到9{n}.3%。",
]


def paragraphs(seed: int, count: int) -> list[str]:
    """Unique paragraphs (numbers vary with the seed) of 3–5 sentences each."""
    out = []
    for i in range(count):
        k = seed * 100 + i
        picked = [_SENTENCES[(k + j * 3) % len(_SENTENCES)] for j in range(3 + k % 3)]
        out.append(f"第{seed}篇第{i + 1}段：" + "".join(s.format(n=k % 97 + 3, m=k % 41 + 10) for s in picked))
    return out


def body(seed: int, subheads: list[str], per_section: int, extra: str = "") -> str:
    paras = paragraphs(seed, per_section * len(subheads) + 2)
    parts = paras[:2]
    for i, sub in enumerate(subheads):
        parts.append(f"## {sub}")
        parts.extend(paras[2 + i * per_section: 2 + (i + 1) * per_section])
    parts.insert(4, f"> 让千万人民过上富裕幸福的生活，是我们第{seed}篇的庄严承诺。")
    return "\n\n".join(parts) + "\n" + extra


FILES = {
    "content/alpha/zongshu.md": article(
        "让千万人民过上富裕幸福的生活", "alpha", order=1, deck="——全市推进脱贫攻坚工作综述",
        byline=["首席记者 李凤霞", "记者 张三"],
        figures=[{"figure": "87.21%", "label": "计划完成率"}, {"figure": "1031个", "label": "工作队"}],
        body=body(1, ["坚如磐石的责任体系", "与时俱进的攻坚作为", "久久为功的长效机制"], 5,
                  "市县两级派出1031个工作队，详见[三川叠变](../../beta/sanchuan/index.html#一水润城)"
                  "与[本版封面](../../index.html)，另见[国务院扶贫办网站](https://www.cpad.gov.cn/)[^1]。\n\n"
                  "[^1]: 数据来源：市扶贫办，2019年6月。\n")),
    "content/alpha/cunzhuang.md": article(
        "一个村庄的三年", "alpha", order=2, deck="——沈丘县槐店镇见闻", byline="记者 王五",
        body=body(2, ["从泥泞到通途"], 4)),
    "content/beta/sanchuan.md": article(
        "三川叠变展新颜", "beta", deck="——我市实施百城建设提质工程纪实", byline="记者 赵六",
        pull_quote="水润周口，绿荫满城。",
        figures=[{"figure": "155.2亿元"}],
        body=body(3, ["一、水润城", "二、绿荫城"], 5,
                  "全年完成投资155.2亿元。回看[第一篇](../../alpha/zongshu/index.html)。\n")),
}


@pytest.fixture(scope="session")
def printed(tmp_path_factory):
    """The fixture edition through `python build.py print --pdf`: the one PDF render of the session."""
    from feature.cli import main
    from feature.core.config import load_config
    from feature.core.diagnostics import Diagnostics
    from feature.build.pipeline import prepare_edition
    root = write_edition(tmp_path_factory.mktemp("print") / "edition", FILES, CONFIG)
    out = root / "dist"
    assert main(["print", "--pdf", "--config", str(root / "config.yaml"), "--out", str(out)]) == 0
    pdf = out / "print" / PDF_NAME
    pages = command_output("pdftotext", "-enc", "UTF-8", str(pdf), "-").split("\f")[:-1]
    edition = prepare_edition(load_config(root / "config.yaml"), Diagnostics())
    return {"out": out, "pdf": pdf, "pages": pages, "edition": edition,
            "html": (out / urls.PRINT).read_text(encoding="utf-8")}


def _text(node) -> str:
    return re.sub(r"\s+", "", node.get_text())


# --- the print HTML ---------------------------------------------------------

def test_print_html_holds_every_article_once_in_edition_order(printed):
    soup = BeautifulSoup(printed["html"], "html.parser")
    stories = soup.select("article.print-article")
    articles = printed["edition"].articles
    assert [_text(s.select_one(".headline")) for s in stories] == [a.headline for a in articles]
    main = BeautifulSoup(str(soup.select_one("main")), "html.parser")
    for ref in main.select("sup:has(> a.footnote-ref)"):
        ref.decompose()                                         # plain_text leaves out footnote numbers
    whole = _text(main)
    for story, a in zip(stories, articles):
        web = BeautifulSoup((printed["out"] / a.output_path).read_text(encoding="utf-8"), "html.parser")
        for back in web.select(".footnote-backref"):
            back.decompose()                                    # ↩ has no meaning on paper
        web_text = "".join(_text(b) for b in web.select(".story-body"))   # the opening may stand apart
        assert _text(story.select_one(".story-body")) == web_text
        for para in a.plain_text.split("\n"):
            assert whole.count(re.sub(r"\s+", "", para)) == 1, para


def test_print_html_has_no_screen_furniture_and_no_broken_or_duplicate_ids(printed):
    soup = BeautifulSoup(printed["html"], "html.parser")
    assert not soup.select("script, form, input, .site-nav, .search, .skip-link, .prev-next, .toc, .breadcrumb")
    ids = [el["id"] for el in soup.find_all(id=True)]
    assert len(ids) == len(set(ids))
    for a in soup.find_all("a", href=True):
        href = a["href"]
        if "title-pdf" in a.parent.get("class", []):
            continue                # the PDF itself, named after `--pdf` made it; hidden on paper
        assert href.startswith("#") or href.startswith("https://"), href
        if href.startswith("#"):
            assert href[1:] in ids, href


def test_page_rule_comes_from_config(printed):
    assert "@page { size: A4; margin: 20mm 17mm 22mm; }" in printed["html"]
    css = next((printed["out"] / "static").glob("print*.css")).read_text(encoding="utf-8")
    assert not re.search(r"(?<![-\w])size\s*:", css) and "margin: 22mm" not in css


def test_links_become_page_references_plain_text_or_printed_urls(printed):
    soup = BeautifulSoup(printed["html"], "html.parser")
    first = soup.select_one("#article-1")
    cross = first.find("a", string="三川叠变")
    assert cross["href"] == "#a3-一水润城" and "page-ref" in cross["class"]
    assert soup.find(id="a3-一水润城").name == "h3"          # subheads sit under the h2 headline
    assert first.find("a", string="本版封面") is None and "本版封面" in first.get_text()
    assert first.find("a", string="国务院扶贫办网站")["data-print-url"] == "https://www.cpad.gov.cn/"
    back = soup.select_one("#article-3").find("a", string="第一篇")
    assert back["href"] == "#article-1"


# --- the PDF ----------------------------------------------------------------

def test_the_print_page_names_its_pdf_which_does_not_print_the_link(printed):
    link = BeautifulSoup(printed["html"], "html.parser").select_one(".title-pdf a")
    assert link["href"] == PDF_NAME and link.get_text().startswith("下载 PDF（")
    assert not any("下载" in page for page in printed["pages"])      # printed from the page before the link


def test_pdf_fonts_are_embedded_and_none_is_type3(printed):
    rows = command_output("pdffonts", str(printed["pdf"])).splitlines()[2:]
    assert rows
    assert not [r for r in rows if "Type 3" in r]
    assert all(r.split()[-5] == "yes" for r in rows), rows      # the `emb` column
    assert any("Noto-Serif-CJK-SC" in r for r in rows)


def test_pdf_is_tagged_a4_and_titled(printed):
    info = command_output("pdfinfo", str(printed["pdf"]))
    assert re.search(r"Tagged:\s+yes", info)
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info)
    assert re.search(r"Title:\s+测试专题 决胜小康", info)


def test_pdf_text_has_every_headline_and_curated_figure(printed):
    text = re.sub(r"\s+", "", "".join(printed["pages"]))
    for a in printed["edition"].articles:
        assert a.headline in text
        assert a.deck in text
        for f in a.curated_figures:
            assert f.figure in text
    assert "https://www.cpad.gov.cn/" in text
    assert "水润周口，绿荫满城。" in text                         # the front-matter pull quote


def test_pdf_pages_title_contents_and_one_new_page_per_article(printed):
    pages = [re.sub(r"\s+", "", p) for p in printed["pages"]]
    articles = printed["edition"].articles
    chars = sum(len(a.plain_text) for a in articles)
    # title + contents + each article; ~1,100 characters of 10.5pt text fill an A4 page
    assert 2 + len(articles) <= len(pages) <= 2 + len(articles) + chars // 700
    assert "测试日报" in pages[0] and "测试专题决胜小康" in pages[0] and "2019年8月" in pages[0]
    assert "第1页" not in pages[0]                              # no footer on the title page
    starts = []
    for a in articles:
        start = next(i for i, p in enumerate(pages) if i > 1 and a.headline in p)
        assert pages[start].find(a.headline) < 60, "headline not at the top of its page"
        starts.append(start + 1)
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    contents = pages[1]
    for a, page in zip(articles, starts):
        assert f"{a.headline}{a.deck}" in contents.replace(f"{page}", "", 1) or \
            re.search(re.escape(a.headline) + r"[. ]*" + str(page), contents), (a.headline, page)
    for n, page in enumerate(pages[1:], start=2):
        assert f"第{n}页/共{len(pages)}页" in page
        assert "测试专题决胜小康" in page                        # running header


def test_pdf_page_references_name_the_right_page(printed):
    pages = [re.sub(r"\s+", "", p) for p in printed["pages"]]
    target = next(i for i, p in enumerate(pages) if "一、水润城" in p) + 1
    refs = re.findall(r"叠变（见第(\d+)页）", "".join(pages))
    assert refs and int(refs[0]) == target


def test_no_pdf_line_begins_with_closing_punctuation(printed):
    lines = [l.strip() for p in printed["pages"] for l in p.splitlines() if l.strip()]
    assert len(lines) > 150                                     # enough lines to mean something
    bad = [l for l in lines if l[0] in CLOSING]
    assert not bad, bad[:5]
    # nor is a number split across lines (1|.14万户)
    split = [(a, b) for a, b in zip(lines, lines[1:]) if a[-1].isdigit() and re.match(r"[\d.%]", b)]
    assert not split, split[:3]


def test_pdf_text_starts_at_the_configured_margin(printed):
    words = re.findall(r'<word xMin="([\d.]+)"', command_output("pdftotext", "-bbox", "-f", "3", "-l", "3",
                                                        str(printed["pdf"]), "-"))
    assert abs(min(float(x) for x in words) - MARGIN_LEFT_PT) < 2


def test_pdf_outline_lists_sections_articles_and_subheads(printed):
    """Bookmarks, read back from the PDF's (compressed) object streams."""
    import zlib
    data = printed["pdf"].read_bytes()
    raw = [data]
    for m in re.finditer(rb"stream\r?\n", data):
        try:
            raw.append(zlib.decompressobj().decompress(data[m.end():]))
        except zlib.error:
            pass
    titles = [bytes.fromhex(h.decode()).decode("utf-16")
              for h in re.findall(rb"/Title\s*<(fe[fF][fF][0-9A-Fa-f]*)>", b"".join(raw), re.I)]
    for a in printed["edition"].articles:
        assert a.headline in titles
    assert {"目录", "脱贫攻坚", "百城提质", "坚如磐石的责任体系"} <= set(titles)


def test_first_pages_render_to_non_blank_images(printed, artifacts_dir):
    from PIL import Image, ImageStat
    prefix = artifacts_dir / "print-page"
    for old in artifacts_dir.glob("print-page-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "4", str(printed["pdf"]), str(prefix)],
                   check=True)
    images = sorted(artifacts_dir.glob("print-page-*.png"))
    assert len(images) == 4
    for path in images:
        gray = Image.open(path).convert("L")
        inked = sum(gray.histogram()[:128]) / (gray.width * gray.height)
        assert inked > 0.002, f"{path.name} looks blank"
        assert ImageStat.Stat(gray).mean[0] > 150, f"{path.name} is mostly dark"


# --- printing one article page from the browser ------------------------------

def test_an_article_page_prints_alone(printed, browser, tmp_path):
    a = printed["edition"].articles[0]
    page = browser.new_page()
    page.goto((printed["out"] / a.output_path).as_uri())
    pdf = tmp_path / "article.pdf"
    page.pdf(path=str(pdf), format="A4")
    page.close()
    text = re.sub(r"\s+", "", command_output("pdftotext", "-enc", "UTF-8", str(pdf), "-"))
    assert a.headline in text and re.sub(r"\s+", "", a.plain_text.split("\n")[-3]) in text
    for other in printed["edition"].articles[1:]:
        assert other.headline not in text                       # no nav, no prev/next
    assert "跳到正文" not in text and "本文目录" not in text
    assert "（https://www.cpad.gov.cn/）" in text or "(https://www.cpad.gov.cn/)" in text

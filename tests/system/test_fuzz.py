"""Fuzzing the loader, validator, Markdown rendering and key-figure extractor.

Random YAML front matter, Markdown and Unicode (BOM, CRLF, NUL, lone
surrogates, full-width digits, RTL marks …): every input either gives an
article or clear errors naming the file and a line inside it; never an
uncaught exception, never a hang (each input runs under a SIGALRM limit, and
Hypothesis' deadline catches the slow). The huge inputs (10 MB, 100,000
headings, 1,000-deep nesting) are explicit cases below; the engine's limits
and the bugs these tests found are in docs/hardening.md.
"""
from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, example, given, settings, strategies as st

from feature.core.config import Config, SectionConfig
from feature.core.diagnostics import Diagnostics
from feature.markup.enrich import enrich_article
from feature.core.inputcheck import first_not_text
from feature.markup.figures import extract_figures, find_figures, make_label, split_sentences
from feature.edition.load import MAX_SOURCE_BYTES, parse_article
from feature.markup.renderer import MarkdownRenderer
from feature.core.model import Article
from feature.edition.validate import validate_edition
from tests.support import time_limit

SHOWN = "content/alpha/story.md"
CONFIG = Config(root=Path("/nonexistent"), title="测试",
                sections=(SectionConfig("alpha", "第一部分"), SectionConfig("beta", "第二部分")))
RENDERER = MarkdownRenderer()
FUZZ = settings(max_examples=150, deadline=2000, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
TRIED = {"generated": 0}        # docs/hardening.md quotes these counts


@pytest.fixture(autouse=True)
def inputs_tried(request):
    """Each property here tries at least 100 inputs (FUZZ asks for 150); `pytest -s`
    prints the counts docs/hardening.md quotes. Counted per test, so that it holds
    however the tests are shared among workers (`-n 2`)."""
    before = TRIED["generated"]
    yield
    tried = TRIED["generated"] - before
    if hasattr(request.function, "hypothesis"):     # a @given test
        print(f"\nfuzz: {request.node.name}: {tried} inputs tried")
        assert tried >= 100, f"{request.node.name} tried only {tried} inputs"


def build_one(raw: bytes, seconds: float = 10) -> tuple[Article | None, Diagnostics]:
    """load → validate → enrich one source, checking what every input owes us."""
    TRIED["generated"] += 1
    problems = Diagnostics()
    with time_limit(seconds):
        article = parse_article(raw, Path("alpha/story.md"), SHOWN, problems)
        if article is not None:
            validate_edition([article], CONFIG, problems)
            article = enrich_article(article, RENDERER, problems)
    last_line = raw.count(b"\n") + raw.count(b"\r") + 2
    for d in problems.items:
        if d.severity == "error" or d.path == SHOWN:
            assert d.path == SHOWN, d
            assert 1 <= d.line <= last_line, f"line {d.line} outside the file: {d}"
            assert d.message.strip(), d
    if article is None or problems.errors:
        assert problems.errors, "no article and no error"
    else:
        assert_inert(article.body_html)
    return article, problems


def assert_inert(body_html: str) -> None:
    """No script, no event handler, no script URL in a rendered body."""
    soup = BeautifulSoup(body_html, "html.parser")
    assert not soup.find_all(["script", "iframe", "object", "embed"])
    for el in soup.find_all(True):
        for attr, value in el.attrs.items():
            assert not attr.lower().startswith("on"), el
            if attr in ("href", "src"):
                assert not "".join(value.split()).lower().startswith(("javascript:", "vbscript:", "data:")), el


# ---- strategies ------------------------------------------------------------

HAZARDS = ["\ufeff", "\r\n", "\r", "\x00", "\ud800", "\udfff", "\u200f", "\u202e", "\u200d",
           "\u3000", "\u2028", "\x85", "\t", "\x1b", "\x7f", "ｱｲｳ", "０１２３", "１２．５亿元",
           "８７．２１％", "\U0001F600", "e\u0301", "\ufffd"]
MARKDOWN = ["# ", "## 一、标题", "### ", "- ", "1. ", "> ", "    ", "```", "~~~", "| a | b |",
            "|---|---|", "***", "---", "===", "[^1]", "[^1]: 注释", "{#自定}", "{: .x }",
            "{: onclick=alert(1) }", "[链接](javascript:alert(1))", "[x](java&#x09;script:y)",
            "![<img src=x onerror=alert(1)>](a.png)", "<script>alert(1)</script>",
            '<div onmouseover="x">', "**", "*", "_", "`", "[", "]", "(", ")", "<", ">", "&amp;",
            "&#0;", "&#x202e;", "\\", "投资21.99亿元", "900至1800元", "1,000万元", "约3000多人",
            "第3个", "2019年", "5G", "。", "，", "、", "；", "：", "“", "”", "（", "）", "……"]
YAML_BITS = [":", "- ", "[", "]", "{", "}", "&a ", "*a", "!!str ", "!!binary ", "!!python/object ",
             "|", ">", "'", '"', "%", "@", "`", "#", ",", "?", "<<: ", "\n", "\n  ", "---", "...",
             "headline: ", "section: ", "alpha", "figures: ", "byline: ", "reporter: ", "slug: ", "order: ",
             "extra: ", "2019-13-45", "1e999", "~", "null", "yes", "0x1F", "2019-08-01"]

fragments = st.one_of(st.sampled_from(HAZARDS), st.sampled_from(MARKDOWN),
                      st.text(st.characters(codec="utf-8"), max_size=8))
markdown_bodies = st.lists(st.tuples(fragments, st.sampled_from(["", " ", "\n", "\n\n"])),
                           max_size=40).map(lambda parts: "".join(a + b for a, b in parts))
plain_text = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=30)
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                    plain_text, st.dates(), st.sampled_from(["alpha", "beta", "gamma", "../x"]))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(st.one_of(plain_text, st.integers()), inner, max_size=3),
                      max_leaves=8)
FIELDS = ["headline", "deck", "reporter", "byline", "section", "order", "slug", "date", "lede", "summary",
          "pull_quote", "figures", "extra", "headlnie", "作者"]
front_matters = st.one_of(
    st.dictionaries(st.sampled_from(FIELDS), values, max_size=8).map(
        lambda d: yaml.safe_dump(d, allow_unicode=True, sort_keys=False)),
    st.lists(st.one_of(st.sampled_from(YAML_BITS), plain_text), max_size=30).map("".join))


@st.composite
def sources(draw) -> bytes:
    front = draw(front_matters)
    if draw(st.booleans()):       # most inputs should get past the required keys
        front = f"headline: 标题\nsection: {draw(st.sampled_from(['alpha', 'beta', 'nowhere']))}\n" + front
    text = f"---\n{front}\n---\n{draw(markdown_bodies)}"
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    raw = text.encode("utf-8", "surrogatepass")
    return (b"\xef\xbb\xbf" if draw(st.booleans()) else b"") + raw


# ---- generated inputs ------------------------------------------------------

@FUZZ
@given(sources())
@example(b"---\nheadline: h\nsection: alpha\nextra: {a: 1, 2: b}\n---\nx")       # mixed key types
@example(b"---\n1: x\nheadline: h\nsection: alpha\n---\nx")                       # number as key
@example(b"---\nheadline: h\nsection: alpha\ndate: 2019-13-45\n---\nx")          # impossible date
@example("---\nheadline: h\nsection: alpha\n---\n段落\n{: onclick=\"alert(1)\" }\n".encode())
@example(b"---\nheadline: h\nsection: alpha\n---\n[a](java&#x09;script:alert(1))\n")
def test_any_source_builds_or_names_file_and_line(raw):
    build_one(raw)


@FUZZ
@given(markdown_bodies)
def test_any_markdown_renders_inert(body):
    article, problems = build_one(f"---\nheadline: 标题\nsection: alpha\n---\n{body}".encode("utf-8", "surrogatepass"))
    if first_not_text(body) is None:       # control characters, lone surrogates: an error with the line
        assert article is not None and (article.body_html or not body.strip() or problems.errors)


figure_text = st.lists(st.one_of(
    st.sampled_from(["0", "1", "9", "１", "９", ".", "．", ",", "%", "％", "万", "亿", "万亿", "多", "余",
                     "约", "近", "逾", "元", "人", "个百分点", "至", "~", "-", "—", "第", "年", "G", "a",
                     "。", "！", "？", "，", "、", "；", "（", "）", "”", " ", "\n", "其中", "截至目前"]),
    st.text(max_size=3)), max_size=60).map("".join)


@FUZZ
@given(st.lists(st.tuples(plain_text, figure_text), max_size=5))
def test_key_figure_extractor_on_any_text(paragraphs):
    TRIED["generated"] += 1
    with time_limit(5):
        figures = extract_figures(paragraphs)
        for f in figures:
            assert f.text and f.text in f.sentence
            assert f.sentence in split_sentences(paragraphs[f.paragraph][1])
            assert f.value >= 0 and (f.value_max is None or f.value_max >= 0)
            assert isinstance(f.label, str) and len(f.label) <= 26
        for _, text in paragraphs:
            for m in find_figures(text):
                assert 0 <= m.start < m.end <= len(text)
                assert make_label(text, m.start, m.end) is not None


@FUZZ
@given(figure_text)
def test_parse_figure_answers_or_refuses(text):
    """Whatever figure-like text is read (as one figure, several, or none), each
    value read is a number of that unit, never negative."""
    TRIED["generated"] += 1
    for m in find_figures(text):
        assert m.value >= 0 and isinstance(m.unit, str)
        assert m.value_max is None or m.value_max >= 0


@FUZZ
@given(st.lists(st.tuples(st.sampled_from(["alpha", "beta", "gamma", "figures", "print", "static"]),
                          st.sampled_from(["a", "b", "good", "x-1"]), st.one_of(st.none(), st.integers(-3, 3))),
                max_size=12))
def test_validator_on_any_edition(specs):
    TRIED["generated"] += 1
    articles = [Article(source=Path(f"{section}/{i}.md"), source_line=4, headline="h", section=section,
                        slug=slug, body_markdown="", order=order) for i, (section, slug, order) in enumerate(specs)]
    problems = Diagnostics()
    config = Config(root=CONFIG.root, title="t", sections=CONFIG.sections,
                    reading_order=("content/alpha/0.md", "content/missing.md"))
    validate_edition(articles, config, problems)
    for d in problems.errors:
        assert d.path.startswith(("content/", "config.yaml")) and d.message


# ---- the big inputs, explicitly --------------------------------------------

FRONT = "---\nheadline: 标题\nsection: alpha\n---\n"
BLOCK = (f"{SHOWN}:5: error: more than 20000 characters or 1000 lines without a blank line; "
         "separate paragraphs, headings and list items with blank lines")


def errors_of(raw: bytes, seconds: float) -> list[str]:
    start = time.monotonic()
    _, problems = build_one(raw, seconds)
    assert time.monotonic() - start < seconds
    return [str(d) for d in problems.errors]


def test_ten_megabyte_file_is_refused_at_once():
    body = ("周口市脱贫攻坚投入资金21.99亿元，带动1.77万家贫困户增收。" * 40 + "\n\n") * 4500
    raw = (FRONT + body).encode()
    assert len(raw) > 10 * 2**20
    assert errors_of(raw, 5) == [f"{SHOWN}:1: error: {len(raw) / 2**20:.1f} MB is too large for one "
                                 f"article (the limit is {MAX_SOURCE_BYTES // 2**20} MB); split it into several articles"]


def test_largest_allowed_file_builds_in_bounded_time():
    paragraph = "周口市脱贫攻坚投入资金21.99亿元，带动1.77万家贫困户增收，贫困发生率降至0.5%。" * 20 + "\n\n"
    raw = (FRONT + paragraph * (MAX_SOURCE_BYTES // len(paragraph.encode()) - 1)).encode()
    assert MAX_SOURCE_BYTES - 10_000 < len(raw) <= MAX_SOURCE_BYTES
    assert errors_of(raw, 40) == []


def test_hundred_thousand_headings():
    separated = "".join(f"## {i}\n\n" for i in range(100_000))
    assert len(separated.encode()) < MAX_SOURCE_BYTES
    assert errors_of((FRONT + separated).encode(), 40) == []
    packed = "".join(f"## {i}\n" for i in range(100_000))      # no blank lines: one block
    assert errors_of((FRONT + packed).encode(), 5) == [BLOCK]


@pytest.mark.parametrize("body, expected", [
    ("".join("\t" * i + "- 条目\n" for i in range(1000)),
     f"{SHOWN}:106: error: indented more than 400 spaces (lists nested about a hundred levels deep)"),
    ("".join("  " * i + "1. 条目\n" for i in range(1000)), BLOCK),
    ("".join("    " * i + "- 条目\n" for i in range(99)), None),            # deep but within the limit
    (">" * 1000 + " 引文\n", None),                # Python-Markdown stops nesting quotes itself
    ("".join(">" * i + " 引文\n" for i in range(1000)), BLOCK),     # 500,000 characters in one block
    ("[" * 1000 + "链接" + "](x)" * 1000, None),
    ("*" * 1000 + "强调" + "*" * 1000, None),
    ("[" * 19_000, None),                          # was quadratic: 25 s for 10,000
    ("<a" * 5000, f"{SHOWN}:5: error: more than 2000 `<` in one article; HTML is left out of articles "
                  "anyway (write ＜ or &lt; for the sign)"),
])
def test_thousand_deep_markdown(body, expected):
    errors = errors_of((FRONT + body).encode(), 20)
    assert errors == ([expected] if expected else [])


TOO_DEEP = "error: the value here is nested more than 50 levels deep; two or three is usual"


@pytest.mark.parametrize("front, expected", [
    ("extra: " + "[" * 1000 + "]" * 1000, f":4: {TOO_DEEP}"),
    ("extra: " + "{a: " * 1000 + "1" + "}" * 1000, f":4: {TOO_DEEP}"),
    ("extra:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 1000)), f":54: {TOO_DEEP}"),
])
def test_thousand_deep_yaml(front, expected):
    raw = f"---\nheadline: 标题\nsection: alpha\n{front}\n---\n正文。\n".encode()
    assert [e.replace(SHOWN, "") for e in errors_of(raw, 10)] == [expected]   # where it passes 50 levels


@pytest.mark.parametrize("paragraph", [
    "投资1亿元、" * 3000 + "。",                    # was quadratic: labels rescanned the sentence
    "字。" * 6000,                                  # was quadratic: sentence spans scanned per run
    "**字。字**" * 2500,
])
def test_long_paragraphs_are_linear(paragraph):
    assert errors_of((FRONT + (paragraph + "\n\n") * 6).encode(), 20) == []


def test_unicode_hazards_in_front_matter_and_body():
    raw = ("\ufeff---\r\nheadline: \u202e标题\u200f\r\nsection: alpha\r\ndeck: ｱｲｳ１２３\r\n---\r\n"
           "投资２１．９９亿元。增长８７．２１％。\u2028\u3000第三句。\r\n").encode()
    article, problems = build_one(raw)
    assert not problems.errors
    assert article.headline == "\u202e标题\u200f"
    assert [f.text for f in article.key_figures] == ["２１．９９亿元", "８７．２１％"]
    for raw, line in [((FRONT + "正文\x00。").encode(), 5), ((FRONT + "\ud800").encode("utf-8", "surrogatepass"), 5)]:
        _, problems = build_one(raw)
        assert [d.line for d in problems.errors] == [line]


"""The front matter's vocabulary: the card's keys, second spellings, what an
unknown key most likely meant, and sections named by key or title."""
import string
from pathlib import Path

import pytest

from feature.core.config import SectionConfig
from feature.core.diagnostics import Diagnostics
from feature.edition.frontmatter import (
    ALIASES,
    KEYS,
    SYNONYMS,
    canonical_keys,
    meant_key,
    missing_section,
    resolve_section,
    unknown_key_hint,
    unknown_section,
)
from feature.edition.load import parse_article
from feature.core.model import Reporter
from tests.support import parse

SECTIONS = (SectionConfig("fupin", "脱贫攻坚"), SectionConfig("baicheng", "百城提质"))


@pytest.mark.parametrize("typed, meant", [
    ("headlin", "headline"), ("作者", "reporter"), ("记者", "reporter"), ("author", "reporter"),
    ("栏目", "section"), ("标题", "headline"), ("title", "headline"), ("副题", "deck"), ("subtitle", "deck"),
    ("导语", "lede"), ("summary", "lede"), ("日期", "date"), ("排序", "order"), ("关键数字", "figures"),
    ("引语", "pull_quote"), ("网址", "slug"), ("其他", "extra"), ("byline", "reporter"),
    ("Headline", "headline"), ("pull-quote", "pull_quote"), ("Pull Quote", "pull_quote"),
    ("关键数子", "figures"), ("sectoin", "section"), ("reportr", "reporter"), ("byeline", "reporter"),
])
def test_an_unknown_key_suggests_what_the_editor_most_likely_meant(typed, meant):
    assert meant_key(typed) == meant
    assert unknown_key_hint(typed) == f' (did you mean "{meant}"?)'


@pytest.mark.parametrize("typed", ["type", "tags", "name", "color", "layout", "template", "draft",
                                   "keywords", "标签", "标提", "ored"])
def test_no_suggestion_that_has_nothing_to_do_with_the_key(typed):
    assert meant_key(typed) == ""


def test_no_key_of_the_card_is_taken_for_another():
    for key in (*KEYS, *ALIASES):
        assert meant_key(key) == ALIASES.get(key, key)
    assert meant_key("reporter") != "order"


def single_typos(word: str):
    letters = string.ascii_lowercase + "_"
    yield from (word[:i] + word[i + 1:] for i in range(len(word)))                                   # dropped
    yield from (word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(len(word) - 1))        # swapped
    yield from (word[:i] + c + word[i + 1:] for i in range(len(word)) for c in letters)              # replaced
    yield from (word[:i] + c + word[i:] for i in range(len(word) + 1) for c in letters)              # added


@pytest.mark.parametrize("key", [*KEYS, *ALIASES])
def test_every_typo_of_every_key_suggests_that_key(key):
    """Each one-letter slip (dropped, swapped, replaced, added) of a key or of its
    second spelling suggests the key, unless the slip is itself a word of the
    vocabulary (then that word's key)."""
    meant = ALIASES.get(key, key)
    own_words = {w.replace("_", "") for words in SYNONYMS.values() for w in words} | set(KEYS) | set(ALIASES)
    wrong = {typo: meant_key(typo) for typo in set(single_typos(key)) - {key}
             if typo.replace("_", "") not in own_words and meant_key(typo) != meant}
    assert wrong == {}


def test_photos_and_subheads_are_pointed_to_the_body():
    assert unknown_key_hint("image") == ' (photos go in the body: ![what it shows](photo.jpg "caption｜摄影 张三"))'
    assert unknown_key_hint("小标题") == " (subheads are `## ` lines in the body)"


def test_second_spellings_become_the_cards_keys_with_their_lines():
    problems = Diagnostics()
    data, lines = canonical_keys({"headline": "x", "byline": ["记者 甲"], "summary": "导语"},
                                 {"headline": 2, "byline": 3, "byline[0]": 4, "summary": 5}, "content/a.md", problems)
    assert data == {"headline": "x", "reporter": ["记者 甲"], "lede": "导语"}
    assert lines == {"headline": 2, "reporter": 3, "reporter[0]": 4, "lede": 5}
    assert not problems.items


def test_reporter_in_each_form():
    for text in ("reporter: 记者 张三 李四\u3000通讯员 王五\n",
                 "reporter:\n  - 记者 张三 李四\n  - 通讯员 王五\n",
                 "reporter:\n  - {title: 记者, name: 张三}\n  - {title: 记者, name: 李四}\n"
                 "  - {title: 通讯员, name: 王五}\n",
                 "byline: 记者 张三 李四 通讯员 王五\n"):
        a, problems = parse(f"---\nheadline: x\nsection: a\n{text}---\n")
        assert not problems.items, text
        assert a.byline == (Reporter("张三", "记者"), Reporter("李四", "记者"), Reporter("王五", "通讯员")), text


def test_both_spellings_in_one_file_are_an_error():
    a, problems = parse("---\nheadline: x\nsection: a\nreporter: 记者 甲\nbyline: 记者 乙\n---\n")
    assert a is None
    assert [str(d) for d in problems.errors] == [
        "content/alpha/story.md:5: error: `byline` and `reporter` are two spellings of one key; keep `reporter`"]
    a, problems = parse("---\nheadline: x\nsection: a\nlede: 一\nsummary: 二\n---\n")
    assert [str(d) for d in problems.errors] == [
        "content/alpha/story.md:5: error: `lede` and `summary` are two spellings of one key; keep `lede`"]


def test_an_ambiguous_byline_is_a_warning_at_its_line():
    a, problems = parse("---\nheadline: x\nsection: a\nreporter:\n  - 首席记者 李凤霞\n  - 记者 张三李四\n---\n")
    assert [str(d) for d in problems.items] == [
        "content/alpha/story.md:6: warning: reporter `记者 张三李四`: `张三李四` may be two names run together: "
        "put a space or 、 between them (or write `- {title: …, name: 张三李四}` if it is one name)"]
    assert [r.name for r in a.byline] == ["李凤霞", "张三李四"]


def test_a_section_is_named_by_its_key_or_its_title():
    assert resolve_section("fupin", SECTIONS) == "fupin"
    assert resolve_section("脱贫攻坚", SECTIONS) == "fupin"
    assert resolve_section("扶贫", SECTIONS) == "扶贫"          # validate.py reports it
    a, _ = parse("---\nheadline: x\nsection: 百城提质\n---\n")
    assert a.section == "百城提质"                           # no sections given: as written
    problems = Diagnostics()
    a = parse_article("---\nheadline: x\nsection: 百城提质\n---\n".encode(), Path("a/b.md"), "content/a/b.md",
                      problems, SECTIONS)
    assert a.section == "baicheng" and a.line_of("section") == 3 and not problems.items


def test_section_messages_list_the_choices_and_the_closest():
    assert unknown_section("脱贫", SECTIONS) == (
        'unknown section `脱贫` (did you mean "脱贫攻坚"?); config.yaml declares: fupin (脱贫攻坚), baicheng (百城提质)')
    assert unknown_section("baichen", SECTIONS).startswith('unknown section `baichen` (did you mean "baicheng"?)')
    assert unknown_section("要闻", SECTIONS) == (
        "unknown section `要闻`; config.yaml declares: fupin (脱贫攻坚), baicheng (百城提质)")
    assert missing_section(SECTIONS) == ("missing required `section`: add `section:` with one of "
                                         "fupin (脱贫攻坚), baicheng (百城提质) (the key or the title)")

"""Search in Chromium, the way Chinese readers type: recall and precision of
sampled phrases on the real edition, figures and phrases finding exactly their
articles, and a sharded index answering for every article."""
from __future__ import annotations

import random
from urllib.parse import urlsplit

import pytest

from feature.core.config import load_config
from feature.build.pipeline import build
from feature.output.search import normalise
from tests.support import SHARDED
from tests.support.browser import open_page

SAMPLES = 200
SEED = 2019


def sample_phrases(edition, count=SAMPLES, seed=SEED) -> list[tuple[str, str]]:
    """(phrase of 2–6 characters from an article's paragraphs, that article's path), seeded."""
    rng = random.Random(seed)
    paragraphs = [(a.output_path, p) for a in edition.articles
                  for p in a.plain_text.split("\n") if len(p.strip()) >= 6]
    samples = []
    while len(samples) < count:
        path, text = rng.choice(paragraphs)
        size = rng.randint(2, 6)
        start = rng.randrange(0, len(text) - size + 1)
        phrase = text[start:start + size]
        if phrase.strip() and normalise(phrase):
            samples.append((phrase, path))
    return samples


def run_queries(page, queries: list[str]) -> list[list[dict]]:
    """Each query submitted through the page's own search box; its results."""
    return page.evaluate("""async (queries) => {
        const form = document.querySelector('form.search'), input = form.querySelector('input');
        const out = form.querySelector('.search-results'), answers = [];
        for (const q of queries) {
            out.removeAttribute('data-query');
            input.value = q;
            form.requestSubmit();
            while (out.getAttribute('data-query') !== q) await new Promise(r => setTimeout(r, 1));
            answers.push([...out.querySelectorAll('li')].map(li => ({
                href: li.querySelector('a').href,
                snippet: li.querySelector('.result-snippet').textContent,
                mark: (li.querySelector('mark') || {}).textContent || ''})));
        }
        return answers; }""", queries)


@pytest.fixture(scope="module")
def searchable(real_site, serve_folder):
    out, result = real_site
    return serve_folder(out), result.edition


def article_texts(edition) -> dict[str, str]:
    return {a.output_path: normalise("\n".join([a.headline, a.deck, a.lede, a.plain_text]))
            for a in edition.articles}


def test_recall_and_precision_on_sampled_phrases(browser, searchable, capsys):
    site, edition = searchable
    samples = sample_phrases(edition)
    texts = article_texts(edition)
    with open_page(browser, 390) as page:
        page.goto(site + "index.html")
        answers = run_queries(page, [q for q, _ in samples])
    missed, imprecise = [], []
    for (query, path), results in zip(samples, answers):
        found = [urlsplit(r["href"]).path.lstrip("/") for r in results]
        if path not in found:
            missed.append(query)
        for r, where in zip(results, found):
            # Precision: every result's article holds the phrase, and its snippet shows it.
            if normalise(query) not in texts[where] or normalise(query) not in normalise(r["snippet"]):
                imprecise.append((query, where, r["snippet"]))
    recall = 1 - len(missed) / len(samples)
    with capsys.disabled():
        print(f"\nsearch recall: {recall:.1%} of {len(samples)} sampled 2–6 character phrases; "
              f"{len(imprecise)} imprecise results")
    assert not missed, missed
    assert not imprecise, imprecise[:5]


@pytest.mark.parametrize("query", ["21.99亿元", "绿水青山", "绿水青山就是金山银山", "87.21%", "周口港",
                                   "脱贫攻坚", "扶贫", "百城", "２１.９９亿元", "“四级书记”", "小额信贷 21.99"])
def test_figures_and_phrases_find_exactly_their_articles(browser, searchable, query):
    site, edition = searchable
    texts = article_texts(edition)
    terms = [normalise(t) for t in query.split()]
    expected = {path for path, text in texts.items() if all(t in text for t in terms)}
    assert expected, f"{query} is not in the edition any more; pick another example"
    with open_page(browser, 390) as page:
        page.goto(site + "fupin/index.html")
        results, = run_queries(page, [query])
    assert {urlsplit(r["href"]).path.lstrip("/") for r in results} == expected
    assert all(normalise(r["mark"]) in terms for r in results)


def test_sharded_index_finds_every_article_in_the_browser(browser, make_edition, serve_folder, monkeypatch):
    import feature.output.search as search
    monkeypatch.setattr(search, "SHARD_SIZE", 2)
    root = make_edition(files=SHARDED)
    result = build(load_config(root / "config.yaml"), root / "dist")
    site = serve_folder(root / "dist")
    queries = [f"独有短语{a.section}{a.source.stem[1:]}号" for a in result.edition.articles] + ["共同的句子"]
    with open_page(browser, 390) as page:
        page.goto(site + "index.html")
        answers = run_queries(page, queries)
    for a, results in zip(result.edition.articles, answers):
        assert [urlsplit(r["href"]).path.lstrip("/") for r in results] == [a.output_path]
    assert len(answers[-1]) == len(result.edition.articles)

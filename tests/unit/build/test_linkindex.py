"""LinkIndex: after a build whose links held, re-check only what an edit can break.

Its answer must agree with the full check whenever it gives one: never
"holds" when a link is broken. The reference here is that check written
plainly over links.page_facts' own sets (`facts_hold`).
"""
from __future__ import annotations

from hypothesis import given, settings, strategies as st

from feature.build.linkindex import Ids, LinkIndex, all_hold, compact
from tests.support import examples


def facts_hold(facts: dict, files) -> bool:
    """Every link in `facts` ({page: links.page_facts(...)}) resolves within `files`."""
    for _, targets, _ in facts.values():
        for file, anchor in targets:
            if file not in files or (anchor and anchor not in facts.get(file, (frozenset(),))[0]):
                return False
    return True


def raw(ids=(), targets=()):
    """As links.page_facts gives them."""
    return (frozenset(ids), frozenset(targets), len(targets))


def fact(ids=(), targets=()):
    return compact(raw(ids, targets))


def site():
    facts = {
        "a.html": fact({"s-1", "s-2"}, [("a.html", "s-1"), ("b.html", "")]),
        "b.html": fact({"h", "u"}, [("a.html", "s-2"), ("style.css", "")]),
        "figures.html": fact((), [("a.html", "s-2"), ("b.html", "h")]),
    }
    manifest = {"a.html": "1", "b.html": "1", "figures.html": "1", "style.css": "1"}
    assert all_hold(facts, manifest)
    return LinkIndex(manifest, facts, sum(f[2] for f in facts.values())), manifest, facts


def test_an_edit_that_keeps_every_anchor_holds_and_counts():
    index, manifest, _ = site()
    changed = {**manifest, "a.html": "2"}
    new_a = fact({"s-1", "s-2", "s-3"}, [("a.html", "s-3")])
    assert index.update(changed, {"a.html": new_a}, lambda rel: None) == 1 + 2 + 2


def test_a_new_broken_link_on_the_edited_page_is_caught():
    index, manifest, _ = site()
    changed = {**manifest, "b.html": "2"}
    assert index.update(changed, {"b.html": fact({"h"}, [("a.html", "s-9")])}, lambda rel: None) is None


def test_a_lost_anchor_that_another_page_links_to_is_caught():
    index, manifest, _ = site()
    changed = {**manifest, "a.html": "2"}          # s-2 gone: b.html and figures.html link to it
    assert index.update(changed, {"a.html": fact({"s-1"}, [("a.html", "s-1")])}, lambda rel: None) is None


def test_a_lost_anchor_nobody_links_to_is_fine():
    index, manifest, _ = site()
    changed = {**manifest, "b.html": "2"}
    assert index.update(changed, {"b.html": fact({"h"}, [("a.html", "s-2")])}, lambda rel: None) == 5
    # …and the index keeps up: a new link to the lost anchor is broken
    again = {**changed, "figures.html": "2"}
    assert index.update(again, {}, lambda rel: fact((), [("b.html", "u")])) is None


def test_a_removed_page_sends_back_to_the_full_check():
    index, manifest, _ = site()
    assert index.update({k: v for k, v in manifest.items() if k != "b.html"}, {}, lambda rel: None) is None


PAGES = ["p0.html", "p1.html", "p2.html", "p3.html"]
IDS = ["x", "y", "z"]
page_fact = st.builds(
    raw,
    st.sets(st.sampled_from(IDS)),
    st.lists(st.tuples(st.sampled_from(PAGES + ["gone.html"]), st.sampled_from(IDS + [""])), max_size=4))


@settings(max_examples=examples(300), deadline=None, derandomize=True)
@given(st.lists(st.dictionaries(st.sampled_from(PAGES), page_fact, min_size=1), min_size=1, max_size=6))
def test_agrees_with_the_full_check_over_any_edit_sequence(edits):
    """Start from a site whose links hold, apply edits (each: new facts for some
    pages); whenever the index answers, the full check must agree."""
    facts = {p: raw(IDS, [(q, "x") for q in PAGES]) for p in PAGES}
    manifest = {p: "0" for p in PAGES}
    index = LinkIndex(manifest, {p: compact(f) for p, f in facts.items()}, sum(f[2] for f in facts.values()))
    for n, edit in enumerate(edits, 1):
        facts = {**facts, **edit}
        manifest = {**manifest, **{p: str(n) for p in edit}}
        small = {p: compact(f) for p, f in facts.items()}
        answer = index.update(manifest, {p: compact(f) for p, f in edit.items()}, small.__getitem__)
        holds = facts_hold(facts, manifest)
        assert all_hold(small, manifest) == holds
        if answer is None:
            if holds:       # the caller runs the full check and starts a new index
                index = LinkIndex(manifest, small, sum(f[2] for f in facts.values()))
                continue
            return          # broken: the build fails here
        assert holds, f"index said the links hold after edit {n}, the full check disagrees"
        assert answer == sum(f[2] for f in facts.values())


@given(st.sets(st.text(min_size=1, max_size=4)), st.text(max_size=5))
@settings(max_examples=examples(300), deadline=None, derandomize=True)
def test_ids_answer_as_a_set_does(ids, anchor):
    small = Ids(ids)
    assert (anchor in small) == (anchor in ids)
    assert set(small) == ids
    assert compact(raw(ids, [("a.html", anchor)])).links() == [("a.html", anchor)]


@given(st.sets(st.text(min_size=1, max_size=4), min_size=24, max_size=60), st.data())
@settings(max_examples=examples(150), deadline=None, derandomize=True)
def test_a_page_linking_often_into_one_page_holds_as_a_set_says(ids, data):
    # Past ASKS_BEFORE_SET links into one page, its ids are looked up in a set made for the call.
    from feature.build.linkindex import ASKS_BEFORE_SET, page_holds
    good = st.tuples(st.just("a.html"), st.sampled_from(sorted(ids) + [""]))
    bad = st.tuples(st.sampled_from(["a.html", "b.html", "gone.html"]), st.text(max_size=4))
    links = data.draw(st.lists(good, min_size=ASKS_BEFORE_SET + 2, max_size=60, unique=True))
    links += data.draw(st.lists(bad, max_size=2))
    facts = {"a.html": compact(raw(ids, links)), "b.html": compact(raw(set(), []))}
    expected = all(file in facts and (not anchor or anchor in (ids if file == "a.html" else set()))
                   for file, anchor in links)
    assert page_holds(facts["a.html"], facts, facts) == expected

"""A body edit in the preview patches the last build (feature/build/patch.py).

Every build here is compared with a clean `pipeline.build` of the same sources,
and each test also says whether the patch was taken: a patch that silently never
applies would pass the comparisons and cost the preview its speed.
"""
import pytest

from feature.output import search
from feature.core.diagnostics import BuildError
from feature.build.incremental import IncrementalBuilder

from tests.support import FIXTURE_CONFIG, article, jpeg
from tests.support.edits import clean_build, tree

# Two articles per print volume, one per 数说 page: every kind of page that
# names articles exists in this small edition.
CONFIG = FIXTURE_CONFIG + "print:\n  volume_articles: 2\nfigures:\n  page_articles: 1\n"


@pytest.fixture
def patches(monkeypatch):
    """Which builds were patched: [(edition patched?, pages patched?)], one per build
    (a failed one too: as far as it got, builder.route)."""
    seen = []
    real = IncrementalBuilder.build

    def build(self, changed=None):
        try:
            return real(self, changed)
        finally:
            seen.append([self.route.patched_edition, self.route.patched_pages])
    monkeypatch.setattr(IncrementalBuilder, "build", build)
    return seen


def files(n: int = 5) -> dict[str, str]:
    return {f"content/{'alpha' if i % 2 == 0 else 'beta'}/a{i}.md":
            article(headline=f"第{i}篇", section="alpha" if i % 2 == 0 else "beta",
                    body=f"第{i}篇正文，全市新建学校{i + 3}所。\n\n## 小标题\n\n投资{i + 1}.5亿元。\n")
            for i in range(n)}


def preview(root):
    return IncrementalBuilder(root / "config.yaml", root / "dist", in_place=True)


def build_and_compare(builder, root, changed):
    """builder.build(changed) equals a clean build, files and warnings."""
    expected, messages = clean_build(root, root.parent / "ref")
    result = builder.build(changed)
    got = tree(root / "dist")
    assert sorted(got) == sorted(expected)
    assert [rel for rel in expected if got[rel] != expected[rel]] == []
    assert [str(d) for d in result.warnings] == messages
    return result


def append(path, text: str) -> set:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")
    return {path}


def test_body_edit_patches_and_rewrites_only_what_shows_it(make_edition, patches, monkeypatch):
    monkeypatch.setattr(search, "SHARD_SIZE", 2)        # shards of two entries: one is cut in
    root = make_edition(files(), CONFIG)
    builder = preview(root)
    build_and_compare(builder, root, None)
    target = root / "content/beta/a3.md"
    before = tree(root / "dist")
    for i in range(3):          # again and again: each patch starts from a patched build
        build_and_compare(builder, root, append(target, f"\n补充第{i}句，没有新数字。\n"))
    assert patches[1:] == [[True, True]] * 3
    after = tree(root / "dist")
    changed = sorted(rel for rel in after if before.get(rel) != after[rel])
    # The article's page, the print volume printing it, its search shard, the manifest.
    assert "beta/a3/index.html" in changed and ".feature-build.json" in changed
    assert [rel for rel in changed if rel.startswith("print/")] == ["print/beta/index.html"]
    assert len([rel for rel in changed if rel.startswith("search/")]) == 1
    assert len(changed) == 4


def test_a_new_figure_in_the_body_is_patched_and_shown(make_edition, patches):
    # A figure is part of the listing (the 数说 pages show it): not a body edit.
    root = make_edition(files(), CONFIG)
    builder = preview(root)
    build_and_compare(builder, root, None)
    build_and_compare(builder, root, append(root / "content/alpha/a2.md", "\n新增绿地120公顷。\n"))
    assert patches[1] == [False, False]
    build_and_compare(builder, root, append(root / "content/alpha/a2.md", "\n再补一句。\n"))
    assert patches[2] == [True, True]


@pytest.mark.parametrize("edit", ["headline", "add", "delete", "template"])
def test_other_edits_build_in_full(make_edition, patches, edit):
    root = make_edition(files(), CONFIG)
    builder = preview(root)
    build_and_compare(builder, root, None)
    target = root / "content/alpha/a0.md"
    if edit == "headline":
        target.write_text(target.read_text(encoding="utf-8").replace("第0篇", "新标题"), encoding="utf-8")
        changed = {target}
    elif edit == "add":
        added = root / "content/beta/a9.md"
        added.write_text(article(headline="新来的", section="beta", body="新的正文。\n"), encoding="utf-8")
        changed = {added}
    elif edit == "delete":
        target.unlink()
        changed = {target}
    else:
        footer = root / "templates/partials/footer.html"
        append(footer, "<!-- 改 -->\n")
        append(target, "\n正文也改了。\n")
        changed = {footer, target}
    build_and_compare(builder, root, changed)
    assert patches[1] == [False, False]
    build_and_compare(builder, root, append(root / "content/beta/a1.md", "\n然后只改正文。\n"))
    assert patches[2] == [True, True]


def test_a_failed_build_is_not_patched_afterwards(make_edition, patches):
    root = make_edition(files(), CONFIG)
    builder = preview(root)
    build_and_compare(builder, root, None)
    target = root / "content/alpha/a0.md"
    good = target.read_text(encoding="utf-8")
    before = tree(root / "dist")
    with pytest.raises(BuildError, match="nowhere.jpg"):
        builder.build(append(target, "\n![](nowhere.jpg)\n"))     # the error comes after the patch
    assert patches[1] == [True, True]
    assert tree(root / "dist") == before
    target.write_text(good + "\n修好了。\n", encoding="utf-8")
    build_and_compare(builder, root, {target})
    assert patches[2] == [False, False]         # the failed build left nothing to patch
    build_and_compare(builder, root, append(target, "\n再改。\n"))
    assert patches[3] == [True, True]


def test_photos_and_warnings_of_other_articles_survive_a_patch(make_edition, patches):
    sources = files()
    sources["content/alpha/a0.md"] = article(headline="图片", body="![码头](dock.jpg \"周口港码头\")\n\n第一段。\n")
    sources["content/alpha/dock.jpg"] = jpeg(800, 500)
    sources["content/beta/a1.md"] = article(headline="警告", section="beta", body="正文。\n\n<div>原始</div>\n")
    root = make_edition(sources, CONFIG)
    builder = preview(root)
    result = build_and_compare(builder, root, None)
    assert any("raw HTML" in str(d) for d in result.warnings)
    build_and_compare(builder, root, append(root / "content/alpha/a4.md", "\n只改正文。\n"))
    build_and_compare(builder, root, append(root / "content/alpha/a0.md", "\n图片稿也改正文。\n"))
    result = build_and_compare(builder, root, append(root / "content/beta/a1.md", "\n<p>又一段</p>\n"))
    assert patches[1:] == [[True, True]] * 3
    assert len([d for d in result.warnings if "raw HTML" in str(d)]) == 2


def test_a_replaced_photo_file_is_placed_again(make_edition, patches):
    # No article changed (nothing to swap), but the articles holding photos are
    # placed again in every build, patched or not: the new photo shows.
    sources = files()
    sources["content/alpha/a0.md"] = article(headline="图片", body="![码头](dock.jpg \"周口港码头\")\n\n第一段。\n")
    sources["content/alpha/dock.jpg"] = jpeg(800, 500)
    root = make_edition(sources, CONFIG)
    builder = preview(root)
    build_and_compare(builder, root, None)
    photo = root / "content/alpha/dock.jpg"
    photo.write_bytes(jpeg(640, 640, (20, 120, 60)))
    before = tree(root / "dist")
    build_and_compare(builder, root, {photo})
    # The edition is patched (no article changed); the resized files are named by
    # their content, so the media files are others and every page is planned.
    assert patches[1] == [True, False]
    assert tree(root / "dist")["alpha/a0/index.html"] != before["alpha/a0/index.html"]

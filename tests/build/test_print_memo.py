"""printing.PrintMemo: what `for_print` remembers lives as long as one Jinja environment.

Counted, not timed: `PrintMemo.rewrites` is how many blocks were rewritten
rather than taken from the memo.
"""
from __future__ import annotations

from feature.printing import forprint as printing
from feature.render.assets import collect_assets
from feature.core.config import load_config
from feature.core.diagnostics import Diagnostics
from feature.build.incremental import IncrementalBuilder
from feature.build.pipeline import build, prepare_edition
from feature.printing.forprint import PrintMemo
from feature.render.pages import pages_of
from feature.render.templates import context_for, make_environment, render_page

from tests.support import article, write_edition

BODY = "第{i}篇正文，全市脱贫人口达到12.5万人。\n\n## 小标题\n\n见[第一篇](../../alpha/a0/index.html)。\n"


def _edition(root):
    files = {f"content/{'alpha' if i % 2 == 0 else 'beta'}/a{i}.md":
             article(f"第{i}篇报道", "alpha" if i % 2 == 0 else "beta", BODY.format(i=i), order=i)
             for i in range(4)}
    return write_edition(root, files)


def _print_pages(env, config, edition):
    assets = collect_assets(config.static_dir)
    return {p.output_path: render_page(env, p, context_for(p, edition, config, assets))
            for p in pages_of(edition, config) if p.kind == "print"}


def test_two_environments_do_not_share_a_memo(tmp_path):
    config = load_config(_edition(tmp_path / "edition") / "config.yaml")
    edition = prepare_edition(config, Diagnostics())
    memos = PrintMemo(), PrintMemo()
    first, second = (make_environment(config.templates_dir, print_memo=memo) for memo in memos)
    pages = _print_pages(first, config, edition)
    assert memos[0].rewrites == len(edition.articles) == 4
    assert _print_pages(first, config, edition) == pages
    assert memos[0].rewrites == 4                       # the same environment remembers
    assert memos[1].rewrites == 0                       # … the other one knows nothing of it
    assert _print_pages(second, config, edition) == pages
    assert memos[1].rewrites == 4


def test_no_memo_is_kept_at_module_level():
    kept = {name: value for name, value in vars(printing).items()
            if not name.startswith("__") and isinstance(value, (PrintMemo, printing.Places, dict, list, set))}
    assert kept == {}


def test_a_warm_rebuild_rewrites_only_the_edited_block(tmp_path):
    root = _edition(tmp_path / "edition")
    builder = IncrementalBuilder(root / "config.yaml", tmp_path / "out", jobs=1)
    builder.build()
    memo = builder.memory.templates.print_memo
    assert memo.rewrites == 4
    edited = root / "content" / "beta" / "a1.md"
    edited.write_text(article("第1篇报道", "beta", BODY.format(i=1) + "\n新增一段。\n", order=1), encoding="utf-8")
    builder.build({edited})
    assert builder.memory.templates.print_memo is memo      # the builder kept its environment
    assert memo.rewrites == 5                               # only the edited article's block again
    clean = build(load_config(root / "config.yaml"), tmp_path / "clean").files
    printed = (tmp_path / "out" / "print" / "index.html").read_bytes()
    assert printed == clean["print/index.html"] and "新增一段" in printed.decode("utf-8")


def test_body_edits_in_the_preview_keep_the_memo_at_two_builds(tmp_path):
    # A body edit keeps the edition's places (bodyedit.py); the memo still drops
    # the blocks no build uses any more (it grew by a block an edit: 33 KB each).
    root = _edition(tmp_path / "edition")
    builder = IncrementalBuilder(root / "config.yaml", tmp_path / "out", jobs=1, in_place=True)
    builder.build()
    memo = builder.memory.templates.print_memo
    edited = root / "content" / "beta" / "a1.md"
    for n in range(6):
        edited.write_text(article("第1篇报道", "beta", BODY.format(i=1) + f"\n第{n}次新增。\n", order=1),
                          encoding="utf-8")
        builder.build({edited})
    assert memo.rewrites == 4 + 6                           # one block an edit
    assert len(memo.current) == 4 and len(memo.previous) <= 4


def test_a_one_off_call_remembers_nothing():
    from types import SimpleNamespace as NS
    one = NS(position=1, output_path="a/x/index.html")
    edition, site = NS(articles=(one,)), NS(site_path="/")
    memo = PrintMemo()
    html = '<p id="s">正文</p>'
    assert printing.for_print(html, one, edition, site) == printing.for_print(html, one, edition, site, memo)
    assert memo.rewrites == 1 and memo.current

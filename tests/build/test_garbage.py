"""A builder that lives as long as the preview server leaves no cyclic garbage
behind a build: such garbage waits for a full collection, and the preview
freezes its heap after each build (gc.freeze), which keeps it for good. One
cycle through the build's runner kept every build's edition and pages: the
preview's memory grew by megabytes an edit at 10,000 articles."""
from __future__ import annotations

import gc

from feature.build.incremental import IncrementalBuilder
from tests.support import FIXTURE_CONFIG, article, write_edition

FILES = {
    f"content/{section}/a{i}.md": article(f"第{i}篇报道", section, order=i, byline="记者 李凤霞",
                                          body=f"全市脱贫人口达到{i}.5万人。\n\n## 小标题\n\n另见[封面](../../index.html)。\n")
    for i, section in enumerate(["alpha", "beta", "alpha", "beta"], start=1)
}


def cyclic_garbage_of(build) -> list[str]:
    """The types, from this package, of what `build()` leaves only a cycle collection frees."""
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        build()
        gc.collect()
        found = [type(o) for o in gc.garbage]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    return sorted({f"{t.__module__}.{t.__qualname__}" for t in found if t.__module__.startswith("feature.")})


def test_a_warm_edit_leaves_no_cyclic_garbage(tmp_path):
    root = write_edition(tmp_path / "edition", FILES, FIXTURE_CONFIG)
    builder = IncrementalBuilder(root / "config.yaml", tmp_path / "out", jobs=1, in_place=True)
    builder.build()
    source = root / "content/alpha/a1.md"

    def edit_and_build():
        source.write_text(source.read_text(encoding="utf-8") + "\n新增一句。\n", encoding="utf-8")
        builder.build({source})

    assert cyclic_garbage_of(edit_and_build) == []
    assert cyclic_garbage_of(lambda: builder.build(None)) == []

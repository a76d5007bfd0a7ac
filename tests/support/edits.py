"""A fixture edition on disk, the edits a newsroom makes to it, and the clean
`pipeline.build` every incremental build is compared with."""
from __future__ import annotations

import shutil
from pathlib import Path

from feature.core.config import load_config
from feature.core.diagnostics import BuildError
from feature.build.pipeline import build

from tests.support import FIXTURE_CONFIG, article, write_edition

BODIES = [
    "周口港今年完成吞吐量2100万吨，同比增长21.99%。\n\n## 港口建设\n\n新建泊位12个，总投资3.6亿元。\n",
    "全市脱贫人口达到12.5万人。\n\n- 易地搬迁1.2万人\n- 产业扶贫覆盖8个县\n",
    "沙颍河两岸绿道长30公里。\n\n## 以水润城\n\n城区水面面积增加到1.7万亩。\n\n## 以绿荫城\n\n新增绿地**120公顷**。\n",
    "这是一段没有数字的报道，写的是老街的早晨和人们的生活。\n",
]


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def clean_build(root: Path, out: Path):
    shutil.rmtree(out, ignore_errors=True)
    try:
        result = build(load_config(root / "config.yaml"), out)
    except BuildError as exc:
        return None, [str(d) for d in exc.diagnostics]
    return tree(out), [str(d) for d in result.warnings]


class Edition:
    """A fixture edition on disk plus the edits a newsroom makes to it."""

    def __init__(self, root: Path, config: str | None = FIXTURE_CONFIG):
        """Four articles written at `root`; `config=None`: the edition is there already
        (a copy of one this class wrote)."""
        self.root = root
        self.count = 4
        if config is not None:
            write_edition(root, {self._path(i): self._text(i, BODIES[i % len(BODIES)]) for i in range(4)}, config)

    def _path(self, i: int) -> str:
        return f"content/{'alpha' if i % 2 == 0 else 'beta'}/a{i}.md"

    def _text(self, i: int, body: str, headline: str | None = None, order: int | None = None) -> str:
        return article(headline=headline or f"第{i}篇报道", section="alpha" if i % 2 == 0 else "beta",
                       body=body, order=order, byline="记者 李凤霞")

    def sources(self) -> list[Path]:
        return sorted((self.root / "content").rglob("*.md"))

    def apply(self, op: str, pick: int, text: str) -> set[Path]:
        """Do one edit; return the paths a file watcher would report."""
        sources = self.sources()
        target = sources[pick % len(sources)] if sources else None
        if op == "add" or target is None:
            path = self.root / self._path(self.count)
            path.write_text(self._text(self.count, BODIES[pick % len(BODIES)] + text + "\n"), encoding="utf-8")
            self.count += 1
            return {path}
        raw = target.read_text(encoding="utf-8")
        if op == "body":
            target.write_text(raw + "\n" + (text or "补充。") + "\n", encoding="utf-8")
        elif op == "headline":
            target.write_text(raw.replace("headline: ", f"headline: 新{text[:4]}", 1), encoding="utf-8")
        elif op == "delete":
            target.unlink()
        elif op == "order":
            head, _, body = raw.partition("\n---\n")
            head = "\n".join(line for line in head.splitlines() if not line.startswith("order:"))
            target.write_text(f"{head}\norder: {pick % 5}\n---\n{body}", encoding="utf-8")
        elif op == "broken":
            target.write_text(raw.replace("section: ", "section: nosuch", 1), encoding="utf-8")
        elif op == "link":     # a link to another article: breaks when that one is deleted
            other = sources[(pick + 1) % len(sources)].relative_to(self.root / "content")
            url = f"../../{other.parent.as_posix()}/{other.stem}/index.html"
            target.write_text(raw + f"\n见[另一篇]({url})。\n", encoding="utf-8")
        elif op == "template":
            footer = self.root / "templates" / "partials" / "footer.html"
            footer.write_text(footer.read_text(encoding="utf-8") + f"<!-- {pick} -->\n", encoding="utf-8")
            return {footer}
        return {target}

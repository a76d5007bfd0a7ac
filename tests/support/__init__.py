"""What tests share: the project root, the small fixture edition, a few small
helpers, and the Hypothesis example counts of the fast run.

Tests import helpers from this package (`from tests.support import article`,
`from tests.support.nginx import Nginx`), never from another test file.
Fixtures that many tests use are in tests/conftest.py; a fixture two test
files share is defined here and imported by both
(`from tests.support.volumes import split  # noqa: F401  (a fixture)`).
"""
from __future__ import annotations

import contextlib
import io
import os
import shutil
import signal
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
ARTIFACTS = ROOT / "test-artifacts"

# The fixture edition's settings, share images on as in a new edition's config.yaml.
# Tests of the images, and of the build's stages with them, build with this.
SHARED_CONFIG = """\
title: 测试专题
subtitle: 小型测试版
newspaper: 测试日报
date: "2020-01-02"
language: zh-CN
base_url: /
sections:
  - key: alpha
    title: 第一部分
  - key: beta
    title: 第二部分
"""
NO_SHARE_IMAGES = "share: {cards: false, posters: false}\n"
# What most tests build: the same without share cards and posters. A clean build
# draws every image again (about 40 CPU ms each), which made the fast tests three times
# slower while testing nothing about images; the tests of images, and those of the
# stages around them (the incremental property test, deploy, hosting), build with
# SHARED_CONFIG. `sections:` stays last, so a test can append a section.
FIXTURE_CONFIG = SHARED_CONFIG.replace("sections:\n", NO_SHARE_IMAGES + "sections:\n")


def article(headline="标题", section="alpha", body="正文第一段。\n", **fields) -> str:
    """Front matter + body of a fixture article."""
    import yaml
    front = {"headline": headline, "section": section, **fields}
    front = {k: v for k, v in front.items() if v is not None}
    return "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False) + "---\n" + body


def write_edition(root: Path, files: dict[str, str | bytes], config: str = FIXTURE_CONFIG) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "config.yaml").write_text(config, encoding="utf-8")
    for name in ("templates", "static"):
        if not (root / name).exists():
            shutil.copytree(ROOT / name, root / name)
    (root / "content").mkdir(exist_ok=True)
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return root


# Seven articles in two sections, each with a phrase of its own: the search
# index of a sharded edition when a shard holds two articles.
SHARDED = {f"content/{s}/a{i}.md": article(headline=f"第{i}篇", section=s, order=i,
                                           body=f"独有短语{s}{i}号在此。共同的句子。\n")
           for s, count in (("alpha", 5), ("beta", 2)) for i in range(count)}


def parse(text: str | bytes, name="alpha/story.md"):
    """One source through the loader: (article or None, its problems)."""
    from feature.core.diagnostics import Diagnostics
    from feature.edition.load import parse_article
    problems = Diagnostics()
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return parse_article(raw, Path(name), f"content/{name}", problems), problems


def jpeg(width: int, height: int, color=(180, 40, 40)) -> bytes:
    from PIL import Image
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()



def command_output(*cmd: str) -> str:
    """What a command prints (poppler's pdftotext, pdfinfo, pdffonts); fails if it fails."""
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


@contextlib.contextmanager
def time_limit(seconds: float):
    """A hang fails the test instead of stalling the suite (pytest runs tests in the main thread)."""
    def expire(signum, frame):
        raise TimeoutError(f"no answer within {seconds} s")
    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


FAST = os.environ.get("FEATURE_TESTS_FAST") == "1"


def examples(n: int) -> int:
    """A property test's example count: `n`, or an eighth of it (at least 3) in
    `make test-fast`. A Hypothesis profile cannot do this: the property tests
    set `max_examples` themselves, and an explicit setting wins over a profile.
    `make test` and CI always run the full count."""
    return max(3, n // 8) if FAST else n

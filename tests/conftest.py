"""Shared fixtures: build editions into temp folders, serve them, drive Chromium.

`make_edition(tmp_path, files={...})` writes a small edition (config,
content, the project's own templates and static files) so tests can build it.
"""
from __future__ import annotations

import functools
import http.server
import shutil
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"

FIXTURE_CONFIG = """\
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


@pytest.fixture
def make_edition(tmp_path):
    return functools.partial(write_edition, tmp_path / "edition")


@pytest.fixture(scope="session")
def real_site(tmp_path_factory):
    """The real Zhoukou edition, built once per test session."""
    from feature.core.config import load_config
    from feature.build.pipeline import build
    out = tmp_path_factory.mktemp("real") / "dist"
    result = build(load_config(ROOT / "config.yaml"), out)
    return out, result


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def serve_folder():
    """Serve a folder on 127.0.0.1 (search needs http://, not file://)."""
    servers = []

    def start(folder: Path) -> str:
        handler = functools.partial(_QuietHandler, directory=str(folder))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"
    yield start
    for s in servers:
        s.shutdown()


CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright; never a downloaded browser."""
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def artifacts_dir():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS

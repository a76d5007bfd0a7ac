"""Shared fixtures: build editions into temp folders, serve them, drive Chromium;
and each test's markers, set by its folder.

`make_edition(files={...})` writes a small edition (config, content, the
project's own templates and static files) so tests can build it; the helpers
behind it are in tests/support.
"""
from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

import pytest

from tests.support import ARTIFACTS, ROOT, write_edition

KINDS = ("unit", "build", "system")


def pytest_collection_modifyitems(items):
    """Mark each test by its folder: `unit`, `build` or `system`, and `browser`
    when it drives Chromium. A test outside those folders, or a browser test
    outside tests/system, is refused, so `make test-fast` (unit and build)
    never starts a browser and no test goes unmarked."""
    here = Path(__file__).parent
    for item in items:
        parts = item.path.relative_to(here).parts if item.path.is_relative_to(here) else ()
        if len(parts) < 2 or parts[0] not in KINDS:
            raise pytest.UsageError(f"{item.nodeid}: tests go in tests/unit, tests/build or tests/system")
        item.add_marker(parts[0])
        if "browser" in item.fixturenames:
            if parts[0] != "system":
                raise pytest.UsageError(f"{item.nodeid}: a test that drives Chromium goes in tests/system")
            item.add_marker("browser")


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

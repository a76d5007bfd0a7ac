"""The live preview server: rebuild on save, reload the browser, show errors, refuse traversal.

Each test runs a real PreviewServer (in threads, on a free port) against a
fixture edition in tmp_path; browser tests drive Debian's Chromium. Waits
are on the server's counters or on the page, never fixed sleeps as proof.
Reloads travel over python-livereload's websocket: pages are opened only
once livereload has registered them (`LiveReloadHandler.waiters`), and the
frames each page received are recorded.
"""
from __future__ import annotations

import io
import json
import socket
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from livereload.handlers import LiveReloadHandler

from feature.commands.serve import preview_builder
from feature.preview.http import locate
from feature.preview.server import PreviewServer
from feature.preview.watch import SourceWatcher
from tests.support import article

LONG_BODY = "".join(f"第{i}段，内容足够长，让页面可以滚动。\n\n" for i in range(120))


@pytest.fixture
def edition(make_edition):
    return make_edition({
        "content/alpha/one.md": article("第一篇", "alpha", body="原来的第一段。\n" + LONG_BODY),
        "content/alpha/two.md": article("第二篇", "alpha", body="第二篇正文。\n"),
        "content/beta/three.md": article("第三篇", "beta", body="第三篇正文。\n"),
    })


@pytest.fixture(autouse=True)
def livereload_state():
    """livereload keeps its browsers in class attributes: start and end every test clean."""
    LiveReloadHandler.waiters.clear()
    yield
    LiveReloadHandler.waiters.clear()


@pytest.fixture
def preview(edition):
    log = io.StringIO()
    server = PreviewServer(edition / "config.yaml", port=0, log=log,
                           builder=preview_builder(edition / "config.yaml"))
    server.start()
    server.test_log = log
    yield server
    server.stop()


def wait_until(predicate, timeout=10.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def settle(server, seq_before, timeout=10.0):
    """Wait for the build the test caused, then make sure no further build follows it."""
    wait_until(lambda: server.seq > seq_before, timeout, "a rebuild")
    time.sleep(server.watcher.window * 4 + 0.2)


def open_page(browser, server, path="alpha/one/index.html"):
    """A page that livereload has registered; `navigations` and `frames` record what follows."""
    page = browser.new_page()
    navigations, frames = [], []
    page.on("framenavigated", lambda frame: navigations.append(frame.url) if frame == page.main_frame else None)
    page.on("websocket", lambda ws: ws.on("framereceived", lambda data: frames.append(json.loads(data)))
            if ws.url.endswith("/livereload") else None)
    waiters = len(LiveReloadHandler.waiters)
    page.goto(server.url + path)
    expect(page.locator("h1")).to_be_visible()
    wait_until(lambda: len(LiveReloadHandler.waiters) == waiters + 1, what="livereload to register the page")
    # Playwright hands websocket frames to Python only while Python calls into it
    # (wait_until sleeps): the server's hello may be sent and not yet in `frames`.
    for _ in range(250):
        if frames:
            break
        page.wait_for_timeout(20)
    navigations.clear()
    return page, navigations, frames


def reloads_received(frames):
    return [f["path"] for f in frames if f.get("command") == "reload"]


def edit(path: Path, headline="第一篇", body="原来的第一段。\n", **fields):
    path.write_text(article(headline, "alpha", body=body + LONG_BODY, **fields), encoding="utf-8")


def raw_get(port: int, target: str) -> tuple[int, bytes]:
    """A request exactly as written: http clients would normalise `..` away."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


def test_saved_text_appears_without_manual_reload(browser, preview, edition):
    page, navigations, frames = open_page(browser, preview)
    source = edition / "content/alpha/one.md"
    for n in range(1, 4):       # saves a second apart: inside livereload's old 3 s window
        edit(source, body=f"第{n}次修改后的第一段。\n")
        expect(page.get_by_text(f"第{n}次修改后的第一段。")).to_be_visible(timeout=10_000)
    assert len(navigations) == 3
    assert preview.reloads == 3 and not preview.errors
    assert reloads_received(frames) == ["*", "*", "*"]        # each one over livereload's websocket


def test_broken_front_matter_shows_overlay_until_fixed(browser, preview, edition):
    page, navigations, frames = open_page(browser, preview)
    source = edition / "content/alpha/one.md"
    seq = preview.seq
    source.write_text("---\nheadline: [unclosed\nsection: alpha\n---\n新的正文。\n", encoding="utf-8")
    overlay = page.locator("#feature-preview-errors pre")
    expect(overlay).to_contain_text("content/alpha/one.md:", timeout=10_000)
    assert preview.seq == seq + 1 and preview.reloads == 0 and not navigations   # no reload on failure
    assert reloads_received(frames) == ["/__preview/status"]    # livereload's message, taken by our plugin
    expect(page.get_by_text("原来的第一段。")).to_be_visible()                     # the last good page stays
    assert "content/alpha/one.md:" in preview.test_log.getvalue()                  # and the terminal says where

    edit(source, body="修好之后的第一段。\n")
    expect(page.get_by_text("修好之后的第一段。")).to_be_visible(timeout=10_000)
    expect(page.locator("#feature-preview-errors")).to_have_count(0)
    assert preview.errors == []


def test_failed_build_keeps_the_last_good_site_on_disk(preview, edition):
    page_file = preview.out_dir / "alpha/one/index.html"
    before = page_file.read_bytes()
    seq = preview.seq
    (edition / "content/alpha/one.md").write_text(article("", "alpha"), encoding="utf-8")  # missing headline
    settle(preview, seq)
    assert preview.seq == seq + 1 and preview.good <= seq and preview.reloads == 0
    assert any("content/alpha/one.md:" in e and "headline" in e for e in preview.errors)
    assert page_file.read_bytes() == before
    status, body = raw_get(preview.port, "/alpha/one/index.html")
    assert status == 200 and "原来的第一段。".encode() in body


def test_template_error_reaches_the_overlay_with_file_and_line(browser, preview, edition):
    page, _, _ = open_page(browser, preview)
    base = edition / "templates/base.html"
    good = base.read_text(encoding="utf-8")
    base.write_text(good.replace("</head>", "{{ no_such_thing.at_all }}</head>", 1), encoding="utf-8")
    expect(page.locator("#feature-preview-errors pre")).to_contain_text("templates/base.html:", timeout=10_000)
    base.write_text(good, encoding="utf-8")
    expect(page.locator("#feature-preview-errors")).to_have_count(0, timeout=10_000)


def test_burst_of_twenty_touches_gives_one_rebuild_and_one_reload(browser, preview, edition):
    page, navigations, frames = open_page(browser, preview)
    files = sorted((edition / "content").rglob("*.md")) + sorted((edition / "templates").rglob("*.html"))
    files = (files * 20)[:20]
    page.evaluate("window.beforeBurst = true")
    builds, reloads, seq = preview.builds, preview.reloads, preview.seq
    start = time.monotonic()
    for f in files:
        f.touch()
    assert time.monotonic() - start < 0.1
    settle(preview, seq)
    assert preview.builds == builds + 1
    assert preview.reloads == reloads + 1
    page.wait_for_function("window.beforeBurst === undefined", timeout=10_000)   # reloaded
    page.wait_for_timeout(500)        # lets a second reload, if any, show up
    assert len(navigations) == 1
    assert reloads_received(frames) == ["*"]


def test_editor_temp_files_never_trigger_a_build(preview, edition):
    seq = preview.seq
    folder = edition / "content/alpha"
    for name in (".one.md.swp", "one.md~", "4913", "#one.md#", ".#one.md", "one.md.tmp", "one.md___jb_tmp___"):
        (folder / name).write_text("---\nbroken: [\n", encoding="utf-8")
    time.sleep(preview.watcher.window * 4 + 0.3)
    assert preview.seq == seq
    edit(folder / "one.md", body="真正保存的内容。\n")      # a real save beside them builds, without them
    settle(preview, seq)
    assert preview.errors == [] and preview.good == seq + 1


def test_atomic_save_by_rename_is_one_rebuild(preview, edition):
    """vim/VS Code style: write a temp file, rename it over the article."""
    seq = preview.seq
    target = edition / "content/alpha/two.md"
    temp = target.with_name(".two.md.tmp")
    temp.write_text(article("第二篇改", "alpha", body="改过的第二篇。\n"), encoding="utf-8")
    temp.rename(target)
    settle(preview, seq)
    assert preview.seq == seq + 1 and preview.errors == []
    assert "改过的第二篇".encode() in (preview.out_dir / "alpha/two/index.html").read_bytes()


def test_stylesheet_change_swaps_css_and_keeps_the_scroll_position(browser, preview, edition):
    page, navigations, frames = open_page(browser, preview)
    page.evaluate("window.scrollTo(0, 900)")
    wait_until(lambda: page.evaluate("window.scrollY") == 900, what="scroll")
    css = edition / "static/style.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n:root { --preview-test: 7; }\n", encoding="utf-8")
    page.wait_for_function(
        "getComputedStyle(document.documentElement).getPropertyValue('--preview-test').trim() === '7'",
        timeout=10_000)
    assert navigations == []                      # swapped in place, no page reload
    assert page.evaluate("window.scrollY") == 900
    assert reloads_received(frames) == ["static/style.css"]
    # livereload.js could not have done this swap itself: the old href names the old content hash.
    hrefs = page.eval_on_selector_all('link[rel~="stylesheet"]', "links => links.map(l => l.href)")
    assert all("livereload=" not in h for h in hrefs) and any("/static/style." in h for h in hrefs)


def open_page_without_websocket(browser, server):
    """A page whose livereload.js is held back: read, but not yet registered with livereload."""
    page, held = browser.new_page(), []
    # The first livereload.js waits; the reloaded page's loads freely.
    page.route("**/livereload.js*", lambda route: route.continue_() if held else held.append(route))
    page.goto(server.url + "alpha/one/index.html", wait_until="domcontentloaded")   # "load" waits for it
    expect(page.get_by_text("原来的第一段。")).to_be_visible()
    while not held:                   # route handlers run while Playwright is called
        page.wait_for_timeout(20)
    return page, held[0]


def test_page_loaded_during_a_build_still_gets_that_build(browser, preview, edition):
    """The page is read, then a build is announced before its websocket is registered.

    livereload's broadcast cannot reach it; the build counters the page carries
    (sent in livereload's 'info' handshake) make the server reload it at once.
    """
    page, livereload_js = open_page_without_websocket(browser, preview)
    seq = preview.seq
    edit(edition / "content/alpha/one.md", body="页面加载期间保存的内容。\n")
    settle(preview, seq)
    assert preview.announced[-1][1:] == ("*", 0)            # announced to nobody
    livereload_js.continue_()
    expect(page.get_by_text("页面加载期间保存的内容。")).to_be_visible(timeout=10_000)


def test_page_loaded_during_a_failed_build_still_shows_its_errors(browser, preview, edition):
    page, livereload_js = open_page_without_websocket(browser, preview)
    seq = preview.seq
    (edition / "content/alpha/one.md").write_text(article("", "alpha"), encoding="utf-8")   # missing headline
    settle(preview, seq)
    assert preview.announced[-1][1:] == ("/__preview/status", 0)
    livereload_js.continue_()
    expect(page.locator("#feature-preview-errors pre")).to_contain_text("content/alpha/one.md:", timeout=10_000)
    expect(page.get_by_text("原来的第一段。")).to_be_visible()


def test_reload_arrives_over_livereloads_websocket(browser, preview, edition):
    page, navigations, frames = open_page(browser, preview)
    assert len(LiveReloadHandler.waiters) == 1                       # livereload's own registry
    assert frames[0]["command"] == "hello" and "http://livereload.com/protocols/official-7" in frames[0]["protocols"]
    page.evaluate("window.beforeSave = true")
    edit(edition / "content/alpha/one.md", body="经由 livereload 的修改。\n")
    page.wait_for_function("window.beforeSave === undefined", timeout=10_000)
    expect(page.get_by_text("经由 livereload 的修改。")).to_be_visible()
    assert reloads_received(frames) == ["*"] and len(navigations) == 1
    assert preview.announced[-1][1:] == ("*", 1)             # reload_waiters reached the one page
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.reload()
    expect(page.locator("h1")).to_be_visible()
    assert not [u for u in requests if "/__preview/wait" in u]           # no long-poll channel any more
    assert any(u.split("?")[0].endswith("/livereload.js") for u in requests)


def test_livereload_js_is_the_packaged_one_and_refuses_other_origins(preview):
    import livereload
    packaged = (Path(livereload.__file__).parent / "vendors/livereload.js").read_bytes()
    status, body = raw_get(preview.port, "/livereload.js?host=127.0.0.1&port=1")
    assert status == 200 and body == packaged
    with socket.create_connection(("127.0.0.1", preview.port), timeout=5) as s:
        s.sendall((f"GET /livereload HTTP/1.1\r\nHost: 127.0.0.1:{preview.port}\r\nUpgrade: websocket\r\n"
                   "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                   "Sec-WebSocket-Version: 13\r\nOrigin: http://evil.example\r\n\r\n").encode())
        answer = s.recv(4096)
    assert answer.split()[1] == b"403"


def test_one_preview_server_per_process(preview, edition):
    second = PreviewServer(edition / "config.yaml", port=0, log=io.StringIO(),
                           builder=preview_builder(edition / "config.yaml"))
    with pytest.raises(RuntimeError, match="already running"):
        second.start()                  # refused before it watches, builds or listens


@pytest.mark.parametrize("target", [
    "/../config.yaml", "/%2e%2e/config.yaml", "/%2E%2E/%2e%2e/etc/passwd", "/static/..%2f..%2fconfig.yaml",
    "/alpha/../../config.yaml", "/..%5cconfig.yaml", "//etc/passwd", "/etc/passwd",
    "http://127.0.0.1/../config.yaml", "config.yaml", "/.feature-build.json", "/%00", "/content/alpha/one.md",
])
def test_requests_outside_the_output_folder_are_refused(preview, target):
    status, body = raw_get(preview.port, target)
    assert status in (400, 403, 404)
    assert b"sections:" not in body and b"root:" not in body and b"headline:" not in body


def test_symlink_out_of_the_output_folder_is_not_followed(preview, edition):
    (preview.out_dir / "leak.yaml").symlink_to(edition / "config.yaml")
    status, body = raw_get(preview.port, "/leak.yaml")
    assert status == 404 and b"sections:" not in body


def test_locate_maps_only_files_inside_the_site(tmp_path):
    out = tmp_path / "dist"
    (out / "alpha/one").mkdir(parents=True)
    (out / "alpha/one/index.html").write_text("x")
    assert locate(out, "/", "/alpha/one/") == (200, (out / "alpha/one/index.html").resolve())
    assert locate(out, "/", "/alpha/one") == (301, "/alpha/one/")
    assert locate(out, "/specials/x/", "/specials/x/alpha/one/")[0] == 200
    assert locate(out, "/specials/x/", "/") == (301, "/specials/x/")
    assert locate(out, "/specials/x/", "/alpha/one/")[0] == 404
    assert locate(out, "/", "/alpha/%2e%2e/%2e%2e/x")[0] == 403


def test_preview_script_is_injected_when_serving_only(preview, edition):
    status, body = raw_get(preview.port, "/alpha/one/index.html")
    assert status == 200 and b'<script src="/__preview/client.js"' in body
    for f in preview.out_dir.rglob("*"):
        if f.is_file():
            assert b"__preview" not in f.read_bytes(), f
    assert not list((edition / "static").rglob("*preview*"))


def test_watcher_tells_sources_from_temp_files(tmp_path):
    root = tmp_path.resolve()
    w = SourceWatcher(root / "config.yaml", [root / "content", root / "templates", root / "static"])
    c = root / "content/alpha"
    assert w.relevant(c / "one.md", False) == (True, False)
    assert w.relevant(root / "static/style.css", False) == (True, False)
    assert w.relevant(root / "config.yaml", False) == (True, True)
    assert w.relevant(c, True) == (True, True)
    for temp in (".one.md.swp", "one.md~", "4913", "#one.md#", ".#one.md", "one.md.tmp", "one.md___jb_old___"):
        assert w.relevant(c / temp, False) == (False, False), temp
    assert w.relevant(root / "templates/.base.html.swp", False) == (False, False)
    assert w.relevant(root / "dist/index.html", False) == (False, False)
    assert w.relevant(root / ".dist.staging-1", True) == (False, False)


def test_first_build_failing_still_serves_and_recovers(browser, make_edition):
    root = make_edition({"content/alpha/one.md": "---\nheadline: 一\n---\n没有栏目。\n"})
    server = PreviewServer(root / "config.yaml", port=0, log=io.StringIO(),
                           builder=preview_builder(root / "config.yaml"))
    server.start()
    try:
        assert server.errors and server.good == 0
        page = browser.new_page()
        page.goto(server.url)
        expect(page.locator("#feature-preview-errors pre")).to_contain_text("content/alpha/one.md:1")
        (root / "content/alpha/one.md").write_text(article("第一篇", "alpha"), encoding="utf-8")
        expect(page.locator("h1, .card-headline").first).to_be_visible(timeout=10_000)
        expect(page.locator("#feature-preview-errors")).to_have_count(0)
    finally:
        server.stop()


def test_cli_serve_defaults_to_loopback_port_8000():
    from feature.cli import _parser
    args = _parser().parse_args(["serve"])
    assert (args.host, args.port) == ("127.0.0.1", 8000)
    args = _parser().parse_args(["serve", "--port", "9001", "--host", "0.0.0.0", "--out", "x", "--base-url", "/s/"])
    assert (args.host, args.port, str(args.out), args.base_url) == ("0.0.0.0", 9001, "x", "/s/")



def run_serve(root: Path, log: Path, *extra: str, edit=None, folder: Path | None = None) -> None:
    """`build.py serve` in a process of its own until it has built (and, after `edit()`,
    rebuilt, and written `folder`'s marker: after the reload, IncrementalBuilder.save)."""
    from feature.output.write import verify_output
    from tests.support.buildruns import finish, kill, start, wait_for
    with open(log, "w") as err:
        serve = start(root, "serve", "--port", "0", *extra, stderr=err)
        try:
            wait_for(lambda: "Preview:" in log.read_text(), 60, "the preview to start")
            if edit is not None:
                edit()
                wait_for(lambda: "rebuilt after" in log.read_text(), 60, "the preview to rebuild")
                wait_for(lambda: verify_output(folder) == [], 60, "the marker after the reload")
        finally:
            kill(serve)
            finish(serve)


def test_serve_leaves_the_production_build_alone_and_deploy_refuses_a_preview(make_edition, tmp_path, capsys):
    """`build --base-url https://…`, then `serve` to check something: dist/ stays the
    production build byte for byte while the preview builds and rebuilds in its own
    folder (.cache/preview/site, marked as a preview); deploy publishes dist/ and
    refuses a preview build, also one the preview was told to make elsewhere (--out)."""
    from feature.cli import main
    from feature.output.write import BuildSettings, read_settings
    from tests.support.buildruns import snapshot
    root = make_edition({"content/alpha/one.md": article("第一篇", "alpha", body="原来的正文。\n")})
    config, log = str(root / "config.yaml"), tmp_path / "serve.log"
    assert main(["build", "--config", config, "--base-url", "https://example.cn/specials/x/"]) == 0
    production = snapshot(root / "dist")
    assert b'href="https://example.cn/specials/x/alpha/one/' in production["alpha/one/index.html"]

    def edit():
        (root / "content/alpha/one.md").write_text(article("第一篇", "alpha", body="预览时改的正文。\n"),
                                                   encoding="utf-8")
    run_serve(root, log, edit=edit, folder=root / ".cache/preview/site")
    assert snapshot(root / "dist") == production
    preview = root / ".cache/preview/site"
    assert "预览时改的正文" in (preview / "alpha/one/index.html").read_text(encoding="utf-8")
    assert read_settings(preview) == BuildSettings("/", preview=True)
    assert "note: the preview is built into .cache/preview/site" in log.read_text()
    run_serve(root, log, "--out", str(tmp_path / "asked"))
    capsys.readouterr()
    for folder in (preview, tmp_path / "asked"):
        assert main(["deploy", str(tmp_path / "site"), "--out", str(folder), "--config", config]) == 1
        assert f"{folder} holds a preview build made by `python build.py serve`" in capsys.readouterr().err
        assert not (tmp_path / "site").exists()
    assert main(["deploy", str(tmp_path / "site"), "--config", config]) == 0
    assert (tmp_path / "site/alpha/one/index.html").read_bytes() == production["alpha/one/index.html"]


def test_serve_help_names_the_preview_folder_not_dist(capsys):
    from feature.cli import main
    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert ".cache/preview/site" in help_text and "`output` in config.yaml, dist/" not in help_text


def test_an_edits_new_share_images_are_drawn_after_the_reload(make_edition):
    """The rebuild lists the edited article's new cards and posters and the browsers are
    told to reload; the images follow (IncrementalBuilder.after_reload), and the folder
    then holds every file its marker lists."""
    from feature.build.output import LATER
    from feature.output.write import OUTPUT_MARKER, verify_output
    from tests.support import SHARED_CONFIG
    root = make_edition({"content/alpha/one.md": article("第一篇", "alpha", body="投资21.99亿元，增长8.7%。\n"),
                         "content/beta/three.md": article("第三篇", "beta", body="第三篇正文。\n")}, SHARED_CONFIG)
    log = io.StringIO()
    server = PreviewServer(root / "config.yaml", port=0, log=log, builder=preview_builder(root / "config.yaml"))
    server.start()
    try:
        seq = server.seq
        source = root / "content/alpha/one.md"
        source.write_text(source.read_text(encoding="utf-8").replace("第一篇", "改过的第一篇"), encoding="utf-8")
        wait_until(lambda: server.reloads == 1, 20, "the reload")
        wait_until(lambda: "share image(s) after the reload" in log.getvalue(), 20, "the images")
        assert server.seq == seq + 1 and server.errors == []
        said = log.getvalue()
        assert said.index("content/alpha/one.md") < said.index("after the reload"), said
        marker = json.loads((server.out_dir / OUTPUT_MARKER).read_text(encoding="utf-8"))
        assert LATER not in marker["files"].values()
        assert verify_output(server.out_dir) == []
        page = (server.out_dir / "alpha/one/index.html").read_text(encoding="utf-8")
        shown = [rel for rel in marker["files"] if rel.startswith("share/") and rel[len("share/"):] in page]
        assert len(shown) >= 3 and all((server.out_dir / rel).is_file() for rel in shown)
    finally:
        server.stop()

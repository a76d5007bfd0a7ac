"""`build.py deploy`: only what changed is copied, nothing outside the target is touched."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support import ROOT, SHARED_CONFIG, article
from feature.cli import main
from feature.core.config import load_config
from feature.publish.folder import DEPLOY_MARKER, DeployRefused, is_remote, nginx_location, publish
from feature.output.headers import CACHE_FOREVER, REVALIDATE
from feature.build.pipeline import build

FILES = {
    "content/alpha/one.md": article("第一篇", "alpha", "## 小标题\n\n正文第一段。\n\n"
                                    '![码头](dock.jpg "周口港码头｜摄影 张三")\n', byline=["记者 甲"], lede="导语。"),
    "content/beta/two.md": article("第二篇", "beta", "正文。\n"),
}


def jpeg(width: int = 900, height: int = 600) -> bytes:
    import io
    from PIL import Image
    out = io.BytesIO()
    Image.new("RGB", (width, height), (120, 160, 200)).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def dist(make_edition):
    """A built fixture edition; call `rebuild(files)` to build again with changed content."""
    root = make_edition(files={**FILES, "content/alpha/dock.jpg": jpeg()}, config=SHARED_CONFIG)

    def rebuild(files=None, base_url=None):
        for rel, text in (files or {}).items():
            (root / rel).write_text(text, encoding="utf-8")
        build(load_config(root / "config.yaml").with_overrides(base_url=base_url), root / "dist")
        return root / "dist"
    rebuild.root = root
    rebuild()
    return rebuild


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_first_deploy_copies_everything_second_copies_nothing(dist, tmp_path):
    source, target = dist.root / "dist", tmp_path / "www" / "feature"
    first = publish(source, str(target))
    built = set(tree(source)) - {".feature-build.json"}
    assert set(first.uploaded) == built and first.deleted == []
    assert set(tree(target)) == built | {DEPLOY_MARKER}
    assert {k: v for k, v in tree(target).items() if k != DEPLOY_MARKER} == {k: tree(source)[k] for k in built}
    inodes = {p: p.stat().st_ino for p in target.rglob("*")}
    second = publish(source, str(target))
    assert second.changes == 0
    assert {p: p.stat().st_ino for p in target.rglob("*")} == inodes     # not even rewritten


def test_rebuild_deploys_only_changed_files_and_removes_stale_ones(dist, tmp_path):
    target = tmp_path / "site"
    publish(dist.root / "dist", str(target))
    css = next(target.glob("static/style.*.css"))
    css_inode = css.stat().st_ino
    (target / "leftover.html").write_text("old page")
    before = set(tree(target))
    source = dist({"content/beta/two.md": article("第二篇（修订）", "beta", "正文。\n")})
    report = publish(source, str(target))
    # The stale file, and the share cards of the old headline (the new ones have new names).
    gone = sorted(p for p in before - set(tree(source)) if p.startswith("share/"))
    assert sorted(report.deleted) == ["leftover.html", *gone] and len(gone) == 2
    assert "beta/two/index.html" in report.uploaded and "index.html" in report.uploaded
    assert not any(p.startswith("static/") for p in report.uploaded)
    assert css.stat().st_ino == css_inode
    assert "第二篇（修订）" in (target / "beta/two/index.html").read_text()


def test_dry_run_lists_changes_and_changes_nothing(dist, tmp_path):
    target = tmp_path / "site"
    plan = publish(dist.root / "dist", str(target), dry_run=True)
    assert plan.dry_run and "index.html" in plan.uploaded
    assert not target.exists()
    publish(dist.root / "dist", str(target))
    (target / "stale.txt").write_text("x")
    before = tree(target)
    plan = publish(dist.root / "dist", str(target), dry_run=True)
    assert plan.uploaded == [] and plan.deleted == ["stale.txt"]
    assert tree(target) == before


def test_foreign_folder_is_refused_and_left_alone(dist, tmp_path):
    target = tmp_path / "someone-else"
    target.mkdir()
    (target / "notes.txt").write_text("keep me")
    with pytest.raises(DeployRefused, match="not deployed by build.py"):
        publish(dist.root / "dist", str(target))
    assert tree(target) == {"notes.txt": b"keep me"}


def test_nothing_outside_the_target_is_touched(dist, tmp_path):
    (tmp_path / "neighbour.html").write_text("next door")
    target = tmp_path / "site"
    publish(dist.root / "dist", str(target))
    (target / "sub").mkdir()
    (target / "sub" / "x.html").write_text("stale")
    publish(dist.root / "dist", str(target))
    assert not (target / "sub").exists()
    assert (tmp_path / "neighbour.html").read_text() == "next door"


@pytest.mark.parametrize("where", ["dist", "inside", "parent", "root", "home"])
def test_targets_overlapping_the_build_or_system_folders_are_refused(dist, where):
    source = dist.root / "dist"
    target = {"dist": source, "inside": source / "static", "parent": dist.root,
              "root": Path("/"), "home": Path.home()}[where]
    with pytest.raises(DeployRefused):
        publish(source, str(target))


def test_a_folder_that_is_not_a_build_is_refused(tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "index.html").write_text("hi")
    with pytest.raises(DeployRefused, match="not a finished build"):
        publish(tmp_path / "src", str(tmp_path / "site"))


@pytest.fixture
def fake_ssh(tmp_path, monkeypatch):
    """rsync's remote shell replaced by one that runs the remote side here (no sshd needed)."""
    script = tmp_path / "fake-ssh"
    script.write_text('#!/bin/sh\n[ "$1" = "-l" ] && shift 2\nshift\nexec sh -c "$*"\n')
    script.chmod(0o755)
    monkeypatch.setenv("RSYNC_RSH", str(script))


def test_ssh_target_gets_the_same_rules(dist, tmp_path, fake_ssh):
    target = f"web@newsroom-host:{tmp_path}/remote/feature"
    first = publish(dist.root / "dist", target)
    assert "index.html" in first.uploaded
    assert (tmp_path / "remote/feature" / DEPLOY_MARKER).is_file()
    assert publish(dist.root / "dist", target).changes == 0
    foreign = tmp_path / "remote" / "other"
    foreign.mkdir()
    (foreign / "a.html").write_text("theirs")
    with pytest.raises(DeployRefused, match="not deployed by build.py"):
        publish(dist.root / "dist", f"newsroom-host:{foreign}")
    assert tree(foreign) == {"a.html": b"theirs"}
    for target in ("newsroom-host:", "newsroom-host:/", "newsroom-host:~"):
        with pytest.raises(DeployRefused, match="name a folder"):
            publish(dist.root / "dist", target)


def test_remote_targets_are_told_apart_from_paths():
    assert is_remote("web@host:/srv/x") and is_remote("host:x") and is_remote("rsync://host/m/x")
    assert not is_remote("/srv/x") and not is_remote("./a:b") and not is_remote("dist-copy")


def test_cli_deploy_dry_run_then_deploy(dist, tmp_path, capsys):
    target = tmp_path / "site"
    out = str(dist.root / "dist")
    assert main(["deploy", str(target), "--out", out, "--dry-run"]) == 0
    printed = capsys.readouterr().out
    assert "+ index.html" in printed and "would change" in printed and not target.exists()
    assert main(["deploy", str(target), "--out", out]) == 0
    assert main(["deploy", str(target), "--out", out]) == 0
    assert capsys.readouterr().out.splitlines()[-1].endswith("changed 0 file(s) (0 new or changed, 0 removed)")
    (tmp_path / "foreign").mkdir()
    (tmp_path / "foreign" / "x").write_text("x")
    assert main(["deploy", str(tmp_path / "foreign"), "--out", out]) == 1
    assert "refusing" in capsys.readouterr().err


def test_cli_build_warns_when_base_url_has_no_origin(dist, capsys, monkeypatch):
    monkeypatch.chdir(dist.root)
    assert main(["build"]) == 0
    assert "sitemap.xml are left out" in capsys.readouterr().err
    assert main(["build", "--base-url", "https://example.cn/specials/x/"]) == 0
    assert "left out" not in capsys.readouterr().err


def _rule_matches(rule: str, path: str) -> bool:
    """Netlify/Cloudflare `_headers` matching: exact, or a trailing `*` splat."""
    return path.startswith(rule[:-1]) if rule.endswith("*") else path == rule


@pytest.mark.parametrize("base_url, site_path", [(None, "/"), ("https://example.cn/specials/x/", "/specials/x/")])
def test_headers_file_gives_every_url_exactly_one_rule(dist, base_url, site_path):
    source = dist(base_url=base_url)
    rules = {}
    lines = (source / "_headers").read_text().splitlines()
    for path, header in zip(lines[1::2], lines[2::2]):
        rules[path] = header.strip().removeprefix("Cache-Control: ")
    urls = [site_path + p for p in tree(source) if not p.startswith((".", "_headers"))]
    urls += [site_path + p[: -len("index.html")] for p in tree(source) if p.endswith("index.html")]
    for url in urls:
        matching = [r for r in rules if _rule_matches(r, url)]
        assert len(matching) == 1, (url, matching)
        fingerprinted = re.search(r"/static/.+\.[0-9a-f]{10}\.(css|js)$|/media/|/share/", url)
        assert rules[matching[0]] == (CACHE_FOREVER if fingerprinted else REVALIDATE), url


def test_docs_show_the_nginx_block_the_tests_run():
    docs = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    assert nginx_location("/specials/2019-zhoukou/", "/srv/www/specials/2019-zhoukou") in docs

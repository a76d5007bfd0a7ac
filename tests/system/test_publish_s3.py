"""`build.py deploy s3://BUCKET/PREFIX` against a real S3 server (`rclone serve s3`).

The server stores each bucket as a folder of files, so what a deploy left is
read back both through the S3 API (types, cache headers) and from disk.
"""
from __future__ import annotations

import os
import re
import secrets
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import ROOT, SHARED_CONFIG, article
from feature.cli import main
from feature.core.config import load_config
from feature.build.pipeline import build
from feature.publish.plan import DEPLOY_MARKER
from feature.publish.s3 import S3Options, S3Target, Store
from tests.support.s3server import KEY, SECRET, S3Server, credentials_env

FOREVER = "public, max-age=31536000, immutable"
TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
         ".js": "application/javascript; charset=utf-8", ".json": "application/json; charset=utf-8",
         ".xml": "text/xml; charset=utf-8", ".txt": "text/plain; charset=utf-8", ".jpg": "image/jpeg", ".png": "image/png",
         ".svg": "image/svg+xml", ".webp": "image/webp", ".avif": "image/avif", ".bin": "application/octet-stream"}
FILES = {
    "content/alpha/one.md": article("第一篇", "alpha", "## 小标题\n\n正文第一段。\n\n"
                                    '![码头](dock.jpg "周口港码头｜摄影 张三")\n', byline=["记者 甲"], lede="导语。"),
    "content/alpha/two.md": article("第二篇", "alpha", "正文二。\n", order=2),
    "content/beta/three.md": article("第三篇", "beta", "正文三。\n"),
}


def jpeg(width: int = 900, height: int = 600) -> bytes:
    import io
    from PIL import Image
    out = io.BytesIO()
    Image.new("RGB", (width, height), (120, 160, 200)).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    s3 = S3Server(tmp_path_factory.mktemp("s3") / "data").start()
    yield s3
    s3.stop()


@pytest.fixture
def aws(tmp_path, monkeypatch):
    """Credentials in the standard variables; nothing of the developer's own AWS setup."""
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3",
                 "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    env = credentials_env(tmp_path)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


@pytest.fixture
def site(make_edition):
    """A built fixture edition; `site(files, remove=[...])` edits the sources and builds again."""
    root = make_edition(files={**FILES, "content/alpha/dock.jpg": jpeg()}, config=SHARED_CONFIG)

    def rebuild(files=None, remove=(), base_url=None):
        for rel, text in (files or {}).items():
            (root / rel).write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
        for rel in remove:
            (root / rel).unlink()
        build(load_config(root / "config.yaml").with_overrides(base_url=base_url), root / "dist")
        return root / "dist"
    rebuild.root = root
    rebuild.dist = root / "dist"
    rebuild()
    return rebuild


def bucket_name() -> str:
    return "news-" + secrets.token_hex(4)


def deploy(server: S3Server, bucket: str, source: Path, *extra: str, prefix: str = "specials/2019") -> int:
    return main(["deploy", f"s3://{bucket}/{prefix}", "--out", str(source), "--config",
                 str(source.parent / "config.yaml"), "--endpoint", server.endpoint, "--region", "us-east-1",
                 "--addressing", "path", *extra])


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def published(dist: Path) -> dict[str, bytes]:
    """What the bucket must hold for a build: its files, less the build's marker and `_headers`."""
    return {p: b for p, b in tree(dist).items() if p not in (".feature-build.json", "_headers")}


def printed_paths(out: str, sign: str) -> list[str]:
    return [line[2:].rsplit(" (", 1)[0] for line in out.splitlines() if line.startswith(sign + " ")]


def test_first_deploy_uploads_every_file_with_its_type_and_cache_header(server, aws, site, capsys):
    bucket = bucket_name()
    folder = server.bucket(bucket) / "specials/2019"
    assert deploy(server, bucket, site.dist) == 0
    out = capsys.readouterr().out
    assert tree(folder) == {**published(site.dist), DEPLOY_MARKER: (folder / DEPLOY_MARKER).read_bytes()}
    assert sorted(printed_paths(out, "+")) == sorted(published(site.dist))
    s3 = server.client()
    checked = 0
    for path in published(site.dist):
        head = s3.head_object(Bucket=bucket, Key=f"specials/2019/{path}")
        assert head["ContentType"] == TYPES[Path(path).suffix], path
        hashed = re.fullmatch(r"static/[a-z]+\.[0-9a-f]{10}\.(css|js)|media/.+-[0-9a-f]{10}-\d+\.(jpg|webp|avif)"
                              r"|share/[0-9a-f]{20}\.png", path)
        assert head["CacheControl"] == (FOREVER if hashed else "no-cache"), path
        checked += 1
    assert checked >= 15 and any(p.startswith("media/") for p in published(site.dist))


def test_second_deploy_uploads_nothing_and_an_edit_only_the_changed_files(server, aws, site, capsys):
    bucket = bucket_name()
    folder = server.bucket(bucket) / "specials/2019"
    assert deploy(server, bucket, site.dist) == 0
    before = {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}
    capsys.readouterr()
    assert deploy(server, bucket, site.dist) == 0
    out = capsys.readouterr().out
    assert "uploaded 0 object(s)" in out and "deleted 0" in out and "0 changed URL(s)" in out
    assert {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()} == before
    old = published(site.dist)
    new = published(site({"content/beta/three.md": article("第三篇（修订）", "beta", "正文三。\n")}))
    changed = sorted(p for p in new if old.get(p) != new[p])
    assert "beta/three/index.html" in changed and not any(p.startswith(("static/", "media/")) for p in changed)
    assert deploy(server, bucket, site.dist) == 0
    out = capsys.readouterr().out
    assert sorted(printed_paths(out, "~") + printed_paths(out, "+")) == changed
    assert {p: b for p, b in tree(folder).items() if p != DEPLOY_MARKER} == new


def test_a_removed_article_is_deleted_after_the_new_pages_are_up(server, aws, site, capsys):
    bucket = bucket_name()
    folder = server.bucket(bucket) / "specials/2019"
    assert deploy(server, bucket, site.dist) == 0
    capsys.readouterr()
    site({"static/style.css": (site.root / "static/style.css").read_text() + "\n.x { color: red }\n"},
         remove=["content/alpha/two.md"])
    assert deploy(server, bucket, site.dist) == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if line[:2] in ("+ ", "~ ", "- ")]
    paths = [line[2:].rsplit(" (", 1)[0] for line in lines]
    deleted = printed_paths("\n".join(lines), "-")
    assert "alpha/two/index.html" in deleted and any(re.match(r"static/style\.\w+\.css", p) for p in deleted)
    first_delete = next(i for i, line in enumerate(lines) if line.startswith("- "))
    assert all(line.startswith("- ") for line in lines[first_delete:])       # deletions come last
    # The new stylesheet went up before any page that links to it, pages before feed and sitemap.
    uploaded = paths[:first_delete]
    new_css = next(p for p in uploaded if re.fullmatch(r"static/style\.\w+\.css", p))
    pages = [i for i, p in enumerate(uploaded) if p.endswith(".html")]
    assert uploaded.index(new_css) < min(pages) and max(pages) < uploaded.index("feed.xml")
    assert {p: b for p, b in tree(folder).items() if p != DEPLOY_MARKER} == published(site.dist)


def test_dry_run_prints_the_plan_with_sizes_and_changes_nothing(server, aws, site, capsys):
    bucket = bucket_name()
    folder = server.bucket(bucket)
    assert deploy(server, bucket, site.dist, "--dry-run") == 0
    out = capsys.readouterr().out
    assert tree(folder) == {}
    assert re.search(r"^\+ index\.html \(\d+\.\d KB\)$", out, re.M) and "would upload" in out
    assert deploy(server, bucket, site.dist) == 0
    server.put(bucket, "specials/2019/stale.html")
    site({"content/alpha/two.md": article("第二篇（改）", "alpha", "正文二。\n", order=2)})
    before = tree(folder)
    capsys.readouterr()
    assert deploy(server, bucket, site.dist, "--dry-run") == 0
    out = capsys.readouterr().out
    assert re.search(r"^~ alpha/two/index\.html \(\d+\.\d KB, was \d+\.\d KB\)$", out, re.M)
    assert "- stale.html (3 B)" in out.splitlines()
    assert tree(folder) == before


def test_a_foreign_bucket_or_prefix_is_refused_and_left_alone(server, aws, site, capsys):
    bucket = bucket_name()
    folder = server.bucket(bucket)
    server.put(bucket, "specials/2019/their.html", b"someone else's")
    assert deploy(server, bucket, site.dist) == 1
    err = capsys.readouterr().err
    assert "was not deployed by build.py" in err and len(err.strip().splitlines()) == 1
    assert deploy(server, bucket, site.dist, prefix="") == 1           # the bucket's root holds it too
    assert tree(folder) == {"specials/2019/their.html": b"someone else's"}
    assert deploy(server, bucket, site.dist, prefix="specials/2020") == 0     # an empty prefix is fine


def test_another_edition_deployed_below_the_target_is_never_deleted(server, aws, site, capsys):
    bucket = bucket_name()
    folder = server.bucket(bucket)
    assert deploy(server, bucket, site.dist, prefix="specials/2019/extra") == 0
    assert deploy(server, bucket, site.dist, prefix="specials/2019") == 1     # not empty, not ours
    server.put(bucket, f"specials/2019/{DEPLOY_MARKER}", b"{}")
    capsys.readouterr()
    assert deploy(server, bucket, site.dist, prefix="specials/2019") == 0
    assert "deleted 0" in capsys.readouterr().out
    assert (folder / "specials/2019/extra/index.html").is_file()


def test_max_deletes_stops_before_changing_anything(server, aws, site, capsys):
    bucket = bucket_name()
    folder = server.bucket(bucket) / "specials/2019"
    assert deploy(server, bucket, site.dist) == 0
    for n in range(4):
        server.put(bucket, f"specials/2019/old-{n}.html")
    old = published(site.dist)
    site({"content/beta/three.md": article("第三篇（修订）", "beta", "正文三。\n")})
    # The four strays, and the share cards of the old headline (the new ones have new names).
    deletes = 4 + len(old.keys() - published(site.dist).keys())
    before = tree(folder)
    capsys.readouterr()
    assert deploy(server, bucket, site.dist, "--max-deletes", "3") == 1
    err = capsys.readouterr().err
    assert f"would delete {deletes} objects" in err and f"--max-deletes {deletes}" in err
    assert len(err.strip().splitlines()) == 1 and deletes == 6
    assert tree(folder) == before                          # not even the changed page went up
    assert deploy(server, bucket, site.dist, "--max-deletes", str(deletes)) == 0
    assert {p: b for p, b in tree(folder).items() if p != DEPLOY_MARKER} == published(site.dist)


def test_an_unfinished_or_altered_build_is_not_published(server, aws, site, capsys):
    bucket = bucket_name()
    folder = server.bucket(bucket)
    (site.dist / "index.html").write_text("edited by hand")
    assert deploy(server, bucket, site.dist) == 1
    err = capsys.readouterr().err
    assert "is not a finished build: index.html has 14 bytes, not the" in err
    assert tree(folder) == {}


@pytest.mark.parametrize("case", ["wrong secret", "unknown key", "missing bucket", "refused connection",
                                  "no credentials", "unknown profile"])
def test_errors_are_one_line_with_a_non_zero_exit_and_no_secret(server, aws, site, capsys, monkeypatch, case):
    bucket = bucket_name()
    server.bucket(bucket)
    extra = []
    if case == "wrong secret":
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-the-secret-42")
    elif case == "unknown key":
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "someone-else")
    elif case == "missing bucket":
        bucket = "no-such-bucket"
    elif case == "refused connection":
        from tests.support.nginx import free_port
        server = S3Server(server.data, free_port())          # nothing listens there
    elif case == "no credentials":
        monkeypatch.delenv("AWS_ACCESS_KEY_ID")
        monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    else:
        extra = ["--profile", "newsroom"]
    assert deploy(server, bucket, site.dist, *extra) == 1
    out, err = capsys.readouterr()
    assert len(err.strip().splitlines()) == 1 and err.startswith("error: "), err
    assert "Traceback" not in err and SECRET not in out + err and "not-the-secret-42" not in out + err
    expected = {"wrong secret": "refused the credentials (SignatureDoesNotMatch)",
                "unknown key": "refused the credentials (InvalidAccessKeyId)",
                "missing bucket": "there is no bucket 'no-such-bucket'",
                "refused connection": f"cannot connect to {server.endpoint}",
                "no credentials": "no credentials: set AWS_ACCESS_KEY_ID",
                "unknown profile": "there is no profile 'newsroom'"}[case]
    assert expected in err


def test_credentials_from_a_named_profile(server, aws, site, monkeypatch, tmp_path):
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    Path(aws["AWS_SHARED_CREDENTIALS_FILE"]).write_text(
        f"[newsroom]\naws_access_key_id = {KEY}\naws_secret_access_key = {SECRET}\n")
    bucket = bucket_name()
    folder = server.bucket(bucket)
    assert deploy(server, bucket, site.dist, "--profile", "newsroom") == 0
    assert (folder / "specials/2019/index.html").is_file()


def test_changed_urls_are_listed_in_both_forms_and_given_to_the_purge_command(server, aws, site, capsys, tmp_path):
    base_url = "https://www.example.cn/specials/2019/"
    site(base_url=base_url)
    bucket = bucket_name()
    server.bucket(bucket)
    purge_list, seen = tmp_path / "purge.txt", tmp_path / "seen.txt"
    command = f"{sys.executable} -c \"import shutil, sys; shutil.copy(sys.argv[1], {str(seen)!r})\""
    purge = ["--base-url", base_url, "--purge-list", str(purge_list), "--purge-command"]
    assert deploy(server, bucket, site.dist, *purge, command) == 0
    first = purge_list.read_text().splitlines()
    assert seen.read_text() == purge_list.read_text()
    assert {"https://www.example.cn/specials/2019/", "https://www.example.cn/specials/2019/index.html",
            "https://www.example.cn/specials/2019/beta/three/",
            "https://www.example.cn/specials/2019/feed.xml"} <= set(first)
    assert not any(re.search(r"\.[0-9a-f]{10}\.(css|js)$|/media/|/share/", u) for u in first)   # new names: no purge
    seen.unlink()
    old = published(site.dist)
    new = published(site({"content/beta/three.md": article("第三篇（修订）", "beta", "正文三。\n")},
                         base_url=base_url))
    changed = [p for p in new if p in old and old[p] != new[p]]       # new names (share cards): no purge
    assert "beta/three/index.html" in changed and len(changed) < len(new) - 5
    capsys.readouterr()
    assert deploy(server, bucket, site.dist, *purge, command) == 0
    out = capsys.readouterr().out
    urls = purge_list.read_text().splitlines()
    assert sorted(urls) == sorted([base_url + p for p in changed]
                                  + [base_url + p.removesuffix("index.html") for p in changed if p.endswith("index.html")])
    assert all(f"  {u}" in out.splitlines() for u in urls)
    assert seen.read_text() == purge_list.read_text()
    capsys.readouterr()
    assert deploy(server, bucket, site.dist, *purge, "false") == 0
    assert purge_list.read_text() == "" and "0 changed URL(s)" in capsys.readouterr().out   # nothing to purge: not run


def test_a_failing_purge_command_is_reported_after_a_complete_deploy(server, aws, site, capsys, tmp_path):
    bucket = bucket_name()
    folder = server.bucket(bucket)
    assert deploy(server, bucket, site.dist, "--purge-list", str(tmp_path / "p.txt"), "--purge-command", "false") == 1
    err = capsys.readouterr().err
    assert "purge command exited with status 1; the deploy itself is complete" in err
    assert {p: b for p, b in tree(folder / "specials/2019").items() if p != DEPLOY_MARKER} == published(site.dist)


def test_a_store_whose_etags_are_not_md5_is_compared_by_the_stored_digest(site, aws, tmp_path, capsys):
    """Multipart uploads (and some stores for every object) have ETags that are not the MD5."""
    sha1_server = S3Server(tmp_path / "sha1-data", None, "--etag-hash", "SHA1").start()
    try:
        bucket = bucket_name()
        folder = sha1_server.bucket(bucket) / "specials/2019"
        assert deploy(sha1_server, bucket, site.dist) == 0
        etag = sha1_server.client().head_object(Bucket=bucket, Key="specials/2019/index.html")["ETag"]
        assert len(etag.strip('"')) == 40                      # a SHA-1, not an MD5
        capsys.readouterr()
        assert deploy(sha1_server, bucket, site.dist) == 0
        assert "uploaded 0 object(s)" in capsys.readouterr().out
        site({"content/beta/three.md": article("第三篇（修订）", "beta", "正文三。\n")})
        assert deploy(sha1_server, bucket, site.dist) == 0
        out = capsys.readouterr().out
        assert "~ beta/three/index.html" in out and not re.search(r"^[+~] (static|media)/", out, re.M)
        assert {p: b for p, b in tree(folder).items() if p != DEPLOY_MARKER} == published(site.dist)
    finally:
        sha1_server.stop()


def test_a_large_file_goes_up_in_parts_and_is_then_left_alone(server, aws, site, capsys):
    big = os.urandom(11 * 2 ** 20)
    site({"static/dossier.bin": big})
    bucket = bucket_name()
    folder = server.bucket(bucket) / "specials/2019"
    target = S3Target.parse(f"s3://{bucket}/specials/2019")
    options = S3Options(server.endpoint, "us-east-1", "path", multipart_threshold=5 * 2 ** 20)
    from feature.publish.s3 import deploy_s3
    lines = []
    plan = deploy_s3(site.dist, target, options, say=lines.append)
    assert "+ static/dossier.bin (11.0 MB)" in lines
    assert (folder / "static/dossier.bin").read_bytes() == big
    stored = Store(target, options).listing()["static/dossier.bin"]
    assert stored.size == len(big)
    again = deploy_s3(site.dist, target, options, say=lines.append)
    assert again.uploads == [] and plan.uploads


def test_addressing_styles_put_the_bucket_in_the_path_or_the_host(aws):
    target = S3Target.parse("s3://zk-feature/specials/2019/")
    assert target.prefix == "specials/2019/" and str(target) == "s3://zk-feature/specials/2019/"
    urls = {style: Store(target, S3Options("https://s3.oss-cn-hangzhou.aliyuncs.com", "cn-hangzhou", style))
            .client.generate_presigned_url("get_object", Params={"Bucket": "zk-feature", "Key": "x/index.html"})
            for style in ("path", "virtual")}
    assert urls["path"].startswith("https://s3.oss-cn-hangzhou.aliyuncs.com/zk-feature/x/index.html?")
    assert urls["virtual"].startswith("https://zk-feature.s3.oss-cn-hangzhou.aliyuncs.com/x/index.html?")


@pytest.mark.parametrize("url", ["s3://", "s3:///x", "s3://b/a//c", "s3://b/../c", "/srv/www"])
def test_bad_targets_are_refused(url):
    from feature.publish.plan import DeployRefused
    with pytest.raises(DeployRefused):
        S3Target.parse(url)


def test_s3_options_are_refused_for_a_folder_target(tmp_path, capsys):
    assert main(["deploy", str(tmp_path / "site"), "--endpoint", "http://127.0.0.1:9"]) == 2
    assert "--endpoint only apply to s3:// targets" in capsys.readouterr().err


# --- a deploy that stops halfway ---------------------------------------------------

def refs_missing(folder: Path) -> list[str]:
    """Links of every page in `folder` to files of the site that are not there
    (and fails if there were hardly any links to check)."""
    from bs4 import BeautifulSoup
    from urllib.parse import urldefrag, urljoin, urlsplit
    missing, checked = [], 0
    for page in folder.rglob("*.html"):
        rel = page.relative_to(folder).as_posix()
        soup = BeautifulSoup(page.read_bytes(), "html.parser")
        refs = [el["href"] for el in soup.select("[href]")] + [el["src"] for el in soup.select("[src]")]
        refs += [c.split()[0] for el in soup.select("[srcset]") for c in el["srcset"].split(",")]
        for ref in refs:
            url = urlsplit(urljoin(f"http://site/{rel}", urldefrag(ref).url))
            if url.netloc != "site" or rel == "404.html":       # the 404 page links from the site root
                continue
            target = url.path.lstrip("/") + ("index.html" if url.path.endswith("/") else "")
            checked += 1
            if not (folder / target).is_file():
                missing.append(f"{rel} → {ref}")
    assert checked >= 100, checked
    return missing


def changed_site(site) -> Path:
    """A new stylesheet (new fingerprinted name), one article edited and one removed."""
    return site({"static/style.css": (site.root / "static/style.css").read_text() + "\n.x { color: red }\n",
                 "content/beta/three.md": article("第三篇（修订）", "beta", "正文三。\n")},
                remove=["content/alpha/two.md"])


def start_deploy(server: S3Server, bucket: str, dist: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "build.py", "deploy", f"s3://{bucket}/specials/2019", "--out", str(dist),
         "--config", str(dist.parent / "config.yaml"), "--endpoint", server.endpoint, "--addressing", "path",
         "--purge-list", str(dist.parent / "purge.txt")],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for_first_page(process: subprocess.Popen) -> list[str]:
    lines = []
    for line in process.stdout:
        lines.append(line.rstrip("\n"))
        if line[:2] in ("+ ", "~ ") and ".html (" in line:
            return lines
    raise AssertionError(f"the deploy uploaded no page: {lines} {process.stderr.read()}")


@pytest.fixture
def slow_server(tmp_path):
    """A server taking 100 KB/s, so a deploy of the small edition lasts about a second."""
    s3 = S3Server(tmp_path / "slow-data", None, "--bwlimit", "100k").start()
    yield s3
    s3.stop()


def deploy_up_to_the_first_page(server: S3Server, site) -> tuple:
    """Deploy the edition, change it, and start deploying the change in a process of its
    own; return when that process has uploaded its first page (assets all up)."""
    bucket = bucket_name()
    folder = server.bucket(bucket) / "specials/2019"
    assert deploy(server, bucket, site.dist) == 0
    old = published(site.dist)
    new = published(changed_site(site))
    process = start_deploy(server, bucket, site.dist)
    wait_for_first_page(process)
    return bucket, folder, old, new, process


def test_a_deploy_killed_halfway_leaves_a_consistent_site_and_the_next_one_completes_it(slow_server, aws, site):
    bucket, folder, old, new, process = deploy_up_to_the_first_page(slow_server, site)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    process.stdout.close()
    process.stderr.close()
    held = {p: b for p, b in tree(folder).items() if p != DEPLOY_MARKER}
    assert held != new and any(held.get(p) == old[p] != new.get(p) for p in old)     # stopped halfway
    assert set(old) - set(new) <= set(held)               # nothing deleted: the old CSS, the removed article
    assert set(p for p in new if p.startswith("static/")) <= set(held)      # assets went up first
    assert refs_missing(folder) == []                     # each page, old or new, finds its CSS, JS, photos
    assert deploy(slow_server, bucket, site.dist) == 0
    assert {p: b for p, b in tree(folder).items() if p != DEPLOY_MARKER} == new


def test_a_store_lost_halfway_is_a_one_line_error_and_the_next_deploy_completes(slow_server, aws, site):
    bucket, folder, old, new, process = deploy_up_to_the_first_page(slow_server, site)
    slow_server.stop()
    out, err = process.communicate(timeout=120)
    assert process.returncode == 1
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    assert re.match(r"error: deploy to s3://\S+ stopped after \d+ of \d+ uploads; nothing was deleted", err), err
    assert f"cannot connect to {slow_server.endpoint}" in err and "Run the same deploy again" in err
    assert set(old) - set(new) <= set(tree(folder))
    assert refs_missing(folder) == []
    slow_server.start()                                   # the same port and folder
    assert deploy(slow_server, bucket, site.dist) == 0
    assert {p: b for p, b in tree(folder).items() if p != DEPLOY_MARKER} == new


# --- the deployed bucket, served ----------------------------------------------------

def test_the_deployed_prefix_served_by_nginx_is_whole(server, aws, site, tmp_path):
    """Serve the bucket's folder for the prefix with the documented nginx block and crawl it."""
    from tests.support.nginx import Nginx
    from tests.support.crawl import NOT_CRAWLED, Crawl
    prefix = f"/{secrets.token_hex(3)}/feature/"
    nginx = Nginx(tmp_path / "nginx")
    site(base_url=nginx.url + prefix)
    bucket = bucket_name()
    folder = server.bucket(bucket) / prefix.strip("/")
    assert deploy(server, bucket, site.dist, prefix=prefix.strip("/")) == 0
    nginx.start({prefix: folder})
    try:
        crawl = Crawl(nginx.url).run(f"{nginx.url}{prefix}index.html").run(f"{nginx.url}{prefix}robots.txt")
    finally:
        nginx.stop()
    deployed = set(tree(folder))
    reached = crawl.files(prefix)
    assert crawl.broken() == [] and crawl.external == []
    assert reached >= deployed - NOT_CRAWLED, deployed - NOT_CRAWLED - reached
    assert {"search/index.json", "feed.xml", "sitemap.xml"} <= reached
    assert any(p.startswith("media/") for p in reached) and any(p.startswith("static/") for p in reached)
    assert len(crawl.links) >= 20 * sum(p.endswith(".html") for p in deployed)


# --- the purge list names where the build is read --------------------------------------

def test_the_purge_list_uses_the_base_url_the_build_was_made_with(server, aws, site, capsys, tmp_path):
    """config.yaml says `/`; the build was made with --base-url for its public home, and the
    pages say so: the URLs to purge are under that, not under config.yaml's base_url."""
    base = "https://example.cn/specials/x/"
    site(base_url=base)
    bucket = bucket_name()
    server.bucket(bucket)
    purge_list = tmp_path / "purge.txt"
    assert deploy(server, bucket, site.dist, "--purge-list", str(purge_list)) == 0
    urls = purge_list.read_text().splitlines()
    assert {base, base + "index.html", base + "alpha/one/", base + "alpha/one/index.html"} <= set(urls)
    assert all(u.startswith(base) for u in urls), urls
    assert "no https://host" not in capsys.readouterr().err


def test_a_base_url_on_deploy_only_adds_the_host_to_a_path_build(server, aws, site, capsys, tmp_path):
    purge_list = tmp_path / "purge.txt"
    site(base_url="https://example.cn/specials/x/")
    bucket = bucket_name()
    folder = server.bucket(bucket)
    assert deploy(server, bucket, site.dist, "--base-url", "https://other.cn/specials/x/") == 1
    err = capsys.readouterr().err
    assert ("--base-url https://other.cn/specials/x/ is not where the build in" in err
            and "it was made with base_url https://example.cn/specials/x/" in err), err
    assert tree(folder) == {}                           # refused before anything went up
    site(base_url="/specials/x/")                       # a path: the build does not know its host
    assert deploy(server, bucket, site.dist, "--base-url", "https://example.cn/specials/y/") == 1
    assert tree(folder) == {}
    assert deploy(server, bucket, site.dist, "--purge-list", str(purge_list)) == 0
    assert "/specials/x/alpha/one/" in purge_list.read_text().splitlines()
    assert "give the public URL with --base-url https://HOST/specials/x/" in capsys.readouterr().err
    site({"content/beta/three.md": article("第三篇（修订）", "beta", "正文三。\n")}, base_url="/specials/x/")
    assert deploy(server, bucket, site.dist, "--base-url", "https://example.cn/specials/x",
                  "--purge-list", str(purge_list)) == 0
    assert {"https://example.cn/specials/x/beta/three/",
            "https://example.cn/specials/x/beta/three/index.html"} <= set(purge_list.read_text().splitlines())


# --- headers -------------------------------------------------------------------------

def test_objects_whose_headers_alone_are_wrong_are_sent_again(server, aws, site, capsys):
    """The bytes in the bucket are right, the headers not (as an older deploy or another
    tool left them): a deploy compares them too and sends those objects again."""
    bucket = bucket_name()
    folder = server.bucket(bucket) / "specials/2019"
    assert deploy(server, bucket, site.dist) == 0
    s3, key = server.client(), "specials/2019/"
    css = next(p for p in published(site.dist) if re.fullmatch(r"static/style\.\w+\.css", p))
    old = {"index.html": ("text/html", "max-age=600"), css: ("text/css; charset=utf-8", "no-cache")}
    for path, (kind, cache) in old.items():
        s3.put_object(Bucket=bucket, Key=key + path, Body=(site.dist / path).read_bytes(), ContentType=kind,
                      CacheControl=cache)
    capsys.readouterr()
    assert deploy(server, bucket, site.dist, "--dry-run") == 0
    out = capsys.readouterr().out
    assert ('~ index.html (headers: Content-Type "text/html" → "text/html; charset=utf-8", '
            'Cache-Control "max-age=600" → "no-cache")') in out.splitlines(), out
    assert f'~ {css} (headers: Cache-Control "no-cache" → "{FOREVER}")' in out.splitlines(), out
    assert "would upload 2 object(s) (0 new, 0 replaced, 2 for headers only" in out
    assert s3.head_object(Bucket=bucket, Key=key + "index.html")["CacheControl"] == "max-age=600"
    assert deploy(server, bucket, site.dist) == 0
    out = capsys.readouterr().out
    assert sorted(printed_paths(out, "~")) == sorted(old) and not printed_paths(out, "+")
    for path in old:
        head = s3.head_object(Bucket=bucket, Key=key + path)
        assert (head["ContentType"], head["CacheControl"]) == (TYPES[Path(path).suffix],
                                                               FOREVER if path == css else "no-cache")
    purged = [line.strip() for line in out.splitlines() if line.startswith("  /")]
    assert purged == ["/", "/index.html"]       # a CDN keeps the page with its old headers; the CSS: a new name
    assert deploy(server, bucket, site.dist) == 0
    assert "uploaded 0 object(s)" in capsys.readouterr().out
    assert {p: b for p, b in tree(folder).items() if p != DEPLOY_MARKER} == published(site.dist)

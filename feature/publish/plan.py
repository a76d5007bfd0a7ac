"""What a deploy will do, decided before it changes anything.

A plan compares the built files with what the target holds and lists the
uploads in a safe order, then the deletions:

1. assets and media (CSS, JS, photos: new ones have new names),
2. pages,
3. the files that list pages (feed, sitemap, robots.txt, the search index:
   its shards before search/index.json, which names them),
4. stale objects, deleted last.

A file is uploaded when its bytes differ from the object's, or when only the
object's Content-Type or Cache-Control differ from what headers.py gives it
now (a rule changed, a file became fingerprinted): a "headers" change, sent
again with the same bytes.

A reader in the middle of a deploy therefore never gets a page whose CSS or
photo is not there yet, nor a feed entry or search result whose page is
missing; and a deploy that stops halfway has deleted nothing, so every page
still finds what it links to, and the next deploy finishes the job.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from feature.core import urls
from feature.output.headers import cache_control, content_type
from feature.output.write import OUTPUT_MARKER, BuildSettings, read_manifest, read_settings, verify_output

DEPLOY_MARKER = ".feature-deploy.json"      # "this target is ours": written by the first deploy
DEFAULT_MAX_DELETES = 50
# Build files a host must not serve: the build's own marker, and `_headers`
# (read by Netlify-style hosts; object storage sets each object's headers instead).
NOT_PUBLISHED = frozenset({OUTPUT_MARKER, "_headers"})
PHASES = ("assets and media", "pages", "search index, feed and sitemap")
_LISTINGS = ("feed.xml", "sitemap.xml", "robots.txt")


class DeployRefused(Exception):
    """Nothing was changed: the build or the target is not safe to publish."""


class DeployFailed(Exception):
    """The deploy stopped after it began changing the target (the message says how far)."""


@dataclass(frozen=True)
class LocalFile:
    path: str          # output path: 'alpha/one/index.html'
    size: int
    md5: str           # hex


@dataclass(frozen=True)
class RemoteFile:
    path: str          # relative to the target: 'alpha/one/index.html'
    size: int
    etag: str          # lower-case hex, no quotes; an MD5 only for single-part uploads
    digest: str | None = None    # the MD5 we stored in its metadata, when looked up
    headers: "Headers | None" = None     # as the store gives them on HEAD, when looked up


@dataclass(frozen=True)
class Headers:
    content_type: str
    cache_control: str

    @classmethod
    def wanted(cls, path: str) -> "Headers":
        """What headers.py gives the file at `path`: the same rules as `_headers` and nginx."""
        return cls(content_type(path), cache_control(path))

    def same_as(self, other: "Headers") -> bool:
        # Stores may respell a header (`text/html;charset=UTF-8`): compare what it means.
        return _plain(self.content_type) == _plain(other.content_type) and \
            _plain(self.cache_control) == _plain(other.cache_control)


def _plain(value: str) -> str:
    return "".join(value.split()).lower()


@dataclass(frozen=True)
class Upload:
    file: LocalFile
    replaces: RemoteFile | None  # the object it overwrites, None for a new one
    headers_only: bool = False   # the same bytes, sent again for their new Content-Type or Cache-Control

    @property
    def path(self) -> str:
        return self.file.path


@dataclass
class DeployPlan:
    uploads: list[Upload] = field(default_factory=list)        # in the safe order
    deletions: list[RemoteFile] = field(default_factory=list)
    unchanged: int = 0
    claimed: bool = True        # the target holds our marker already

    def phase(self, n: int) -> list[Upload]:
        return [u for u in self.uploads if upload_phase(u.path) == n]

    @property
    def upload_bytes(self) -> int:
        return sum(u.file.size for u in self.uploads)

    @property
    def new(self) -> int:
        return sum(u.replaces is None for u in self.uploads)

    @property
    def headers_only(self) -> int:
        return sum(u.headers_only for u in self.uploads)


def upload_phase(path: str) -> int:
    """0: assets and media, 1: pages, 2: the files that list pages (search index, feed, sitemap)."""
    if path.startswith(urls.SEARCH_INDEX.rpartition("/")[0] + "/") or path in _LISTINGS:
        return 2
    return 1 if path.endswith(".html") else 0


def _upload_order(path: str) -> tuple:
    # The search index names its shards: shards first, index.json after them.
    return upload_phase(path), path == urls.SEARCH_INDEX, path


def local_files(source: Path) -> dict[str, LocalFile]:
    """The files of a verified build (its manifest), with sizes and MD5s (S3's ETag)."""
    found = {}
    for rel in sorted(read_manifest(source)):
        if rel in NOT_PUBLISHED:
            continue
        data = (source / rel).read_bytes()
        found[rel] = LocalFile(rel, len(data), hashlib.md5(data).hexdigest())
    return found


def is_unchanged(local: LocalFile, remote: RemoteFile) -> bool:
    return local.size == remote.size and local.md5 in (remote.etag, remote.digest)


def headers_changed(local: LocalFile, remote: RemoteFile) -> bool:
    """The object's headers, when looked up, are not what the file gets now."""
    return remote.headers is not None and not remote.headers.same_as(Headers.wanted(local.path))


def plan_deploy(local: dict[str, LocalFile], remote: dict[str, RemoteFile]) -> DeployPlan:
    """Uploads (new or changed files, safe order) and deletions (stale objects).

    Objects inside a folder that holds another DEPLOY_MARKER belong to another
    edition deployed below this one: they are never deleted."""
    plan = DeployPlan(claimed=DEPLOY_MARKER in remote)
    for path in sorted(local, key=_upload_order):
        there = remote.get(path)
        if there is None or not is_unchanged(local[path], there):
            plan.uploads.append(Upload(local[path], there))
        elif headers_changed(local[path], there):
            plan.uploads.append(Upload(local[path], there, headers_only=True))
        else:
            plan.unchanged += 1
    others = tuple(p[: -len(DEPLOY_MARKER)] for p in remote if p.endswith("/" + DEPLOY_MARKER))
    plan.deletions = [r for p, r in sorted(remote.items())
                      if p not in local and p != DEPLOY_MARKER and not p.startswith(others)]
    return plan


def marker_text() -> str:
    return json.dumps({"generator": "feature", "note": "deployed by build.py deploy"}) + "\n"


def check_publishable(source: Path, shown: int = 5) -> BuildSettings:
    """The settings of the build in `source`, once it is known to be fit to publish:
    finished and intact (write.verify_output), made by `build` (a preview build's
    links are the preview's), and saying which base_url it was made with."""
    problems = verify_output(source)
    if problems:
        more = f" (and {len(problems) - shown} more)" if len(problems) > shown else ""
        raise DeployRefused(f"{source} is not a finished build: {'; '.join(problems[:shown])}{more}. "
                            f"Nothing was published; run `python build.py build` first")
    settings = read_settings(source)
    if settings is None:
        raise DeployRefused(f"{source} does not record the base_url it was built with. Nothing was "
                            f"published; run `python build.py build` (with --base-url https://… for the "
                            f"public URL) first")
    if settings.preview:
        raise DeployRefused(f"{source} holds a preview build made by `python build.py serve` (base_url "
                            f"{settings.base_url}): its links and sitemap are the preview's. Nothing was "
                            f"published; build for publishing with `python build.py build` (with --out "
                            f"{source} for this folder, --base-url https://… for the public URL), then deploy")
    return settings


def check_claimed(remote: dict[str, RemoteFile], where: str) -> None:
    if remote and DEPLOY_MARKER not in remote:
        raise DeployRefused(f"{where} holds {len(remote)} object(s) and was not deployed by build.py "
                            f"(no {DEPLOY_MARKER}); refusing to overwrite it. Choose an empty bucket or prefix")


def check_deletions(plan: DeployPlan, max_deletes: int, where: str) -> None:
    """Stop before changing anything if the plan deletes more than the newsroom allows."""
    n = len(plan.deletions)
    if n > max_deletes:
        raise DeployRefused(f"this deploy would delete {n} objects from {where}, more than --max-deletes "
                            f"{max_deletes}; nothing was changed. Check the target and the build (--dry-run "
                            f"lists them), then rerun with --max-deletes {n}")


def size_text(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    return f"{n / 1024:.1f} KB" if n < 1024 ** 2 else f"{n / 1024 ** 2:.1f} MB"


def upload_line(u: Upload) -> str:
    """'+ path (12.3 KB)' for a new object, '~ path (12.3 KB, was 12.1 KB)' for a replaced one,
    '~ path (headers: Cache-Control no-cache → public, …)' for one whose headers alone change."""
    if u.replaces is None:
        return f"+ {u.path} ({size_text(u.file.size)})"
    if u.headers_only:
        was, now = u.replaces.headers, Headers.wanted(u.path)
        changes = [f'{name} "{old}" → "{new}"' for name, old, new in (
            ("Content-Type", was.content_type, now.content_type),
            ("Cache-Control", was.cache_control, now.cache_control)) if _plain(old) != _plain(new)]
        return f"~ {u.path} (headers: {', '.join(changes)})"
    return f"~ {u.path} ({size_text(u.file.size)}, was {size_text(u.replaces.size)})"


def deletion_line(r: RemoteFile) -> str:
    return f"- {r.path} ({size_text(r.size)})"


def summary_line(plan: DeployPlan, where: str, dry_run: bool) -> str:
    replaced = len(plan.uploads) - plan.new - plan.headers_only
    return (f"deploy to {where}: {'would upload' if dry_run else 'uploaded'} {len(plan.uploads)} object(s) "
            f"({plan.new} new, {replaced} replaced, {plan.headers_only} for headers only, "
            f"{size_text(plan.upload_bytes)}), "
            f"{'would delete' if dry_run else 'deleted'} {len(plan.deletions)}, {plan.unchanged} unchanged")

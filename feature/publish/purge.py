"""After a deploy: the URLs a CDN must forget, in a file, and the newsroom's purge tool.

A CDN in front of the bucket (Alibaba Cloud CDN, Tencent Cloud CDN) keeps its
own copies and may not ask the bucket again for hours. Fingerprinted files
need no purge (a new version is a new name); every other changed or deleted
file does, and a page is cached under both of its addresses, `x/` and
`x/index.html`. The CDN APIs need the newsroom's own account and tool, so the
deploy only writes the list and runs the command it is given with it.

The URLs are where the deployed pages say they are read: the base_url the
build was made with (its marker's settings), never config.yaml's, which may
say something else. `--base-url` can only add the host to a build made with
a path only (`/specials/x/` → `https://example.cn/specials/x/`); a URL that
names another place is refused, as the pages' own links name the build's.
"""
from __future__ import annotations

import shlex
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

from feature.output.headers import is_fingerprinted
from feature.core import urls
from .plan import DeployFailed, DeployPlan, DeployRefused


def site_url(source: Path, built: str, given: str | None) -> str:
    """The public URL of the build in `source`, made with base_url `built`, for the
    purge list: `built`, or `given` (--base-url) when it names the same place
    (the same path, and the same host if `built` has one)."""
    there = _place(built)
    if given is None:
        return "".join(there)
    here = _place(given)
    if here == there or (not there[0] and here[1] == there[1]):     # the host a path-only build did not know
        return "".join(here)
    raise DeployRefused(f"--base-url {given} is not where the build in {source} is read: it was made with "
                        f"base_url {built}, and its pages, canonical links and sitemap say so. Nothing was "
                        f"published. Build again with --base-url {given}, or leave --base-url out")


def _place(url: str) -> tuple[str, str]:
    """(scheme://host or '', path ending in '/')."""
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme else ""
    return origin, (parts.path or "/").rstrip("/") + "/"


def purge_urls(plan: DeployPlan, site_url: str) -> list[str]:
    """Every changed, new or deleted file that a cache may hold, under `site_url`
    ('https://host/specials/x/', or a path when the build has no origin)."""
    paths = [u.path for u in plan.uploads] + [r.path for r in plan.deletions]
    found = []
    for path in sorted(p for p in paths if not is_fingerprinted(p)):
        if path == urls.COVER or path.endswith("/" + urls.COVER):
            found.append(site_url + urls.pretty_url(path))
        found.append(site_url + path)
    return found


def write_purge_list(found: list[str], path: Path) -> None:
    """One URL a line; written (empty too) after every deploy, so an old list is never taken for new."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(u + "\n" for u in found), encoding="utf-8")


def run_purge_command(command: str, list_path: Path) -> None:
    """Run `command LIST_FILE` (split like a shell would, not through one); its output goes to ours."""
    argv = shlex.split(command) + [str(list_path)]
    try:
        status = subprocess.run(argv).returncode
    except OSError as exc:
        raise DeployFailed(f"the purge command {argv[0]!r} could not be run ({exc.strerror or exc}); "
                           f"the deploy itself is complete, the URLs are in {list_path}") from None
    if status != 0:
        raise DeployFailed(f"the purge command exited with status {status}; the deploy itself is "
                           f"complete, the URLs are in {list_path}")

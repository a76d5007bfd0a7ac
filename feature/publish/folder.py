"""Publishing a built edition: `build.py deploy TARGET` to a folder or over rsync,
and the nginx block docs/deploy.md gives a web team (`nginx_location`).

Which file may be cached for a year is said once, in headers.py; object
storage (`s3://`) is publish/s3.py.

Safety: a deploy only ever changes files inside its target. A target folder
that already holds files must carry our marker `DEPLOY_MARKER` (written by the first
deploy), so a mistyped path to someone's folder is refused, never emptied.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from feature.core.files import root_or_home
from feature.output.headers import CACHE_FOREVER, CHARSET_TYPES, DECLARED_TYPES, FINGERPRINT, REVALIDATE, content_type
from feature.output.lock import output_lock
from feature.output.write import OUTPUT_MARKER
from .plan import DEPLOY_MARKER, DeployRefused, check_publishable, marker_text

_REMOTE = re.compile(r"^(?:rsync://|[^/:]+:)")   # rsync's own rule: a colon before any slash


def nginx_location(site_path: str, folder: str | Path) -> str:
    """The nginx `location` block docs/deploy.md documents and the hosting tests run."""
    return f"""\
location {site_path} {{
    alias {str(folder).rstrip('/')}/;
    charset utf-8;
    charset_types {CHARSET_TYPES};
    add_header Cache-Control "{REVALIDATE}" always;
    error_page 404 {site_path}404.html;
{_declared_types()}\
    location ~ "{FINGERPRINT}" {{
        add_header Cache-Control "{CACHE_FOREVER}" always;
    }}
    location ~ "/(?:_headers|\\.feature-[a-z]+\\.json)$" {{
        return 404;
    }}
}}
"""


def _declared_types() -> str:
    """A location giving the files of DECLARED_TYPES their types whatever the
    host's mime.types says (`types` in a location replaces the whole table, so
    it matches those files only; the fingerprint rule repeats inside)."""
    names = "|".join(suffix.lstrip(".") for suffix in DECLARED_TYPES)
    table = " ".join(f"{content_type(suffix)} {suffix.lstrip('.')};" for suffix in DECLARED_TYPES)
    return f"""\
    location ~ "\\.(?:{names})$" {{
        types {{ {table} }}
        location ~ "{FINGERPRINT}" {{
            add_header Cache-Control "{CACHE_FOREVER}" always;
        }}
    }}
"""


# --- publishing -----------------------------------------------------------------

@dataclass
class DeployReport:
    target: str
    dry_run: bool
    uploaded: list[str] = field(default_factory=list)   # new or changed files
    deleted: list[str] = field(default_factory=list)    # stale files removed from the target

    @property
    def changes(self) -> int:
        return len(self.uploaded) + len(self.deleted)


def is_remote(target: str) -> bool:
    return bool(_REMOTE.match(target))


def publish(source: Path, target: str, dry_run: bool = False) -> DeployReport:
    """Make `target` an exact copy of the built folder `source`, changing only what differs.

    Only a finished, intact build is published (write.verify_output: every file
    its marker lists, with the recorded bytes, and nothing else), and no build
    may change it meanwhile: the output lock is held throughout."""
    source = source.resolve()
    with output_lock(source, "deploy"):
        check_publishable(source)
        return _publish(source, target, dry_run)


def _publish(source: Path, target: str, dry_run: bool) -> DeployReport:
    if is_remote(target):
        check_remote_target(target)
    else:
        check_local_target(Path(target), source)
        target = str(Path(target).resolve())
    with tempfile.TemporaryDirectory() as marker_dir:
        (Path(marker_dir) / DEPLOY_MARKER).write_text(marker_text())
        result = _rsync(_publish_options(dry_run) + [f"{source}/", f"{marker_dir}/", target.rstrip("/") + "/"])
    return _report(result.stdout, target, dry_run)


def _publish_options(dry_run: bool) -> list[str]:
    return [
        # --checksum: compare contents, not times (every build has new mtimes).
        # No --times: a file's mtime, and so nginx's ETag, changes only with its bytes.
        "--recursive", "--checksum", "--perms", "--chmod=D755,F644", "--omit-dir-times", "--mkpath",
        # --delete is scoped by rsync to the target; stale files go last, and new
        # files are renamed into place together, so readers rarely see a mix.
        "--delete", "--delete-after", "--delay-updates",
        f"--exclude=/{OUTPUT_MARKER}", "--exclude=/.git",   # excluded = also never deleted
        "--out-format=%i %n", *(["--dry-run"] if dry_run else [])]


def _report(output: str, target: str, dry_run: bool) -> DeployReport:
    report = DeployReport(target, dry_run)
    for line in output.splitlines():
        flags, _, name = line.partition(" ")
        name = name.strip()
        if name == DEPLOY_MARKER:
            continue
        if flags == "*deleting":
            report.deleted.append(name)
        elif flags[:1] in "<>" and flags[1:2] == "f":
            report.uploaded.append(name)
    return report


def check_local_target(target: Path, source: Path) -> None:
    t = target.expanduser().resolve()
    if root_or_home(t):
        raise DeployRefused(f"refusing to deploy into {t}")
    if t == source or t.is_relative_to(source) or source.is_relative_to(t):
        raise DeployRefused(f"target {t} overlaps the build folder {source}")
    if t.exists():
        if not t.is_dir():
            raise DeployRefused(f"target {t} exists and is not a folder")
        if any(t.iterdir()) and not (t / DEPLOY_MARKER).is_file():
            raise DeployRefused(f"{t} holds files and was not deployed by build.py (no {DEPLOY_MARKER}); "
                                f"refusing to overwrite it. Choose an empty or new folder")


def check_remote_target(target: str) -> None:
    """The same rule over rsync: list the remote folder, refuse if it holds files but no marker."""
    path = target.split("::", 1)[-1].split(":", 1)[-1] if not target.startswith("rsync://") else target
    if path.strip("/~.") == "":
        raise DeployRefused(f"refusing to deploy into {target!r}: name a folder, not a home or root")
    listing = subprocess.run(["rsync", "--list-only", target.rstrip("/") + "/"],
                             capture_output=True, text=True)
    if listing.returncode == 23 and "No such file" in listing.stderr:
        return                                        # rsync --mkpath will create it
    if listing.returncode != 0:
        raise DeployRefused(f"cannot list {target}: {listing.stderr.strip() or listing.returncode}")
    names = {line.split(None, 4)[4] for line in listing.stdout.splitlines() if len(line.split(None, 4)) == 5}
    names.discard(".")
    if names and DEPLOY_MARKER not in names:
        raise DeployRefused(f"{target} holds files and was not deployed by build.py (no {DEPLOY_MARKER}); "
                            f"refusing to overwrite it")


def _rsync(args: list[str]) -> subprocess.CompletedProcess:
    if shutil.which("rsync") is None:
        raise DeployRefused("rsync is not installed (Debian package `rsync`)")
    result = subprocess.run(["rsync", *args], capture_output=True, text=True)
    if result.returncode != 0:
        raise DeployRefused(f"rsync failed ({result.returncode}): {result.stderr.strip()}")
    return result

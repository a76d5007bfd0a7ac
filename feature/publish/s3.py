"""`build.py deploy s3://BUCKET/PREFIX`: object storage through the S3 API
(Amazon S3, Alibaba Cloud OSS, Tencent COS, any S3-compatible store), with boto3.

Only changed files are uploaded: a single-part object's ETag is the MD5 of its
bytes; a multipart one's (and some stores' for every object) is not, so each
upload also stores the MD5 in the object's metadata (`x-amz-meta-md5`). Every
object gets the Content-Type and Cache-Control of headers.py, the rules
`_headers` and the nginx block use. A listing gives neither the metadata nor
the headers, so each object whose size matches its file is looked at with one
HEAD (eight at a time): its stored MD5 when the ETag is not one, and its
headers, which plan.py compares with what headers.py gives it now. The order
of uploads and deletions is plan.py's.

Credentials come from boto3's usual places (AWS_ACCESS_KEY_ID and
AWS_SECRET_ACCESS_KEY, ~/.aws/credentials and ~/.aws/config, `--profile`),
never from config.yaml, and are never printed.
"""
from __future__ import annotations

import base64
import hashlib
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterable, Iterator, TypeVar
from urllib.parse import urlsplit

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config as BotoConfig
from botocore.exceptions import (BotoCoreError, ClientError, ConnectTimeoutError, EndpointConnectionError,
                                 NoCredentialsError, PartialCredentialsError, ProfileNotFound,
                                 ReadTimeoutError)

from feature.output.headers import cache_control, content_type
from .plan import (DEFAULT_MAX_DELETES, DEPLOY_MARKER, PHASES, DeployFailed, DeployPlan, DeployRefused, Headers,
                   LocalFile,
                   RemoteFile, Upload, check_claimed, check_deletions, check_publishable, deletion_line, local_files,
                   marker_text, plan_deploy, upload_line)

JOBS = 8                                  # requests in flight: object stores answer each in tens of ms
MULTIPART_THRESHOLD = 64 * 2 ** 20        # larger files go up in parts (S3's minimum part: 5 MiB)
_CREDENTIAL_CODES = {"SignatureDoesNotMatch", "InvalidAccessKeyId", "InvalidSecurity", "InvalidToken",
                     "ExpiredToken", "InvalidClientTokenId"}
_REGION_CODES = {"PermanentRedirect", "AuthorizationHeaderMalformed", "IllegalLocationConstraintException"}
T = TypeVar("T")


@dataclass(frozen=True)
class S3Target:
    bucket: str
    prefix: str         # '' (the bucket's root) or 'specials/2019-zhoukou/'

    @classmethod
    def parse(cls, url: str) -> "S3Target":
        bucket, _, prefix = url.removeprefix("s3://").partition("/")
        prefix = prefix.strip("/")
        if not url.startswith("s3://") or not bucket:
            raise DeployRefused(f"{url!r} is not an object storage target: write s3://BUCKET/PREFIX")
        if prefix and any(part in ("", ".", "..") for part in prefix.split("/")):
            raise DeployRefused(f"{url!r}: the prefix has an empty, '.' or '..' part")
        return cls(bucket, prefix + "/" if prefix else "")

    def __str__(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"


@dataclass(frozen=True)
class S3Options:
    endpoint: str | None = None        # None: Amazon S3 (or AWS_ENDPOINT_URL / the profile's endpoint_url)
    region: str | None = None
    addressing: str | None = None      # 'path' or 'virtual'; None lets boto3 choose
    profile: str | None = None
    max_deletes: int = DEFAULT_MAX_DELETES
    dry_run: bool = False
    jobs: int = JOBS
    multipart_threshold: int = MULTIPART_THRESHOLD


def deploy_s3(source: Path, target: S3Target, options: S3Options,
              say: Callable[[str], None] = print) -> DeployPlan:
    """Publish the verified build in `source` to `target`; `say` gets one line per
    object as it is uploaded or deleted (with --dry-run: as it would be)."""
    check_publishable(source)
    try:
        store = Store(target, options)
        remote = store.listing()
        check_claimed(remote, str(target))
        local = local_files(source)
        plan = plan_deploy(local, store.looked_at(local, remote))
    except (BotoCoreError, ClientError) as exc:
        raise DeployRefused(f"{target}: {store_error(exc, target, options)}") from None
    check_deletions(plan, options.max_deletes, str(target))
    if options.dry_run:
        for line in [*map(upload_line, plan.uploads), *map(deletion_line, plan.deletions)]:
            say(line)
    else:
        store.carry_out(plan, source, say)
    return plan


class Store:
    """One bucket and prefix, through one boto3 client (shared by the upload threads)."""

    def __init__(self, target: S3Target, options: S3Options):
        self.target, self.options = target, options
        session = boto3.session.Session(profile_name=options.profile)
        if session.get_credentials() is None:
            raise NoCredentialsError()
        config = BotoConfig(
            s3={"addressing_style": options.addressing or "auto"},
            retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=10, read_timeout=60,
            max_pool_connections=max(10, options.jobs),
            # boto3 >= 1.36 adds CRC checksum headers to every upload; OSS, COS and
            # many other S3-compatible stores refuse them. Content-MD5 is sent instead.
            request_checksum_calculation="when_required", response_checksum_validation="when_required")
        self.client = session.client("s3", endpoint_url=options.endpoint, region_name=options.region,
                                     config=config)

    def key(self, path: str) -> str:
        return self.target.prefix + path

    def listing(self) -> dict[str, RemoteFile]:
        found = {}
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.target.bucket, Prefix=self.target.prefix)
        for page in pages:
            for obj in page.get("Contents", ()):
                path = obj["Key"][len(self.target.prefix):]
                if path:                    # "" is a console's folder placeholder for the prefix itself
                    found[path] = RemoteFile(path, obj["Size"], obj.get("ETag", "").strip('"').lower())
        return found

    def looked_at(self, local: dict[str, LocalFile], remote: dict[str, RemoteFile]) -> dict[str, RemoteFile]:
        """`remote` with the stored MD5 and the headers of each object whose size matches
        its file's (one HEAD each): the others are uploaded whatever they hold."""
        same_size = [p for p, f in local.items() if p in remote and remote[p].size == f.size]
        heads = dict(zip(same_size, self._parallel(self._head, same_size, ordered=True)))
        return {p: replace(r, digest=heads[p][0], headers=heads[p][1]) if p in heads else r
                for p, r in remote.items()}

    def _head(self, path: str) -> tuple[str | None, Headers]:
        """(the MD5 stored in its metadata, its Content-Type and Cache-Control) of one object."""
        head = self.client.head_object(Bucket=self.target.bucket, Key=self.key(path))
        # Some stores hand metadata keys back capitalised ('Md5').
        md5 = {k.lower(): v for k, v in head.get("Metadata", {}).items()}.get("md5")
        return md5, Headers(head.get("ContentType", ""), head.get("CacheControl", ""))

    def carry_out(self, plan: DeployPlan, source: Path, say: Callable[[str], None]) -> None:
        """Uploads phase by phase, each phase finished before the next begins, then deletions."""
        done = 0
        try:
            if not plan.claimed:            # claim the prefix before anything else lands in it
                self.client.put_object(Bucket=self.target.bucket, Key=self.key(DEPLOY_MARKER), Body=marker_text(),
                                       ContentType=content_type(DEPLOY_MARKER),
                                       CacheControl=cache_control(DEPLOY_MARKER))
            for phase in range(len(PHASES)):
                for upload in self._parallel(lambda u: self._upload(u, source), plan.phase(phase)):
                    say(upload_line(upload))
                    done += 1
            for stale in self._parallel(self._delete, plan.deletions):
                say(deletion_line(stale))
                done += 1
        except (BotoCoreError, ClientError, OSError) as exc:
            raise DeployFailed(halfway_message(plan, done, self.target, store_error(exc, self.target, self.options))) from None

    def _upload(self, upload: Upload, source: Path) -> Upload:
        file, path = upload.file, source / upload.path
        extra = {"ContentType": content_type(file.path), "CacheControl": cache_control(file.path),
                 "Metadata": {"md5": file.md5}}
        if file.size >= self.options.multipart_threshold:
            part = max(self.options.multipart_threshold, 5 * 2 ** 20)
            self.client.upload_file(str(path), self.target.bucket, self.key(file.path), ExtraArgs=extra,
                                    Config=TransferConfig(multipart_threshold=part, multipart_chunksize=part,
                                                          use_threads=False))
            return upload
        data = path.read_bytes()
        md5 = hashlib.md5(data)
        if md5.hexdigest() != file.md5:
            raise OSError(f"{path} changed while it was being deployed (did a build run meanwhile?)")
        self.client.put_object(Bucket=self.target.bucket, Key=self.key(file.path), Body=data,
                               ContentMD5=base64.b64encode(md5.digest()).decode("ascii"), **extra)
        return upload

    def _delete(self, stale: RemoteFile) -> RemoteFile:
        # One DELETE per object: DeleteObjects needs a Content-MD5 that newer boto3 replaces
        # with a CRC some stores refuse, and --max-deletes keeps deletions few.
        self.client.delete_object(Bucket=self.target.bucket, Key=self.key(stale.path))
        return stale

    def _parallel(self, work: Callable[[T], object], items: Iterable[T], ordered: bool = False) -> Iterator:
        """Results of `work` over `items`, up to `jobs` at a time, as each finishes (or in order).
        The first failure stops the rest: none starts after it, the running ones finish."""
        items = list(items)
        if not items:
            return
        with ThreadPoolExecutor(min(self.options.jobs, len(items))) as pool:
            futures = [pool.submit(work, item) for item in items]
            try:
                for future in (futures if ordered else as_completed(futures)):
                    yield future.result()
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)
                raise


def halfway_message(plan: DeployPlan, done: int, target: S3Target, reason: str) -> str:
    uploads, total = len(plan.uploads), len(plan.uploads) + len(plan.deletions)
    if done < uploads:
        state = (f"after {done} of {uploads} uploads; nothing was deleted, so every page still finds "
                 f"its files")
    else:
        state = (f"after all {uploads} uploads and {done - uploads} of {total - uploads} deletions; "
                 f"the new site is complete, some stale objects remain")
    return f"deploy to {target} stopped {state} ({reason}). Run the same deploy again to complete it"


def store_error(exc: Exception, target: S3Target, options: S3Options) -> str:
    """One line for what the store or the network said, never with a credential in it."""
    where = options.endpoint or "Amazon S3"
    if isinstance(exc, (NoCredentialsError, PartialCredentialsError)):
        return ("no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or name a profile of "
                "~/.aws/credentials with --profile")
    if isinstance(exc, ProfileNotFound):
        return f"there is no profile {options.profile!r} in ~/.aws/credentials or ~/.aws/config"
    if isinstance(exc, EndpointConnectionError):
        url = urlsplit(exc.kwargs.get("endpoint_url", "") or where)
        return f"cannot connect to {url.scheme}://{url.netloc} ({exc.kwargs.get('error', 'refused')})"
    if isinstance(exc, (ConnectTimeoutError, ReadTimeoutError)):
        return f"{where} did not answer in time"
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code, message = error.get("Code", "?"), error.get("Message", "")
        if code in _CREDENTIAL_CODES:
            return f"{where} refused the credentials ({code}): check the access key and its secret"
        if code in ("NoSuchBucket", "404"):
            return f"there is no bucket {target.bucket!r} at {where} ({code})"
        if code in ("AccessDenied", "403"):
            return (f"access denied ({code}): the key needs permission to list, upload and delete "
                    f"under {target}")
        if code == "SecondLevelDomainForbidden":
            return f"{where} refuses path-style addressing ({code}): use --addressing virtual"
        if code in _REGION_CODES:
            return f"the bucket needs another region or endpoint ({code}: {message}): set --region or --endpoint"
        return f"{code}: {message}" if message else code
    return str(exc)

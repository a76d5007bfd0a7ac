"""`python build.py deploy TARGET`: publish a finished build to a folder, an
rsync/SSH destination or object storage, holding the output folder's lock."""
from __future__ import annotations

import sys

from feature.core.diagnostics import BuildError
from feature.output.lock import output_lock
from feature.output.write import OutputRefused
from feature.publish import purge
from feature.publish.folder import publish
from feature.publish.plan import DeployFailed, DeployRefused, check_publishable, summary_line

from .options import load_site_config, report_problems


def run(args) -> int:
    """`python build.py deploy TARGET`: a folder or rsync/SSH here, s3:// by `deploy_to_storage`."""
    if args.target.startswith("s3://"):
        return deploy_to_storage(args)
    given = [f"--{name.replace('_', '-')}" for name in S3_ONLY if getattr(args, name) is not None]
    if given:
        print(f"error: {', '.join(given)} only apply to s3:// targets", file=sys.stderr)
        return 2
    try:
        source = args.out or load_site_config(args).output_dir
        report = publish(source, args.target, dry_run=args.dry_run)
    except BuildError as exc:
        report_problems(exc.diagnostics)
        return 1
    except (DeployRefused, OutputRefused) as exc:      # OutputRefused: the output lock (output/lock.py)
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for name in report.uploaded:
        print(f"+ {name}")
    for name in report.deleted:
        print(f"- {name}")
    verb = "would change" if report.dry_run else "changed"
    print(f"deploy to {report.target}: {verb} {report.changes} file(s) "
          f"({len(report.uploaded)} new or changed, {len(report.deleted)} removed)")
    return 0


S3_ONLY = ("endpoint", "region", "addressing", "profile", "purge_command", "purge_list", "base_url")


def deploy_to_storage(args) -> int:
    """Deploy to object storage, then list the changed URLs for the CDN and run the purge command."""
    from feature.publish.s3 import S3Options, S3Target, deploy_s3      # boto3: only for this target
    try:
        config = load_site_config(args)
        target = S3Target.parse(args.target)
        options = S3Options(args.endpoint, args.region, args.addressing, args.profile,
                            max(args.max_deletes, 0), args.dry_run)
        source = args.out or config.output_dir
        with output_lock(source, "deploy"):     # no build replaces the folder while it is uploaded
            # Where the pages are read is what the build was made for, decided before any upload.
            site_url = purge.site_url(source, check_publishable(source).base_url, args.base_url)
            plan = deploy_s3(source, target, options, say=lambda line: print(line, flush=True))
        print(summary_line(plan, str(target), args.dry_run))
        if args.dry_run:
            return 0
        changed = purge.purge_urls(plan, site_url)
        list_path = args.purge_list or config.root / ".cache" / "deploy" / "purge-urls.txt"
        purge.write_purge_list(changed, list_path)
        print(f"{len(changed)} changed URL(s) for the CDN to purge, written to {list_path}"
              + "".join(f"\n  {url}" for url in changed))
        if changed and site_url.startswith("/"):
            print(f"note: {source} was built with base_url `{site_url}`, which has no https://host, so the "
                  f"URLs to purge are paths; give the public URL with --base-url https://HOST{site_url}",
                  file=sys.stderr)
        if args.purge_command and changed:
            purge.run_purge_command(args.purge_command, list_path)
    except BuildError as exc:
        report_problems(exc.diagnostics)
        return 1
    except (DeployRefused, DeployFailed, OutputRefused) as exc:     # OutputRefused: the output lock
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0

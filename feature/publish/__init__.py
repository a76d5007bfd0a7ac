"""Publishing a built edition to where readers get it.

plan.py: what any deploy decides (which files to upload, in which order,
which stale ones to delete, the safety checks); purge.py: the changed URLs a
CDN must forget; s3.py: object storage (Amazon S3, Alibaba Cloud OSS, Tencent
COS, any S3-compatible store). The folder/rsync deploy is feature/publish/folder.py.
"""

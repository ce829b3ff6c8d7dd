"""Copy one Hugging Face model revision into the stack's S3 model cache (llm-stack's copy Job).

Usage: copy-model.py REPO REVISION BUCKET PREFIX MARKER IGNORE_PATTERNS_JSON

Runs in the pinned vLLM image, which ships huggingface_hub (through transformers) and boto3
(through runai-model-streamer-s3); boto3 takes the Pod Identity credentials from the container
credential provider. The Hugging Face token, when the repository is gated, is read by
huggingface_hub from HF_TOKEN_PATH. LLM_STACK_COPY_DIR is the scratch directory it downloads into.

Idempotent per revision: the marker object is written last, after every file; when it exists the
Job has nothing to do. The revision is resolved to one commit before downloading, so the prefix
holds the files of one commit, and the marker records which.
"""
import json
import os
import pathlib
import sys

import boto3
from botocore.exceptions import ClientError
from huggingface_hub import HfApi, snapshot_download


def marker_exists(s3, bucket, key):
    try:
        s3.head_object(Bucket=bucket, Key=key)
        return True
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return False
        raise


def files_to_upload(local_dir):
    """Every downloaded file, without huggingface_hub's own bookkeeping under .cache/."""
    return sorted(
        path for path in local_dir.rglob("*")
        if path.is_file() and ".cache" not in path.relative_to(local_dir).parts
    )


def main(argv):
    repo, revision, bucket, prefix, marker, ignore_json = argv[1:7]
    ignore_patterns = json.loads(ignore_json)
    s3 = boto3.client("s3", region_name=os.environ["AWS_DEFAULT_REGION"])
    marker_key = prefix + marker
    if marker_exists(s3, bucket, marker_key):
        print(f"s3://{bucket}/{prefix} already holds {repo}@{revision}; nothing to copy", flush=True)
        return 0

    commit = HfApi().model_info(repo, revision=revision).sha
    local_dir = pathlib.Path(os.environ["LLM_STACK_COPY_DIR"])
    print(f"downloading {repo}@{revision} (commit {commit}), leaving out {ignore_patterns}", flush=True)
    snapshot_download(repo_id=repo, revision=commit, local_dir=str(local_dir), ignore_patterns=ignore_patterns)

    files = files_to_upload(local_dir)
    for path in files:
        key = prefix + path.relative_to(local_dir).as_posix()
        print(f"uploading {key}", flush=True)
        s3.upload_file(str(path), bucket, key)
    record = {"repo": repo, "revision": revision, "commit": commit, "files": [p.relative_to(local_dir).as_posix() for p in files]}
    s3.put_object(Bucket=bucket, Key=marker_key, Body=json.dumps(record).encode(), ContentType="application/json")
    print(f"copied {len(files)} files to s3://{bucket}/{prefix}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

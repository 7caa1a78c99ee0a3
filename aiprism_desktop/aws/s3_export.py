"""Upload the reviewed document and its report to S3 with the review's own AWS session.

Keys: ``<prefix>/<document stem>/<UTC timestamp>/<file name>``. Every object is encrypted at
rest (SSE-S3 by default, SSE-KMS when configured), carries its content type and the document's
sha256 and the app version as metadata. The function returns only when every file is in the
bucket; any failure raises an ``S3ExportError`` subclass that says which files (if any) were
uploaded before it. It never falls back to saving locally and calling that an upload.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import mimetypes
import re
import unicodedata
from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path

import boto3
import botocore.config
from botocore import exceptions as bce

from aiprism_desktop import __version__
from aiprism_desktop.aws.session import make_client
from aiprism_desktop.aws.settings import AwsSettings, ServerSideEncryption
from aiprism_desktop.core.errors import ExportError
from aiprism_desktop.core.text_clean import path_text

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_CONTENT_TYPES = {
    ".docx": DOCX_CONTENT_TYPE,
    ".json": "application/json",
    ".csv": "text/csv; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
}
TIMESTAMP_FORMAT = "%Y%m%dT%H%M%SZ"

UPLOAD_CONFIG = botocore.config.Config(
    retries={"mode": "standard", "max_attempts": 3}, connect_timeout=10, read_timeout=120
)


class S3ExportError(ExportError):
    """The upload to S3 failed. ``uploaded`` lists the objects written before the failure."""

    code = "S3_EXPORT_FAILED"
    default_message = "The upload to Amazon S3 failed; nothing was exported to S3."

    def __init__(
        self,
        message: str | None = None,
        *,
        detail: str | None = None,
        uploaded: Sequence[str] = (),
    ) -> None:
        self.uploaded = tuple(uploaded)
        if message and self.uploaded:
            message += f" Uploaded before the failure: {', '.join(self.uploaded)}."
        elif message:
            message += " Nothing was uploaded."
        super().__init__(message, detail=detail)


class S3NotConfiguredError(S3ExportError):
    code = "S3_NOT_CONFIGURED"
    default_message = "No S3 bucket is configured. Set one in Settings → AWS → Export to S3."


class S3BucketNotFoundError(S3ExportError):
    code = "S3_BUCKET_NOT_FOUND"


class S3AccessDeniedError(S3ExportError):
    code = "S3_ACCESS_DENIED"


class S3CredentialsError(S3ExportError):
    code = "S3_CREDENTIALS"


class S3UnreachableError(S3ExportError):
    code = "S3_UNREACHABLE"


@dataclass(frozen=True, slots=True)
class UploadedObject:
    uri: str  # s3://bucket/key
    key: str
    content_type: str
    etag: str
    version_id: str | None


@dataclass(frozen=True, slots=True)
class S3ExportResult:
    bucket: str
    objects: tuple[UploadedObject, ...]

    @property
    def uris(self) -> tuple[str, ...]:
        return tuple(o.uri for o in self.objects)


def export_to_s3(
    session: boto3.Session,
    settings: AwsSettings,
    files: Sequence[Path],
    *,
    document_stem: str,
    document_sha256: str,
    now: dt.datetime | None = None,
    app_version: str = __version__,
) -> S3ExportResult:
    """Upload ``files`` (e.g. the reviewed .docx and the JSON report). Blocking.

    ``document_stem`` names the folder (the original document's file name without extension);
    all files of one export share one timestamp folder.
    """
    bucket = settings.s3_bucket
    if not bucket:
        raise S3NotConfiguredError()
    stamp = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).strftime(TIMESTAMP_FORMAT)
    folder = "/".join(p for p in (settings.s3_prefix, safe_key_part(document_stem), stamp) if p)
    encryption = _encryption_args(settings)
    metadata = {"document-sha256": document_sha256, "app-version": app_version}
    client = make_client(session, "s3", settings, UPLOAD_CONFIG)
    uploaded: list[UploadedObject] = []
    for path in files:
        key = f"{folder}/{safe_key_part(path.name)}"
        content_type = content_type_for(path)
        try:
            with path.open("rb") as body:
                response = client.put_object(
                    Bucket=bucket,
                    Key=key,
                    Body=body,
                    ContentType=content_type,
                    Metadata=metadata,
                    **encryption,
                )
        except OSError as error:
            raise S3ExportError(
                f"{path.name} could not be read for the upload: {error.strerror or error}.",
                detail=str(error),
                uploaded=[o.uri for o in uploaded],
            ) from None
        except Exception as error:
            raise _map_error(error, bucket, key, [o.uri for o in uploaded]) from None
        uploaded.append(
            UploadedObject(
                uri=f"s3://{bucket}/{key}",
                key=key,
                content_type=content_type,
                etag=str(response.get("ETag", "")).strip('"'),
                version_id=response.get("VersionId"),
            )
        )
    return S3ExportResult(bucket, tuple(uploaded))


async def aexport_to_s3(
    session: boto3.Session,
    settings: AwsSettings,
    files: Sequence[Path],
    *,
    document_stem: str,
    document_sha256: str,
    executor: Executor | None = None,
) -> S3ExportResult:
    """``export_to_s3`` on ``executor``."""
    loop = asyncio.get_running_loop()
    call = functools.partial(
        export_to_s3,
        session,
        settings,
        files,
        document_stem=document_stem,
        document_sha256=document_sha256,
    )
    return await loop.run_in_executor(executor, call)


def content_type_for(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in _CONTENT_TYPES:
        return _CONTENT_TYPES[suffix]
    guessed, _ = mimetypes.guess_type(path.name)
    return guessed or "application/octet-stream"


_UNSAFE = re.compile(r"[\x00-\x1f\x7f\\/]+")


def safe_key_part(name: str) -> str:
    """A file or folder name usable as one S3 key segment (no slashes or control characters)."""
    cleaned = _UNSAFE.sub("_", unicodedata.normalize("NFC", path_text(name))).strip(" .")
    return cleaned or "document"


def _encryption_args(settings: AwsSettings) -> dict[str, str]:
    if settings.s3_sse is ServerSideEncryption.KMS:
        args = {"ServerSideEncryption": "aws:kms"}
        if settings.s3_kms_key_id:
            args["SSEKMSKeyId"] = settings.s3_kms_key_id
        return args
    return {"ServerSideEncryption": "AES256"}


_CREDENTIAL_CODES = {
    "invalidaccesskeyid",
    "signaturedoesnotmatch",
    "expiredtoken",
    "invalidtoken",
    "tokenrefreshrequired",
}
_ACCESS_CODES = {"accessdenied", "allaccessdisabled", "accountproblem"}


def _map_error(error: BaseException, bucket: str, key: str, uploaded: list[str]) -> S3ExportError:
    target = f"s3://{bucket}/{key}"
    if isinstance(error, bce.ClientError):
        err = error.response.get("Error", {})
        code = str(err.get("Code", "") or "")
        message = str(err.get("Message", "") or "") or code
        detail = f"{code}: {message}"
        lowered = code.lower()
        if lowered == "nosuchbucket":
            return S3BucketNotFoundError(
                f"The S3 bucket '{bucket}' does not exist (or is not visible to these "
                "credentials). Check the bucket name in Settings → AWS.",
                detail=detail,
                uploaded=uploaded,
            )
        if lowered in _ACCESS_CODES or lowered.startswith("kms."):
            return S3AccessDeniedError(
                f"These AWS credentials may not write to {target}: {message}",
                detail=detail,
                uploaded=uploaded,
            )
        if lowered in _CREDENTIAL_CODES:
            return S3CredentialsError(
                f"Amazon S3 refused the AWS credentials: {message}",
                detail=detail,
                uploaded=uploaded,
            )
        return S3ExportError(
            f"Amazon S3 refused the upload of {target}: {message}", detail=detail, uploaded=uploaded
        )
    if isinstance(error, bce.NoCredentialsError | bce.PartialCredentialsError):
        return S3CredentialsError(
            "No AWS credentials are available for the S3 upload. A Bedrock API key does not "
            "work with S3: sign in with an access key or a profile.",
            detail=str(error),
            uploaded=uploaded,
        )
    if isinstance(
        error,
        bce.EndpointConnectionError
        | bce.ConnectTimeoutError
        | bce.ReadTimeoutError
        | bce.ConnectionClosedError
        | bce.ProxyConnectionError
        | ConnectionError,
    ):
        return S3UnreachableError(
            f"Cannot reach Amazon S3 to upload {target}: {error}",
            detail=str(error),
            uploaded=uploaded,
        )
    if isinstance(error, bce.BotoCoreError):
        return S3ExportError(
            f"The upload of {target} failed: {error}", detail=str(error), uploaded=uploaded
        )
    raise error

"""S3 export against moto in server mode, over real HTTP on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import socket
from pathlib import Path

import boto3
import pytest
from mypy_boto3_s3 import S3Client

from aiprism_desktop import __version__
from aiprism_desktop.aws.s3_export import (
    DOCX_CONTENT_TYPE,
    S3AccessDeniedError,
    S3BucketNotFoundError,
    S3CredentialsError,
    S3ExportError,
    S3NotConfiguredError,
    S3UnreachableError,
    export_to_s3,
)
from aiprism_desktop.aws.session import build_session
from aiprism_desktop.aws.settings import AuthMethod, AwsSettings
from aiprism_desktop.secrets.credentials import AwsKeys, CredentialStore
from tests.support.aws_servers import BUCKET, REGION, enforce_moto_auth

NOW = dt.datetime(2026, 11, 26, 14, 30, 5, tzinfo=dt.UTC)


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    docx = tmp_path / "out" / "Quarterly review.reviewed.docx"
    docx.parent.mkdir()
    docx.write_bytes(b"PK\x03\x04 pretend docx bytes \x00\xff")
    report = tmp_path / "out" / "Quarterly review.report.json"
    report.write_text(json.dumps({"findings": [{"id": "f1"}]}), encoding="utf-8")
    return docx, report


def _session(keys: AwsKeys, **settings: object) -> tuple[boto3.Session, AwsSettings]:
    store = CredentialStore()
    store.save_aws_keys(keys)
    aws = AwsSettings(
        auth_method=AuthMethod.KEYS,
        region=REGION,
        s3_bucket=BUCKET,
        **settings,  # type: ignore[arg-type]
    )
    return build_session(aws, store), aws


def _admin() -> S3Client:
    return boto3.client(
        "s3", region_name=REGION, aws_access_key_id="testing", aws_secret_access_key="testing"
    )


ANY_KEYS = AwsKeys("AKIAEXPORTTEST000001", "export-secret")


def test_uploads_both_files_encrypted_with_type_and_metadata(
    moto_s3: str, files: tuple[Path, Path]
) -> None:
    session, settings = _session(ANY_KEYS, s3_prefix="/team/reviews/")
    sha = hashlib.sha256(b"original document").hexdigest()
    result = export_to_s3(
        session, settings, files, document_stem="Quarterly review", document_sha256=sha, now=NOW
    )

    folder = "team/reviews/Quarterly review/20261126T143005Z"
    assert result.uris == (
        f"s3://{BUCKET}/{folder}/Quarterly review.reviewed.docx",
        f"s3://{BUCKET}/{folder}/Quarterly review.report.json",
    )
    admin = _admin()
    for path, obj, content_type in zip(
        files, result.objects, (DOCX_CONTENT_TYPE, "application/json"), strict=True
    ):
        got = admin.get_object(Bucket=BUCKET, Key=obj.key)
        assert got["Body"].read() == path.read_bytes()
        assert got["ContentType"] == content_type
        assert got["ServerSideEncryption"] == "AES256"
        assert got["Metadata"] == {"document-sha256": sha, "app-version": __version__}
        assert obj.etag == got["ETag"].strip('"')


@pytest.mark.skipif(os.name == "nt", reason="Windows names are UTF-16")
def test_a_file_name_that_is_not_utf8_gets_a_readable_key(moto_s3: str, tmp_path: Path) -> None:
    docx = Path(os.fsdecode(os.fsencode(tmp_path) + b"/caf\xe9.reviewed.docx"))
    docx.write_bytes(b"PK\x03\x04 pretend docx bytes")
    session, settings = _session(ANY_KEYS)
    stem = os.fsdecode(b"caf\xe9")
    result = export_to_s3(
        session, settings, (docx,), document_stem=stem, document_sha256="0" * 64, now=NOW
    )

    (uploaded,) = result.objects
    assert uploaded.key == "aiprism/caf\ufffd/20261126T143005Z/caf\ufffd.reviewed.docx"
    assert _admin().get_object(Bucket=BUCKET, Key=uploaded.key)["Body"].read() == docx.read_bytes()


def test_kms_encryption_with_a_key_id(moto_s3: str, files: tuple[Path, Path]) -> None:
    kms = boto3.client(
        "kms",
        region_name=REGION,
        aws_access_key_id="t",
        aws_secret_access_key="t",
        endpoint_url=moto_s3,
    )
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    session, settings = _session(ANY_KEYS, s3_kms_key_id=key_id)
    result = export_to_s3(session, settings, files[:1], document_stem="d", document_sha256="0" * 64)

    head = _admin().head_object(Bucket=BUCKET, Key=result.objects[0].key)
    assert head["ServerSideEncryption"] == "aws:kms"
    assert key_id in head["SSEKMSKeyId"]


def test_missing_bucket_is_named_and_nothing_claimed(
    moto_s3: str, files: tuple[Path, Path]
) -> None:
    session, settings = _session(ANY_KEYS)
    settings = settings.with_changes(s3_bucket="no-such-bucket-here")
    with pytest.raises(S3BucketNotFoundError) as caught:
        export_to_s3(session, settings, files, document_stem="d", document_sha256="0" * 64)
    assert "'no-such-bucket-here' does not exist" in caught.value.message
    assert caught.value.message.endswith("Nothing was uploaded.")
    assert caught.value.uploaded == ()


def test_access_denied_by_iam_policy(moto_s3: str, files: tuple[Path, Path]) -> None:
    iam = boto3.client(
        "iam",
        region_name=REGION,
        aws_access_key_id="t",
        aws_secret_access_key="t",
        endpoint_url=moto_s3,
    )
    iam.create_user(UserName="reader")
    iam.put_user_policy(
        UserName="reader",
        PolicyName="read-only",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
            }
        ),
    )
    created = iam.create_access_key(UserName="reader")["AccessKey"]
    enforce_moto_auth(moto_s3)
    session, settings = _session(AwsKeys(created["AccessKeyId"], created["SecretAccessKey"]))

    with pytest.raises(S3AccessDeniedError) as caught:
        export_to_s3(session, settings, files, document_stem="d", document_sha256="0" * 64)
    assert caught.value.message.startswith(f"These AWS credentials may not write to s3://{BUCKET}/")
    assert caught.value.code == "S3_ACCESS_DENIED"


def test_unknown_access_key_is_a_credentials_error(moto_s3: str, files: tuple[Path, Path]) -> None:
    enforce_moto_auth(moto_s3)
    session, settings = _session(AwsKeys("AKIANOTKNOWNTOMOTO01", "whatever"))
    with pytest.raises(S3CredentialsError, match="Amazon S3 refused the AWS credentials"):
        export_to_s3(session, settings, files, document_stem="d", document_sha256="0" * 64)


def test_unreachable_s3(monkeypatch: pytest.MonkeyPatch, files: tuple[Path, Path]) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", f"http://127.0.0.1:{port}")
    session, settings = _session(ANY_KEYS)
    with pytest.raises(S3UnreachableError, match="Cannot reach Amazon S3"):
        export_to_s3(session, settings, files, document_stem="d", document_sha256="0" * 64)


def test_a_failure_midway_lists_what_was_uploaded(moto_s3: str, files: tuple[Path, Path]) -> None:
    session, settings = _session(ANY_KEYS)
    missing = files[1].with_name("gone.json")
    with pytest.raises(S3ExportError) as caught:
        export_to_s3(
            session, settings, [files[0], missing], document_stem="d", document_sha256="0" * 64
        )
    assert len(caught.value.uploaded) == 1
    assert caught.value.uploaded[0].endswith("Quarterly review.reviewed.docx")
    assert "Uploaded before the failure: s3://" in caught.value.message


def test_no_bucket_configured(files: tuple[Path, Path]) -> None:
    session, settings = _session(ANY_KEYS)
    settings = settings.with_changes(s3_bucket=None)
    with pytest.raises(S3NotConfiguredError):
        export_to_s3(session, settings, files, document_stem="d", document_sha256="0" * 64)

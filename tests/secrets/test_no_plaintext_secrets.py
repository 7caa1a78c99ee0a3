"""THE secrets test: with every kind of secret configured and used, no file contains one.

Distinctive random values for all three secret kinds go into the (in-memory) keyring. Then the
app does what it does with them, with DEBUG logging through the app's own logging setup
(botocore's DEBUG output included): sessions for both AWS sign-in methods, "Test connection"
against the fake Bedrock server (SigV4 over HTTP, the API key over TLS), a review of the sample
document through the Bedrock provider with the real store, an S3 export to moto over HTTP; and,
in its own test, ``aiprism review`` as a subprocess. Finally every file under the test's
temp dir (data, config, cache, state/logs, exports, the downloaded S3 objects) is searched,
byte for byte, for each secret in raw, UTF-16, URL-encoded and base64 form: zero hits.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import importlib.util
import io
import json
import logging
import os
import secrets
import shutil
import string
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, quote_plus

import boto3
import keyring
import keyring.backend
import keyring.backends.fail
import pytest

from aiprism_desktop.app.logging_setup import configure_logging, remove_app_handlers
from aiprism_desktop.aws.s3_export import export_to_s3
from aiprism_desktop.aws.session import build_session
from aiprism_desktop.aws.settings import AuthMethod, AwsSettings
from aiprism_desktop.core.engine import ReviewEngine
from aiprism_desktop.core.frameworks import builtin_frameworks_dir, load_framework_file
from aiprism_desktop.core.ooxml.reader import read_document
from aiprism_desktop.providers.bedrock.chain.profiles import load_model_chain
from aiprism_desktop.providers.bedrock.connection import check_connection
from aiprism_desktop.providers.bedrock.reviewer import BedrockReviewer, BedrockSettings
from aiprism_desktop.secrets.credentials import AwsKeys, CredentialStore
from aiprism_desktop.secrets.keyring_backend import NO_SECURE_KEYRING_MESSAGE
from aiprism_desktop.store import AppPaths
from aiprism_desktop.store.store import Store
from tests.fakes.fake_bedrock import FakeBedrock
from tests.support.aws_servers import BUCKET, REGION
from tests.support.paths import REPO_ROOT
from tests.support.tls_proxy import TlsProxy

ROOT = REPO_ROOT
SAMPLES = sorted((ROOT / "resources" / "samples").glob("*.docx"))
_B64 = string.ascii_letters + string.digits + "+/"
_ID = string.ascii_uppercase + string.digits


class Secrets:
    """One random value per secret kind (fresh every test, so no hit can be a leftover)."""

    def __init__(self) -> None:
        self.access_key_id = "AKIA" + "".join(secrets.choice(_ID) for _ in range(16))
        self.secret_access_key = "".join(secrets.choice(_B64) for _ in range(40))
        self.session_token = "IQoJb3JpZ2luX2Vj" + "".join(secrets.choice(_B64) for _ in range(300))
        self.bedrock_api_key = "ABSK" + base64.b64encode(secrets.token_bytes(48)).decode()
        self.backend_token = "aiprism-team-" + secrets.token_urlsafe(32)

    @property
    def keys(self) -> AwsKeys:
        return AwsKeys(self.access_key_id, self.secret_access_key, self.session_token)

    def all(self) -> dict[str, str]:
        return {
            "access key id": self.access_key_id,
            "secret access key": self.secret_access_key,
            "session token": self.session_token,
            "bedrock api key": self.bedrock_api_key,
            "backend token": self.backend_token,
        }


def _forms(value: str) -> dict[str, bytes]:
    raw = value.encode("utf-8")
    return {
        "raw": raw,
        "utf-16": value.encode("utf-16-le"),
        "url-encoded": quote(value, safe="").encode(),
        "form-encoded": quote_plus(value, safe="").encode(),
        "base64": base64.b64encode(raw),
        "base64url": base64.urlsafe_b64encode(raw),
        "base64 (unpadded)": base64.b64encode(raw).rstrip(b"="),
    }


def find_secrets(root: Path, values: dict[str, str]) -> list[str]:
    """Every (file, secret, form) where a secret appears, file names included."""
    needles = [(name, form, data) for name, v in values.items() for form, data in _forms(v).items()]
    hits: list[str] = []
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.is_symlink():
            continue
        content = path.read_bytes() + b"\n" + str(path).encode()
        hits.extend(
            f"{path.relative_to(root)}: {name} ({form})"
            for name, form, data in needles
            if data in content
        )
    return hits


def _files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def app_logging(tmp_path: Path) -> Iterator[tuple[AppPaths, CredentialStore, io.StringIO]]:
    """App paths under the test's XDG dirs, a credential store, DEBUG logs to file + console."""
    paths = AppPaths.resolve().ensure()
    store = CredentialStore()
    console = io.StringIO()
    configure_logging(paths.log_dir, logging.DEBUG, store.known_secrets, console_stream=console)
    yield paths, store, console
    remove_app_handlers()
    logging.getLogger().setLevel(logging.WARNING)
    for name in ("boto3", "botocore", "urllib3"):
        logging.getLogger(name).setLevel(logging.NOTSET)


async def _review_sample(session: boto3.Session, paths: AppPaths, sample: Path) -> int:
    """Review every section of ``sample`` through the Bedrock provider into the real store."""
    document = read_document(sample)
    framework = load_framework_file(builtin_frameworks_dir() / "hawkeye.yaml")
    async with await Store.open(paths) as store:
        await store.save_document(document)
        reviewer = BedrockReviewer(session, store, BedrockSettings(region=REGION))
        try:
            engine = ReviewEngine(reviewer, framework, cache=store, findings=store)
            result = await engine.analyze(document)
        finally:
            await reviewer.aclose()
    assert result.failed == 0, result
    return result.finished


def test_full_flow_with_secrets_set_leaves_none_on_disk(
    tmp_path: Path,
    fake_bedrock: FakeBedrock,
    tls_bedrock: TlsProxy,
    moto_s3: str,
    app_logging: tuple[AppPaths, CredentialStore, io.StringIO],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    paths, store, console = app_logging
    values = Secrets()
    assert store.save_aws_keys(values.keys).persisted
    assert store.save_bedrock_api_key(values.bedrock_api_key).persisted
    assert store.save_backend_token(values.backend_token).persisted
    chain = load_model_chain()

    # 1. Access keys (with a session token): SigV4 over HTTP to the fake Bedrock server.
    monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", fake_bedrock.endpoint_url)
    keys_settings = AwsSettings(auth_method=AuthMethod.KEYS, region=REGION, s3_bucket=BUCKET)
    keys_session = build_session(keys_settings, store)
    report = check_connection(keys_session, keys_settings, chain, credential_store=store)
    assert report.usable_models, report
    assert {r.credential for r in fake_bedrock.requests} == {values.access_key_id}
    assert fake_bedrock.requests[0].headers["x-amz-security-token"] == values.session_token

    # 2. The Bedrock API key: a bearer token, which botocore only sends over TLS.
    monkeypatch.setenv("AWS_CA_BUNDLE", str(tls_bedrock.cert_path))
    api_settings = AwsSettings(
        auth_method=AuthMethod.API_KEY, region=REGION, bedrock_endpoint_url=tls_bedrock.endpoint_url
    )
    api_session = build_session(api_settings, CredentialStore())  # read back from the keyring
    fake_bedrock.reset()
    assert check_connection(api_session, api_settings, chain).usable_models
    assert {r.credential for r in fake_bedrock.requests} == {values.bedrock_api_key}
    monkeypatch.delenv("AWS_CA_BUNDLE")

    # 3. A review of the sample document(s) through the Bedrock provider and the real store.
    assert SAMPLES, "resources/samples/*.docx is missing"
    for sample in SAMPLES:
        assert asyncio.run(_review_sample(keys_session, paths, sample)) > 0

    # 4. The team backend token, as an HTTP client would log its request at DEBUG.
    logging.getLogger("aiprism_desktop.providers.backend").debug(
        "POST /v1/jobs headers=%s", {"Authorization": f"Bearer {values.backend_token}"}
    )

    # 5. Export to S3 (moto over HTTP) with the review's own session.
    export_dir = tmp_path / "export"
    export_dir.mkdir()
    reviewed = export_dir / f"{SAMPLES[0].stem}.reviewed.docx"
    shutil.copyfile(SAMPLES[0], reviewed)
    report_file = export_dir / f"{SAMPLES[0].stem}.report.json"
    report_file.write_text(json.dumps({"models": report.usable_models}), encoding="utf-8")
    sha = hashlib.sha256(SAMPLES[0].read_bytes()).hexdigest()
    result = export_to_s3(
        keys_session, keys_settings, [reviewed, report_file], document_stem="s", document_sha256=sha
    )
    downloaded = export_dir / "from-s3"
    downloaded.mkdir()
    s3 = boto3.client("s3", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x")
    for obj in result.objects:
        head = s3.head_object(Bucket=BUCKET, Key=obj.key)
        (downloaded / Path(obj.key).name).write_bytes(
            s3.get_object(Bucket=BUCKET, Key=obj.key)["Body"].read()
            + json.dumps(head["Metadata"]).encode()
        )

    for handler in logging.getLogger().handlers:
        handler.flush()
    (tmp_path / "console.txt").write_text(console.getvalue(), encoding="utf-8")

    hits = find_secrets(tmp_path, values.all())
    assert hits == [], "secrets found on disk:\n" + "\n".join(hits)
    # The secrets really went down the logging path: botocore's DEBUG lines were there.
    log_text = (paths.log_dir / "aiprism.log").read_text(encoding="utf-8")
    assert "botocore" in log_text
    assert "[REDACTED]" in log_text


def _cli_ready() -> bool:
    return importlib.util.find_spec("aiprism_desktop.commands.common") is not None


@pytest.mark.skipif(
    not _cli_ready(), reason="the CLI's commands (aiprism_desktop.commands) are not there yet"
)
def test_cli_review_and_s3_export_with_secrets_set_leave_none_on_disk(
    tmp_path: Path, fake_bedrock: FakeBedrock, moto_s3: str
) -> None:
    """``aiprism review`` (bedrock provider) then ``aiprism export --s3``, as child processes.

    The children get the AWS keys the way the default chain finds them (environment variables:
    process memory, not disk) and their own XDG dirs under the test's temp dir.
    """
    values = Secrets()
    home = tmp_path / "cli-home"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "XDG_"))}
    env.update(
        HOME=str(home),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_CACHE_HOME=str(home / "cache"),
        XDG_STATE_HOME=str(home / "state"),
        AWS_CONFIG_FILE=str(home / "aws-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(home / "aws-credentials"),
        AWS_EC2_METADATA_DISABLED="true",
        AWS_ACCESS_KEY_ID=values.access_key_id,
        AWS_SECRET_ACCESS_KEY=values.secret_access_key,
        AWS_SESSION_TOKEN=values.session_token,
        AWS_REGION=REGION,
        AWS_ENDPOINT_URL_BEDROCK_RUNTIME=fake_bedrock.endpoint_url,
        AWS_ENDPOINT_URL_S3=moto_s3,
        PYTHONPATH=str(ROOT),
    )
    out = tmp_path / "cli-out"
    out.mkdir()

    def aiprism(*args: str) -> str:
        completed = subprocess.run(
            [sys.executable, "-m", "aiprism_desktop.cli", "--verbose", *args],
            env=env,
            cwd=ROOT,
            capture_output=True,
            timeout=240,
            check=False,
        )
        with (out / "transcript.txt").open("ab") as transcript:
            transcript.write(completed.stdout + completed.stderr)
        stderr = completed.stderr.decode(errors="replace")
        assert completed.returncode == 0, f"aiprism {args[0]}: {stderr[-2000:]}"
        return stderr

    aiprism("config", "set", "aws.s3_bucket", BUCKET)
    for sample in SAMPLES:
        stem = sample.stem
        aiprism(
            "review", str(sample), "--provider", "bedrock", "--accept-all",
            "--out", str(out / f"{stem}.docx"), "--report", str(out / f"{stem}.json"),
        )  # fmt: skip
        assert (out / f"{stem}.docx").is_file()
        stderr = aiprism(
            "export", str(sample), "--s3",
            "--out", str(out / f"{stem}.again.docx"), "--report", str(out / f"{stem}.again.json"),
        )  # fmt: skip
        assert f"s3://{BUCKET}/" in stderr
    assert values.access_key_id in {r.credential for r in fake_bedrock.requests}
    # What went to S3 comes back to disk for the scan.
    s3 = boto3.client("s3", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x")
    listed = s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])
    assert len(listed) == 2 * len(SAMPLES)
    for index, item in enumerate(listed):
        body = s3.get_object(Bucket=BUCKET, Key=item["Key"])["Body"].read()
        (out / f"s3-object-{index}").write_bytes(body)

    hits = find_secrets(tmp_path, values.all())
    assert hits == [], "secrets found on disk:\n" + "\n".join(hits)
    # --verbose logs at DEBUG: the signed requests went through the children's log redaction.
    logs = "".join(p.read_text(encoding="utf-8") for p in (home / "state").rglob("*.log"))
    assert "botocore" in logs
    assert "[REDACTED]" in logs


# -- no secure keyring --------------------------------------------------------------------


def test_without_a_keyring_credentials_are_session_only_and_nothing_is_written(
    tmp_path: Path,
) -> None:
    keyring.set_keyring(keyring.backends.fail.Keyring())  # type: ignore[no-untyped-call]
    before = _files(tmp_path)
    values = Secrets()
    store = CredentialStore()

    outcomes = [
        store.save_aws_keys(values.keys),
        store.save_bedrock_api_key(values.bedrock_api_key),
        store.save_backend_token(values.backend_token),
    ]
    assert [o.persisted for o in outcomes] == [False, False, False]
    assert {o.message for o in outcomes} == {NO_SECURE_KEYRING_MESSAGE}
    status = store.status()
    assert status.backend == "keyring.backends.fail.Keyring"
    assert status.session_only
    assert "kept for this session only" in status.message
    # Usable for this session...
    assert store.load_aws_keys() == values.keys
    settings = AwsSettings(auth_method=AuthMethod.KEYS, region=REGION)
    credentials = build_session(settings, store).get_credentials()
    assert credentials is not None
    assert credentials.secret_key == values.secret_access_key
    # ...written nowhere, and gone for the next run.
    assert _files(tmp_path) == before
    assert find_secrets(tmp_path, values.all()) == []
    assert CredentialStore().load_bedrock_api_key() is None


class _FilePlaintextKeyring(keyring.backend.KeyringBackend):
    """Behaves like keyrings.alt's PlaintextKeyring: base64 in a file in the data dir."""

    priority = 0.5

    @property
    def _file(self) -> Path:
        return Path(os.environ["XDG_DATA_HOME"]) / "python_keyring" / "keyring_pass.cfg"

    def get_password(self, service: str, username: str) -> str | None:
        if not self._file.exists():
            return None
        for line in self._file.read_text(encoding="utf-8").splitlines():
            key, _, value = line.partition("=")
            if key == f"{service}/{username}":
                return base64.b64decode(value).decode()
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        self._file.parent.mkdir(parents=True, exist_ok=True)
        encoded = base64.b64encode(password.encode()).decode()
        with self._file.open("a", encoding="utf-8") as handle:
            handle.write(f"{service}/{username}={encoded}\n")

    def delete_password(self, service: str, username: str) -> None:
        pass


_FilePlaintextKeyring.__module__ = "keyrings.alt.file"


def test_a_keyrings_alt_plaintext_backend_is_refused(tmp_path: Path) -> None:
    plaintext = _FilePlaintextKeyring()  # type: ignore[no-untyped-call]
    keyring.set_keyring(plaintext)
    values = Secrets()
    store = CredentialStore()

    assert not store.save_aws_keys(values.keys).persisted
    assert not store.save_backend_token(values.backend_token).persisted
    assert store.status().backend == "keyrings.alt.file._FilePlaintextKeyring"
    assert not store.status().secure
    assert not plaintext._file.exists()
    assert find_secrets(tmp_path, values.all()) == []


def test_the_scan_finds_what_it_looks_for(tmp_path: Path) -> None:
    """Guard against a scan that can never fail."""
    values = Secrets()
    (tmp_path / "a.bin").write_bytes(b"\x00" + values.backend_token.encode("utf-16-le"))
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.cfg").write_text(
        "x=" + base64.b64encode(values.secret_access_key.encode()).decode(), encoding="utf-8"
    )
    (tmp_path / "c.log").write_text(quote(values.session_token, safe=""), encoding="utf-8")
    hits = find_secrets(tmp_path, values.all())
    assert "a.bin: backend token (utf-16)" in hits
    assert "sub/b.cfg: secret access key (base64)" in hits
    assert any(h.startswith("c.log: session token") for h in hits)

"""redact() and the logging filter: known values in every encoding, and secret-shaped patterns."""

from __future__ import annotations

import base64
import io
import json
import logging
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aiprism_desktop.secrets.redaction import (
    REDACTED,
    REDACTED_TEXT,
    SecretRedactionFilter,
    redact,
)

SECRET = "s3cr3t/With+Special=Chars&more"


def test_known_values_and_their_encodings_are_removed() -> None:
    text = (
        f"raw {SECRET} url {quote(SECRET, safe='')} "
        f"b64 {base64.b64encode(SECRET.encode()).decode()}"
    )
    out = redact(text, [SECRET])
    assert out == f"raw {REDACTED} url {REDACTED} b64 {REDACTED}"


def test_short_values_are_not_redacted_by_value() -> None:
    assert redact("the cat sat", ["cat"]) == "the cat sat"


@pytest.mark.parametrize(
    ("text", "must_vanish"),
    [
        # botocore DEBUG: the prepared request's header dict.
        (
            "headers={'X-Amz-Date': b'20261126T000000Z', "
            "'X-Amz-Security-Token': b'IQoJb3JpZ2luX2VjEL//tok', "
            "'Authorization': b'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261126/"
            "us-east-1/bedrock/aws4_request, SignedHeaders=host, Signature=abcdef0123456789'}",
            ["IQoJb3JpZ2luX2VjEL//tok", "AKIAIOSFODNN7EXAMPLE", "abcdef0123456789"],
        ),
        # botocore.auth DEBUG: the canonical request lists the token header.
        ("x-amz-security-token:FwoGZXIvYXdzEBYaDH+tok==\nhost:x", ["FwoGZXIvYXdzEBYaDH+tok=="]),
        # An HTTP header line.
        ("Authorization: Bearer ABSKZXhhbXBsZS1rZXk=", ["ABSKZXhhbXBsZS1rZXk="]),
        ("authorization: Basic dXNlcjpwYXNzd29yZA==", ["dXNlcjpwYXNzd29yZA=="]),
        # A presigned URL.
        (
            "https://b.s3.amazonaws.com/k?X-Amz-Credential=ASIAY34FZKBOKMUTVV7A%2F2026&"
            "X-Amz-Security-Token=IQoJ%2Btok&X-Amz-Signature=0123456789abcdef0123",
            ["ASIAY34FZKBOKMUTVV7A", "IQoJ%2Btok", "0123456789abcdef0123"],
        ),
        # Config-file and JSON forms.
        (
            "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            ["wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"],
        ),
        ('{"SecretAccessKey": "wJalrXUtnFEMI/K7MDENG"}', ["wJalrXUtnFEMI/K7MDENG"]),
        ('{"SessionToken": "FQoGZXIvYXdz"}', ["FQoGZXIvYXdz"]),
        ("api_key=ABSKlong-lived-key-value", ["ABSKlong-lived-key-value"]),
        ("token bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t", ["YmVkcm9jay5hbWF6b25hd3MuY29t"]),
        ("Bearer abcdefghijklmnop", ["abcdefghijklmnop"]),
    ],
)
def test_patterns_catch_secrets_nobody_told_us_about(text: str, must_vanish: list[str]) -> None:
    out = redact(text)
    for secret in must_vanish:
        assert secret not in out, out
    assert REDACTED in out


DOCUMENT_TEXT = 'The root cause was human error; Ann\'s "quick fix" skipped the second check.'
REQUEST_BODY = json.dumps({"system": [{"text": DOCUMENT_TEXT}]}).encode()


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        # botocore.endpoint: the request dict, body as bytes.
        (
            "Making request for OperationModel(name=Converse) with params: {'url_path': "
            f"'/model/m/converse', 'body': {REQUEST_BODY!r}, "
            "'method': 'POST'}",
            ["'url_path': '/model/m/converse'", "'method': 'POST'"],
        ),
        # botocore.parsers: the response body on a line of its own.
        (
            f"Response body:\n{json.dumps({'output': {'text': DOCUMENT_TEXT}}).encode()!r}",
            ["Response body:"],
        ),
        # A body dumped as a dict, and one as a str.
        (f"request body={{'messages': [{DOCUMENT_TEXT!r}]}}", ["request body="]),
        (f"body: {DOCUMENT_TEXT!r} (truncated)", ["(truncated)"]),
        # Text fields of a conversation or a finding in a dump that is not labelled a body.
        (
            json.dumps({"role": "user", "content": [{"text": DOCUMENT_TEXT}]}),
            ['"role": "user"'],
        ),
        (repr({"quote": DOCUMENT_TEXT, "risk": "high"}), ["'risk': 'high'"]),
    ],
)
def test_document_text_in_bodies_and_dumps_is_removed(text: str, kept: list[str]) -> None:
    out = redact(text)
    assert "root cause" not in out, out
    assert "quick fix" not in out, out
    assert REDACTED_TEXT in out
    for part in kept:
        assert part in out, out


@given(st.text(min_size=1), st.booleans())
def test_any_body_literal_vanishes_whole(text: str, as_bytes: bool) -> None:
    literal = repr(text.encode("utf-8", "surrogatepass")) if as_bytes else repr(text)
    assert redact(f"'body': {literal}, 'next': 1") == f"'body': {REDACTED_TEXT}, 'next': 1"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://alice:pa55word@10.0.0.1:8080/x", f"http://alice:{REDACTED}@10.0.0.1:8080/x"),
        ("https://u:p%40ss@proxy.local", f"https://u:{REDACTED}@proxy.local"),
        ("socks5h://:only-password@host", f"socks5h://:{REDACTED}@host"),
        ("http://host:8080/path@version", "http://host:8080/path@version"),  # no userinfo
    ],
)
def test_passwords_in_urls_are_removed(url: str, expected: str) -> None:
    assert redact(f"endpoint {url} ready") == f"endpoint {expected} ready"


def test_ordinary_text_is_left_alone() -> None:
    text = "Reviewed section 3 (Findings) with us.anthropic.claude-sonnet-4-5 in 2.1 s"
    assert redact(text) == text


def _logger_with_filter(secrets: list[str]) -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    handler.addFilter(SecretRedactionFilter(lambda: secrets))
    logger = logging.getLogger(f"test.redaction.{id(stream)}")
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    return logger, stream


def test_filter_redacts_arguments_exceptions_and_stacks() -> None:
    logger, stream = _logger_with_filter([SECRET])
    logger.debug("key is %s and %r", SECRET, {"nested": SECRET})
    try:
        raise RuntimeError(f"failed with {SECRET}")
    except RuntimeError:
        logger.exception("upload failed")
    logger.info("stack", stack_info=True, extra={})
    output = stream.getvalue()
    assert SECRET not in output
    assert "RuntimeError: failed with [REDACTED]" in output
    assert "key is [REDACTED] and {'nested': '[REDACTED]'}" in output


def test_filter_survives_a_broken_provider_and_bad_format() -> None:
    def broken() -> list[str]:
        raise RuntimeError("keyring exploded")

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(SecretRedactionFilter(broken))
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "%d items", ("x",), None)
    assert handler.filter(record)
    handler.handle(record)
    assert "%d items" in stream.getvalue()


def test_filter_removes_document_text_at_every_level_from_any_logger() -> None:
    logger, stream = _logger_with_filter([])
    body = json.dumps({"messages": [{"content": [{"text": DOCUMENT_TEXT}]}]}).encode()
    for level in (logging.DEBUG, logging.INFO, logging.WARNING, logging.ERROR, logging.CRITICAL):
        logger.log(level, "Sending to http://u:pw-secret-1@h/x body=%r", body)
    try:
        raise ValueError(f"could not parse body: {body!r}")
    except ValueError:
        logger.exception("parse failed")
    lines = stream.getvalue().splitlines()
    sent = [line for line in lines if line.endswith(f"/x body={REDACTED_TEXT}")]
    assert [line.split()[0] for line in sent] == ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
    assert f"ValueError: could not parse body: {REDACTED_TEXT}" in lines
    output = "\n".join(lines)
    assert "root cause" not in output
    assert "pw-secret-1" not in output


def test_filter_also_redacts_secrets_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "env-only-secret-value")
    logger, stream = _logger_with_filter([])
    logger.warning("credential file said %s", "env-only-secret-value")
    assert stream.getvalue() == f"WARNING credential file said {REDACTED}\n"

"""Keep secret values and document text out of logs and error texts.

Secrets, in two layers: the exact values the credential store knows about (plus their
URL-encoded and base64 forms, which is how they appear in query strings and config dumps), and
patterns that catch secrets we were never told about (AWS key ids, ``Authorization`` headers,
security tokens, bearer tokens, Bedrock API keys, passwords in URLs) as they appear in
botocore's DEBUG logs.

Document text is confidential too, and it travels in request and response bodies (the
section's text and the prompt out, findings that quote it back): botocore's DEBUG output logs
every body whole. Anything labelled a body, and the string values of the keys a model
conversation or a finding carries text in, are removed whatever logs them.
"""

from __future__ import annotations

import base64
import functools
import logging
import os
import re
import traceback
from collections.abc import Callable, Iterable
from urllib.parse import quote, quote_plus

REDACTED = "[REDACTED]"

# Values shorter than this are not redacted by value: they would blank out ordinary words.
MIN_SECRET_LENGTH = 8

_VALUE = r"[^\s\"',;}&\]]+"  # a value in a header dict repr, a query string or a config line
_ASSIGN = r"[\"']?\s*[:=]\s*b?[\"']?"  # ': b'   = "   :   …between a name and its value

# A Python or JSON string literal (b'…', '…', "…") with its escapes, unrolled so a long body is
# scanned in linear time.
_LITERAL = r"""b?(?:'[^'\\]*(?:\\.[^'\\]*)*'|"[^"\\]*(?:\\.[^"\\]*)*")"""
# Keys whose string values carry document text: Converse messages and system prompts, tool
# input, and the text fields of a finding (quotes of the document, rewrites).
_TEXT_KEYS = (
    "text|system|prompt|content|input|selection|quote|replacement|description|suggestion|example"
)
REDACTED_TEXT = "[REDACTED TEXT]"

_DOCUMENT_TEXT_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # Bodies: "Response body:\nb'…'", "'body': b'…'", "body=…": a literal is replaced …
    (re.compile(rf"(?is)(\bbody[\"']?\s*[:=]\s*)({_LITERAL})"), rf"\1{REDACTED_TEXT}"),
    # … and a dict, list or anything else dumped after the label goes with the rest of the line
    # (to the end of the text when it starts a new line).
    (re.compile(r"(?i)(\bbody[\"']?\s*:\s*)\n(?!\[REDACTED)[\s\S]*"), rf"\1{REDACTED_TEXT}"),
    (re.compile(r"(?i)(\bbody[\"']?\s*[:=]\s*)[\[{](?!REDACTED)[^\n]*"), rf"\1{REDACTED_TEXT}"),
    # "text": "…" in a JSON or dict dump that is not labelled a body.
    (re.compile(rf"(?i)([\"'](?:{_TEXT_KEYS})[\"']\s*:\s*)({_LITERAL})"), rf"\1{REDACTED_TEXT}"),
)

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    *_DOCUMENT_TEXT_PATTERNS,
    # Passwords in URLs (an endpoint or proxy URL with user:password@): keep the user name.
    (re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://[^\s/@:]*):[^\s/@]*@"), rf"\1:{REDACTED}@"),
    # Authorization headers, quoted (a dict repr: 'Authorization': b'AWS4-HMAC-SHA256 …, …').
    (
        re.compile(r"(?i)(authorization[\"']?\s*[:=]\s*b?)([\"'])(.*?)(\2)"),
        rf"\1\2{REDACTED}\4",
    ),
    # Authorization headers, unquoted (an HTTP header line): the rest of the line.
    (re.compile(r"(?i)(authorization[\"']?\s*[:=]\s*)(?!b?[\"'])(\S[^\r\n]*)"), rf"\1{REDACTED}"),
    # Security / session tokens as headers, canonical-request lines, query params, assignments.
    (
        re.compile(rf"(?i)(x-amz-security-token|session[_-]?token)({_ASSIGN})({_VALUE})"),
        rf"\1\2{REDACTED}",
    ),
    # Secret access keys in assignments and JSON.
    (
        re.compile(rf"(?i)(secret[_ -]?(?:access[_ -]?)?key)({_ASSIGN})({_VALUE})"),
        rf"\1\2{REDACTED}",
    ),
    # Bedrock API keys and other tokens in assignments (api_key=…, bearer_token: …).
    (
        re.compile(rf"(?i)((?:api[_-]?key|bearer[_-]?token|auth[_-]?token))({_ASSIGN})({_VALUE})"),
        rf"\1\2{REDACTED}",
    ),
    # Presigned-URL signatures are credentials until they expire.
    (re.compile(r"(?i)(x-amz-signature=)[0-9a-f]{16,}"), rf"\1{REDACTED}"),
    # Bearer tokens anywhere.
    (re.compile(r"(?i)\b(bearer\s+)([A-Za-z0-9\-._~+/=%]{8,})"), rf"\1{REDACTED}"),
    # Bedrock API keys: long-term ("ABSK…", base64) and short-term ("bedrock-api-key-…").
    (re.compile(r"\bABSK[A-Za-z0-9+/=]{16,}"), REDACTED),
    (re.compile(r"\bbedrock-api-key-[A-Za-z0-9+/=%._-]{16,}"), REDACTED),
    # AWS access key ids (long-term AKIA…, temporary ASIA…): keep the kind, drop the id.
    (re.compile(r"\b(AKIA|ASIA)[A-Z0-9]{16}\b"), rf"\1{REDACTED}"),
)


def _encoded_forms(secret: str) -> set[str]:
    """The forms a secret takes in URLs, form bodies and base64-encoded config or headers."""
    raw = secret.encode("utf-8")
    return {
        secret,
        quote(secret, safe=""),
        quote_plus(secret, safe=""),
        base64.b64encode(raw).decode("ascii"),
        base64.urlsafe_b64encode(raw).decode("ascii"),
    }


@functools.lru_cache(maxsize=32)
def _value_pattern(secrets: frozenset[str]) -> re.Pattern[str] | None:
    forms: set[str] = set()
    for secret in secrets:
        if len(secret) >= MIN_SECRET_LENGTH:
            forms |= _encoded_forms(secret)
    if not forms:
        return None
    # Longest first so a secret that contains another is removed whole.
    alternatives = sorted(forms, key=len, reverse=True)
    return re.compile("|".join(re.escape(form) for form in alternatives))


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with document text, every known secret value and every secret-looking pattern
    replaced."""
    pattern = _value_pattern(frozenset(s for s in secrets if s))
    if pattern is not None:
        text = pattern.sub(REDACTED, text)
    for regex, replacement in _PATTERNS:
        text = regex.sub(replacement, text)
    return text


SecretsProvider = Callable[[], Iterable[str]]

# Secrets the default credential chain may take from the environment; never in our keyring.
SECRET_ENV_VARS = (
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_BEARER_TOKEN_BEDROCK",
)


def environment_secrets() -> tuple[str, ...]:
    """Secret values currently set in this process's environment (cheap: a few lookups)."""
    return tuple(value for name in SECRET_ENV_VARS if (value := os.environ.get(name)))


class SecretRedactionFilter(logging.Filter):
    """A handler filter that rewrites each record so no secret and no document text reaches a
    log file or console, whatever logger and level the record comes from.

    The record is formatted here (message, exception and stack text) and replaced by its
    redacted text, so formatters downstream never see the original arguments. Besides the
    provider's values, secrets in the environment (``SECRET_ENV_VARS``) are redacted too.
    ``secrets_provider`` must be cheap and must not log (it runs for every record): the
    credential store's ``known_secrets`` is.
    """

    def __init__(self, secrets_provider: SecretsProvider | None = None) -> None:
        super().__init__()
        self._secrets_provider = secrets_provider

    def _secrets(self) -> tuple[str, ...]:
        known = environment_secrets()
        if self._secrets_provider is None:
            return known
        try:
            return known + tuple(self._secrets_provider())
        except Exception:  # a failing provider must not stop logging; patterns still apply
            return known

    def filter(self, record: logging.LogRecord) -> bool:
        secrets = self._secrets()
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: log what we have rather than lose the record
            message = f"{record.msg!s} {record.args!r}"
        record.msg = redact(message, secrets)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        if record.exc_text:
            record.exc_text = redact(record.exc_text, secrets)
        if record.stack_info:
            record.stack_info = redact(record.stack_info, secrets)
        return True

"""The non-secret AWS settings: how to authenticate, where, and where exports go.

Secrets are not here (they live in the credential store). Region and endpoints are optional on
purpose: when unset, they are resolved as the AWS CLI v2 does (``AWS_REGION``,
``AWS_DEFAULT_REGION``, the profile's ``region``; ``AWS_ENDPOINT_URL_BEDROCK_RUNTIME``,
``AWS_ENDPOINT_URL_S3``), so we only pass a value when the user configured one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from enum import StrEnum
from typing import Any, TypeVar
from urllib.parse import urlsplit

from aiprism_desktop.core.errors import ConfigError

StrEnumT = TypeVar("StrEnumT", bound=StrEnum)


class AuthMethod(StrEnum):
    """Where AWS credentials come from."""

    DEFAULT_CHAIN = "default_chain"  # env vars, AWS_PROFILE, SSO cache, container/instance role
    KEYS = "keys"  # access key (+ session token) from the keyring
    PROFILE = "profile"  # a named profile in ~/.aws/config (SSO, credential_process, roles)
    API_KEY = "api_key"  # a Bedrock API key (bearer token) from the keyring


class ServerSideEncryption(StrEnum):
    AES256 = "AES256"
    KMS = "aws:kms"


_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d+$")
# S3 general-purpose bucket naming rules (the parts a typo usually breaks).
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


@dataclass(frozen=True, slots=True)
class AwsSettings:
    """AWS access settings as stored in the app's config file."""

    auth_method: AuthMethod = AuthMethod.DEFAULT_CHAIN
    profile_name: str | None = None
    region: str | None = None  # None: AWS_REGION, AWS_DEFAULT_REGION, the profile's region
    bedrock_endpoint_url: str | None = None  # None: botocore's own resolution (env vars honoured)
    s3_endpoint_url: str | None = None
    s3_bucket: str | None = None
    s3_prefix: str = "aiprism"
    s3_sse: ServerSideEncryption = ServerSideEncryption.AES256
    s3_kms_key_id: str | None = None  # with aws:kms; None uses the bucket's AWS-managed key

    def __post_init__(self) -> None:
        object.__setattr__(self, "auth_method", _enum(AuthMethod, self.auth_method, "auth method"))
        object.__setattr__(self, "s3_sse", _enum(ServerSideEncryption, self.s3_sse, "encryption"))
        for name in (
            "profile_name",
            "region",
            "bedrock_endpoint_url",
            "s3_endpoint_url",
            "s3_bucket",
            "s3_kms_key_id",
        ):
            object.__setattr__(self, name, _blank_to_none(getattr(self, name)))
        object.__setattr__(self, "s3_prefix", (self.s3_prefix or "").strip().strip("/"))
        if self.s3_kms_key_id and self.s3_sse is ServerSideEncryption.AES256:
            object.__setattr__(self, "s3_sse", ServerSideEncryption.KMS)
        self._validate()

    def _validate(self) -> None:
        if self.auth_method is AuthMethod.PROFILE and not self.profile_name:
            raise ConfigError("Choose which AWS profile to use, or pick another sign-in method.")
        if self.region and not _REGION.match(self.region):
            raise ConfigError(f"'{self.region}' is not an AWS region name (e.g. us-east-1).")
        for label, url in (
            ("Bedrock endpoint", self.bedrock_endpoint_url),
            ("S3 endpoint", self.s3_endpoint_url),
        ):
            if url and (urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc):
                raise ConfigError(f"The {label} must be a URL such as https://host:port.")
        if self.s3_bucket and not _BUCKET.match(self.s3_bucket):
            raise ConfigError(
                f"'{self.s3_bucket}' is not a valid S3 bucket name "
                "(3–63 lowercase letters, digits, dots or hyphens)."
            )

    def with_changes(self, **changes: Any) -> AwsSettings:
        """A copy with some fields changed (validated again)."""
        return replace(self, **changes)

    def to_dict(self) -> dict[str, str]:
        """Plain strings for the config file; unset values are left out."""
        return {k: str(v) for k, v in asdict(self).items() if v not in (None, "")}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AwsSettings:
        """Read the config-file form; unknown keys are a ``ConfigError`` (typos must show)."""
        known = set(cls.__dataclass_fields__)
        unknown = sorted(set(data) - known)
        if unknown:
            raise ConfigError(f"Unknown AWS setting(s): {', '.join(unknown)}.")
        values: dict[str, Any] = {k: (v if v is None else str(v)) for k, v in data.items()}
        return cls(**values)


def _enum(enum_type: type[StrEnumT], value: str, what: str) -> StrEnumT:
    try:
        return enum_type(value)
    except ValueError:
        choices = ", ".join(member.value for member in enum_type)
        raise ConfigError(f"Unknown {what} '{value}'. Choose one of: {choices}.") from None


def _blank_to_none(value: str | None) -> str | None:
    if value is None:
        return None
    stripped = value.strip()
    return stripped or None

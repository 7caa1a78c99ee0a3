"""AwsSettings: defaults, validation with reviewer-facing messages, config-file round trip."""

from __future__ import annotations

import pytest

from aiprism_desktop.aws.settings import AuthMethod, AwsSettings, ServerSideEncryption
from aiprism_desktop.core.errors import ConfigError


def test_defaults_leave_resolution_to_boto3() -> None:
    settings = AwsSettings()
    assert settings.auth_method is AuthMethod.DEFAULT_CHAIN
    assert settings.region is None
    assert settings.bedrock_endpoint_url is None
    assert settings.s3_endpoint_url is None
    assert settings.s3_sse is ServerSideEncryption.AES256


def test_strings_are_normalized() -> None:
    settings = AwsSettings(
        auth_method="profile",  # type: ignore[arg-type]
        profile_name="  dev ",
        region=" ",
        s3_prefix="/reviews/2026/",
        s3_bucket="",
    )
    assert settings.auth_method is AuthMethod.PROFILE
    assert settings.profile_name == "dev"
    assert settings.region is None
    assert settings.s3_prefix == "reviews/2026"
    assert settings.s3_bucket is None


def test_a_kms_key_implies_kms_encryption() -> None:
    assert AwsSettings(s3_kms_key_id="alias/reviews").s3_sse is ServerSideEncryption.KMS


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"auth_method": "password"}, "Unknown auth method 'password'"),
        ({"auth_method": "profile"}, "Choose which AWS profile"),
        ({"region": "US East"}, "not an AWS region name"),
        ({"s3_bucket": "My_Bucket"}, "not a valid S3 bucket name"),
        ({"bedrock_endpoint_url": "localhost:8080"}, "Bedrock endpoint must be a URL"),
        ({"s3_sse": "rot13"}, "Unknown encryption 'rot13'"),
    ],
)
def test_invalid_values_are_config_errors(changes: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        AwsSettings(**changes)  # type: ignore[arg-type]


def test_round_trip_through_the_config_file_form() -> None:
    settings = AwsSettings(
        auth_method=AuthMethod.KEYS,
        region="eu-west-1",
        s3_bucket="team-reviews",
        s3_prefix="ai",
        s3_kms_key_id="alias/x",
    )
    data = settings.to_dict()
    assert data["auth_method"] == "keys"
    assert data["s3_sse"] == "aws:kms"
    assert "profile_name" not in data
    assert AwsSettings.from_dict(data) == settings


def test_unknown_keys_in_the_config_file_are_reported() -> None:
    with pytest.raises(ConfigError, match="Unknown AWS setting"):
        AwsSettings.from_dict({"regoin": "us-east-1"})

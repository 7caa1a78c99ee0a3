"""The loopback servers of tests/aws, for the end-to-end secrets test."""

from tests.aws.conftest import fake_bedrock, moto_endpoint, moto_s3, tls_bedrock

__all__ = ["fake_bedrock", "moto_endpoint", "moto_s3", "tls_bedrock"]

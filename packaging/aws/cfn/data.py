"""What the services keep: Redis (ElastiCache), the secrets, the exports bucket, the logs."""

from __future__ import annotations

from cfn.fn import Json, att, ref, sub, tags
from cfn.network import PRIVATE_SUBNETS

LOG_RETENTION_DAYS = 7
METRIC_NAMESPACE = "AIPrism"


def secrets() -> dict[str, Json]:
    """Team tokens (JSON {team: token}, the format of AIPRISM_TEAM_TOKENS) and Redis's token."""
    return {
        "TeamTokensSecret": {
            "Type": "AWS::SecretsManager::Secret",
            "Properties": {
                "Description": "AI-Prism team tokens: JSON {team: token}; the API registers "
                "them at start (AIPRISM_TEAM_TOKENS)",
                "GenerateSecretString": {
                    "SecretStringTemplate": "{}",
                    "GenerateStringKey": ref("InitialTeam"),
                    "PasswordLength": 48,
                    "ExcludePunctuation": True,
                },
            },
        },
        "RedisAuthSecret": {
            "Type": "AWS::SecretsManager::Secret",
            "Properties": {
                "Description": "AI-Prism ElastiCache auth token (AIPRISM_REDIS_PASSWORD)",
                "GenerateSecretString": {"PasswordLength": 64, "ExcludePunctuation": True},
            },
        },
    }


def redis() -> dict[str, Json]:
    """Two nodes in two AZs, TLS and encryption at rest, an auth token, and no eviction (the
    job queue and the tokens must never be dropped to make room)."""
    return {
        "RedisSubnetGroup": {
            "Type": "AWS::ElastiCache::SubnetGroup",
            "Properties": {
                "Description": "AI-Prism Redis (private subnets)",
                "SubnetIds": PRIVATE_SUBNETS,
            },
        },
        "RedisParameters": {
            "Type": "AWS::ElastiCache::ParameterGroup",
            "Properties": {
                "CacheParameterGroupFamily": "redis7",
                "Description": "AI-Prism: never evict queue, jobs or tokens",
                "Properties": {"maxmemory-policy": "noeviction"},
            },
        },
        "Redis": {
            "Type": "AWS::ElastiCache::ReplicationGroup",
            "Properties": {
                "ReplicationGroupDescription": "AI-Prism job queue, results, tokens",
                "Engine": "redis",
                "EngineVersion": "7.1",
                "CacheNodeType": ref("RedisNodeType"),
                "NumCacheClusters": 2,
                "AutomaticFailoverEnabled": True,
                "MultiAZEnabled": True,
                "TransitEncryptionEnabled": True,
                "AtRestEncryptionEnabled": True,
                "AuthToken": sub("{{resolve:secretsmanager:${RedisAuthSecret}}}"),
                "CacheSubnetGroupName": ref("RedisSubnetGroup"),
                "CacheParameterGroupName": ref("RedisParameters"),
                "SecurityGroupIds": [ref("RedisSecurityGroup")],
                "SnapshotRetentionLimit": 1,
                "Tags": tags("redis"),
            },
        },
    }


REDIS_URL = sub(
    "rediss://${Redis.PrimaryEndPoint.Address}:${Redis.PrimaryEndPoint.Port}/0"
    "?ssl_cert_reqs=required"
)


def exports_bucket() -> dict[str, Json]:
    """Versioned, private, encrypted; old versions and old exports move to Glacier."""
    bucket_arn = att("ExportsBucket", "Arn")
    return {
        "ExportsBucket": {
            "Type": "AWS::S3::Bucket",
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Properties": {
                "VersioningConfiguration": {"Status": "Enabled"},
                "PublicAccessBlockConfiguration": {
                    "BlockPublicAcls": True,
                    "BlockPublicPolicy": True,
                    "IgnorePublicAcls": True,
                    "RestrictPublicBuckets": True,
                },
                "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
                "BucketEncryption": {
                    "ServerSideEncryptionConfiguration": [
                        {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
                    ]
                },
                "LifecycleConfiguration": {
                    "Rules": [
                        {
                            "Id": "exports-to-glacier",
                            "Status": "Enabled",
                            "Transitions": [{"StorageClass": "GLACIER", "TransitionInDays": 90}],
                            "NoncurrentVersionTransitions": [
                                {"StorageClass": "GLACIER", "TransitionInDays": 30}
                            ],
                            "NoncurrentVersionExpiration": {"NoncurrentDays": 365},
                            "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7},
                        }
                    ]
                },
                "Tags": tags("exports"),
            },
        },
        "ExportsBucketPolicy": {
            "Type": "AWS::S3::BucketPolicy",
            "Properties": {
                "Bucket": ref("ExportsBucket"),
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Sid": "TlsOnly",
                            "Effect": "Deny",
                            "Principal": "*",
                            "Action": "s3:*",
                            "Resource": [bucket_arn, sub("${ExportsBucket.Arn}/*")],
                            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                        }
                    ],
                },
            },
        },
    }


def log_groups() -> dict[str, Json]:
    return {
        f"{kind}LogGroup": {
            "Type": "AWS::Logs::LogGroup",
            "DeletionPolicy": "Delete",
            "Properties": {
                "LogGroupName": sub(f"/aiprism/${{AWS::StackName}}/{kind.lower()}"),
                "RetentionInDays": LOG_RETENTION_DAYS,
            },
        }
        for kind in ("Api", "Worker")
    }

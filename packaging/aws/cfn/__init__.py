"""Renders the CloudFormation templates of packaging/aws/ (fargate/ and ecs-ec2/).

The two ECS variants share everything but their compute, and the task role's Bedrock
permissions follow the model chain (resources/models.toml), so the templates are built here
and committed rendered: ``python -m cfn`` (from packaging/aws) rewrites them, ``--check`` fails
when a committed template differs from what this code renders.
"""

"""Reviewers behind one protocol: offline rules, Claude on Bedrock, the team backend."""

"""AWS access shared by the Bedrock provider and S3 export: sessions, regions, endpoints."""

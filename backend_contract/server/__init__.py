"""The reference team backend: Flask under gunicorn, Celery workers, Redis (docs/backend.md)."""

"""Structured JSON logs on stdout, one object a line.

What may be logged: ids (job, chat, review, token id — never a token), team names, sizes,
statuses, codes, durations. Never document text, questions, findings or model output: those are
confidential. Messages are written that way at every level; fields are added with ``extra=``.
"""

from __future__ import annotations

import json
import logging
import sys
from typing import Any, Final

# LogRecord attributes that are not extra fields.
_STANDARD: Final = frozenset(
    vars(logging.LogRecord("", 0, "", 0, "", None, None)).keys() | {"message", "asctime"}
)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                data[key] = value
        if record.exc_info:
            data["exc"] = self.formatException(record.exc_info)
        return json.dumps(data, default=str, ensure_ascii=False)


JsonFormatter.converter = __import__("time").gmtime  # timestamps in UTC


def configure_logging(level: str = "INFO") -> None:
    """Send every logger's records to stdout as JSON (the server's processes only)."""
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("botocore", "boto3", "urllib3", "kombu", "amqp"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))

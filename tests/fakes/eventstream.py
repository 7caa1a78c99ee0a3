"""Encoder for the AWS event-stream framing (``application/vnd.amazon.eventstream``).

botocore ships only a decoder (``botocore.eventstream.EventStreamBuffer``); the fake Bedrock
server needs the encoder. One message is::

    prelude  = !I total_length, !I headers_length, !I crc32(first 8 bytes)
    headers  = per header: !B name_length, name, !B 7 (string), !H value_length, value
    payload  = bytes (JSON for Bedrock)
    trailer  = !I crc32(prelude + headers + payload)
"""

from __future__ import annotations

import binascii
import json
import struct
from collections.abc import Mapping
from typing import Any

_STRING_HEADER_TYPE = 7
_PRELUDE_LENGTH = 12
_TRAILER_LENGTH = 4


def _crc32(data: bytes, crc: int = 0) -> int:
    return binascii.crc32(data, crc) & 0xFFFFFFFF


def encode_headers(headers: Mapping[str, str]) -> bytes:
    """Encode string headers (type 7) in the given order."""
    out = bytearray()
    for name, value in headers.items():
        raw_name = name.encode("utf-8")
        raw_value = value.encode("utf-8")
        if len(raw_name) > 255 or len(raw_value) > 65535:
            raise ValueError(f"event-stream header too long: {name!r}")
        out += struct.pack("!B", len(raw_name)) + raw_name
        out += struct.pack("!BH", _STRING_HEADER_TYPE, len(raw_value)) + raw_value
    return bytes(out)


def encode_message(headers: Mapping[str, str], payload: bytes) -> bytes:
    """One complete event-stream message with both CRCs."""
    raw_headers = encode_headers(headers)
    total = _PRELUDE_LENGTH + len(raw_headers) + len(payload) + _TRAILER_LENGTH
    prelude = struct.pack("!II", total, len(raw_headers))
    prelude += struct.pack("!I", _crc32(prelude))
    body = prelude + raw_headers + payload
    return body + struct.pack("!I", _crc32(body))


def event_message(event_type: str, payload: Mapping[str, Any]) -> bytes:
    """A Bedrock stream event such as ``contentBlockDelta``."""
    headers = {
        ":event-type": event_type,
        ":content-type": "application/json",
        ":message-type": "event",
    }
    return encode_message(headers, json.dumps(payload).encode("utf-8"))


def exception_message(exception_type: str, payload: Mapping[str, Any]) -> bytes:
    """A mid-stream modeled exception; ``exception_type`` is lowerCamel (throttlingException)."""
    headers = {
        ":exception-type": exception_type,
        ":content-type": "application/json",
        ":message-type": "exception",
    }
    return encode_message(headers, json.dumps(payload).encode("utf-8"))

"""Transactions and the translation of sqlite3 errors into ``StoreError``s with stable codes."""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

from aiprism_desktop.core.errors import StoreError
from aiprism_desktop.store.errors import (
    StoreBusyError,
    StoreCorruptError,
    StoreWriteError,
    UnknownDocumentError,
)

P = ParamSpec("P")
T = TypeVar("T")


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction: committed on success, rolled back on any exception.

    ``BEGIN IMMEDIATE`` takes the write lock up front, so a concurrent writer in another
    process makes us wait (busy timeout) at the start rather than fail halfway.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def as_store_error(exc: sqlite3.Error) -> StoreError:
    """The ``StoreError`` that explains a sqlite3 exception to a reviewer."""
    text = str(exc)
    lowered = text.lower()
    if isinstance(exc, sqlite3.IntegrityError) and "foreign key" in lowered:
        return UnknownDocumentError(detail=text)
    if "locked" in lowered or "busy" in lowered:
        return StoreBusyError(detail=text)
    if "malformed" in lowered or "not a database" in lowered:
        return StoreCorruptError(detail=text)
    if any(word in lowered for word in ("disk", "i/o", "readonly", "read-only", "full")):
        return StoreWriteError(detail=text)
    return StoreError(detail=f"{type(exc).__name__}: {text}")


def translate_errors(method: Callable[P, T]) -> Callable[P, T]:
    """Decorator: sqlite3 errors leave the store as ``StoreError`` subclasses."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return method(*args, **kwargs)
        except sqlite3.Error as exc:
            raise as_store_error(exc) from exc

    return wrapper

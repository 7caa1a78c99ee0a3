"""Transactions and the translation of sqlite3 errors into ``StoreError``s with stable codes."""

from __future__ import annotations

import contextlib
import functools
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Concatenate, ParamSpec, Protocol, TypeVar

from aiprism_desktop.store.failures import store_error

P = ParamSpec("P")
T = TypeVar("T")


class OnDatabase(Protocol):
    """What ``translate_errors`` needs of the object whose methods it wraps."""

    path: Path  # the database file


S = TypeVar("S", bound=OnDatabase)


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction: committed on success, rolled back on any exception.

    ``BEGIN IMMEDIATE`` takes the write lock up front, so a concurrent writer in another
    process makes us wait (busy timeout) at the start rather than fail halfway.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
        conn.execute("COMMIT")  # may fail too (a full disk): then it is rolled back as well
    except BaseException:
        if conn.in_transaction:
            # SQLite may already have rolled back; a failing ROLLBACK must not hide the cause.
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
        raise


def translate_errors(method: Callable[Concatenate[S, P], T]) -> Callable[Concatenate[S, P], T]:
    """Decorator of store methods: sqlite3 errors leave the store as ``StoreError`` subclasses
    (``store.failures``), naming the store's database file."""

    @functools.wraps(method)
    def wrapper(self: S, /, *args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as exc:
            raise store_error(exc, self.path) from exc

    return wrapper

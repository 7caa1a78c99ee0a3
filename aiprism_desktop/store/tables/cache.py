"""Finished section reviews, keyed by ``CacheKey.digest()``."""

from __future__ import annotations

import logging

from aiprism_desktop.core.errors import DataFormatError
from aiprism_desktop.core.ports import CachedReview, CacheKey
from aiprism_desktop.store.serde import findings_from_json, findings_to_json
from aiprism_desktop.store.tables import TableBase
from aiprism_desktop.store.txn import translate_errors


class CacheTable(TableBase):
    """Implements ``core.ports.ReviewCache`` (synchronously)."""

    @translate_errors
    def get(self, key: CacheKey) -> CachedReview | None:
        """The cached review for ``key``, or None."""
        row = self._conn.execute(
            """
            SELECT findings_json, model, attempts_json, created_at
            FROM review_cache WHERE key = ?
            """,
            (key.digest(),),
        ).fetchone()
        if row is None:
            return None
        try:
            findings = findings_from_json(row[0])
        except (DataFormatError, ValueError) as error:
            # A cache entry is only a shortcut: an unreadable one is a miss, never a failure.
            logging.getLogger(__name__).warning("unreadable review cache entry ignored: %s", error)
            return None
        return CachedReview(
            findings=findings,
            model=row[1],
            attempts_json=row[2],
            created_at=row[3],
        )

    @translate_errors
    def put(self, key: CacheKey, review: CachedReview) -> None:
        """Store (or replace) the review for ``key``."""
        self._conn.execute(
            """
            INSERT OR REPLACE INTO review_cache
                (key, section_hash, provider, model, findings_json, attempts_json, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """,
            (
                key.digest(),
                key.section_hash,
                key.provider,
                review.model,
                findings_to_json(review.findings),
                review.attempts_json,
                review.created_at,
            ),
        )

    @translate_errors
    def invalidate_cache(self, key: CacheKey) -> bool:
        """Drop one cached review (e.g. "analyze again"); True when there was one."""
        cursor = self._conn.execute("DELETE FROM review_cache WHERE key = ?", (key.digest(),))
        return cursor.rowcount > 0

    @translate_errors
    def clear_cache(self) -> int:
        """Drop every cached review; return how many there were."""
        return self._conn.execute("DELETE FROM review_cache").rowcount

"""AI and rule findings per section (the reviewer's own comments live in the decision log)."""

from __future__ import annotations

from aiprism_desktop.core.findings import Finding, utc_now
from aiprism_desktop.core.ports import SectionReview
from aiprism_desktop.store.records import SectionReviewRecord
from aiprism_desktop.store.serde import finding_from_json, finding_to_json
from aiprism_desktop.store.tables import TableBase
from aiprism_desktop.store.txn import transaction, translate_errors


class FindingTable(TableBase):
    """Implements ``core.ports.FindingRepository`` (synchronously)."""

    @translate_errors
    def save_findings(
        self,
        document_id: str,
        section_id: str,
        findings: tuple[Finding, ...],
        *,
        review: SectionReview | None = None,
    ) -> None:
        """Replace the findings of one section and mark it reviewed, atomically.

        ``review`` (framework, model, attempt log) is kept with the section for reports.
        """
        strays = [f.id for f in findings if f.section_id != section_id]
        if strays:
            raise ValueError(f"findings {strays} do not belong to section {section_id!r}")
        with transaction(self._conn) as conn:
            conn.execute(
                "DELETE FROM findings WHERE document_id = ? AND section_id = ?",
                (document_id, section_id),
            )
            conn.executemany(
                """
                INSERT INTO findings (document_id, section_id, ordinal, finding_id, finding_json)
                VALUES (?, ?, ?, ?, ?)
                """,
                [
                    (document_id, section_id, ordinal, finding.id, finding_to_json(finding))
                    for ordinal, finding in enumerate(findings)
                ],
            )
            info = review or SectionReview(framework_id="")
            conn.execute(
                """
                INSERT OR REPLACE INTO reviewed_sections
                    (document_id, section_id, reviewed_at, framework_id, model, attempts_json)
                VALUES (?, ?, ?, ?, ?, ?)
                """,
                (
                    document_id,
                    section_id,
                    utc_now(),
                    info.framework_id,
                    info.model,
                    info.attempts_json,
                ),
            )

    @translate_errors
    def findings(self, document_id: str) -> tuple[Finding, ...]:
        """All findings of a document: sections in document order, findings in saved order."""
        rows = self._conn.execute(
            """
            SELECT f.finding_json
            FROM findings f
            LEFT JOIN sections s
                ON s.document_id = f.document_id AND s.section_id = f.section_id
            WHERE f.document_id = ?
            ORDER BY s.ordinal IS NULL, s.ordinal, f.section_id, f.ordinal
            """,
            (document_id,),
        ).fetchall()
        return tuple(finding_from_json(row[0]) for row in rows)

    @translate_errors
    def reviewed_sections(self, document_id: str) -> frozenset[str]:
        """Ids of the sections that have been reviewed (with or without findings)."""
        rows = self._conn.execute(
            "SELECT section_id FROM reviewed_sections WHERE document_id = ?", (document_id,)
        ).fetchall()
        return frozenset(row[0] for row in rows)

    @translate_errors
    def section_reviews(self, document_id: str) -> tuple[SectionReviewRecord, ...]:
        """How each reviewed section of a document was last reviewed, oldest review first."""
        rows = self._conn.execute(
            """
            SELECT section_id, framework_id, model, attempts_json, reviewed_at
            FROM reviewed_sections WHERE document_id = ? ORDER BY reviewed_at, section_id
            """,
            (document_id,),
        ).fetchall()
        return tuple(
            SectionReviewRecord(
                section_id=row[0],
                framework_id=row[1],
                model=row[2],
                attempts_json=row[3],
                reviewed_at=row[4],
            )
            for row in rows
        )

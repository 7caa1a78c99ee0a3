"""Export: the reviewed .docx (comments, optionally tracked changes), JSON / CSV / Markdown
reports, S3 when a bucket is configured; then what was placed where, and the folder to open."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from aiprism_desktop.app.exporting import ExportResult, check_output_paths
from aiprism_desktop.core.errors import AIPrismError

Export = Callable[[Path, Sequence[Path], bool, bool], Awaitable[ExportResult]]


def placement_text(result: ExportResult) -> str:
    """What was placed where, in words."""
    summary = result.docx
    placed_on_quote = summary.span_anchored
    lines = [
        f"<b>{summary.comments_added}</b> comments written to {summary.output.name}:",
        f"• {placed_on_quote} on their quote",
        f"• {len(summary.block_anchored_ids)} on their paragraph (quote not found exactly)",
        f"• {len(summary.note_anchored_ids)} on a note's reference mark",
        f"• {len(summary.unplaced_ids)} not placed",
    ]
    if summary.replacements_applied:
        lines.append(f"• {summary.replacements_applied} replacements as tracked changes")
    if summary.existing_comments:
        lines.append(f"The {summary.existing_comments} comments already in the file are kept.")
    for warning in summary.warnings:
        lines.append(f"Note: {warning}")
    if result.reports:
        lines.append("Reports: " + ", ".join(p.name for p in result.reports))
    if result.uploaded:
        lines.append("Uploaded: " + ", ".join(result.uploaded))
    return "<br>".join(lines)


class ExportDialog(QDialog):
    """Choose the outputs, export off the UI thread, show the result."""

    def __init__(
        self,
        document: Path,
        export: Export,
        *,
        s3_bucket: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export the review")
        self.setAccessibleName("Export the review")
        self.document = document
        self.export = export
        stem = document.stem
        folder = document.parent
        self.out = QLineEdit(str(folder / f"{stem}.reviewed.docx"))
        self.out.setAccessibleName("Reviewed document file")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        out_row = QHBoxLayout()
        out_row.addWidget(self.out, 1)
        out_row.addWidget(browse)
        self.tracked = QCheckBox("Replacements as tracked changes")
        self.reports = {
            suffix: QCheckBox(f"{label} report")
            for suffix, label in ((".json", "JSON"), (".csv", "CSV"), (".md", "Markdown"))
        }
        for box in self.reports.values():
            box.setChecked(True)
        self.replace = QCheckBox("Replace files that exist")
        self.s3 = QCheckBox(f"Upload to S3 ({s3_bucket})" if s3_bucket else "Upload to S3")
        self.s3.setEnabled(bool(s3_bucket))
        if not s3_bucket:
            self.s3.setToolTip("Set an S3 bucket in Settings → AWS to upload exports.")
        form = QFormLayout()
        out_label = QLabel("Reviewed &document")
        out_label.setBuddy(self.out)
        form.addRow(out_label, out_row)
        form.addRow("", self.tracked)
        for box in self.reports.values():
            form.addRow("", box)
        form.addRow("", self.replace)
        form.addRow("", self.s3)
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        self.result_label.setAccessibleName("Export result")
        self.export_button = QPushButton("Export")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.start)
        self.open_folder = QPushButton("Open folder")
        self.open_folder.setEnabled(False)
        self.open_folder.clicked.connect(self._open_folder)
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.open_folder)
        buttons.addWidget(self.export_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.result_label, 1)
        layout.addLayout(buttons)
        self.task: asyncio.Task[None] | None = None
        self.outcome: ExportResult | None = None
        self.resize(560, 380)

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Save the reviewed document", self.out.text(), "Word document (*.docx)"
        )
        if path:
            self.out.setText(path)

    def report_paths(self, out: Path) -> list[Path]:
        stem = out.name.removesuffix(".docx").removesuffix(".reviewed")
        return [
            out.with_name(f"{stem}.report{suffix}")
            for suffix, box in self.reports.items()
            if box.isChecked()
        ]

    def start(self) -> None:
        if self.task is not None and not self.task.done():
            return
        out = Path(self.out.text().strip()).expanduser()
        self.task = asyncio.ensure_future(self._run(out, self.report_paths(out)))

    async def _run(self, out: Path, reports: list[Path]) -> None:
        self.export_button.setEnabled(False)
        self.result_label.setText("Exporting…")
        try:
            check_output_paths(self.document, out, reports, force=self.replace.isChecked())
            result = await self.export(out, reports, self.tracked.isChecked(), self.s3.isChecked())
        except AIPrismError as error:
            self.result_label.setText(f"<span style='color:#c62828'>{error.message}</span>")
            return
        finally:
            self.export_button.setEnabled(True)
        self.outcome = result
        self.result_label.setText(placement_text(result))
        self.open_folder.setEnabled(True)

    def _open_folder(self) -> None:
        if self.outcome is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.outcome.docx.output.parent)))

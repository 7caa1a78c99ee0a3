"""The section as the reviewer knows it, with every quote highlighted by risk. Clicking a
highlight selects its finding; selecting a finding scrolls to its quote and flashes it. Select
text to add your own comment on it. A banner above says the section's state (analyzing which
model, queued, failed with its attempt log and a Retry button)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPoint, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from aiprism_desktop.app.section_status import SectionStatus
from aiprism_desktop.core.document import ExistingComment, Section
from aiprism_desktop.core.findings import Decision
from aiprism_desktop.core.review import FindingState
from aiprism_desktop.ui.theme import Theme
from aiprism_desktop.ui.widgets.section_html import FINDING_LINK, section_html

FLASH_MS = 900


class SectionView(QWidget):
    """One section of the open document."""

    finding_clicked = Signal(str)
    comment_requested = Signal(str)  # the selected text
    analyze_requested = Signal()  # this section (Retry / Analyze this section)

    def __init__(self, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.theme = theme
        self.section: Section | None = None
        self._looks: object = None
        self.banner = QLabel()
        self.banner.setObjectName("banner")
        self.banner.setWordWrap(True)
        self.banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.banner.setAccessibleName("Section state")
        self.retry = QPushButton("Analyze this section")
        self.retry.setAccessibleName("Analyze this section")
        self.retry.clicked.connect(self.analyze_requested)
        banner_row = QHBoxLayout()
        banner_row.addWidget(self.banner, 1)
        banner_row.addWidget(self.retry, 0, Qt.AlignmentFlag.AlignTop)
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)
        self.browser.setAccessibleName("Section text")
        self.browser.anchorClicked.connect(self._link_clicked)
        self.browser.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.browser.customContextMenuRequested.connect(self._context_menu)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(banner_row)
        layout.addWidget(self.browser, 1)
        self._flash_timer = QTimer(self)
        self._flash_timer.setSingleShot(True)
        self._flash_timer.timeout.connect(lambda: self.browser.setExtraSelections([]))
        self.show_empty()

    def show_empty(self) -> None:
        self.section = None
        self._looks = None
        self.banner.setText("Choose a section in the navigator.")
        self.retry.hide()
        self.browser.clear()

    def show_section(
        self,
        section: Section,
        findings: Sequence[FindingState],
        status: SectionStatus,
        comments: Sequence[ExistingComment] = (),
        attempt_lines: Sequence[str] = (),
    ) -> None:
        """Render the section (keeping the scroll position when it is the same one)."""
        # What the highlights depend on: re-laying out a long section for a decision that
        # changes no colour would keep the reviewer waiting.
        looks = (
            section.id,
            self.theme.name,
            tuple(
                (i.finding.id, i.finding.risk, i.finding.anchor, i.decision is Decision.REJECTED)
                for i in findings
            ),
            len(comments),
        )
        if looks != self._looks:
            same = self.section is not None and self.section.id == section.id
            scroll = self.browser.verticalScrollBar().value() if same else 0
            self.browser.setHtml(section_html(section, findings, self.theme, comments))
            self.browser.verticalScrollBar().setValue(scroll)
            self._looks = looks
        self.section = section
        self.show_status(status, attempt_lines)

    def show_status(self, status: SectionStatus, attempt_lines: Sequence[str] = ()) -> None:
        text = {
            "not_analyzed": "Not analyzed yet. Ctrl+Enter analyzes this section.",
            "queued": "Queued: the reviewer cannot be reached. It runs when it is back.",
            "analyzing": f"Analyzing… {status.model}".rstrip(),
            "failed": f"Analysis failed: {status.error}",
        }.get(status.kind, status.label[:1].upper() + status.label[1:])
        if attempt_lines:
            text += "\n" + "\n".join(f"  • {line}" for line in attempt_lines)
        self.banner.setText(text)
        self.retry.setText("Retry" if status.kind == "failed" else "Analyze this section")
        self.retry.setVisible(status.kind in ("not_analyzed", "failed"))

    # -- findings ----------------------------------------------------------------------------
    def _link_clicked(self, url: QUrl) -> None:
        target = url.toString()
        if target.startswith(FINDING_LINK):
            self.finding_clicked.emit(target.removeprefix(FINDING_LINK))

    def quote_cursors(self, finding_id: str) -> list[QTextCursor]:
        """Cursors over every highlighted piece linked to this finding."""
        href = FINDING_LINK + finding_id
        document = self.browser.document()
        found: list[QTextCursor] = []
        block = document.begin()
        while block.isValid():
            iterator = block.begin()
            while not iterator.atEnd():
                fragment = iterator.fragment()
                if fragment.isValid() and fragment.charFormat().anchorHref() == href:
                    cursor = QTextCursor(document)
                    cursor.setPosition(fragment.position())
                    cursor.setPosition(
                        fragment.position() + fragment.length(), QTextCursor.MoveMode.KeepAnchor
                    )
                    found.append(cursor)
                iterator += 1
            block = block.next()
        return found

    def flash(self, finding_id: str) -> bool:
        """Scroll to the finding's quote and flash it; False when it has no highlight here."""
        cursors = self.quote_cursors(finding_id)
        if not cursors:
            return False
        self.browser.scrollToAnchor(f"q-{finding_id}")
        self.browser.setTextCursor(QTextCursor(cursors[0].block()))
        self.browser.ensureCursorVisible()
        selections = []
        for cursor in cursors:
            selection = QTextEdit.ExtraSelection()
            selection.cursor = cursor
            fmt = QTextCharFormat()
            fmt.setBackground(QColor(self.theme.flash))
            selection.format = fmt
            selections.append(selection)
        self.browser.setExtraSelections(selections)
        self._flash_timer.start(FLASH_MS)
        return True

    # -- own comments ------------------------------------------------------------------------
    def selected_text(self) -> str:
        """The selection as plain text (paragraph breaks as newlines)."""
        return self.browser.textCursor().selectedText().replace("\u2029", "\n").strip()

    def request_comment(self) -> bool:
        text = self.selected_text()
        if not text:
            return False
        self.comment_requested.emit(text)
        return True

    def _context_menu(self, position: QPoint) -> None:
        menu = self.browser.createStandardContextMenu(position)
        menu.addSeparator()
        action = menu.addAction("Add comment on selection…")
        action.setEnabled(bool(self.selected_text()))
        action.triggered.connect(self.request_comment)
        menu.popup(self.browser.viewport().mapToGlobal(position))

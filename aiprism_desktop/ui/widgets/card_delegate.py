"""Paints each finding as a card (Grammarly's habit): a risk-coloured strip, type · risk ·
category, the decision as a badge, the description, where it came from."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from aiprism_desktop.core.review import FindingState
from aiprism_desktop.ui.models.findings_model import SECTION_TITLE_ROLE, STATE_ROLE
from aiprism_desktop.ui.theme import Theme

Index = QModelIndex | QPersistentModelIndex
CARD_HEIGHT_LINES = 5
_MARGIN = 6


def origin_text(item: FindingState) -> str:
    """'Sonnet 4.5 · 80 %', 'rule dates-order', 'your comment (Dana)'."""
    finding = item.finding
    if item.is_reviewer_comment:
        return f"your comment ({finding.author})" if finding.author else "your comment"
    kind = finding.origin_kind.value
    return f"{kind} {finding.origin_id} · confidence {round(finding.confidence * 100)} %"


class CardDelegate(QStyledItemDelegate):
    """Fixed-height cards; the text is elided, the detail pane shows the whole finding."""

    def __init__(self, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.theme = theme

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        line = QFontMetrics(option.font).lineSpacing()
        return QSize(260, line * CARD_HEIGHT_LINES + 2 * _MARGIN + 8)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        item = index.data(STATE_ROLE)
        if not isinstance(item, FindingState):
            return
        theme = self.theme
        finding = item.finding
        rect: QRect = option.rect.adjusted(_MARGIN, _MARGIN // 2, -_MARGIN, -_MARGIN // 2)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        border = QColor(theme.accent if selected else theme.border)
        painter.setPen(QPen(border, 2 if selected else 1))
        painter.setBrush(QColor(theme.card))
        painter.drawRoundedRect(rect, 7, 7)
        strip = QRect(rect.left() + 1, rect.top() + 1, 5, rect.height() - 2)
        painter.fillRect(strip, QColor(theme.risk[finding.risk.value]))

        metrics = QFontMetrics(option.font)
        line = metrics.lineSpacing()
        inner = rect.adjusted(14, 6, -10, -6)
        bold = QFont(option.font)
        bold.setBold(True)

        # Decision badge, top right.
        badge_text = item.decision.value + (" · edited" if item.is_edited else "")
        badge_color = {
            "accepted": theme.accepted,
            "rejected": theme.rejected,
            "pending": theme.pending,
        }[item.decision.value]
        badge_width = metrics.horizontalAdvance(badge_text) + 14
        badge = QRect(inner.right() - badge_width, inner.top(), badge_width, line + 2)
        painter.setPen(QPen(QColor(badge_color), 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(badge, 8, 8)
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, badge_text)

        # Headline: TYPE · RISK · category.
        painter.setFont(bold)
        painter.setPen(QColor(theme.risk[finding.risk.value]))
        head = f"{finding.type.value.upper()} · {finding.risk.value} risk"
        head_rect = QRect(inner.left(), inner.top(), inner.width() - badge_width - 8, line + 2)
        painter.drawText(head_rect, Qt.AlignmentFlag.AlignVCenter, head)
        head_width = QFontMetrics(bold).horizontalAdvance(head)
        painter.setFont(option.font)
        painter.setPen(QColor(theme.muted))
        category_rect = head_rect.adjusted(head_width + 8, 0, 0, 0)
        category = metrics.elidedText(
            f"· {finding.category}", Qt.TextElideMode.ElideRight, category_rect.width()
        )
        painter.drawText(category_rect, Qt.AlignmentFlag.AlignVCenter, category)

        # Description: two lines, elided.
        painter.setPen(option.palette.color(QPalette.ColorRole.Text))
        text_rect = QRect(inner.left(), inner.top() + line + 4, inner.width(), line * 2 + 2)
        description = self._two_lines(metrics, finding.description, inner.width())
        painter.drawText(text_rect, Qt.TextFlag.TextWordWrap, description)

        # Where it is and who said it.
        painter.setPen(QColor(theme.muted))
        foot = f"{index.data(SECTION_TITLE_ROLE) or ''} — {origin_text(item)}"
        foot_rect = QRect(inner.left(), inner.bottom() - line, inner.width(), line + 2)
        painter.drawText(
            foot_rect,
            Qt.AlignmentFlag.AlignVCenter,
            metrics.elidedText(foot, Qt.TextElideMode.ElideMiddle, inner.width()),
        )
        painter.restore()

    @staticmethod
    def _two_lines(metrics: QFontMetrics, text: str, width: int) -> str:
        words = text.split()
        first = ""
        while words and metrics.horizontalAdvance(f"{first} {words[0]}".strip()) <= width:
            first = f"{first} {words.pop(0)}".strip()
        rest = metrics.elidedText(" ".join(words), Qt.TextElideMode.ElideRight, width)
        return f"{first}\n{rest}" if rest else first

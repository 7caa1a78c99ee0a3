"""The fields of a finding as a form (edit dialog, own comment dialog): type, risk, category,
description, suggestion, example, questions, framework points, quote, replacement."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from aiprism_desktop.core.findings import Finding, FindingType, Risk
from aiprism_desktop.core.frameworks import Framework

TEXT_FIELDS = ("description", "suggestion", "example")


class FindingForm(QWidget):
    """Edits the reviewer-facing fields; ``values`` gives them as Finding values."""

    def __init__(
        self,
        framework: Framework | None,
        parent: QWidget | None = None,
        *,
        with_quote: bool = True,
    ) -> None:
        super().__init__(parent)
        self.framework = framework
        layout = QFormLayout(self)
        self.type = QComboBox()
        for kind in FindingType:
            self.type.addItem(kind.value, kind.value)
        self.risk = QComboBox()
        for risk in Risk:
            self.risk.addItem(risk.value, risk.value)
        self.category = QComboBox()
        self.category.setEditable(True)
        for category in framework.categories if framework else ():
            self.category.addItem(category)
        self.texts: dict[str, QPlainTextEdit] = {}
        layout.addRow("&Type", self.type)
        layout.addRow("&Risk", self.risk)
        layout.addRow("&Category", self.category)
        for name in TEXT_FIELDS:
            edit = QPlainTextEdit()
            edit.setTabChangesFocus(True)
            edit.setMaximumHeight(90 if name == "description" else 60)
            edit.setAccessibleName(name.capitalize())
            self.texts[name] = edit
            layout.addRow(f"&{name.capitalize()}", edit)
        self.questions = QPlainTextEdit()
        self.questions.setTabChangesFocus(True)
        self.questions.setMaximumHeight(60)
        self.questions.setPlaceholderText("One question per line")
        self.questions.setAccessibleName("Questions")
        layout.addRow("&Questions", self.questions)
        self.points = QLineEdit()
        self.points.setPlaceholderText("Framework point numbers, e.g. 3, 13")
        self.points.setAccessibleName("Framework points")
        layout.addRow("Framework &points", self.points)
        self.quote = QLineEdit()
        self.quote.setAccessibleName("Quote")
        self.replacement = QLineEdit()
        self.replacement.setAccessibleName("Replacement")
        if with_quote:
            layout.addRow("&Quote", self.quote)
            layout.addRow("Re&placement", self.replacement)
        for widget, name in ((self.type, "Type"), (self.risk, "Risk"), (self.category, "Category")):
            widget.setAccessibleName(name)

    def load(self, finding: Finding) -> None:
        self.type.setCurrentIndex(self.type.findData(finding.type.value))
        self.risk.setCurrentIndex(self.risk.findData(finding.risk.value))
        self.category.setCurrentText(finding.category)
        for name, edit in self.texts.items():
            edit.setPlainText(str(getattr(finding, name)))
        self.questions.setPlainText("\n".join(finding.questions))
        self.points.setText(", ".join(str(n) for n in finding.framework_refs))
        self.quote.setText(finding.quote)
        self.replacement.setText(finding.replacement or "")

    def points_value(self) -> tuple[int, ...]:
        """The framework points typed; ValueError naming what is not a number."""
        points = []
        for part in self.points.text().replace(";", ",").split(","):
            part = part.strip()
            if part:
                if not part.isdigit():
                    raise ValueError(f"'{part}' is not a framework point number.")
                points.append(int(part))
        return tuple(points)

    def values(self) -> dict[str, Any]:
        """Finding field values (for ``ReviewSession.edit``)."""
        return {
            "type": FindingType(self.type.currentData()),
            "risk": Risk(self.risk.currentData()),
            "category": self.category.currentText().strip(),
            **{name: edit.toPlainText().strip() for name, edit in self.texts.items()},
            "questions": tuple(
                q.strip() for q in self.questions.toPlainText().splitlines() if q.strip()
            ),
            "framework_refs": self.points_value(),
            "quote": self.quote.text().strip(),
            "replacement": self.replacement.text() or None,
        }

    def json_values(self) -> dict[str, Any]:
        """JSON field values (for ``ReviewSession.add_comment``)."""
        values = self.values()
        values["type"] = values["type"].value
        values["risk"] = values["risk"].value
        values["questions"] = list(values["questions"])
        values["framework_refs"] = list(values["framework_refs"])
        if values["replacement"] is None:
            del values["replacement"]
        return values

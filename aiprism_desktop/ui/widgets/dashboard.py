"""The dashboard: findings by risk, type and category, decisions over time, acceptance rate by
origin and per-section coverage, drawn with QtCharts (no browser); the statistics export."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QDateTimeAxis,
    QHorizontalBarSeries,
    QLineSeries,
    QPieSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QDateTime, QMargins, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from aiprism_desktop.app.insights import OriginRate, TimelinePoint
from aiprism_desktop.core.statistics import ReviewStatistics
from aiprism_desktop.ui.theme import Theme

TOP_CATEGORIES = 8


class Dashboard(QWidget):
    """Six charts and the headline figures."""

    export_requested = Signal()

    def __init__(self, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.theme = theme
        self.summary = QLabel("Open and analyze a document to see its statistics.")
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Review summary")
        self.export = QPushButton("Export statistics…")
        self.export.setAccessibleName("Export the statistics")
        self.export.clicked.connect(self.export_requested)
        head = QHBoxLayout()
        head.addWidget(self.summary, 1)
        head.addWidget(self.export)
        self.views: dict[str, QChartView] = {}
        self.grid = QGridLayout()
        for key in ("risk", "type", "category", "timeline", "origin", "coverage"):
            view = QChartView()
            view.setRenderHint(QPainter.RenderHint.Antialiasing)
            view.setAccessibleName(f"Chart: {key}")
            view.setMinimumSize(280, 260)
            self.views[key] = view
        self._columns = 0
        self._place(1)
        charts = QWidget()
        charts.setLayout(self.grid)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(charts)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(scroll, 1)

    def _place(self, columns: int) -> None:
        """One column when narrow, two when there is room (categories always full width)."""
        if columns == self._columns:
            return
        self._columns = columns
        row = column = 0
        for key, view in self.views.items():
            self.grid.removeWidget(view)
            wide = key == "category" or columns == 1
            if wide and column:
                row, column = row + 1, 0
            self.grid.addWidget(view, row, column, 1, columns if wide else 1)
            column = 0 if wide else column + 1
            if column >= columns or wide:
                row, column = row + 1, 0

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._place(2 if event.size().width() >= 900 else 1)
        super().resizeEvent(event)

    def _chart(self, key: str, title: str) -> QChart:
        chart = QChart()
        chart.setTitle(title)
        chart.setTheme(
            QChart.ChartTheme.ChartThemeDark
            if self.theme.is_dark
            else QChart.ChartTheme.ChartThemeLight
        )
        chart.setBackgroundBrush(QColor(self.theme.base))
        chart.setTitleBrush(QColor(self.theme.text))
        chart.legend().setLabelColor(QColor(self.theme.text))
        chart.setMargins(QMargins(4, 4, 4, 4))
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        self.views[key].setChart(chart)
        return chart

    def _count_axis(self, top: float) -> QValueAxis:
        """A value axis from 0 with whole-number ticks."""
        axis = QValueAxis()
        axis.setRange(0, max(top, 1))
        axis.applyNiceNumbers()
        axis.setLabelFormat("%d")
        axis.setLabelsColor(QColor(self.theme.text))
        return axis

    def _bars(
        self,
        key: str,
        title: str,
        counts: dict[str, int],
        colors: list[str],
        top: float | None = None,
    ) -> None:
        """One bar per label, each in its own colour, the count in the label."""
        chart = self._chart(key, title)
        series = QStackedBarSeries()
        labels = list(counts)
        for n, label in enumerate(labels):
            bar = QBarSet(label)
            bar.append([float(counts[label]) if m == n else 0.0 for m in range(len(labels))])
            bar.setColor(QColor(colors[n % len(colors)]))
            bar.setBorderColor(QColor(colors[n % len(colors)]))
            series.append(bar)
        series.setBarWidth(0.6)
        chart.addSeries(series)
        axis_x = QBarCategoryAxis()
        axis_x.append([f"{label}\n{counts[label]}" for label in labels] or ["—"])
        axis_x.setLabelsColor(QColor(self.theme.text))
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(axis_x)
        axis_y = self._count_axis(top if top is not None else max([*counts.values(), 1]))
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(axis_y)
        chart.legend().hide()

    def show_statistics(
        self,
        stats: ReviewStatistics,
        timeline: tuple[TimelinePoint, ...],
        rates: tuple[OriginRate, ...],
    ) -> None:
        rate = f"{stats.acceptance_rate:.0%}" if stats.acceptance_rate is not None else "—"
        self.summary.setText(
            f"<b>{stats.total}</b> findings: {stats.accepted} accepted, {stats.rejected} "
            f"rejected, {stats.pending} pending · acceptance rate {rate} · "
            f"{stats.sections_analyzed} of {stats.sections_total} sections analyzed, "
            f"{stats.sections_fully_decided} fully decided · {stats.reviewer_comments} of "
            "your own comments"
        )
        risk = {r: stats.by_risk.get(r, 0) for r in ("high", "medium", "low")}
        self._bars("risk", "Findings by risk", risk, list(self.theme.risk.values()))
        kinds = ("critical", "important", "suggestion", "positive")
        types = {t: stats.by_type.get(t, 0) for t in kinds}
        theme = self.theme
        colors = [theme.risk["high"], theme.risk["medium"], theme.risk["low"], theme.accepted]
        self._bars("type", "Findings by type", types, colors)
        self._categories(stats.by_category)
        self._timeline(timeline)
        self._origins(rates)
        self._coverage(stats)

    def _categories(self, by_category: dict[str, int]) -> None:
        chart = self._chart("category", "Top categories")
        top = sorted(by_category.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_CATEGORIES]
        top.reverse()
        series = QHorizontalBarSeries()
        bar = QBarSet("findings")
        bar.append([float(v) for _, v in top])
        bar.setColor(QColor(self.theme.accent))
        series.append(bar)
        chart.addSeries(series)
        axis_y = QBarCategoryAxis()
        axis_y.append([f"{k[:40]} ({v})" for k, v in top] or ["—"])
        axis_y.setLabelsColor(QColor(self.theme.text))
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(axis_y)
        axis_x = self._count_axis(max([v for _, v in top] + [1]))
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(axis_x)
        chart.legend().hide()

    def _timeline(self, points: tuple[TimelinePoint, ...]) -> None:
        chart = self._chart("timeline", "Decisions over time")
        accepted, rejected = QLineSeries(), QLineSeries()
        accepted.setName("accepted")
        rejected.setName("rejected")
        accepted.setColor(QColor(self.theme.accepted))
        rejected.setColor(QColor(self.theme.rejected))
        accepted.setPointsVisible(True)
        rejected.setPointsVisible(True)
        times = []
        for point in points:
            try:
                moment = datetime.fromisoformat(point.at.replace("Z", "+00:00"))
            except ValueError:
                continue
            ms = float(moment.timestamp() * 1000)
            times.append(ms)
            accepted.append(ms, point.accepted)
            rejected.append(ms, point.rejected)
        chart.addSeries(accepted)
        chart.addSeries(rejected)
        axis_x = QDateTimeAxis()
        axis_x.setFormat("HH:mm")
        axis_x.setLabelsColor(QColor(self.theme.text))
        if times:
            # At least ten minutes wide, so decisions made in a burst do not hug one edge.
            pad = max(0.0, (600_000 - (max(times) - min(times))) / 2)
            axis_x.setRange(
                QDateTime.fromMSecsSinceEpoch(int(min(times) - pad)),
                QDateTime.fromMSecsSinceEpoch(int(max(times) + pad)),
            )
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        axis_y = self._count_axis(max([max(p.accepted, p.rejected) for p in points] + [1]))
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        for series in (accepted, rejected):
            series.attachAxis(axis_x)
            series.attachAxis(axis_y)

    def _origins(self, rates: tuple[OriginRate, ...]) -> None:
        shown = [r for r in rates if r.rate is not None][:6]
        percent = {
            r.origin.replace("model:", "").replace("rule:", "rule ")[:24]: round(
                (r.rate or 0) * 100
            )
            for r in shown
        }
        self._bars(
            "origin", "Acceptance rate by origin (%)", percent, [self.theme.accepted], top=100
        )

    def _coverage(self, stats: ReviewStatistics) -> None:
        chart = self._chart("coverage", "Section coverage")
        pie = QPieSeries()
        decided = stats.sections_fully_decided
        open_ = stats.sections_analyzed - decided
        untouched = stats.sections_total - stats.sections_analyzed
        for label, value, color in (
            ("fully decided", decided, self.theme.accepted),
            ("to decide", open_, self.theme.risk["medium"]),
            ("not analyzed", untouched, self.theme.muted),
        ):
            if value:
                slice_ = pie.append(f"{label} ({value})", value)
                slice_.setColor(QColor(color))
                slice_.setLabelColor(QColor(self.theme.text))
        pie.setLabelsVisible(True)
        chart.addSeries(pie)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)

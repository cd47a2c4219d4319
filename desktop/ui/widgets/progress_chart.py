"""Coverage over successive attempts: a line with dots (QtCharts), or "No attempts yet"."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCharts import QChart, QChartView, QLineSeries, QScatterSeries, QValueAxis
from PySide6.QtCore import QMargins, QPointF, Qt
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import QLabel, QStackedLayout, QToolTip, QWidget

EMPTY_TEXT = "No attempts yet"


class ProgressChart(QWidget):
    """Plots coverage (0–100 %) against attempt number, oldest first.

    ``set_series`` takes ``(started_at, coverage)`` pairs as the store gives them, coverage as a
    fraction 0..1 (like ``Judgement.coverage``). The x axis is attempt order rather than date: weeks
    of no practice would otherwise squash the line into one corner. Dates are in the hover tooltip.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.points: list[tuple[datetime, float]] = []
        self.chart = QChart()
        self.chart.legend().hide()
        self.chart.setMargins(QMargins(4, 4, 4, 4))
        self.chart.setBackgroundRoundness(0)
        self._apply_palette()

        self.line = QLineSeries()
        self.dots = QScatterSeries()
        self.dots.setMarkerSize(max(8.0, self.fontMetrics().height() * 0.6))
        highlight = self.palette().color(QPalette.ColorRole.Highlight)
        pen = self.line.pen()
        pen.setColor(highlight)
        pen.setWidthF(2.0)
        self.line.setPen(pen)
        self.dots.setColor(highlight)
        self.dots.setBorderColor(highlight)
        self.dots.hovered.connect(self._on_hover)
        self.chart.addSeries(self.line)
        self.chart.addSeries(self.dots)

        self.x_axis = QValueAxis()
        self.x_axis.setTitleText("Attempt")
        self.x_axis.setLabelFormat("%d")
        self.y_axis = QValueAxis()
        self.y_axis.setTitleText("Coverage %")
        # A little room beyond 0 and 100 so dots on the limits are not cut in half.
        self.y_axis.setRange(-5, 105)
        self.y_axis.setTickType(QValueAxis.TickType.TicksDynamic)
        self.y_axis.setTickAnchor(0)
        self.y_axis.setTickInterval(20)
        self.y_axis.setLabelFormat("%d")
        for axis, side in (
            (self.x_axis, Qt.AlignmentFlag.AlignBottom),
            (self.y_axis, Qt.AlignmentFlag.AlignLeft),
        ):
            axis.setLabelsFont(self.font())
            axis.setTitleFont(self.font())
            axis.setLabelsColor(self.palette().color(QPalette.ColorRole.WindowText))
            axis.setTitleBrush(self.palette().color(QPalette.ColorRole.WindowText))
            self.chart.addAxis(axis, side)
            self.line.attachAxis(axis)
            self.dots.attachAxis(axis)

        self.view = QChartView(self.chart)
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)

        self.empty_label = QLabel(EMPTY_TEXT)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setEnabled(False)  # greyed, like placeholder text

        self.setMinimumHeight(self.fontMetrics().height() * 15)
        self._stack = QStackedLayout(self)
        self._stack.addWidget(self.empty_label)
        self._stack.addWidget(self.view)
        self.set_series([], "")

    def _apply_palette(self) -> None:
        # Follow the application's palette (and dark mode) instead of QtCharts' own light theme.
        palette = self.palette()
        self.chart.setBackgroundBrush(palette.color(QPalette.ColorRole.Base))
        self.chart.setTitleBrush(palette.color(QPalette.ColorRole.WindowText))
        title_font = self.font()
        title_font.setBold(True)
        self.chart.setTitleFont(title_font)

    def set_series(self, points: list[tuple[datetime, float]], title: str) -> None:
        """Show ``(started_at, coverage 0..1)`` pairs, oldest first, under ``title``."""
        self.points = list(points)
        self.chart.setTitle(title)
        self.empty_label.setText(f"{title}\n\n{EMPTY_TEXT}" if title else EMPTY_TEXT)
        xy = [QPointF(i + 1, round(coverage * 100, 1)) for i, (_, coverage) in enumerate(self.points)]
        self.line.replace(xy)
        self.dots.replace(xy)
        n = len(xy)
        # Half an attempt of room either side keeps the first and last dots off the axes.
        self.x_axis.setRange(0.5, max(n, 1) + 0.5)
        # Ticks on whole attempts only, at most about ten of them.
        self.x_axis.setTickType(QValueAxis.TickType.TicksDynamic)
        self.x_axis.setTickAnchor(1)
        self.x_axis.setTickInterval(max(1, -(-n // 10)))
        self._stack.setCurrentWidget(self.view if n else self.empty_label)
        self.setAccessibleDescription(self.summary())

    def summary(self) -> str:
        """One sentence for screen readers and tests: how many attempts, first and latest coverage."""
        if not self.points:
            return EMPTY_TEXT
        first, last = self.points[0][1], self.points[-1][1]
        n = len(self.points)
        return f"{n} attempt{'s' if n != 1 else ''}: first {first:.0%}, latest {last:.0%}, best " + (
            f"{max(c for _, c in self.points):.0%}"
        )

    def _on_hover(self, point: QPointF, state: bool) -> None:
        if not state:
            QToolTip.hideText()
            return
        index = round(point.x()) - 1
        if 0 <= index < len(self.points):
            when, coverage = self.points[index]
            QToolTip.showText(
                self.cursor().pos(),
                f"Attempt {index + 1}, {when:%d %b %Y %H:%M}: {coverage:.0%} covered",
                self,
            )

"""A horizontal microphone level meter: RMS bar, decaying peak-hold tick, and a word when clipping."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

FLOOR_DBFS = -60.0
PEAK_HOLD_SECONDS = 1.0  # the tick stays put this long before it starts to fall
PEAK_DECAY_DB_PER_SECOND = 20.0
CLIP_SHOW_SECONDS = 1.5  # one clipped block flashes for 100 ms: too short to read, so hold the word
CLIPPING_TEXT = "Clipping"


def _fraction(value_dbfs: float) -> float:
    """Position on the -60..0 dBFS scale as 0..1."""
    return min(1.0, max(0.0, (value_dbfs - FLOOR_DBFS) / -FLOOR_DBFS))


class LevelMeter(QWidget):
    """Shows the loudness of the latest audio block, about ten times a second.

    The bar is the RMS level; the tick is the highest recent peak, held for a second and then
    falling. Clipping shows the word "Clipping" (and turns the bar red), never colour alone.
    ``clock`` is injectable so tests can step time.
    """

    def __init__(self, parent: QWidget | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(parent)
        self._clock = clock
        self.level = FLOOR_DBFS
        self.peak_hold = FLOOR_DBFS
        self._peak_at = 0.0
        self._clipped_at: float | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName("Microphone level")
        self.reset()

    # -- state -------------------------------------------------------------------------------------

    def set_level(self, rms_dbfs: float, peak_dbfs: float, clipped: bool = False) -> None:
        """Show one block's RMS and peak level (dBFS; values below -60 sit at the left end)."""
        now = self._clock()
        self.level = max(FLOOR_DBFS, min(0.0, rms_dbfs))
        peak = max(FLOOR_DBFS, min(0.0, peak_dbfs))
        held = self._decayed_peak(now)
        if peak >= held:
            self.peak_hold, self._peak_at = peak, now
        else:
            self.peak_hold = held
        if clipped:
            self._clipped_at = now
        self._refresh_text()
        self.update()

    def reset(self) -> None:
        """Back to silence: empty bar, no tick, no clipping word."""
        self.level = FLOOR_DBFS
        self.peak_hold = FLOOR_DBFS
        self._peak_at = 0.0
        self._clipped_at = None
        self._refresh_text()
        self.update()

    @property
    def clipping_shown(self) -> bool:
        return self._clipped_at is not None and self._clock() - self._clipped_at < CLIP_SHOW_SECONDS

    def text(self) -> str:
        """The words beside the bar: "Clipping" or the level in dB."""
        if self.clipping_shown:
            return CLIPPING_TEXT
        if self.level <= FLOOR_DBFS:
            return "Silent"
        return f"{self.level:.0f} dB".replace("-", "\u2212")

    def _decayed_peak(self, now: float) -> float:
        falling = now - self._peak_at - PEAK_HOLD_SECONDS
        if falling <= 0:
            return self.peak_hold
        return max(FLOOR_DBFS, self.peak_hold - falling * PEAK_DECAY_DB_PER_SECOND)

    def _refresh_text(self) -> None:
        # Screen readers and tooltips get the same words as the painted label.
        self.setAccessibleDescription(self.text())
        self.setToolTip(f"Microphone level: {self.text()} (bar: loudness, tick: recent peak)")

    # -- painting ----------------------------------------------------------------------------------

    def _label_width(self) -> int:
        bold = QFont(self.font())
        bold.setBold(True)  # "Clipping" is drawn bold
        metrics = QFontMetrics(bold)
        return max(metrics.horizontalAdvance(CLIPPING_TEXT), metrics.horizontalAdvance("\u221260 dB")) + 10

    def sizeHint(self) -> QSize:
        height = self.fontMetrics().height() + 6
        return QSize(240 + self._label_width(), height)

    def minimumSizeHint(self) -> QSize:
        return QSize(80 + self._label_width(), self.fontMetrics().height() + 6)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        label_w = self._label_width()
        track = QRectF(1, 3, max(10, self.width() - label_w - 2), self.height() - 6)
        clipping = self.clipping_shown

        painter.setPen(palette.color(QPalette.ColorRole.Mid))
        painter.setBrush(palette.color(QPalette.ColorRole.Base))
        painter.drawRoundedRect(track, 3, 3)

        inner = track.adjusted(2, 2, -2, -2)
        fill = QRectF(inner)
        fill.setWidth(inner.width() * _fraction(self.level))
        bar = QColor("#c0392b") if clipping else palette.color(QPalette.ColorRole.Highlight)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(bar)
        if fill.width() > 0:
            painter.drawRoundedRect(fill, 2, 2)

        if self.peak_hold > FLOOR_DBFS:
            x = inner.left() + inner.width() * _fraction(self.peak_hold)
            painter.fillRect(
                QRectF(x - 1, track.top(), 2, track.height()), palette.color(QPalette.ColorRole.Text)
            )

        text_rect = QRectF(track.right() + 6, 0, label_w - 6, self.height())
        font = painter.font()
        font.setBold(clipping)
        painter.setFont(font)
        painter.setPen(palette.color(QPalette.ColorRole.WindowText))
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, self.text())
        painter.end()

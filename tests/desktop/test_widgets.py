"""Level meter, progress chart and the microphone test, as real widgets offscreen."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from audio.sources import AudioSource, FileSource, MicrophoneLost
from desktop.mic_test import MicTest
from desktop.ui.widgets.level_meter import CLIPPING_TEXT, FLOOR_DBFS, LevelMeter
from desktop.ui.widgets.progress_chart import EMPTY_TEXT, ProgressChart


class Clock:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def meter(qtbot, clock: Clock) -> LevelMeter:
    meter = LevelMeter(clock=clock)
    qtbot.addWidget(meter)
    meter.resize(meter.sizeHint())
    return meter


# -- level meter ---------------------------------------------------------------------------------


def test_meter_shows_level_in_words_and_clamps_to_its_scale(meter: LevelMeter):
    assert meter.text() == "Silent"
    meter.set_level(-23.4, -10.0)
    assert meter.level == -23.4 and meter.peak_hold == -10.0
    assert meter.text() == "\u221223 dB"
    meter.set_level(-100.0, -100.0)  # digital silence sits at the left end
    assert meter.level == FLOOR_DBFS
    meter.grab()  # paints without error


def test_meter_peak_tick_holds_then_falls(meter: LevelMeter, clock: Clock):
    meter.set_level(-30, -6)
    clock.t += 0.5
    meter.set_level(-30, -20)
    assert meter.peak_hold == -6  # still held
    clock.t += 1.0  # 1.5 s after the peak: 0.5 s of falling at 20 dB/s
    meter.set_level(-30, -40)
    assert meter.peak_hold == pytest.approx(-16)
    meter.set_level(-30, -3)  # a louder peak takes over at once
    assert meter.peak_hold == -3


def test_clipping_is_said_in_words_and_lasts_long_enough_to_read(meter: LevelMeter, clock: Clock):
    meter.set_level(-2, 0, clipped=True)
    assert meter.clipping_shown and meter.text() == CLIPPING_TEXT
    assert CLIPPING_TEXT in meter.toolTip()
    clock.t += 1.0
    meter.set_level(-20, -12)  # the next quiet block does not hide the word straight away
    assert meter.text() == CLIPPING_TEXT
    clock.t += 1.0
    meter.set_level(-20, -12)
    assert meter.text() == "\u221220 dB"
    meter.set_level(-2, 0, clipped=True)
    meter.reset()
    assert not meter.clipping_shown and meter.peak_hold == FLOOR_DBFS


# -- progress chart ------------------------------------------------------------------------------


def test_chart_without_points_says_no_attempts_yet(qtbot):
    chart = ProgressChart()
    qtbot.addWidget(chart)
    chart.set_series([], "Coverage: all questions")
    assert chart.empty_label.isVisibleTo(chart) and not chart.view.isVisibleTo(chart)
    assert EMPTY_TEXT in chart.empty_label.text()
    assert chart.summary() == EMPTY_TEXT


def test_chart_plots_coverage_as_percent_in_attempt_order(qtbot):
    chart = ProgressChart()
    qtbot.addWidget(chart)
    t0 = datetime(2025, 3, 1, tzinfo=UTC)
    chart.set_series([(t0 + timedelta(days=i), c) for i, c in enumerate([0.25, 0.5, 0.875])], "Coverage: Q")
    assert chart.view.isVisibleTo(chart)
    assert chart.chart.title() == "Coverage: Q"
    assert [(p.x(), p.y()) for p in chart.line.points()] == [(1, 25), (2, 50), (3, 87.5)]
    assert chart.dots.count() == 3
    assert chart.summary() == "3 attempts: first 25%, latest 88%, best 88%"
    assert chart.y_axis.titleText() == "Coverage %" and chart.x_axis.titleText() == "Attempt"
    chart.resize(500, 300)
    assert not chart.grab().isNull()
    chart.set_series([], "Coverage: Q")  # and back to empty
    assert chart.line.count() == 0 and chart.empty_label.isVisibleTo(chart)


# -- microphone test -----------------------------------------------------------------------------


@pytest.fixture
def loud_then_clipping_wav(tmp_path: Path) -> Path:
    """0.5 s of a half-scale tone, then 0.2 s at full scale."""
    t = np.arange(8000) / 16000
    tone = 0.5 * np.sin(2 * np.pi * 440 * t)
    path = tmp_path / "level.wav"
    sf.write(path, np.concatenate([tone, np.ones(3200)]).astype(np.float32), 16000, subtype="FLOAT")
    return path


def test_mic_test_reports_levels_and_clipping_from_a_source(qtbot, loud_then_clipping_wav: Path):
    mic = MicTest()
    levels: list[tuple[float, float, bool]] = []
    mic.level.connect(lambda r, p, c: levels.append((r, p, c)))
    with qtbot.waitSignal(mic.finished, timeout=5000):
        assert mic.start(FileSource(loud_then_clipping_wav, speed=10))
    assert len(levels) == 7  # one reading per 100 ms block
    rms, peak, clipped = levels[0]
    assert rms == pytest.approx(-9.0, abs=0.2) and peak == pytest.approx(-6.0, abs=0.2) and not clipped
    assert levels[-1][2] is True
    assert not mic.running


def test_mic_test_drops_readings_still_in_flight_after_stop(qtbot, loud_then_clipping_wav: Path):
    mic = MicTest()
    source = FileSource(loud_then_clipping_wav, speed=0)  # as fast as possible: readings pile up
    mic.start(source)
    source.finished.wait(5)
    mic.stop()
    with qtbot.assertNotEmitted(mic.level, wait=100):
        pass


def test_mic_test_without_a_microphone_reports_why(qtbot):
    """The real MicrophoneSource refuses a device that is not there (whatever this machine has)."""
    mic = MicTest()
    with qtbot.waitSignal(mic.error) as sig:
        assert mic.start("no-such-microphone-vivavoce") is False
    assert "is not available" in sig.args[0]
    assert not mic.running


class _UnpluggedMicrophone(AudioSource):
    """Stands in for a microphone that stops mid-test (no hardware to unplug here)."""

    def start(self, on_block, on_end=None) -> None:
        def run() -> None:
            on_block(np.full(1600, 0.1, np.float32))
            on_end(MicrophoneLost("The microphone stopped (was it unplugged?)."))

        threading.Thread(target=run, daemon=True).start()

    def stop(self) -> None:
        pass


def test_mic_test_reports_a_lost_microphone(qtbot):
    mic = MicTest()
    finished: list[bool] = []
    mic.finished.connect(lambda: finished.append(True))
    with qtbot.waitSignal(mic.error) as sig:
        mic.start(_UnpluggedMicrophone())
    assert "unplugged" in sig.args[0]
    assert finished == [True] and not mic.running

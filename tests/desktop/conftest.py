"""Fixtures for the desktop flows: answers spoken by espeak-ng, fed to the real app as its microphone."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from audio.dsp import SAMPLE_RATE
from audio.sources import AudioSource, FileSource
from audio.synthetic_speech import silence, synthesize

ANSWERS = {
    "blocking-code-in-async": (
        "Calling time dot sleep or a blocking requests call inside an async def blocks the event loop, "
        "so every other coroutine stalls. Use await asyncio dot sleep instead, or move the blocking call "
        "to a thread with asyncio dot to thread or run in executor."
    ),
    "cancel-asyncio-task": (
        "You call task dot cancel, and cancellation is cooperative: a CancelledError is raised inside the "
        "coroutine at its next await. Clean up in a finally block and re-raise the cancelled error, "
        "then await the task."
    ),
}


@pytest.fixture(scope="session")
def answer_wavs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One spoken answer per question, 16 kHz WAV, with a second of silence on each side."""
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed (sudo apt-get install espeak-ng)")
    folder = tmp_path_factory.mktemp("answers")
    paths = {}
    for question_id, text in ANSWERS.items():
        audio = np.concatenate([silence(1.0), synthesize(text, rate=175), silence(1.0)])
        paths[question_id] = folder / f"{question_id}.wav"
        sf.write(paths[question_id], audio, SAMPLE_RATE)
    return paths


class FileMicrophone:
    """A microphone that plays the queued WAV files, one per recording (hardware we lack in CI)."""

    def __init__(self, speed: float = 4.0) -> None:
        self.speed = speed
        self.queue: list[Path] = []
        self.error: Exception | None = None

    def __call__(self) -> AudioSource:
        if self.error is not None:
            raise self.error
        if not self.queue:
            raise OSError("the test queued no answer for this recording")
        return FileSource(self.queue.pop(0), speed=self.speed)


@pytest.fixture
def microphone() -> FileMicrophone:
    return FileMicrophone()


@pytest.fixture
def make_app(qtbot, tmp_path: Path, microphone: FileMicrophone) -> Iterator[Callable[..., object]]:
    """The real app on a fresh data folder, models loaded, the file-fed microphone plugged in."""
    from desktop.app import VivaVoceApp
    from desktop.paths import data_dir
    from desktop.settings import AppSettings

    made = []

    def make(ask_recovery: Callable[..., bool] | None = None, **settings: object) -> VivaVoceApp:
        app = VivaVoceApp(
            data_dir(tmp_path / "data"),
            AppSettings(speak_questions=False, **settings),
            source_factory=microphone,
        )
        if ask_recovery is not None:
            app.ask_recovery = ask_recovery
        qtbot.addWidget(app.window)
        with qtbot.waitSignal(app.services.models_ready, timeout=180_000):
            app.start()
        made.append(app)
        return app

    yield make
    for app in made:
        app.services.jobs.wait(30_000)

"""Devices and engines failing under the real app: no microphone, a microphone lost mid-answer, no
speech engine, no speech model. Each time the person is told what happened and can go on."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from pathlib import Path

import pytest
import soundfile as sf
from PySide6.QtCore import Qt

from audio.dsp import SAMPLE_RATE, load_mono
from audio.sources import (
    AudioSource,
    BlockCallback,
    EndCallback,
    FileSource,
    MicrophoneLost,
    MicrophoneUnavailable,
)
from audio.speech_out import Speaker, SpeakerUnavailable
from desktop.mock_plan import MockPlan

pytestmark = pytest.mark.slow

NO_ESPEAK = (
    "eSpeak NG is not installed. Install it with `sudo apt-get install libespeak-ng1` and restart Viva Voce"
)


class VanishingMicrophone(AudioSource):
    """Plays the start of a WAV like a microphone, then goes silent and reports itself lost, as a USB
    headset pulled out mid-answer does."""

    def __init__(self, path: Path, lose_after: float, speed: float = 4.0) -> None:
        super().__init__()
        self.audio = load_mono(path)[: round(lose_after * SAMPLE_RATE)]
        self.speed = speed
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, on_block: BlockCallback, on_end: EndCallback | None = None) -> None:
        self._thread = threading.Thread(target=self._run, args=(on_block, on_end), daemon=True)
        self._thread.start()

    def _run(self, on_block: BlockCallback, on_end: EndCallback | None) -> None:
        pace = self.block_frames / SAMPLE_RATE / self.speed
        for begin in range(0, len(self.audio), self.block_frames):
            if self._stop.wait(pace):
                return
            on_block(self.audio[begin : begin + self.block_frames].copy())
        if not self._stop.is_set() and on_end is not None:
            on_end(MicrophoneLost("The microphone stopped (was it unplugged?)."))

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join()


class FaultyMicrophone:
    """The file-fed microphone of the desktop tests, which can also be missing or vanish mid-answer."""

    def __init__(self) -> None:
        self.queue: list[Path] = []
        self.error: Exception | None = None
        self.vanish_after: float | None = None

    def __call__(self) -> AudioSource:
        if self.error is not None:
            raise self.error
        if not self.queue:
            raise OSError("the test queued no answer for this recording")
        path = self.queue.pop(0)
        if self.vanish_after is not None:
            return VanishingMicrophone(path, self.vanish_after)
        return FileSource(path, speed=4.0)


class NoSpeechEngine(Speaker):
    """What the app gets on a machine without libespeak-ng: a speaker that says why it cannot speak."""

    available = False
    reason = NO_ESPEAK

    def __init__(self) -> None:
        self.spoken: list[str] = []

    def speak(self, text, on_done=None, on_error=None) -> None:
        self.spoken.append(text)
        if on_error is not None:
            on_error(SpeakerUnavailable(NO_ESPEAK))

    def prepare(self, text: str) -> Future[Path]:
        future: Future[Path] = Future()
        future.set_exception(SpeakerUnavailable(NO_ESPEAK))
        return future

    def stop(self) -> None:
        pass


@pytest.fixture
def microphone() -> FaultyMicrophone:  # replaces conftest's, so make_app plugs this one in
    return FaultyMicrophone()


@pytest.fixture
def build_app(qtbot, tmp_path: Path, microphone: FaultyMicrophone) -> Iterator[Callable[..., object]]:
    """The real app, started but not waited for: for the tests where loading is meant to go wrong."""
    from desktop.app import VivaVoceApp
    from desktop.paths import data_dir
    from desktop.services import Services
    from desktop.settings import AppSettings

    made = []

    def build(speaker: Speaker | None = None, **settings: object) -> VivaVoceApp:
        root, chosen = data_dir(tmp_path / "data"), AppSettings(**settings)
        services = Services(root, chosen, source_factory=microphone, speaker=speaker)
        app = VivaVoceApp(root, chosen, services=services)
        qtbot.addWidget(app.window)
        app.start()
        made.append(app)
        return app

    yield build
    for app in made:
        app.services.jobs.wait(30_000)


def _wav_seconds(path: Path) -> float:
    info = sf.info(str(path))
    return info.frames / info.samplerate


# -- (a) no microphone --------------------------------------------------------------------------------


def test_mock_interview_pauses_with_the_message_when_there_is_no_microphone(
    qtbot, make_app, microphone, answer_wavs
):
    app = make_app()
    microphone.error = MicrophoneUnavailable("No microphone found. Plug one in, then try again.")
    session = app.mock.start(MockPlan(question_ids=["cancel-asyncio-task"], think_seconds=1))

    with qtbot.waitSignal(session.problem, timeout=10_000) as problem:
        pass  # the think time runs out and recording cannot start

    assert "No microphone found" in problem.args[0]
    assert session.phase == "paused"
    assert "No microphone found" in app.mock_view.problem.text()
    assert app.mock_view.pause_button.isEnabled() and "Resume" in app.mock_view.pause_button.text()
    assert app.services.store.attempts() == []  # no half-made attempt left behind

    # The microphone is plugged in; resuming records at once and the interview goes on to its review.
    microphone.error = None
    microphone.queue.append(answer_wavs["cancel-asyncio-task"])
    with qtbot.waitSignal(app.mock.review_shown, timeout=120_000):
        qtbot.keyClick(app.mock_view, Qt.Key.Key_P)
    [attempt] = app.services.store.session(session.session_id).attempts
    assert attempt.status == "complete" and "cancel" in attempt.transcript.text.lower()


# -- (b) the microphone vanishes mid-answer -----------------------------------------------------------


def test_a_microphone_lost_mid_answer_keeps_and_judges_what_was_said(
    qtbot, make_app, microphone, answer_wavs
):
    app = make_app()
    microphone.queue.append(answer_wavs["blocking-code-in-async"])
    microphone.vanish_after = 3.0
    app.practice.open("blocking-code-in-async")
    said_when_it_ended: list[str] = []
    app.practice.flow.ended.connect(
        lambda _reason: said_when_it_ended.append(app.practice_view.status.text())
    )

    with qtbot.waitSignal(app.practice.review_shown, timeout=120_000) as shown:
        qtbot.keyClick(app.practice_view, Qt.Key.Key_Space)  # nobody presses Space again: it ends itself

    assert said_when_it_ended and "microphone stopped" in said_when_it_ended[0].lower()
    assert "kept" in said_when_it_ended[0]
    attempt = shown.args[0]
    assert attempt.status == "complete" and not attempt.typed
    assert 2.5 <= attempt.duration <= 3.5
    wav = app.services.root / attempt.audio_path
    assert wav.is_file() and 2.5 <= _wav_seconds(wav) <= 3.5  # the audio up to the loss is on disk
    assert attempt.transcript.text.strip()  # the first words were transcribed
    assert attempt.judgement is not None
    stored = app.services.store.attempt(attempt.id)
    assert stored is not None and stored.status == "complete" and stored.audio_path == attempt.audio_path


def test_the_lost_microphone_message_stays_on_screen_while_judging(qtbot, make_app, microphone, answer_wavs):
    app = make_app()
    microphone.queue.append(answer_wavs["blocking-code-in-async"])
    microphone.vanish_after = 2.0
    app.practice.open("blocking-code-in-async")
    while_judging: list[str] = []
    app.practice.flow.stopping.connect(lambda: while_judging.append(app.practice_view.status.text()))

    with qtbot.waitSignal(app.practice.review_shown, timeout=120_000):
        qtbot.keyClick(app.practice_view, Qt.Key.Key_Space)

    assert while_judging and "microphone stopped" in while_judging[0].lower()


# -- (c) no speech engine ---------------------------------------------------------------------------


def test_without_a_speech_engine_questions_stay_on_screen_and_the_mock_goes_on(
    qtbot, build_app, microphone, answer_wavs
):
    speaker = NoSpeechEngine()
    app = build_app(speaker=speaker, speak_questions=True)
    with qtbot.waitSignal(app.services.models_ready, timeout=180_000):
        pass

    voice = app.window.voice_status
    assert voice.text().startswith("⚠ Voice:") and voice.toolTip() == NO_ESPEAK
    assert not app.services.voice.ready

    app.practice.open("cancel-asyncio-task")
    question = app.services.library.question("cancel-asyncio-task")
    assert app.window.stack.currentWidget() is app.practice_view
    assert app.practice_view.title.text() == question.title
    assert "libespeak-ng1" in app.practice_view.voice_note.text()
    qtbot.keyClick(app.practice_view, Qt.Key.Key_H)  # asking to hear it again says the same
    assert "libespeak-ng1" in app.practice_view.voice_note.text()
    app.practice_view.back_requested.emit()

    microphone.queue.append(answer_wavs["blocking-code-in-async"])
    phases: list[str] = []
    app.mock.phase_changed.connect(lambda phase, _index: phases.append(phase))
    with qtbot.waitSignal(app.mock.review_shown, timeout=120_000) as reviewed:
        app.mock.start(MockPlan(question_ids=["blocking-code-in-async"], think_seconds=1))
    assert phases[:3] == ["reading", "thinking", "answering"] and phases[-1] == "done"
    [attempt] = app.services.store.session(reviewed.args[0]).attempts
    assert attempt.status == "complete" and attempt.judgement.coverage > 0
    assert speaker.spoken == []  # nobody waited on a voice that cannot speak


# -- (d) no speech model ----------------------------------------------------------------------------


def test_a_missing_model_folder_disables_recording_but_typed_answers_are_judged(
    qtbot, build_app, tmp_path: Path
):
    gone = tmp_path / "no-such-model"
    app = build_app(speak_questions=False, model_dir=str(gone))
    services = app.services
    bank = services.library.bank_of("cancel-asyncio-task")
    qtbot.waitUntil(
        lambda: not services.model.busy and services.matcher_for(bank) is not None, timeout=180_000
    )

    assert not services.model.ready
    assert (
        "Speech model directory not found" in services.model.message and str(gone) in services.model.message
    )
    assert "Point the model setting" in services.model.message  # the fix, in the words of ModelError
    assert app.window.model_status.text().startswith("⚠ Speech model:")
    assert app.window.model_status.toolTip() == services.model.message

    app.practice.open("cancel-asyncio-task")
    record = app.practice_view.record_button
    assert not record.isEnabled() and services.model.message in record.toolTip()
    qtbot.keyClick(app.practice_view, Qt.Key.Key_Space)  # the shortcut still reaches the controller
    assert not app.practice.flow.recording and services.store.attempts() == []

    app.practice_view.typed.setPlainText(
        "Call task.cancel(); a CancelledError is raised at the next await, clean up in finally and re-raise."
    )
    with qtbot.waitSignal(app.practice.review_shown, timeout=60_000) as shown:
        qtbot.keyClick(app.practice_view.typed, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    attempt = shown.args[0]
    assert attempt.typed and attempt.status == "complete" and attempt.judgement.coverage > 0.3

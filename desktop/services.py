"""What the screens share: settings, history, banks, the speech model, the voice, the microphone.

Built once by the app and passed to each controller (no global singletons). Slow parts (speech
model, judging model, voice engine, device scan) load in background jobs; ``status_changed`` tells
the status bar what is ready and what to do about what is not.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from audio.sources import AudioSource, MicrophoneSource, MicrophoneUnavailable, list_input_devices
from audio.speech_out import Pyttsx3Speaker, Speaker, SpeechSettings
from audio.transcriber import Transcriber
from desktop.bank_library import BankLibrary
from desktop.jobs import Jobs
from desktop.paths import audio_dir, settings_path
from desktop.scoring import warm_up
from desktop.settings import AppSettings, save_settings
from desktop.store import Store
from questions.matching import Matcher, build_matcher
from questions.model import Bank

log = logging.getLogger(__name__)

SourceFactory = Callable[[], AudioSource]


class Readiness:
    """One line of the status area: ready or not, and what to do when not."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.ready = False
        self.busy = True
        self.message = "starting…"


class Services(QObject):
    status_changed = Signal()
    models_ready = Signal()  # the speech model and the judges of every bank are loaded

    def __init__(
        self,
        root: Path,
        settings: AppSettings,
        *,
        source_factory: SourceFactory | None = None,
        speaker: Speaker | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.root = root
        self.settings = settings
        self.jobs = Jobs(parent=self)
        self.store = Store(root)
        self.library = BankLibrary(root)
        self.transcriber: Transcriber | None = None
        self._matchers: dict[str, Matcher] = {}
        self.speaker: Speaker | None = speaker
        self._source_factory = source_factory
        self.model = Readiness("Speech model")
        self.voice = Readiness("Voice")
        self.microphone = Readiness("Microphone")
        if source_factory is not None:  # a file-fed microphone (harness, tests)
            self._set(self.microphone, True, "file-fed")

    # -- start-up ----------------------------------------------------------------------------------

    def start(self) -> None:
        """Load everything slow in the background; returns at once."""
        self.load_model()
        if self.speaker is None:
            self._set(self.voice, False, "loading…", busy=True)
            self.jobs.run(self._make_speaker, self._speaker_ready, self._speaker_failed)
        else:
            self._speaker_ready(self.speaker)
        if self._source_factory is None:
            self.check_microphone()

    def load_model(self) -> None:
        self.transcriber = None
        self._set(self.model, False, "loading the speech model…", busy=True)
        model_dir = self.settings.model_dir
        banks = list(self.library.banks)

        def load() -> tuple[Transcriber | None, dict[str, Matcher], Exception | None]:
            # The judges do not need the speech model: without it, typed answers are still judged.
            try:
                transcriber, error = Transcriber(model_dir), None
            except Exception as exc:  # ModelError names the fix; anything else is shown as it is
                transcriber, error = None, exc
            matchers = {}
            for bank in banks:
                matchers[bank.bank.id] = build_matcher(bank)
                warm_up(matchers[bank.bank.id], bank.questions[0].id)
            return transcriber, matchers, error

        self.jobs.run(load, self._model_loaded, self._model_failed)

    def _model_loaded(self, loaded: tuple[Transcriber | None, dict[str, Matcher], Exception | None]) -> None:
        self.transcriber, matchers, error = loaded
        self._matchers.update(matchers)
        if self.transcriber is None:
            self._model_failed(error or RuntimeError("the speech model did not load"))
            return
        self._set(self.model, True, f"{self.transcriber.model_name} ready")
        self.models_ready.emit()

    def _model_failed(self, exc: BaseException) -> None:
        self._set(self.model, False, f"{exc}")

    def _make_speaker(self) -> Speaker:
        speaker = Pyttsx3Speaker(cache_dir=self.root / "voice-cache")
        if speaker.available:
            try:
                speaker.settings = SpeechSettings(voice=self.settings.voice, rate=self.settings.speech_rate)
            except ValueError as exc:
                log.warning("voice setting ignored: %s", exc)
        return speaker

    def _speaker_ready(self, speaker: Speaker) -> None:
        self.speaker = speaker
        if speaker.available:
            self._set(self.voice, True, "ready" if self.settings.speak_questions else "off in settings")
        else:
            self._set(self.voice, False, speaker.reason or "unavailable")

    def _speaker_failed(self, exc: BaseException) -> None:
        self._set(self.voice, False, f"the speech engine failed to start ({exc}); questions stay on screen")

    def check_microphone(self) -> None:
        self._set(self.microphone, False, "looking for a microphone…", busy=True)
        wanted = self.settings.microphone

        def scan() -> str:
            devices = list_input_devices()
            if not devices:
                raise MicrophoneUnavailable(
                    "No microphone found. Plug one in or check the sound server, then open Settings; "
                    "meanwhile you can type answers."
                )
            if wanted is None:
                return "system default"
            names = [d.name for d in devices]
            if isinstance(wanted, int) and any(d.index == wanted for d in devices):
                return next(d.name for d in devices if d.index == wanted)
            if isinstance(wanted, str) and any(wanted in n for n in names):
                return wanted
            raise MicrophoneUnavailable(f"Microphone {wanted!r} is not connected; choose one in Settings.")

        self.jobs.run(
            scan,
            lambda name: self._set(self.microphone, True, name),
            lambda exc: self._set(self.microphone, False, str(exc)),
        )

    # -- what controllers use ----------------------------------------------------------------------

    def matcher_for(self, bank: Bank) -> Matcher | None:
        """The judge of ``bank``; ``None`` while it is being prepared."""
        return self._matchers.get(bank.bank.id)

    def prepare_bank(self, bank: Bank) -> None:
        """Build the judge of a newly imported bank in the background (it embeds the bank's texts)."""
        self._matchers.pop(bank.bank.id, None)

        def build() -> Matcher:
            matcher = build_matcher(bank)
            warm_up(matcher, bank.questions[0].id)
            return matcher

        self.jobs.run(
            build,
            lambda matcher: self._matchers.__setitem__(bank.bank.id, matcher),
            lambda exc: log.error("could not prepare bank %s: %s", bank.bank.id, exc),
        )

    def make_source(self) -> AudioSource:
        if self._source_factory is not None:
            return self._source_factory()
        return MicrophoneSource(self.settings.microphone)

    def audio_dir(self) -> Path:
        return audio_dir(self.root)

    def apply_settings(self, settings: AppSettings) -> None:
        """Save and apply what can change without a restart."""
        old = self.settings
        self.settings = settings
        save_settings(settings, settings_path(self.root))
        if self.speaker is not None and self.speaker.available:
            try:
                self.speaker.settings = SpeechSettings(voice=settings.voice, rate=settings.speech_rate)
            except (ValueError, AttributeError) as exc:
                log.warning("voice setting ignored: %s", exc)
            self._set(self.voice, True, "ready" if settings.speak_questions else "off in settings")
        if settings.model_dir != old.model_dir:
            self.load_model()
        if settings.microphone != old.microphone and self._source_factory is None:
            self.check_microphone()

    def _set(self, item: Readiness, ready: bool, message: str, busy: bool = False) -> None:
        item.ready, item.message, item.busy = ready, message, busy
        self.status_changed.emit()

    def shutdown(self) -> None:
        if self.speaker is not None:
            self.speaker.stop()
        self.jobs.wait(5000)
        self.store.close()

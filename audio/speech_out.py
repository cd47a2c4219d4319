"""Spoken questions: a small ``Speaker`` interface and its pyttsx3 (eSpeak NG) implementation.

What pyttsx3 2.99's eSpeak driver does, and so what this module does not rely on:

* ``runAndWait()`` only starts eSpeak's asynchronous synthesis; it can return before the WAV of
  ``save_to_file`` exists. The driver writes the file and *then* emits ``finished-utterance``
  (from eSpeak's own thread), so that event is the only reliable "done".
* ``engine.stop()`` cannot interrupt ``save_to_file`` and may block for seconds; ``say()`` plays
  through ``aplay`` in a subprocess that nothing can stop. Neither is used: we synthesize to a file
  and play it through ``Player``, whose ``stop()`` is immediate.
* ``setProperty`` is queued and, in ``runAndWait``, sends eSpeak an asynchronous command just
  before the driver calls ``Cancel`` if eSpeak "is playing" -- which that very command makes it.
  The rate change is then lost and a stray ``finished-utterance(completed=False)`` follows (seen
  here: rate 110 and 300 came out at 170). So properties go straight to the driver, the worker
  waits for eSpeak to be idle before each step, and only ``completed=True`` counts as done.
* eSpeak is initialised once per process with one global synthesis callback, and ``pyttsx3.init``
  hands out one shared engine. So one process-wide worker thread owns the engine and synthesizes
  one text at a time; every ``Pyttsx3Speaker`` sends it jobs.
* The driver prints "Audio saved to ..." on stdout for each file, which would corrupt a CLI's
  JSON output; that print is redirected to the debug log.
"""

from __future__ import annotations

import hashlib
import logging
import os
import queue
import sys
import tempfile
import threading
import time
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from audio.player import DoneCallback, Player

log = logging.getLogger(__name__)
ErrorCallback = Callable[[BaseException], None]
_INSTALL_FIX = "Install it with `sudo apt-get install libespeak-ng1` and restart Viva Voce"


class SpeakerUnavailable(RuntimeError):
    """No speech engine: the message names the fix. The question simply stays on screen."""


class SynthesisFailed(RuntimeError):
    """The engine ran but produced no usable audio for a text."""


class VoiceInfo(BaseModel):
    id: str
    name: str
    languages: list[str] = Field(default_factory=list)
    gender: str | None = None


class SpeechSettings(BaseModel):
    voice: str | None = None  # a voice id, name or language ("gmw/en-us", "English (America)", "en-us")
    rate: int = Field(default=170, ge=80, le=450)  # words per minute


class Speaker(ABC):
    """Speaks questions. ``available`` is False (with ``reason``) when there is no engine."""

    available: bool = False
    reason: str | None = None

    @abstractmethod
    def speak(
        self, text: str, on_done: DoneCallback | None = None, on_error: ErrorCallback | None = None
    ) -> None:
        """Say ``text`` (replacing anything being said); returns at once.

        ``on_done(completed)`` follows playback (False when stopped); ``on_error(exc)`` reports an
        unavailable engine or device. Neither is called for a request that ``stop()`` overtook.
        """

    @abstractmethod
    def prepare(self, text: str) -> Future[Path]:
        """Synthesize ahead so that a later ``speak(text)`` starts at once."""

    @abstractmethod
    def stop(self) -> None:
        """Silence now, and drop any speech still waiting for synthesis."""

    def voices(self) -> list[VoiceInfo]:
        return []


class _EspeakWorker:
    """The one thread that owns the pyttsx3 engine; runs jobs in order."""

    def __init__(self) -> None:
        self._jobs: queue.Queue[tuple[Callable[[Any], Any], Future[Any]]] = queue.Queue()
        self._ready = threading.Event()
        self._finished = threading.Event()
        self._errors: list[BaseException] = []
        self._completed = False
        self._synthesized = False  # the driver only reports "not busy" once a synthesis has ended
        self.init_error: BaseException | None = None
        threading.Thread(target=self._run, name="pyttsx3-worker", daemon=True).start()
        self._ready.wait()

    def _run(self) -> None:
        try:
            import pyttsx3

            engine = pyttsx3.init()
        except Exception as exc:  # missing libespeak-ng surfaces as RuntimeError or OSError
            self.init_error = exc
            self._ready.set()
            return
        engine.connect("finished-utterance", self._on_finished)
        engine.connect("error", lambda name, exception: self._errors.append(exception))
        driver = sys.modules.get("pyttsx3.drivers.espeak")
        if driver is not None:
            driver.print = lambda *args, **kwargs: log.debug(" ".join(map(str, args)))  # type: ignore[attr-defined]
        self._ready.set()
        while True:
            job, future = self._jobs.get()
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(job(engine))
                except Exception as exc:
                    future.set_exception(exc)

    def _on_finished(self, name: str | None, completed: bool) -> None:
        # Runs on eSpeak's thread. completed=False comes from a cancel (possibly a stale one).
        self._completed = completed
        self._synthesized = True
        self._finished.set()

    def submit(self, job: Callable[[Any], Any]) -> Future[Any]:
        future: Future[Any] = Future()
        self._jobs.put((job, future))
        return future

    def synthesize(
        self, engine: Any, text: str, settings: SpeechSettings, target: Path, timeout: float
    ) -> Path:
        """Runs on the worker thread: text -> WAV at ``target`` (written atomically)."""
        for _attempt in range(2):  # a synthesis eSpeak cancelled on its own is retried once
            partial = target.with_name(f"{target.stem}.{uuid.uuid4().hex}.partial.wav")
            try:
                if self._synthesize_once(engine, text, settings, partial, timeout):
                    os.replace(partial, target)  # a reader never sees a half-written cache entry
                    return target
            finally:
                partial.unlink(missing_ok=True)
        raise SynthesisFailed("speech synthesis was cancelled by the engine twice")

    def _synthesize_once(
        self, engine: Any, text: str, settings: SpeechSettings, partial: Path, timeout: float
    ) -> bool:
        self._settle(engine, timeout)
        driver = engine.proxy._driver
        # Straight to the driver: pyttsx3 queues setProperty and can run it inside runAndWait's pump,
        # where its eSpeak command races with the Cancel that runAndWait issues when eSpeak is busy.
        if settings.voice is not None:
            driver.setProperty("voice", settings.voice)  # raises ValueError for an unknown voice
        driver.setProperty("rate", settings.rate)  # after the voice, which may reset it
        self._settle(engine, timeout)  # eSpeak applies parameters asynchronously: let it
        self._finished.clear()
        self._completed = False
        self._errors.clear()
        engine.save_to_file(text, str(partial))
        engine.runAndWait()  # starts synthesis; completion is the finished-utterance event
        if not self._finished.wait(timeout):
            raise SynthesisFailed(f"speech synthesis did not finish within {timeout:g} s")
        if self._errors:
            raise SynthesisFailed(f"speech synthesis failed: {self._errors[0]}")
        if not self._completed:
            return False
        if not partial.exists() or partial.stat().st_size <= 44:  # 44 bytes: a WAV header and no audio
            raise SynthesisFailed("speech synthesis produced no audio")
        return True

    def _settle(self, engine: Any, timeout: float) -> None:
        """Wait until eSpeak has no command in flight and the driver has left its callback.

        Neither pyttsx3 nor eSpeak offers an event for this, so poll (it takes microseconds).
        """
        from pyttsx3.drivers import _espeak

        deadline = time.monotonic() + timeout
        while _espeak.IsPlaying() or (self._synthesized and engine.isBusy()):
            if time.monotonic() > deadline:
                raise SynthesisFailed("the speech engine stayed busy")
            time.sleep(0.002)


_worker: _EspeakWorker | None = None
_worker_lock = threading.Lock()


def _espeak_worker() -> _EspeakWorker:
    global _worker
    with _worker_lock:
        if _worker is None:
            _worker = _EspeakWorker()
        return _worker


class Pyttsx3Speaker(Speaker):
    """eSpeak NG through pyttsx3: synthesize to a cached WAV, then play it through ``Player``.

    WAVs are cached in ``cache_dir`` by (text, voice, rate), across runs too, so a question heard
    before, or ``prepare``-d ahead, starts without delay.
    """

    def __init__(
        self,
        settings: SpeechSettings | None = None,
        cache_dir: str | Path | None = None,
        player: Player | None = None,
        timeout: float = 30.0,
    ) -> None:
        self.cache_dir = Path(cache_dir) if cache_dir else Path(tempfile.mkdtemp(prefix="vivavoce-tts-"))
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        self.player = player or Player()
        self.timeout = timeout
        self._settings = SpeechSettings()
        self._futures: dict[str, Future[Path]] = {}
        self._lock = threading.RLock()  # re-entrant: an on_error callback may speak again
        self._generation = 0
        self._worker = _espeak_worker()
        error = self._worker.init_error
        self.available = error is None
        if error is not None:
            self.reason = (
                f"Spoken questions are off: the eSpeak NG speech engine could not start ({error}). "
                f"{_INSTALL_FIX}; meanwhile questions are shown on screen."
            )
        if settings is not None:
            self.settings = settings

    @property
    def settings(self) -> SpeechSettings:
        return self._settings

    @settings.setter
    def settings(self, value: SpeechSettings) -> None:
        """Change voice or rate; an unknown voice raises ``ValueError`` naming some known ones."""
        if value.voice is not None and self.available:
            known = self.voices()
            if not any(value.voice in (v.id, v.name, *v.languages) for v in known):
                english = [v.id for v in known if any(lang.startswith("en") for lang in v.languages)]
                raise ValueError(f"unknown voice {value.voice!r}; English voices: {', '.join(english)}")
        self._settings = value

    def voices(self) -> list[VoiceInfo]:
        if not self.available:
            return []
        raw = self._worker.submit(lambda engine: engine.getProperty("voices")).result(self.timeout)
        return [
            VoiceInfo(id=v.id, name=v.name, languages=list(v.languages or []), gender=v.gender) for v in raw
        ]

    def _key(self, text: str, settings: SpeechSettings) -> str:
        raw = f"{settings.voice}\0{settings.rate}\0{text}".encode()
        return hashlib.sha256(raw).hexdigest()[:32]

    def prepare(self, text: str) -> Future[Path]:
        if not self.available:
            failed: Future[Path] = Future()
            failed.set_exception(SpeakerUnavailable(self.reason))
            return failed
        settings = self._settings
        key = self._key(text, settings)
        target = self.cache_dir / f"{key}.wav"
        with self._lock:
            future = self._futures.get(key)
            if future is not None and not (future.done() and future.exception() is not None):
                return future
            if target.exists():
                future = Future()
                future.set_result(target)
            else:
                future = self._worker.submit(
                    lambda engine: self._worker.synthesize(engine, text, settings, target, self.timeout)
                )
            self._futures[key] = future
            return future

    def speak(
        self, text: str, on_done: DoneCallback | None = None, on_error: ErrorCallback | None = None
    ) -> None:
        if not self.available:
            _report(on_error, SpeakerUnavailable(self.reason))
            return
        with self._lock:
            self._generation += 1
            generation = self._generation
        self.player.stop()
        self.prepare(text).add_done_callback(lambda future: self._play(future, generation, on_done, on_error))

    def _play(
        self,
        future: Future[Path],
        generation: int,
        on_done: DoneCallback | None,
        on_error: ErrorCallback | None,
    ) -> None:
        error: BaseException | None = None
        with self._lock:  # stop() bumps the generation under this lock: no race with a late synthesis
            if generation != self._generation:
                return
            try:
                self.player.play(future.result(), on_done=on_done)
            except Exception as exc:  # PlaybackUnavailable, SynthesisFailed: the caller keeps the text up
                error = exc
        if error is not None:
            _report(on_error, error)

    def stop(self) -> None:
        with self._lock:
            self._generation += 1
        self.player.stop()


def _report(on_error: ErrorCallback | None, error: BaseException) -> None:
    if on_error is None:
        log.warning("speech output: %s", error)
    else:
        on_error(error)

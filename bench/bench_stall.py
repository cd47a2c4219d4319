"""Longest event-loop stall while the real app records, transcribes and judges an answer and
synthesizes the next question — and the time from "stop" to the review on screen.

The app runs offscreen with the real speech model, judge, voice engine and database; the
microphone is a WAV file (espeak-ng speech, several answers joined, about ``--seconds`` long)
played in real time. A 5 ms QTimer measures how late the event loop serves it: the stall is the
gap between ticks less the interval. Each round: open a question (read aloud: synthesized, then
played — with no sound card the playback fails and the question stays on screen), prepare the next
question's voice, record the answer, stop it with Space one second before the file ends, wait for
the review.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_stall.py [--rounds 3] [--seconds 60]

Results: bench/out/bench_stall.json.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import soundfile as sf

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QElapsedTimer, Qt, QTimer  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from audio.dsp import SAMPLE_RATE  # noqa: E402
from audio.sources import FileSource  # noqa: E402
from audio.synthetic_speech import silence, synthesize  # noqa: E402

QUESTION = "cancel-asyncio-task"
NEXT_QUESTION = "blocking-code-in-async"


class StallMeter:
    def __init__(self, interval_ms: int = 5) -> None:
        self.interval = interval_ms
        self.clock = QElapsedTimer()
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._tick)
        self.gaps: list[float] = []
        self._last = 0

    def start(self) -> None:
        self.gaps.clear()
        self.clock.start()
        self._last = 0
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def _tick(self) -> None:
        now = self.clock.nsecsElapsed()
        if self._last:
            self.gaps.append((now - self._last) / 1e6 - self.interval)
        self._last = now


def answer_audio(seconds: float, folder: Path, mid_sentence: bool) -> tuple[Path, float]:
    """About ``seconds`` of answers; returns the file and when Space is pressed (seconds in).

    By default the answer ends with whole sentences and the person presses Space 0.7 s after the
    last word (3 s of silence follow in the file, so it is their Space that ends the recording).
    With ``mid_sentence``, the file is cut at ``seconds`` and Space comes 1 s before that.
    """
    lines = [
        json.loads(line)
        for line in (ROOT / "tests/data/answers_dev.jsonl").read_text().splitlines()
        if line.strip()
    ]
    texts = [r["text"] for r in lines if r["question"] == QUESTION and r["kind"] in ("strong", "paraphrase")]
    pieces, total, i = [silence(0.5)], 0.5, 0
    while total < seconds:
        speech = synthesize(texts[i % len(texts)], voice=("en-us", "en-gb")[i % 2], rate=165)
        pieces += [speech, silence(0.8)]
        total += len(speech) / SAMPLE_RATE + 0.8
        i += 1
    audio = np.concatenate(pieces)
    if mid_sentence:
        audio, press = audio[: int(seconds * SAMPLE_RATE)], seconds - 1.0
    else:
        spoken = len(audio) / SAMPLE_RATE - 0.8  # the last word's end
        audio, press = np.concatenate([audio, silence(3.0)]), spoken + 0.7
    path = folder / "answer.wav"
    sf.write(path, audio, SAMPLE_RATE)
    return path, press


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--mid-sentence", action="store_true", help="press Space while still speaking")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="vivavoce-stall-"))
    os.environ["VIVAVOCE_DATA_DIR"] = str(folder / "data")
    wav, press_at = answer_audio(args.seconds, folder, args.mid_sentence)
    logging.basicConfig(level=logging.WARNING, format="%(relativeCreated)d %(name)s %(message)s")
    logging.getLogger("desktop").setLevel(logging.INFO)
    qapp = QApplication.instance() or QApplication([])

    from desktop.app import VivaVoceApp
    from desktop.paths import data_dir
    from desktop.settings import AppSettings

    sources = []

    def microphone() -> FileSource:
        sources.append(FileSource(wav, speed=1.0))
        return sources[-1]

    started = time.perf_counter()
    app = VivaVoceApp(data_dir(), AppSettings(speak_questions=True), source_factory=microphone)
    meter = StallMeter()
    meter.start()
    app.start()
    while not app.services.model.ready:
        QTest.qWait(50)
    startup_stall = max(meter.gaps, default=0.0)
    load_seconds = time.perf_counter() - started

    rounds = []
    reviewed: list[float] = []
    app.practice.review_shown.connect(lambda _a: reviewed.append(time.perf_counter()))
    for _ in range(args.rounds):
        meter.start()
        app.practice.open(QUESTION)  # reads the question aloud
        speaker = app.services.speaker
        if speaker is not None and speaker.available:
            speaker.prepare(app.services.library.question(NEXT_QUESTION).title + f" {time.time()}")
        QTest.keyClick(app.practice_view, Qt.Key.Key_Space)
        QTest.qWait(int(press_at * 1000))
        reviewed.clear()
        pressed = time.perf_counter()
        QTest.keyClick(app.practice_view, Qt.Key.Key_Space)
        while not reviewed:
            QTest.qWait(5)
        QTest.qWait(300)  # the review's first paint
        meter.stop()
        gaps = np.array(meter.gaps)
        rounds.append(
            {
                "max_stall_ms": round(float(gaps.max()), 1),
                "p99_stall_ms": round(float(np.percentile(gaps, 99)), 1),
                "stalls_over_50ms": int((gaps > 50).sum()),
                "stop_to_review_s": round(reviewed[0] - pressed, 3),
                "flow_latency_s": round(app.practice.flow.last_review_latency or 0.0, 3),
                "final_transcript_s": round(app.practice.flow.last_final_transcript or 0.0, 3),
            }
        )
        print(rounds[-1], flush=True)
    app.services.shutdown()

    result = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.platform()}",
        "answer_seconds": round(press_at, 1),
        "stop": "mid-sentence" if args.mid_sentence else "0.7 s after the last word",
        "startup_s": round(load_seconds, 2),
        "startup_max_stall_ms": round(startup_stall, 1),
        "rounds": rounds,
        "max_stall_ms": max(r["max_stall_ms"] for r in rounds),
        "max_stop_to_review_s": max(r["stop_to_review_s"] for r in rounds),
    }
    out = ROOT / "bench/out/bench_stall.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    qapp.quit()


if __name__ == "__main__":
    main()

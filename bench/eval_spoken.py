"""The judging figures on *spoken* answers: each labelled answer is synthesized by espeak-ng in
several voices, transcribed by the bundled Whisper model biased by its question, and judged.

Usage: python bench/eval_spoken.py [--set dev|holdout|...] [--voices en-us,en-gb] [--misses] [--reuse]
Synthesized WAVs are cached in bench/out/spoken/. Prints one figures block per voice. --reuse
starts from the saved transcripts: bench/out/spoken/VOICE/SET.transcripts.json, or on a fresh clone
the committed ones (tests/data/spoken/VOICE/answers_SET.jsonl, by answer id); --save writes the
set's transcripts there (the off-topic reader trains on them: bench/train_subject.py).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

import soundfile as sf

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from eval_matching import SETS  # noqa: E402  (the same labelled sets, written and spoken)

from audio.synthetic_speech import SAMPLE_RATE, synthesize  # noqa: E402
from questions.evaluation import dump, evaluate, load_answers  # noqa: E402
from questions.loader import builtin_bank_path, load_bank  # noqa: E402
from questions.matching import build_matcher  # noqa: E402
from vivavoce.speech import SpeechScorer  # noqa: E402

OUT = ROOT / "bench" / "out" / "spoken"
COMMITTED = ROOT / "tests" / "data" / "spoken"


def _wav_for(text: str, voice: str) -> Path:
    key = hashlib.sha1(f"{voice}:{text}".encode()).hexdigest()[:16]
    path = OUT / voice / f"{key}.wav"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        sf.write(path, synthesize(text, voice=voice), SAMPLE_RATE)
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--set", choices=list(SETS), default="holdout")
    parser.add_argument("--voices", default="en-us,en-gb")
    parser.add_argument("--limit", type=int, default=0, help="only the first N answers (smoke runs)")
    parser.add_argument("--misses", action="store_true", help="list the answers that miss a target")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="judge the transcripts saved by the last run instead of transcribing again "
        "(quick when only the matcher changed; not when the bank's vocabulary did)",
    )
    parser.add_argument("--save", action="store_true", help="write the transcripts to tests/data/spoken/")
    parser.add_argument(
        "--nearest-threshold", type=float, default=None, help="meaning's lower tier; 1 turns it off"
    )
    parser.add_argument(
        "--rival-margin", type=float, default=None, help="stretches near the question the answer is nearest"
    )
    args = parser.parse_args()
    bank = load_bank(builtin_bank_path())
    matcher = build_matcher(bank)
    for name in ("nearest_threshold", "rival_margin"):
        if getattr(args, name) is not None and matcher.meaning is not None:
            setattr(matcher.meaning, name, getattr(args, name))
    speech = SpeechScorer()
    answers = load_answers(ROOT / "tests" / "data" / SETS[args.set])
    if args.limit:
        answers = answers[: args.limit]
    for voice in args.voices.split(","):
        started = time.perf_counter()
        saved = OUT / voice / f"{args.set}.transcripts.json"
        committed = COMMITTED / voice / SETS[args.set]
        transcripts: dict[str, str] = {}
        if args.reuse and saved.exists():
            transcripts = json.loads(saved.read_text())
        elif args.reuse and committed.exists():
            by_id = {r["id"]: r["text"] for r in map(json.loads, committed.read_text().splitlines())}
            transcripts = {a.text: by_id[a.id] for a in answers if a.id in by_id}
        for a in answers:
            if a.text not in transcripts:
                transcript, _ = speech(bank.question(a.question), _wav_for(a.text, voice))
                transcripts[a.text] = transcript.text
        saved.parent.mkdir(parents=True, exist_ok=True)
        saved.write_text(json.dumps(transcripts, indent=0))
        heard = [a.model_copy(update={"text": transcripts[a.text]}) for a in answers]
        if args.save:
            committed.parent.mkdir(parents=True, exist_ok=True)
            lines = (json.dumps({"id": h.id, "text": h.text}, ensure_ascii=False) for h in heard)
            committed.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
        figures = evaluate(matcher, heard)
        took = time.perf_counter() - started
        print(f"== {args.set} set, voice {voice} ({len(answers)} answers, {took:.0f} s)")
        print(dump(figures))
        if args.misses:
            print("\n".join(f"  - {m}" for m in figures.misses))
    print(
        "targets (issue 3): strong >= 0.80, paraphrase >= 0.65, ranks first >= 0.95, "
        "red-flag recall >= 0.85, false red flags <= 0.05, off-topic <= 0.05"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

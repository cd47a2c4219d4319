"""``vivavoce score``: judge one answer, or a JSONL batch of them in one process."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from questions.judgement import Judgement
from questions.loader import read_text
from questions.matching import build_matcher
from vivavoce.commands_bank import open_bank
from vivavoce.output import UserError, emit


class _Scorer:
    """Holds what is slow to load (bank, matcher, speech model) across the items of a batch."""

    def __init__(self, bank_path: str | None) -> None:
        self.bank = open_bank(bank_path)
        self.matcher = build_matcher(self.bank)
        self._speech = None

    def score_text(self, question_id: str, text: str) -> dict:
        return self.matcher.judge(question_id, text).model_dump(mode="json", by_alias=True)

    def score_audio(self, question_id: str, wav: str) -> dict:
        question = self.bank.question(question_id)
        if self._speech is None:
            self._speech = _speech_scorer()
        transcript, metrics = self._speech(question, Path(wav))
        result = self.score_text(question_id, transcript.text)
        result["metrics"] = metrics
        result["words"] = [w.model_dump(mode="json") for w in transcript.words]
        result["heard_as_transcriber"] = [
            r.model_dump(mode="json", by_alias=True) for r in transcript.repairs
        ]
        result["model"] = transcript.model
        return result

    def score_item(self, item: dict) -> dict:
        question = item.get("question")
        if not isinstance(question, str):
            raise UserError('each line needs "question": an id from `vivavoce questions`')
        if isinstance(item.get("text"), str):
            return self.score_text(question, item["text"])
        if isinstance(item.get("audio"), str):
            return self.score_audio(question, item["audio"])
        raise UserError('each line needs "text" (a transcript) or "audio" (a WAV path)')


def _speech_scorer():
    """The speech pipeline, or a clear reason it cannot run here."""
    try:
        from vivavoce.speech import SpeechScorer
    except ImportError as exc:
        raise UserError(
            f"--audio needs the speech pipeline, which is not installed here ({exc}); "
            "run scripts/bootstrap.sh, or score a transcript with --text or --transcript-file"
        ) from None
    return SpeechScorer()


def run_score(args: argparse.Namespace) -> int:
    if args.batch:
        return _run_batch(args)
    if not args.question:
        raise UserError("--question is required (see `vivavoce questions` for the ids)")
    scorer = _Scorer(args.bank)
    if args.audio:
        result = scorer.score_audio(args.question, args.audio)
    else:
        text = args.text if args.text is not None else read_text(Path(args.transcript_file))
        result = scorer.score_text(args.question, text)
    emit(args, result, _human(result))
    return 0


def _run_batch(args: argparse.Namespace) -> int:
    if not args.json:
        raise UserError("--batch writes JSON lines: add --json")
    scorer = _Scorer(args.bank)
    lines = read_text(Path(args.batch)).splitlines() if args.batch != "-" else sys.stdin.read().splitlines()
    for number, line in enumerate(lines, 1):
        try:
            item = json.loads(line)
            if not isinstance(item, dict):
                raise UserError("expected a JSON object")
            result = scorer.score_item(item)
        except json.JSONDecodeError as exc:
            result = {"error": f"line {number}: not valid JSON ({exc.msg})"}
        except (UserError, KeyError, OSError, ValueError) as exc:
            message = exc.args[0] if isinstance(exc, KeyError) else str(exc)
            result = {"error": f"line {number}: {message}"}
        print(json.dumps(result, ensure_ascii=False), flush=True)
    return 0


def _human(result: dict) -> str:
    judged = Judgement.model_validate(result)
    out = [f"{judged.question}: coverage {judged.coverage:.0%}"]
    if judged.other_stack:
        out.append(f"  [other stack] {judged.other_stack_note()}")
    elif judged.off_topic:
        out.append(f"  [off topic] {judged.off_topic_note()}")
    for hit in judged.covered:
        heard = "".join(f" (heard '{h.heard}' as '{h.as_}')" for h in hit.heard_as)
        out.append(f'  [covered] {hit.label}\n            "{hit.evidence.text}"{heard}')
    out += [f"  [missed]  {miss.label}" for miss in judged.missed]
    for flag in judged.red_flags:
        out.append(f'  [RED FLAG] {flag.label}\n            "{flag.evidence.text}"')
    for flag in judged.rejected_red_flags:
        out.append(f"  [rejected, good] {flag.label}")
    return "\n".join(out)

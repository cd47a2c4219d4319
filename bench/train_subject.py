"""Train the off-topic reader (questions/subject.py) on the labelled sets.

Usage: python bench/train_subject.py [--write] [--off-topic-at 0.3] [--exclude SET ...] [--written-only]
Every labelled answer is one example: off-topic, or about its question (any other kind); so is each
saved Whisper transcript of it (tests/data/spoken/VOICE/, from bench/eval_spoken.py), since a spoken
answer reaches the reader garbled ("a glass mat in her it's from BaseModel"). Prints,
for each set held out in turn, the share of its off-topic answers the model trained on the other
sets calls off-topic, and the share of its other answers it wrongly calls off-topic (strong,
paraphrase and partial apart from red-flag answers and rejections). --write trains on every set
not excluded and writes questions/subject_model.json. Keep a blind set out (--exclude) until it
has been measured.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from eval_matching import SETS  # noqa: E402

from questions import logistic  # noqa: E402
from questions.evaluation import RED_FLAG_KINDS, load_answers  # noqa: E402
from questions.loader import builtin_bank_path, load_bank  # noqa: E402
from questions.matching import Matcher  # noqa: E402
from questions.misconception import answer_features, for_question  # noqa: E402
from questions.subject import MODEL_PATH, OFF_TOPIC_AT, SubjectModel  # noqa: E402

ON_TOPIC_KINDS = ("strong", "paraphrase", "partial")


SPOKEN = ROOT / "tests" / "data" / "spoken"


@dataclass
class Example:
    set: str
    question: str
    kind: str
    features: set[str]
    voice: str = "written"

    @property
    def off_topic(self) -> bool:
        return self.kind == "off_topic"


def examples(matcher: Matcher, sets: list[str], spoken: bool = True) -> list[Example]:
    """Each answer of the sets as written and, with ``spoken``, as each voice's transcript of it."""
    out = []
    for name in sets:
        answers = load_answers(ROOT / "tests" / "data" / SETS[name])
        versions = {"written": {a.id: a.text for a in answers}}
        for folder in sorted(SPOKEN.iterdir()) if spoken and SPOKEN.is_dir() else []:
            file = folder / SETS[name]
            if file.is_file():
                lines = file.read_text(encoding="utf-8").splitlines()
                versions[folder.name] = {row["id"]: row["text"] for row in map(json.loads, lines)}
        for voice, texts in versions.items():
            for a in answers:
                if a.id in texts:
                    features = for_question(a.question, answer_features(matcher._prepare(texts[a.id]).tokens))
                    out.append(Example(name, a.question, a.kind, features, voice))
    return out


def train(data: list[Example], off_topic_at: float) -> SubjectModel:
    weights = logistic.fit([e.features for e in data], [e.off_topic for e in data], smallest=0.01)
    return SubjectModel(weights, frozenset(e.question for e in data), off_topic_at)


def called_off(model: SubjectModel, e: Example) -> bool:
    return logistic.sigmoid(sum(model.weights.get(f, 0.0) for f in e.features)) >= model.off_topic_at


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--off-topic-at", type=float, default=OFF_TOPIC_AT)
    parser.add_argument("--exclude", nargs="*", default=[], choices=list(SETS), help="sets left out")
    parser.add_argument("--write", action="store_true", help="train on every set kept and write the model")
    parser.add_argument("--written-only", action="store_true", help="without the saved spoken transcripts")
    args = parser.parse_args()
    sets = [s for s in SETS if s not in args.exclude]
    data = examples(Matcher(load_bank(builtin_bank_path())), sets, spoken=not args.written_only)
    print("held-out set: off-topic called off-topic / strong, paraphrase, partial called off-topic /")
    print("              red-flag answers and rejections called off-topic")
    for name in sets:
        held = [e for e in data if e.set == name]
        model = train([e for e in data if e.set != name], args.off_topic_at)

        def share(rows: list[Example], m: SubjectModel = model) -> str:
            return f"{sum(called_off(m, e) for e in rows)}/{len(rows)}" if rows else "-"

        off = [e for e in held if e.off_topic]
        on = [e for e in held if e.kind in ON_TOPIC_KINDS]
        flags = [e for e in held if e.kind in (*RED_FLAG_KINDS, "rejection")]
        print(f"  {name:12s} {share(off):>7s}  {share(on):>7s}  {share(flags):>7s}")
    if args.write:
        model = train(data, args.off_topic_at)
        voices = sorted({e.voice for e in data})
        about = {"trained_on": sets, "versions": voices, "answers": len(data), "l2": logistic.L2}
        model.save(MODEL_PATH, about)
        print(f"wrote {MODEL_PATH.relative_to(ROOT)}: {len(model.weights)} weights")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""CLI commands about banks: list questions, import plain text, check a TOML file."""

from __future__ import annotations

import argparse
from pathlib import Path

from questions.errors import BankError
from questions.forms import compile_form
from questions.importer import import_text_file
from questions.loader import builtin_bank_path, load_bank, save_bank
from questions.model import Bank
from vivavoce.output import emit


def open_bank(path: str | None) -> Bank:
    return load_bank(path or builtin_bank_path())


def question_summary(bank: Bank) -> list[dict]:
    return [
        {
            "id": q.id,
            "title": q.title,
            "topic": q.topic,
            "tests": q.tests,
            "think_seconds": q.think_seconds,
            "answer_seconds": q.answer_seconds,
            "concepts": [{"id": c.id, "label": c.label, "weight": c.weight} for c in q.concepts],
            "red_flags": [{"id": r.id, "label": r.label} for r in q.red_flags],
        }
        for q in bank.questions
    ]


def run_questions(args: argparse.Namespace) -> int:
    bank = open_bank(args.bank)
    lines = [f"{bank.bank.name} (v{bank.bank.version}), {len(bank.questions)} questions"]
    for topic in bank.topics:
        lines.append(f"\n{topic}:")
        lines += [f"  {q.id:40} {q.title}" for q in bank.questions if q.topic == topic]
    payload = {
        "bank": {"id": bank.bank.id, "name": bank.bank.name, "version": bank.bank.version},
        "questions": question_summary(bank),
    }
    emit(args, payload, "\n".join(lines))
    return 0


def run_import(args: argparse.Namespace) -> int:
    out = Path(args.output)
    if out.exists() and not args.force:
        raise BankError(out, "already exists", "choose another output path or pass --force")
    bank = import_text_file(Path(args.file), name=args.name)
    save_bank(bank, out)
    counts = {
        "questions": len(bank.questions),
        "concepts": sum(len(q.concepts) for q in bank.questions),
        "red_flags": sum(len(q.red_flags) for q in bank.questions),
    }
    human = (
        f"wrote {out}: {counts['questions']} questions, {counts['concepts']} concepts, "
        f"{counts['red_flags']} red flags. Review the concepts' spoken forms before practising."
    )
    emit(args, {"output": str(out), "bank": bank.bank.id, **counts}, human)
    return 0


def run_check(args: argparse.Namespace) -> int:
    bank = load_bank(args.file)
    warnings = unmatchable_forms(bank)
    lines = [f"{args.file}: OK, {len(bank.questions)} questions"]
    lines += [f"  warning: {w}" for w in warnings]
    emit(
        args,
        {"ok": True, "bank": bank.bank.id, "questions": len(bank.questions), "warnings": warnings},
        "\n".join(lines),
    )
    return 0


def unmatchable_forms(bank: Bank) -> list[str]:
    """Spoken forms made only of glue words ("just slash"): they can never be matched."""
    return [
        f"{q.id} / {item.id}: the form {form!r} has only glue words and is ignored; add a content word"
        for q in bank.questions
        for item in [*q.concepts, *q.red_flags]
        for form in item.say
        if compile_form(form) is None
    ]

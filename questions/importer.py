"""Import the plain-text question format into a bank, for the user to review.

The format: blocks separated by blank lines; a block's first line is the question's title, the rest
describes it, either in prose ("This tests ... A strong answer ... Red flag: ...") or with the
markers WHAT IT TESTS / ANSWER OUTLINE / RED FLAG. Concepts and red flags are extracted
automatically: code identifiers and key phrases, with spoken forms from the matcher's normalizer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from questions.errors import BankError
from questions.loader import bank_from_data, read_text
from questions.model import Bank
from questions.normalize import STOPWORDS, normalized_text, tokenize
from questions.stack import stack_of_text

_MARKERS = re.compile(r"\b(WHAT IT TESTS|ANSWER OUTLINE|RED FLAG)\s*:", re.IGNORECASE)
_RED_FLAG = re.compile(r"(?:\bred flag\s*(?::|is)\s*|\ba red flag is\s*)", re.IGNORECASE)
_TESTS_LEAD = re.compile(r"^(?:this\s+|it\s+)?tests?\s+(?:whether|if|your|you|the)?\b", re.IGNORECASE)
_OUTLINE_LEAD = re.compile(
    r"^(?:a\s+)?(?:great|strong|good)\s+answers?\s+(?:\w+\s+)?|^answer\s*:\s*|^strong answers\s+",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])")
_CLAUSE = re.compile(r";\s*|,\s+(?:then\s+|and\s+|while\s+)?|\s+(?:then|while|and then)\s+")
# Code-looking words: dotted names, snake_case, calls, decorators, camelCase, acronyms.
_IDENTIFIER = re.compile(
    r"@?[A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)+(?:\([^)]*\))?|@?[A-Za-z]+_\w+(?:\([^)]*\))?"
    r"|[A-Za-z]+\([^)]*\)|\b[a-z]+[A-Z]\w*|\b[A-Z][a-z]+[A-Z]\w*|\b[A-Z]{2,}\w*"
)
_OPERATORS = {"gt": "greater than", "ge": "at least", "lt": "less than", "le": "at most"}
_TOPICS = {
    "fastapi": ("fastapi", "router", "depends", "endpoint", "response_model"),
    "pydantic": ("pydantic", "basemodel", "field", "validator"),
    "asyncio": ("async", "await", "coroutine", "event loop", "task", "contextvar"),
}


@dataclass
class _Block:
    line: int
    title: str
    body: str


def import_text_file(path: Path, name: str | None = None) -> Bank:
    """Read the plain-text format from ``path`` into a validated bank."""
    return import_text(read_text(path), path, name)


def import_text(text: str, path: Path, name: str | None = None) -> Bank:
    blocks = _blocks(text, path)
    seen: dict[str, int] = {}
    for block in blocks:
        key = block.title.casefold().rstrip("?. ")
        if key in seen:
            raise BankError(
                path,
                f"duplicate question title {block.title!r} (first at line {seen[key]})",
                "remove or reword one of the two",
                block.line,
            )
        seen[key] = block.line
    ids: set[str] = set()
    questions = [_question(b, ids) for b in blocks]
    stem = path.stem if path.name else "imported"
    data = {
        "bank": {
            "id": _slug(stem, 8) or "imported",
            "name": name or stem.replace("-", " ").replace("_", " ").strip() or "Imported bank",
            "version": "1.0.0",
            "description": f"Imported from {path.name}; review the concepts' spoken forms.",
            "stack": stack_of_text(text),
        },
        "questions": questions,
    }
    return bank_from_data(path, data)


def _blocks(text: str, path: Path) -> list[_Block]:
    blocks: list[_Block] = []
    current: list[tuple[int, str]] = []
    for number, raw in enumerate([*text.splitlines(), ""], 1):
        line = raw.strip()
        if line:
            current.append((number, line))
            continue
        if current:
            blocks.append(_block(current, path))
            current = []
    if not blocks:
        raise BankError(path, "has no questions", "write a title line, then its description")
    return blocks


def _block(lines: list[tuple[int, str]], path: Path) -> _Block:
    number, title = lines[0]
    if len(lines) < 2:
        raise BankError(
            path,
            f"question {title[:60]!r} has no description",
            "put the description on the line after the title, and a blank line between questions",
            number,
        )
    if len(title) > 300 or not re.search(r"[A-Za-z]{2}", title):
        raise BankError(
            path, "this does not look like a question title", "start each block with a title", number
        )
    return _Block(number, title, " ".join(text for _, text in lines[1:]))


def _split_sections(body: str) -> tuple[str, str, str]:
    """(what it tests, outline, red flag) from marked or prose descriptions."""
    if _MARKERS.search(body):
        parts = _MARKERS.split(body)
        found = {parts[i].upper(): parts[i + 1].strip() for i in range(1, len(parts) - 1, 2)}
        return found.get("WHAT IT TESTS", ""), found.get("ANSWER OUTLINE", ""), found.get("RED FLAG", "")
    red_flag = ""
    m = _RED_FLAG.search(body)
    if m:
        red_flag, body = body[m.end() :].strip(), body[: m.start()].strip()
    sentences = _SENTENCE.split(body)
    tests = sentences[0] if sentences and _TESTS_LEAD.match(sentences[0]) else ""
    outline = " ".join(sentences[1:] if tests else sentences)
    return tests, outline, red_flag


def _question(block: _Block, ids: set[str]) -> dict:
    tests, outline, red_flag = _split_sections(block.body)
    qid = _unique(_slug(block.title, 6) or "question", ids)
    concepts = _concepts(outline or tests)
    if not concepts:
        concepts = [{"id": "main-point", "label": block.title, "say": [block.title]}]
    question = {
        "id": qid,
        "title": block.title,
        "topic": _topic(block.title + " " + block.body),
        "tests": tests,
        "outline": block.body,
        "concepts": concepts,
        "vocabulary": sorted({i for i in _IDENTIFIER.findall(block.title + " " + block.body)}),
    }
    red_forms = _forms(red_flag) if red_flag else []
    if red_forms:  # too short to say ("Red flag: no."): it stays in the outline, not a judged flag
        question["red_flags"] = [
            {"id": "red-flag", "label": f"Red flag: {red_flag.rstrip('.')}", "say": red_forms}
        ]
    return question


def _concepts(outline: str) -> list[dict]:
    concepts: list[dict] = []
    ids: set[str] = set()
    for sentence in _SENTENCE.split(outline):
        sentence = _OUTLINE_LEAD.sub("", sentence.strip()).strip()
        for clause in _CLAUSE.split(sentence):
            clause = clause.strip(" .")
            forms = _forms(clause)
            if not forms or len(normalized_text(clause).split()) < 2:
                continue
            label = clause[0].upper() + clause[1:]
            concepts.append({"id": _unique(_slug(clause, 4) or "point", ids), "label": label, "say": forms})
    return concepts


def _forms(clause: str) -> list[str]:
    """Spoken forms for one clause: its identifiers as spoken, then its key phrase."""
    forms: list[str] = []
    for ident in _IDENTIFIER.findall(clause):
        spoken = normalized_text(ident)
        if len(spoken.replace(" ", "")) >= 4:
            forms.append(spoken)
        for op, words in _OPERATORS.items():
            if re.search(rf"\b{op}\s*=", ident):
                forms.append(re.sub(rf"\b{op}\b", words, spoken))
    content = [t.text for t in tokenize(clause) if not t.is_stop and len(t.text) > 2]
    if len(content) >= 2:
        forms.append(" ".join(content[:4]))
        if len(content) >= 4:
            forms.append(" ".join(content[:2]) + " + " + " ".join(content[-2:]))
    unique = list(dict.fromkeys(f for f in forms if f.strip()))
    return unique


def _topic(text: str) -> str:
    lowered = text.lower()
    scores = {topic: sum(lowered.count(k) for k in keys) for topic, keys in _TOPICS.items()}
    best = max(scores, key=scores.get)
    return best if scores[best] else "general"


def _slug(text: str, words: int) -> str:
    parts = [w for w in normalized_text(text).split() if w not in STOPWORDS][:words]
    return "-".join(re.sub(r"[^a-z0-9]", "", w) for w in parts if re.sub(r"[^a-z0-9]", "", w))


def _unique(slug: str, taken: set[str]) -> str:
    candidate, n = slug, 2
    while candidate in taken:
        candidate, n = f"{slug}-{n}", n + 1
    taken.add(candidate)
    return candidate

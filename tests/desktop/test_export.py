"""Session exports: everything a person needs to review an attempt, and user text kept inert."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest

from audio.transcript import Transcript
from desktop.export import export_session, mean_coverage, session_html, session_markdown
from desktop.records import AttemptRecord, SessionRecord
from questions.judgement import HeardAs
from questions.matching import Matcher

T0 = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)
SCRIPT = "<script>alert(1)</script>"
METRICS = {
    "words_per_minute": 142.3,
    "pause_count": 2,
    "long_pauses": [{"start": 3.0, "duration": 3.5, "after_word": "cancel"}],
    "hesitations": None,
    "discourse_fillers": 1,
}


def _attempt(
    matcher: Matcher, question_id: str, text: str | None, minute: int, **fields: object
) -> AttemptRecord:
    question = matcher.bank.question(question_id)
    judged = matcher.judge(question_id, text) if text is not None else None
    return AttemptRecord(
        id=minute,
        session_id=1,
        question_id=question_id,
        question_title=question.title,
        topic=question.topic,
        bank="builtin",
        started_at=T0 + timedelta(minutes=minute),
        transcript=Transcript(text=text, duration=6.0) if text is not None else None,
        judgement=judged,
        **fields,  # type: ignore[arg-type]
    )


@pytest.fixture
def session(matcher: Matcher) -> SessionRecord:
    cancel = _attempt(
        matcher,
        "cancel-asyncio-task",
        "call task.cancel and await it, catch CancelledError",
        1,
        metrics=METRICS,
        self_rating=4,
        duration=6.0,
        note="Forgot the finally block",
    )
    assert cancel.judgement is not None
    heard = HeardAs.model_validate({"heard": "a sink", "as": "async", "start": 0, "end": 6})
    hit = cancel.judgement.covered[0].model_copy(update={"heard_as": [heard]})
    cancel.judgement.covered[0] = hit
    flagged = _attempt(
        matcher,
        "event-loop-cooperative-multitasking",
        f"The event loop runs tasks in parallel {SCRIPT} and tasks give up control at each await.",
        2,
    )
    rejected = _attempt(
        matcher,
        "include-router",
        "Create an APIRouter and call app.include_router(router). I would not rewrite the endpoints "
        "by hand in main.",
        3,
        typed=True,
    )
    skipped = _attempt(matcher, "declare-dependency", None, 4, status="skipped")
    skipped = skipped.model_copy(update={"question_title": "<img src=x onerror=alert(2)>"})
    return SessionRecord(
        id=1, kind="mock", bank="builtin", started_at=T0, think_seconds=15, answer_seconds=120,
        attempts=[cancel, flagged, rejected, skipped],
    )  # fmt: skip


def test_markdown_carries_every_part_of_each_attempt(session: SessionRecord) -> None:
    md = session_markdown(session)
    cancel, flagged, rejected, _ = session.attempts
    assert md.startswith("# Mock interview\n")
    assert "**Attempts:** 4" in md
    assert f"{round(mean_coverage(session) * 100)}% over 3 judged" in md  # type: ignore[operator]
    assert "think 15 s, answer 120 s" in md
    assert cancel.question_title in md and "**Topic:** asyncio" in md
    assert f"**Coverage:** {round(cancel.coverage * 100)}%" in md  # type: ignore[operator]
    hit = cancel.judgement.covered[0]  # type: ignore[union-attr]
    assert f"✓ covered: **{hit.label}** — said “call task.cancel” (heard “a sink” as “async”)" in md
    for miss in cancel.judgement.missed:  # type: ignore[union-attr]
        assert f"✗ missed: {miss.label}" in md
    flag = flagged.judgement.red_flags[0]  # type: ignore[union-attr]
    assert f"⚠ red flag: **{flag.label}** — said “runs tasks in parallel”" in md
    assert rejected.judgement.rejected_red_flags[0].label.split(" (")[0] in md  # type: ignore[union-attr]
    assert "- Words per minute: 142" in md and "- Pauses: 2 (1 of 3 s or more)" in md
    assert "- Hesitations (um, uh): not measured" in md
    assert "> call task.cancel and await it, catch CancelledError" in md
    assert "**Self-rating:** 4/5" in md and "**Self-rating:** not rated" in md
    assert "Forgot the finally block" in md
    assert "complete (typed)" in md and "**Status:** skipped" in md
    # User text cannot become raw HTML in a Markdown viewer.
    assert SCRIPT not in md and "\\<script\\>" in md
    assert "<img" not in md.replace("\\<img", "")


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += [name for name, _ in attrs]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_is_standalone_and_user_text_is_inert(session: SessionRecord) -> None:
    page = session_html(session)
    parsed = _Tags()
    parsed.feed(page)
    assert page.startswith("<!DOCTYPE html>") and "</html>" in page
    assert "script" not in parsed.tags and "img" not in parsed.tags
    assert not [name for name in parsed.attributes if name.startswith("on")]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    # Read back as text, the transcript says exactly what was said.
    assert SCRIPT in "".join(parsed.text)
    assert "<img src=x onerror=alert(2)>" in "".join(parsed.text)


def test_html_marks_results_with_words_and_symbols_not_only_colour(session: SessionRecord) -> None:
    page = session_html(session)
    text = "".join(_text_of(page))
    for word in ("✓ covered", "✗ missed", "⚠ red flag", "✓ rejected"):
        assert word in text
    assert "Hesitations (um, uh)" in text and "not measured" in text
    # The transcript marks the words that earned a credit or a flag, each followed by its symbol.
    assert '<mark class="covered" title="covered: ' in page
    assert '>runs tasks in parallel</mark><sup aria-label="flag">⚠</sup>' in page


def _text_of(page: str) -> list[str]:
    parsed = _Tags()
    parsed.feed(page)
    return parsed.text


@pytest.mark.parametrize("name", ["session.md", "session.markdown", "Session.HTML", "session.htm"])
def test_export_writes_by_suffix_atomically(tmp_path: Path, session: SessionRecord, name: str) -> None:
    target = tmp_path / name
    target.write_text("old content", encoding="utf-8")
    export_session(session, target)
    content = target.read_text(encoding="utf-8")
    if name.lower().endswith((".html", ".htm")):
        assert content == session_html(session)
    else:
        assert content == session_markdown(session)
    assert [p.name for p in tmp_path.iterdir()] == [name]  # no temp file left behind


def test_export_refuses_an_unknown_suffix_and_names_the_allowed_ones(
    tmp_path: Path, session: SessionRecord
) -> None:
    with pytest.raises(ValueError, match=r"\.md, \.markdown, \.html, \.htm"):
        export_session(session, tmp_path / "session.pdf")
    assert list(tmp_path.iterdir()) == []


def test_a_session_without_judged_attempts_exports_cleanly() -> None:
    empty = SessionRecord(kind="practice", bank="builtin", started_at=T0)
    assert "not judged over 0 judged" in session_markdown(empty)
    assert "<h2>" not in session_html(empty)


def test_exports_say_why_an_answer_about_another_stack_scored_nothing(matcher: Matcher) -> None:
    java = _attempt(matcher, "asyncio-lock-vs-threading-lock", "In Java I'd use a synchronized block.", 1)
    session = SessionRecord(
        id=2, kind="practice", bank="builtin", started_at=T0, think_seconds=15, answer_seconds=120,
        attempts=[java],
    )  # fmt: skip
    assert java.judgement is not None and java.judgement.other_stack == "Java"
    note = java.judgement.other_stack_note()
    assert note in session_markdown(session)
    assert note in session_html(session)

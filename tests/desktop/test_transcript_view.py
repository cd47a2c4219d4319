"""The transcript view: evidence marked by more than colour, heard-as tooltips, click a word to seek."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCharFormat, QTextCursor
from pytestqt.qtbot import QtBot

from audio.transcript import Repair, Transcript, Word
from desktop.ui.widgets.transcript_view import TranscriptView, align_words
from questions.judgement import Judgement
from questions.matching import Matcher

DATA = Path(__file__).parents[1] / "data"
BLOCKING = (
    "calling time.sleep inside an async def blocks the event loop, use asyncio.to_thread or run_in_executor"
)
LOCK = "asyncio-lock-vs-threading-lock"


def answer(answer_id: str) -> str:
    for line in (DATA / "answers_dev.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["id"] == answer_id:
            return row["text"]
    raise KeyError(answer_id)


def timed(text: str, leading_space: bool = True) -> Transcript:
    """A transcript whose words are 0.4 s apart, as Whisper would give them."""
    words = [
        Word(word=(" " if leading_space else "") + w, start=round(i * 0.4, 2), end=round(i * 0.4 + 0.3, 2))
        for i, w in enumerate(text.split())
    ]
    return Transcript(text=text, words=words, duration=len(words) * 0.4)


def char_format(view: TranscriptView, offset: int) -> QTextCharFormat:
    """The format of transcript character ``offset`` as displayed."""
    cursor = QTextCursor(view.document())
    cursor.setPosition(view.document_position(offset) + 1)
    return cursor.charFormat()


def shown_before(view: TranscriptView, offset: int, chars: int = 30) -> str:
    """The displayed text (markers included) just before transcript character ``offset``."""
    at = view.document_position(offset)
    return view.toPlainText()[max(0, at - chars) : at]


def word_point(view: TranscriptView, offset: int) -> QPoint:
    cursor = QTextCursor(view.document())
    cursor.setPosition(view.document_position(offset))
    return view.cursorRect(cursor).center() + QPoint(3, 0)


@pytest.fixture
def view(qtbot: QtBot) -> TranscriptView:
    widget = TranscriptView()
    qtbot.addWidget(widget)
    widget.resize(600, 300)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_covered_evidence_is_underlined_with_a_tick_and_its_label(
    view: TranscriptView, matcher: Matcher
) -> None:
    judgement = matcher.judge("blocking-code-in-async", BLOCKING)
    view.set_attempt(judgement, timed(BLOCKING), BLOCKING)
    assert judgement.covered
    for hit in judgement.covered:
        for offset in range(hit.evidence.start, hit.evidence.end):
            fmt = char_format(view, offset)
            assert fmt.underlineStyle() == QTextCharFormat.UnderlineStyle.SingleUnderline
            assert hit.label in fmt.toolTip()
        assert "✓" in shown_before(view, hit.evidence.start, 12)
    # Markers are added to the display only: the words read as spoken.
    assert view.toPlainText().replace("✓\u202f", "") == BLOCKING


def test_red_flag_evidence_is_bold_and_wavy_with_a_warning_sign(
    view: TranscriptView, matcher: Matcher
) -> None:
    text = answer(f"{LOCK}/red_flag-1")
    judgement = matcher.judge(LOCK, text)
    view.set_attempt(judgement, timed(text), text)
    (flag,) = judgement.red_flags
    for offset in range(flag.evidence.start, flag.evidence.end):
        fmt = char_format(view, offset)
        assert fmt.fontWeight() >= 700
        assert fmt.underlineStyle() == QTextCharFormat.UnderlineStyle.WaveUnderline
        assert "Red flag" in fmt.toolTip()
    assert "⚠" in shown_before(view, flag.evidence.start, 12)


def test_rejected_red_flag_is_marked_a_third_way(view: TranscriptView, matcher: Matcher) -> None:
    text = answer(f"{LOCK}/rejection-1")
    judgement = matcher.judge(LOCK, text)
    view.set_attempt(judgement, timed(text), text)
    (rejected,) = judgement.rejected_red_flags
    fmt = char_format(view, rejected.evidence.end - 1)
    assert fmt.fontItalic()
    assert fmt.underlineStyle() == QTextCharFormat.UnderlineStyle.DashUnderline
    assert "rejected" in fmt.toolTip()
    assert "⊘" in shown_before(view, rejected.evidence.start, 12)


def test_near_miss_the_matcher_accepted_says_heard_as(view: TranscriptView, matcher: Matcher) -> None:
    text = "use an asyncio lok when coroutines share state, a threading lock blocks the os thred"
    judgement = matcher.judge(LOCK, text)
    view.set_attempt(judgement, timed(text), text)
    start = text.index("lok")
    assert "Heard as “asyncio lok”, counted as “asyncio lock”" in char_format(view, start).toolTip()


def test_transcriber_repair_says_heard_as(view: TranscriptView) -> None:
    text = "wrap it in asyncio.to_thread and await it"
    transcript = timed(text).model_copy(
        update={"repairs": [Repair(heard="a sink io to thread", as_="asyncio.to_thread", start=1.2)]}
    )
    view.set_attempt(None, transcript, text)
    fmt = char_format(view, text.index("to_thread"))
    assert fmt.toolTip() == "Heard as “a sink io to thread”, corrected to “asyncio.to_thread”"
    assert fmt.underlineStyle() == QTextCharFormat.UnderlineStyle.DotLine


@pytest.mark.parametrize("leading_space", [True, False])
def test_clicking_a_word_asks_to_play_from_its_start(
    view: TranscriptView, matcher: Matcher, qtbot: QtBot, leading_space: bool
) -> None:
    transcript = timed(BLOCKING, leading_space)
    view.set_attempt(matcher.judge("blocking-code-in-async", BLOCKING), transcript, BLOCKING)
    for index in (6, 12):  # "blocks", and "asyncio.to_thread" inside a covered span
        span = view.word_span(index)
        assert span is not None
        with qtbot.waitSignal(view.seek_requested) as seek:
            qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=word_point(view, span[0]))
        assert seek.args == [transcript.words[index].start]


def test_typed_answer_has_no_words_to_seek(view: TranscriptView, matcher: Matcher, qtbot: QtBot) -> None:
    judgement: Judgement = matcher.judge("blocking-code-in-async", BLOCKING)
    view.set_attempt(judgement, None, BLOCKING)
    with qtbot.assertNotEmitted(view.seek_requested, wait=50):
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=word_point(view, 40))
    assert view.text == BLOCKING


def test_played_word_is_highlighted(view: TranscriptView) -> None:
    view.set_attempt(None, timed(BLOCKING), BLOCKING)
    view.highlight_time(6 * 0.4 + 0.1)  # inside "blocks"
    (selection,) = view.extraSelections()
    assert selection.cursor.selectedText() == "blocks"
    assert selection.format.fontOverline()  # more than a tint
    view.highlight_time(999.0)  # long after the last word
    assert view.extraSelections() == []


def test_words_are_found_with_or_without_whisper_spaces_and_around_edits() -> None:
    text = "So, the loop freezes. Then it resumes"
    words = [Word(word=w, start=0, end=0) for w in [" So,", "the", " lop", " freezes.", "Then", " it"]]
    spans = align_words(text, words)
    assert [text[s[0] : s[1]] if s else None for s in spans] == ["So,", "the", None, "freezes.", "Then", "it"]

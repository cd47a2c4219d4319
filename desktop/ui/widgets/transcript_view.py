"""The transcript of one attempt, with the evidence the judgement rests on marked in the text.

Covered points, red flags and rejected pitfalls each get a symbol before the span, an underline
style and a tint, so colour is never the only signal. Words with times are links: clicking one asks
to play the recording from there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QColor, QFont, QResizeEvent, QTextCharFormat, QTextCursor, QTextFormat
from PySide6.QtWidgets import QTextBrowser, QTextEdit, QWidget

from audio.transcript import Transcript, Word
from questions.judgement import Judgement

COVERED, FLAG, REJECTED, HEARD = "covered", "flag", "rejected", "heard"
MARKERS = {COVERED: "✓", FLAG: "⚠", REJECTED: "⊘"}  # shown before a span; HEARD has none
LEGEND = (
    "✓ underlined: a point you covered · ⚠ wavy, bold: a red flag · ⊘ dashed, italic: a pitfall you "
    "named and rejected · dotted: heard as another word (hover to see)"
)
_SEEK = "seek:"
_MAX_LINES = 16  # taller answers scroll inside the view


@dataclass(frozen=True)
class Mark:
    """A span of the shown text ``[start, end)`` with what it means and the tooltip that says so."""

    kind: str
    start: int
    end: int
    tip: str


@dataclass
class _Run:
    text: str
    source: int | None  # offset into the transcript; None for an inserted marker
    kinds: frozenset[str] = frozenset()
    tips: tuple[str, ...] = ()
    word: int | None = None
    markers: list[Mark] = field(default_factory=list)


def align_words(text: str, words: list[Word]) -> list[tuple[int, int] | None]:
    """Character span of each word in ``text``, searched in order; None where a word is not found.

    Words may or may not carry Whisper's leading space, and the text may differ slightly (a repair,
    punctuation), so each word is looked up a short way ahead of the previous one.
    """
    spans: list[tuple[int, int] | None] = []
    cursor = 0
    folded = text.casefold()
    for word in words:
        needle = word.word.strip().casefold()
        at = folded.find(needle, cursor) if needle else -1
        if at < 0 or at - cursor > 40 + len(needle):
            spans.append(None)
            continue
        spans.append((at, at + len(needle)))
        cursor = at + len(needle)
    return spans


def judgement_marks(judgement: Judgement) -> list[Mark]:
    """Marks for the evidence of covered points, red flags, rejected pitfalls and accepted near-misses."""
    marks: list[Mark] = []
    for hit in judgement.covered:
        how = "said in other words" if hit.match == "meaning" else "said in words"
        marks.append(Mark(COVERED, hit.evidence.start, hit.evidence.end, f"✓ Covered ({how}): {hit.label}"))
        for near in hit.heard_as:
            tip = f"Heard as “{near.heard}”, counted as “{near.as_}”"
            marks.append(Mark(HEARD, near.start, near.end, tip))
    for flag in judgement.red_flags:
        marks.append(Mark(FLAG, flag.evidence.start, flag.evidence.end, f"⚠ Red flag: {flag.label}"))
    for flag in judgement.rejected_red_flags:
        tip = f"⊘ You named this pitfall and rejected it: {flag.label}"
        marks.append(Mark(REJECTED, flag.evidence.start, flag.evidence.end, tip))
    return marks


def repair_marks(text: str, transcript: Transcript, spans: list[tuple[int, int] | None]) -> list[Mark]:
    """Marks for words the transcriber corrected against the question's vocabulary."""
    marks: list[Mark] = []
    for repair in transcript.repairs:
        tip = f"Heard as “{repair.heard}”, corrected to “{repair.as_}”"
        found = None
        if repair.start is not None:
            for word, span in zip(transcript.words, spans, strict=True):
                if span is not None and abs(word.start - repair.start) < 1e-3:
                    found = span
                    break
        if found is None:  # no timing: the first place the corrected term appears
            match = re.search(re.escape(repair.as_), text, re.IGNORECASE)
            found = (match.start(), match.end()) if match else None
        if found is not None:
            start, end = found
            if text[start:].casefold().startswith(repair.as_.casefold()):
                end = start + len(repair.as_)  # a repaired term may be longer than the word it replaced
            marks.append(Mark(HEARD, start, end, tip))
    return marks


def snap_to_words(text: str, start: int, end: int, reach: int = 30) -> tuple[int, int]:
    """Widen ``[start, end)`` to whole words: evidence may begin inside one ("don|'t think")."""
    first, last = start, end
    while first > 0 and start - first < reach and not text[first - 1].isspace():
        first -= 1
    while last < len(text) and last - end < reach and (text[last].isalnum() or text[last] in "_'"):
        last += 1
    return first, last


def build_runs(text: str, marks: list[Mark], spans: list[tuple[int, int] | None]) -> list[_Run]:
    """Split the text into runs of equal marking, with a marker run before each marked span."""
    n = len(text)
    kinds: list[set[str]] = [set() for _ in range(n)]
    tips: list[list[str]] = [[] for _ in range(n)]
    word_of: list[int | None] = [None] * n
    starts: dict[int, list[Mark]] = {}
    for mark in marks:
        start, end = max(0, min(mark.start, n)), max(0, min(mark.end, n))
        if start >= end:
            continue
        start, end = snap_to_words(text, start, end)
        starts.setdefault(start, []).append(mark)
        for i in range(start, end):
            kinds[i].add(mark.kind)
            if mark.tip not in tips[i]:
                tips[i].append(mark.tip)
    for index, span in enumerate(spans):
        if span is not None:
            for i in range(span[0], min(span[1], n)):
                word_of[i] = index
    runs: list[_Run] = []
    for i in range(n):
        for kind, symbol in MARKERS.items():
            here = [m for m in starts.get(i, []) if m.kind == kind]
            if here:  # one symbol per kind, even when two points start at the same word
                runs.append(_Run(symbol + "\u202f", None, tips=tuple(m.tip for m in here), markers=here))
        key = (frozenset(kinds[i]), tuple(tips[i]), word_of[i])
        last = runs[-1] if runs else None
        if last is not None and last.source is not None and (last.kinds, last.tips, last.word) == key:
            last.text += text[i]
        else:
            runs.append(_Run(text[i], i, *key))
    return runs


def _format(run: _Run, palette_text: QColor) -> QTextCharFormat:
    fmt = QTextCharFormat()
    if run.tips:
        fmt.setToolTip("\n".join(run.tips))
    if run.source is None:  # a marker: small, bold, never a link
        fmt.setFontWeight(QFont.Weight.Bold)
        kind = run.markers[0].kind
        fmt.setForeground(_tint(kind, 255) if kind != FLAG else QColor(190, 30, 30))
        return fmt
    if run.word is not None:
        fmt.setAnchor(True)
        fmt.setAnchorHref(f"{_SEEK}{run.word}")
        fmt.setForeground(palette_text)
    if FLAG in run.kinds:
        fmt.setFontWeight(QFont.Weight.Bold)
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
        fmt.setUnderlineColor(QColor(190, 30, 30))
        fmt.setBackground(_tint(FLAG, 50))
    elif REJECTED in run.kinds:
        fmt.setFontItalic(True)
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DashUnderline)
        fmt.setUnderlineColor(_tint(REJECTED, 255))
        fmt.setBackground(_tint(REJECTED, 40))
    elif COVERED in run.kinds:
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
        fmt.setUnderlineColor(_tint(COVERED, 255))
        fmt.setBackground(_tint(COVERED, 45))
    elif HEARD in run.kinds:
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DotLine)
    return fmt


def _tint(kind: str, alpha: int) -> QColor:
    # Translucent tints read on light and dark palettes alike.
    rgb = {COVERED: (30, 140, 70), FLAG: (220, 50, 50), REJECTED: (60, 100, 210)}[kind]
    return QColor(*rgb, alpha)


class TranscriptView(QTextBrowser):
    """Read-only transcript; ``seek_requested(seconds)`` when a timed word is clicked."""

    seek_requested = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setTabChangesFocus(True)  # hundreds of word links must not trap keyboard focus
        self.setAccessibleName("Transcript")
        self.anchorClicked.connect(self._on_anchor)
        self._words: list[Word] = []
        self._spans: list[tuple[int, int] | None] = []
        self._doc_pos: list[int] = []
        self._marks: list[Mark] = []
        self._text = ""
        self._last_width = -1

    @property
    def text(self) -> str:
        """The transcript as shown, without the inserted markers."""
        return self._text

    @property
    def marks(self) -> list[Mark]:
        return list(self._marks)

    def set_attempt(self, judgement: Judgement | None, transcript: Transcript | None, text: str) -> None:
        """Show an attempt; the judgement's own transcript is shown when given (its offsets point there)."""
        shown = judgement.transcript if judgement is not None else text
        self._text = shown
        self._words = list(transcript.words) if transcript is not None else []
        self._spans = align_words(shown, self._words)
        self._marks = judgement_marks(judgement) if judgement is not None else []
        if transcript is not None:
            self._marks += repair_marks(shown, transcript, self._spans)
        self.clear()
        self._doc_pos = [0] * (len(shown) + 1)
        cursor = QTextCursor(self.document())
        text_colour = self.palette().text().color()
        cursor.beginEditBlock()  # one layout pass for the whole text, not one per inserted run
        for run in build_runs(shown, self._marks, self._spans):
            at = cursor.position()
            if run.source is not None:
                for i in range(len(run.text)):
                    self._doc_pos[run.source + i] = at + i
            cursor.insertText(run.text, _format(run, text_colour))
        cursor.endEditBlock()
        self._doc_pos[len(shown)] = cursor.position()
        if not shown:
            self.setPlaceholderText("Nothing was said or typed in this attempt.")
        self.setExtraSelections([])
        self.moveCursor(QTextCursor.MoveOperation.Start)
        self._fit_height()

    def document_position(self, offset: int) -> int:
        """Where character ``offset`` of the transcript sits in the document (markers shift it)."""
        return self._doc_pos[max(0, min(offset, len(self._doc_pos) - 1))]

    def word_span(self, index: int) -> tuple[int, int] | None:
        """Character span of word ``index`` in the shown text, if it was found there."""
        return self._spans[index] if 0 <= index < len(self._spans) else None

    def highlight_time(self, seconds: float) -> None:
        """Mark the word being played at ``seconds`` (nothing when no word is)."""
        index = _word_at_time(self._words, seconds)
        span = self.word_span(index) if index is not None else None
        if span is None:
            self.setExtraSelections([])
            return
        selection = QTextEdit.ExtraSelection()
        cursor = QTextCursor(self.document())
        cursor.setPosition(self.document_position(span[0]))
        cursor.setPosition(self.document_position(span[1] - 1) + 1, QTextCursor.MoveMode.KeepAnchor)
        selection.cursor = cursor
        fmt = QTextCharFormat()
        highlight = QColor(self.palette().highlight().color())
        highlight.setAlpha(110)
        fmt.setBackground(highlight)
        fmt.setFontOverline(True)  # the played word is marked by more than its tint
        fmt.setProperty(QTextFormat.Property.FullWidthSelection, False)
        selection.format = fmt
        self.setExtraSelections([selection])
        visible = QTextCursor(cursor)
        visible.clearSelection()
        self.setTextCursor(visible)
        self.ensureCursorVisible()

    def _on_anchor(self, url: QUrl) -> None:
        href = url.toString()
        if href.startswith(_SEEK):
            index = int(href[len(_SEEK) :])
            if 0 <= index < len(self._words):
                self.seek_requested.emit(float(self._words[index].start))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != self._last_width:
            self._last_width = event.size().width()
            self._fit_height()

    def _fit_height(self) -> None:
        """As tall as the text up to a cap, so short answers leave no empty box and long ones scroll."""
        doc = self.document()
        doc.setTextWidth(self.viewport().width())
        line = self.fontMetrics().lineSpacing()
        wanted = int(doc.size().height()) + 2 * self.frameWidth() + 4
        self.setFixedHeight(max(3 * line, min(wanted, _MAX_LINES * line)))


def _word_at_time(words: list[Word], seconds: float) -> int | None:
    """The word spoken at ``seconds``, or the last one begun before it (through a short pause)."""
    best = None
    for index, word in enumerate(words):
        if word.start <= seconds:
            best = index
        else:
            break
    if best is not None and seconds - words[best].end > 1.0:
        return None  # inside a long pause: no word is being played
    return best

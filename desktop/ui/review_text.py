"""An attempt's judgement and speech metrics as text: the HTML and lines the review screens show.

Pure formatting (no widgets), so the same words serve the review, the mock-interview summary and
their tests.
"""

from __future__ import annotations

from html import escape
from typing import Any

from desktop.retake import RetakeDiff
from desktop.ui.widgets.transcript_view import snap_to_words
from questions.judgement import Evidence, Judgement


def clock(seconds: float) -> str:
    """``75.4`` → ``"1:15"``."""
    whole = max(0, int(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


def metrics_rows(metrics: dict[str, Any]) -> list[tuple[str, str]]:
    """Label and value lines for ``SpeechMetrics`` JSON; what was not measured says so, never 0."""
    wpm = metrics.get("words_per_minute")
    pauses = metrics.get("pause_count")
    long_pauses = len(metrics.get("long_pauses") or [])
    hesitations = metrics.get("hesitations")
    fillers = metrics.get("discourse_filler_counts") or {}
    if hesitations is None:
        hesitation_text = "not measured"
    elif metrics.get("hesitations_measured_by") == "transcript":
        hesitation_text = f"at least {hesitations} (the recogniser drops most of them)"
    else:
        hesitation_text = str(hesitations)
    plural = "" if pauses == 1 else "s"
    pause_text = "not measured" if pauses is None else f"{pauses or 'no'} pause{plural} over 0.6 s"
    if long_pauses:
        pause_text += f", {long_pauses} of them 3 s or longer"
    filler_items = sorted(fillers.items(), key=lambda kv: (-kv[1], kv[0]))
    return [
        ("Pace", "not measured" if wpm is None else f"{wpm:.0f} words per minute"),
        ("Speaking time", clock(metrics.get("speaking_time") or 0.0)),
        ("Pauses", pause_text),
        ("Hesitations (um, uh)", hesitation_text),
        ("Fillers", ", ".join(f"{p} ×{n}" for p, n in filler_items) or "none heard"),
    ]


def _quote(judgement: Judgement, evidence: Evidence) -> str:
    """The evidence widened to whole words, as the transcript shows it."""
    start, end = snap_to_words(judgement.transcript, evidence.start, evidence.end)
    text = (
        judgement.transcript[start:end]
        if judgement.transcript[evidence.start : evidence.end] == evidence.text
        else evidence.text
    )
    return f"“{escape(text)}”"


def points_html(judgement: Judgement) -> str:
    """Covered and missed points, each with a symbol and a word as well as its colour."""
    lines = ["<h3>Points</h3>"]
    if judgement.other_stack:
        other, note = escape(judgement.other_stack), escape(judgement.other_stack_note())
        lines.append(f"<p>⊘ <b>about {other}</b> — {note}</p>")
    elif judgement.off_topic:
        lines.append(f"<p>⊘ <b>off topic</b> — {escape(judgement.off_topic_note())}</p>")
    for hit in judgement.covered:
        how = "said in other words" if hit.match == "meaning" else "said in words"
        lines.append(
            f"<p>✓ <b>covered</b> — {escape(hit.label)}<br>"
            f"<small>{how}: {_quote(judgement, hit.evidence)}</small></p>"
        )
    for miss in judgement.missed:
        lines.append(f"<p>✗ <b>missed</b> — {escape(miss.label)}</p>")
    return "".join(lines)


def flags_html(judgement: Judgement) -> str:
    """Red flags with what is wrong and the words that raised them; rejected pitfalls as credit."""
    lines = []
    if judgement.red_flags:
        lines.append("<h3>Red flags</h3>")
    for flag in judgement.red_flags:
        # A flag read from the whole answer shows the sentence that weighs most toward it.
        said = "the answer as a whole reads this way; most of all" if flag.match == "answer" else "you said"
        lines.append(
            f"<p>⚠ <b>red flag</b> — {escape(flag.label)}<br>"
            f"<small>{said}: {_quote(judgement, flag.evidence)}</small></p>"
        )
    for flag in judgement.rejected_red_flags:
        lines.append(
            f"<p>⊘ <b>pitfall rejected</b> — you named this pitfall and rejected it: {escape(flag.label)}<br>"
            f"<small>you said: {_quote(judgement, flag.evidence)}</small></p>"
        )
    return "".join(lines)


def retake_html(diff: RetakeDiff) -> str:
    """The "Since your last try" box: coverage change, then labels grouped by how they moved."""
    points = round(diff.coverage_delta * 100)
    change = "no change in coverage" if points == 0 else f"coverage {points:+d} points"
    lines = [f"<p><b>{'▲' if points > 0 else '▼' if points < 0 else '='} {change}</b></p>"]
    groups = [
        ("✓ Newly covered", diff.newly_covered),
        ("✓ Red flags cleared", diff.red_flags_cleared),
        ("▼ Covered last time, missed now", diff.lost),
        ("⚠ New red flags", diff.red_flags_new),
        ("✗ Still missing", diff.still_missing),
    ]
    for title, labels in groups:
        if labels:
            items = "".join(f"<li>{escape(label)}</li>" for label in labels)
            lines.append(f"<p>{title}:</p><ul style='margin-top:0'>{items}</ul>")
    return "".join(lines)

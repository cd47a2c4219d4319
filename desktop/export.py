"""A session written out for the person to keep or share: Markdown, or a standalone HTML page.

Both carry the same content per attempt. In HTML every piece of user text (transcripts, notes, and the
bank's labels, which may come from an imported file) is escaped, and the page runs no script. Covered,
missed and flagged items carry a symbol and a word, never colour alone.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from desktop.records import AttemptRecord, SessionRecord
from questions.loader import write_text_atomic

MARKDOWN_SUFFIXES = (".md", ".markdown")
HTML_SUFFIXES = (".html", ".htm")

COVERED, MISSED, FLAG, REJECTED = "✓ covered", "✗ missed", "⚠ red flag", "✓ rejected"
_KIND = {"practice": "Practice session", "mock": "Mock interview"}
_STATUS = {
    "complete": "complete",
    "skipped": "skipped",
    "failed": "not transcribed (the recording is kept)",
    "recording": "unfinished (interrupted while recording)",
}


# -- shared wording ----------------------------------------------------------------------------


def _when(moment: datetime) -> str:
    """Local time, as the person lived it."""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def _percent(value: float | None) -> str:
    return "not judged" if value is None else f"{round(value * 100)}%"


def _seconds(value: float) -> str:
    if value < 60:
        return f"{value:.1f} s"
    minutes, seconds = divmod(round(value), 60)
    return f"{minutes} min {seconds:02d} s"


def mean_coverage(session: SessionRecord) -> float | None:
    """Mean coverage of the session's judged attempts, or None when none was judged."""
    values = [a.coverage for a in session.attempts if a.coverage is not None]
    return sum(values) / len(values) if values else None


def _session_facts(session: SessionRecord) -> list[tuple[str, str]]:
    judged = sum(1 for a in session.attempts if a.coverage is not None)
    facts = [
        ("Date", _when(session.started_at)),
        ("Bank", session.bank),
        ("Attempts", str(len(session.attempts))),
        ("Mean coverage", f"{_percent(mean_coverage(session))} over {judged} judged"),
    ]
    if session.kind == "mock" and session.answer_seconds is not None:
        facts.append(("Timing", f"think {session.think_seconds or 0} s, answer {session.answer_seconds} s"))
    if session.aborted:
        facts.append(("Ended", "early (stopped before the last question)"))
    return facts


def _attempt_facts(attempt: AttemptRecord) -> list[tuple[str, str]]:
    if attempt.typed:
        how = " (typed)"
    else:
        how = f" (spoken, {_seconds(attempt.duration)})" if attempt.duration > 0 else ""
    rating = f"{attempt.self_rating}/5" if attempt.self_rating is not None else "not rated"
    return [
        ("Topic", attempt.topic),
        ("Question id", attempt.question_id),
        ("Date", _when(attempt.started_at)),
        ("Status", _STATUS.get(attempt.status, attempt.status) + how),
        ("Coverage", _percent(attempt.coverage)),
        ("Self-rating", rating),
    ]


def _metric_facts(metrics: dict[str, Any] | None) -> list[tuple[str, str]]:
    """The key speech measures; absent ones are left out, hesitations say when they were not measured."""
    if not metrics:
        return []
    facts: list[tuple[str, str]] = []
    wpm = metrics.get("words_per_minute")
    if wpm is not None:
        facts.append(("Words per minute", f"{wpm:.0f}"))
    if metrics.get("pause_count") is not None:
        long_pauses = len(metrics.get("long_pauses") or [])
        extra = f" ({long_pauses} of 3 s or more)" if long_pauses else ""
        facts.append(("Pauses", f"{metrics['pause_count']}{extra}"))
    if "hesitations" in metrics:
        count = metrics["hesitations"]
        facts.append(("Hesitations (um, uh)", "not measured" if count is None else str(count)))
    if metrics.get("discourse_fillers") is not None:
        facts.append(("Fillers (like, you know)", str(metrics["discourse_fillers"])))
    return facts


def _heard_as(hit: Any) -> str:
    return "; ".join(f"heard “{h.heard}” as “{h.as_}”" for h in hit.heard_as)


# -- Markdown ----------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*<>\[\]])")
_MD_LINE_START = re.compile(r"^(\s*)([#+-])", re.MULTILINE)


def _md(text: str) -> str:
    """User text made literal in Markdown: no raw HTML, links, code or emphasis slips through."""
    return _MD_LINE_START.sub(r"\1\\\2", _MD_SPECIAL.sub(r"\\\1", text))


def session_markdown(session: SessionRecord) -> str:
    """The session as a Markdown document."""
    out = [f"# {_KIND.get(session.kind, session.kind)}", ""]
    out += [f"- **{name}:** {_md(value)}" for name, value in _session_facts(session)]
    for number, attempt in enumerate(session.attempts, 1):
        out += ["", f"## {number}. {_md(attempt.question_title)}", ""]
        out += [f"- **{name}:** {_md(value)}" for name, value in _attempt_facts(attempt)]
        out += _markdown_judgement(attempt)
        metrics = _metric_facts(attempt.metrics)
        if metrics:
            out += ["", "### Speech", ""] + [f"- {name}: {value}" for name, value in metrics]
        out += ["", "### Transcript", ""]
        text = attempt.text.strip()
        out += [f"> {_md(line)}" for line in text.splitlines()] if text else ["(no transcript)"]
        if attempt.note.strip():
            out += ["", "### Note", "", _md(attempt.note.strip())]
    return "\n".join(out) + "\n"


def _markdown_judgement(attempt: AttemptRecord) -> list[str]:
    j = attempt.judgement
    if j is None:
        return []
    out: list[str] = []
    if j.nothing_counts_note():
        out += ["", f"_{_md(j.nothing_counts_note())}_"]
    if j.covered:
        out += ["", "### Covered", ""]
        for hit in j.covered:
            heard = f" ({_md(_heard_as(hit))})" if hit.heard_as else ""
            out.append(f"- {COVERED}: **{_md(hit.label)}** — said “{_md(hit.evidence.text)}”{heard}")
    if j.missed:
        out += ["", "### Missed", ""] + [f"- {MISSED}: {_md(miss.label)}" for miss in j.missed]
    if j.red_flags:
        out += ["", "### Red flags", ""]
        out += [f"- {FLAG}: **{_md(f.label)}** — said “{_md(f.evidence.text)}”" for f in j.red_flags]
    if j.rejected_red_flags:
        out += ["", "### Misconceptions named and rejected (to your credit)", ""]
        out += [f"- {REJECTED}: {_md(f.label)} — said “{_md(f.evidence.text)}”" for f in j.rejected_red_flags]
    return out


# -- HTML --------------------------------------------------------------------------------------

_CSS = """
:root { color-scheme: light dark; --ok: #1b6e3a; --bad: #9a3412; --miss: #57534e; --line: #d6d3d1; }
@media (prefers-color-scheme: dark) {
  :root { --ok: #86efac; --bad: #fdba74; --miss: #d6d3d1; --line: #44403c; }
}
body { font-family: system-ui, sans-serif; font-size: 100%; line-height: 1.5; margin: 0; }
main { max-width: 48rem; margin: 0 auto; padding: 1.5rem; }
section { border-top: 1px solid var(--line); margin-top: 2rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem; }
dt { font-weight: 600; } dd { margin: 0; }
ul { padding-left: 1.2rem; } li { margin: 0.3rem 0; }
.tag { font-weight: 600; white-space: nowrap; }
.covered .tag, .rejected .tag { color: var(--ok); }
.flag .tag { color: var(--bad); } .missed .tag { color: var(--miss); }
.evidence { font-style: italic; } .heard { font-size: 0.9em; opacity: 0.85; }
blockquote {
  margin: 0.5rem 0; padding: 0.5rem 1rem; border-left: 4px solid var(--line); white-space: pre-wrap;
}
mark.covered { background: color-mix(in srgb, var(--ok) 20%, transparent); color: inherit; }
mark.flag { background: color-mix(in srgb, var(--bad) 25%, transparent); color: inherit; }
mark.rejected { background: none; text-decoration: underline dotted; color: inherit; }
"""


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _dl(facts: list[tuple[str, str]]) -> str:
    rows = "".join(f"<dt>{_e(name)}</dt><dd>{_e(value)}</dd>" for name, value in facts)
    return f"<dl>{rows}</dl>"


def session_html(session: SessionRecord) -> str:
    """The session as a standalone HTML document (inline style, no script, all user text escaped)."""
    title = f"{_KIND.get(session.kind, session.kind)}, {_when(session.started_at)}"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        # Defence in depth: even a missed escape could not load or run anything.
        '<meta http-equiv="Content-Security-Policy"',
        " content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Viva Voce: {_e(title)}</title><style>{_CSS}</style></head>",
        f"<body><main><header><h1>{_e(_KIND.get(session.kind, session.kind))}</h1>",
        f"{_dl(_session_facts(session))}</header>",
    ]
    for number, attempt in enumerate(session.attempts, 1):
        parts.append(_html_attempt(number, attempt))
    parts.append("</main></body></html>\n")
    return "\n".join(parts)


def _item(kind: str, tag: str, label: str, evidence: str | None = None, extra: str = "") -> str:
    said = f' — said <span class="evidence">“{_e(evidence)}”</span>' if evidence else ""
    more = f' <span class="heard">({_e(extra)})</span>' if extra else ""
    return f'<li class="{kind}"><span class="tag">{_e(tag)}</span> {_e(label)}{said}{more}</li>'


def _html_attempt(number: int, attempt: AttemptRecord) -> str:
    parts = [f"<section><h2>{number}. {_e(attempt.question_title)}</h2>", _dl(_attempt_facts(attempt))]
    j = attempt.judgement
    if j is not None and j.nothing_counts_note():
        parts.append(f"<p><em>{_e(j.nothing_counts_note())}</em></p>")
    if j is not None:
        groups = [
            (
                "Covered",
                [_item("covered", COVERED, h.label, h.evidence.text, _heard_as(h)) for h in j.covered],
            ),
            ("Missed", [_item("missed", MISSED, m.label) for m in j.missed]),
            ("Red flags", [_item("flag", FLAG, f.label, f.evidence.text) for f in j.red_flags]),
            (
                "Misconceptions named and rejected (to your credit)",
                [_item("rejected", REJECTED, f.label, f.evidence.text) for f in j.rejected_red_flags],
            ),
        ]
        for heading, items in groups:
            if items:
                parts.append(f"<h3>{_e(heading)}</h3><ul>{''.join(items)}</ul>")
    metrics = _metric_facts(attempt.metrics)
    if metrics:
        parts.append(f"<h3>Speech</h3>{_dl(metrics)}")
    parts.append(f"<h3>Transcript</h3>{_html_transcript(attempt)}")
    if attempt.note.strip():
        parts.append(f"<h3>Note</h3><p>{_e(attempt.note.strip())}</p>")
    parts.append("</section>")
    return "\n".join(parts)


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    kind: str
    symbol: str
    title: str


def _html_transcript(attempt: AttemptRecord) -> str:
    """The transcript with the words that earned credit or a flag marked, by symbol as well as colour."""
    j = attempt.judgement
    text = j.transcript if j is not None else attempt.text
    if not text.strip():
        return "<p>(no transcript)</p>"
    spans: list[_Span] = []
    if j is not None:
        spans += [
            _Span(h.evidence.start, h.evidence.end, "covered", "✓", f"covered: {h.label}") for h in j.covered
        ]
        spans += [
            _Span(f.evidence.start, f.evidence.end, "flag", "⚠", f"red flag: {f.label}") for f in j.red_flags
        ]
        spans += [
            _Span(f.evidence.start, f.evidence.end, "rejected", "✓", f"rejected: {f.label}")
            for f in j.rejected_red_flags
        ]
    out, at = [], 0
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if span.start < at or span.end > len(text) or span.end <= span.start:
            continue  # overlapping or out of range: the list above still names it
        out.append(_e(text[at : span.start]))
        out.append(
            f'<mark class="{span.kind}" title="{_e(span.title)}">{_e(text[span.start : span.end])}</mark>'
            f'<sup aria-label="{_e(span.kind)}">{span.symbol}</sup>'
        )
        at = span.end
    out.append(_e(text[at:]))
    return f'<blockquote class="transcript">{"".join(out)}</blockquote>'


# -- files -------------------------------------------------------------------------------------


def export_session(session: SessionRecord, path: Path) -> None:
    """Write the session to ``path`` as Markdown or HTML by its suffix, atomically."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in MARKDOWN_SUFFIXES:
        content = session_markdown(session)
    elif suffix in HTML_SUFFIXES:
        content = session_html(session)
    else:
        allowed = ", ".join(MARKDOWN_SUFFIXES + HTML_SUFFIXES)
        raise ValueError(f"cannot export to {path.name!r}: the file name must end in one of {allowed}")
    write_text_atomic(path, content)

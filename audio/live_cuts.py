"""Where live transcription may commit part of a partial decode: the stable prefix, cut in a quiet gap.

A partial decode of audio that ends mid-sentence is unsure of its last words only; the words well
before its end are what a decode of all the audio would say too. When the person stops, those
words can be kept and only the rest decoded again, but only from a quiet gap between two words:
the next decode then starts at a word boundary in silence, as Whisper needs.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from audio.speech_activity import FRAME_SECONDS, pauses
from audio.transcript import Repair, Word


def stable_cut(
    words: Sequence[Word],
    levels: np.ndarray,
    threshold: float,
    first: int,
    last: int,
    min_gap: float,
    tolerance: float,
) -> tuple[int, int] | None:
    """(frame, words before it) of the latest quiet gap in frames [first, last) that falls between
    two of ``words``; None if there is none.

    A gap is ``min_gap`` seconds of frames at or below ``threshold``; the cut is its middle. Word
    times are Whisper's estimates, so a word may reach ``tolerance`` seconds into the gap; one
    reaching further (a stop inside a word, or a wrong time) rules the gap out.
    """
    if last - first <= 0 or not words:
        return None
    for a, b in reversed(pauses(levels[first:last], threshold, min_gap)):
        frame = first + (a + b) // 2
        at = frame * FRAME_SECONDS
        before = sum(1 for w in words if (w.start + w.end) / 2 < at)
        if before == 0:
            break  # every earlier gap has no word before it either
        if words[before - 1].end > at + tolerance:
            continue
        if before < len(words) and words[before].start < at - tolerance:
            continue
        return frame, before
    return None


def repairs_before(repairs: Sequence[Repair], at: float) -> tuple[list[Repair], list[Repair]]:
    """``repairs`` split into those of words starting before ``at`` seconds and the rest."""
    head = [r for r in repairs if (r.start or 0.0) < at]
    return head, [r for r in repairs if (r.start or 0.0) >= at]

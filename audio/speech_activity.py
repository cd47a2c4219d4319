"""Where there is speech: a frame-energy detector with a noise floor that adapts to the room.

Used to cut live audio at pauses and to check that a decode covers the speech it was given.
Energy is enough here: the question is "did the person pause", not "is this a voice", and it
costs microseconds per frame, which matters inside the recorder's real-time path.
"""

from __future__ import annotations

import numpy as np

SAMPLE_RATE = 16000
FRAME_SECONDS = 0.02
FRAME = round(SAMPLE_RATE * FRAME_SECONDS)
_SILENT_DB = -100.0
# Speech sits well above a room's hum; a fixed floor keeps digital silence from making faint
# noise look like speech.
_ABOVE_FLOOR_DB = 14.0
_MIN_THRESHOLD_DB = -55.0
_MAX_THRESHOLD_DB = -30.0


def to_float32(audio: np.ndarray) -> np.ndarray:
    """Mono float32 in [-1, 1]; int16 (and other integer PCM) is scaled, multi-channel averaged.

    faster-whisper treats any array as float samples, so unscaled int16 silently becomes noise at
    +-32768 and decodes as garbage; every entry point goes through here.
    """
    array = np.asarray(audio)
    if array.ndim == 2:
        # (frames, channels) as sounddevice and soundfile deliver it
        array = array.mean(axis=1) if np.issubdtype(array.dtype, np.floating) else array[:, 0]
    elif array.ndim != 1:
        raise ValueError(f"audio must be 1-D (or frames x channels), got shape {array.shape}")
    if np.issubdtype(array.dtype, np.integer):
        info = np.iinfo(array.dtype)
        scale = float(max(-info.min, info.max))
        if info.min == 0:  # unsigned PCM (8-bit WAV) is centred on the middle of the range
            return ((array.astype(np.float32) - (info.max + 1) / 2) / ((info.max + 1) / 2)).astype(np.float32)
        return (array.astype(np.float32) / scale).astype(np.float32)
    if array.dtype != np.float32:
        return array.astype(np.float32)
    return array


def frame_levels(samples: np.ndarray) -> np.ndarray:
    """Energy in dBFS of each whole 20 ms frame of float32 ``samples`` (a trailing part is ignored)."""
    n = len(samples) // FRAME
    if n == 0:
        return np.empty(0, dtype=np.float32)
    frames = samples[: n * FRAME].reshape(n, FRAME).astype(np.float64)
    power = np.mean(frames * frames, axis=1)
    return (10.0 * np.log10(power + 1e-10)).astype(np.float32)


def speech_threshold(levels: np.ndarray) -> float:
    """The level above which a frame counts as speech.

    Between the room's floor (the quietest tenth of frames) and the loud frames (95th percentile):
    14 dB over the floor, or halfway to the loud level for a quiet speaker in a noisy room.
    """
    if len(levels) == 0:
        return _MIN_THRESHOLD_DB
    floor, loud = (float(v) for v in np.percentile(levels, [10, 95]))
    return float(
        np.clip(min(floor + _ABOVE_FLOOR_DB, (floor + loud) / 2), _MIN_THRESHOLD_DB, _MAX_THRESHOLD_DB)
    )


def speech_regions(
    levels: np.ndarray,
    threshold: float | None = None,
    *,
    min_gap: float = 0.3,
    min_speech: float = 0.1,
) -> list[tuple[float, float]]:
    """(start, end) seconds of speech; gaps shorter than ``min_gap`` (stops, breaths) are bridged."""
    if len(levels) == 0:
        return []
    limit = speech_threshold(levels) if threshold is None else threshold
    active = np.flatnonzero(levels > limit)
    if len(active) == 0:
        return []
    gap_frames = max(1, round(min_gap / FRAME_SECONDS))
    breaks = np.flatnonzero(np.diff(active) > gap_frames)
    starts = np.concatenate(([active[0]], active[breaks + 1]))
    ends = np.concatenate((active[breaks], [active[-1]])) + 1
    return [
        (float(s * FRAME_SECONDS), float(e * FRAME_SECONDS))
        for s, e in zip(starts, ends, strict=True)
        if (e - s) * FRAME_SECONDS >= min_speech
    ]


def speech_seconds(regions: list[tuple[float, float]]) -> float:
    return float(sum(end - start for start, end in regions))


def pauses(levels: np.ndarray, threshold: float, min_pause: float) -> list[tuple[int, int]]:
    """(first, end) frame indices of silent runs lasting at least ``min_pause`` seconds."""
    quiet = np.concatenate(([False], levels <= threshold, [False]))
    edges = np.flatnonzero(np.diff(quiet.astype(np.int8)))
    runs = edges.reshape(-1, 2)
    need = round(min_pause / FRAME_SECONDS)
    return [(int(a), int(b)) for a, b in runs if b - a >= need]


def next_cut(
    levels: np.ndarray,
    threshold: float,
    start: int,
    *,
    min_seconds: float,
    max_seconds: float,
    min_pause: float,
    latest: bool,
    final: bool = False,
) -> int | None:
    """Frame at which to end the segment that begins at frame ``start``, or None to wait for audio.

    Cuts fall inside pauses (a word is never split). ``latest`` picks the last pause that keeps the
    segment under ``max_seconds`` (batch: few long segments); otherwise the first pause after
    ``min_seconds`` (live: commit early so little is left to decode at the end). With no pause
    before ``max_seconds`` the segment ends at its quietest frame. ``final`` means no more audio
    will come, so the rest is one segment if it fits.
    """
    total = len(levels)
    per_second = 1.0 / FRAME_SECONDS
    lo = start + round(min_seconds * per_second)
    hi = start + round(max_seconds * per_second)
    if final and total <= hi:
        return total
    # a pause that runs to the end of the audio so far counts: the speaker has stopped
    candidates = [
        (a + b) // 2 if b < total else min(total, a + round(min_pause * per_second / 2))
        for a, b in pauses(levels[start:], threshold, min_pause)
    ]
    candidates = [start + c for c in candidates if lo <= start + c <= hi]
    if candidates:
        return candidates[-1] if latest else candidates[0]
    if total < hi:
        return None
    window = levels[start + (hi - start) // 2 : hi]
    return start + (hi - start) // 2 + int(np.argmin(window))

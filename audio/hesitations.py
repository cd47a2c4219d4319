"""Find filled pauses ("um", "uh", "er", "hmm") in the audio, since Whisper usually leaves them out.

Method (numpy only). A filled pause is a stretch of *steady voiced sound* -- one vowel or nasal
held with a level pitch and an unchanging spectrum -- that no transcribed word accounts for:

1. Frames of 32 ms every 10 ms: energy, voicing (normalised autocorrelation peak at 70-400 Hz),
   pitch, and a 24-band log spectrum (100-4000 Hz).
2. A frame is *steady* when it is loud (12 dB over the noise floor), voiced, and its spectrum
   moved little over the last 20 ms (spectral flux). Steady runs of 0.2-1.5 s are candidates.
   Ordinary words rarely hold one vowel that long.
3. Whisper drops the filler but stretches a neighbouring word over it, or leaves a gap. So a
   candidate counts if most of it lies in gaps between words, or in sound within a word's span
   beyond that word's expected length (its syllables times the speaker's typical syllable
   duration, taken from this transcript). Sound, not span: Whisper also stretches words over
   plain silence, which must not make the word's own vowel look like an extra "uh".

Measured accuracy is in ``bench/bench_hesitations.py`` and the ``SpeechMetrics`` docstring.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from audio.dsp import SAMPLE_RATE
from audio.transcript import Word

HOP = 160  # 10 ms
WIN = 512  # 32 ms
MIN_SECONDS, MAX_SECONDS = 0.2, 1.5
LOUD_DB = 12.0  # over the noise floor
VOICED = 0.5  # autocorrelation peak
STEADY_FLUX_DB = 4.0  # mean change per band over 20 ms
BRIDGE_FRAMES = 3  # unsteady frames allowed inside a run (the glide from vowel to nasal in "um")
MERGE_SECONDS = 0.25  # detections closer than this are one hesitation
UNEXPLAINED = 0.6  # share of a candidate that words must leave unexplained

_VOWELS = re.compile(r"[aeiouy]+")


def syllables(word: str) -> int:
    """Rough English syllable count (vowel groups, silent final e); at least 1."""
    w = re.sub(r"[^a-z]", "", word.lower())
    if not w:
        return max(1, len(re.sub(r"\D", "", word)))  # "42": a syllable or so per digit
    count = len(_VOWELS.findall(w))
    if w.endswith("e") and not w.endswith(("le", "ee")) and count > 1:
        count -= 1
    return max(1, count)


def _frames(audio: np.ndarray) -> np.ndarray:
    if len(audio) < WIN:
        audio = np.pad(audio, (0, WIN - len(audio)))
    return sliding_window_view(audio, WIN)[::HOP]


def frame_features(audio: np.ndarray) -> dict[str, np.ndarray]:
    """Per 10 ms frame: energy (dBFS), voicing (0..1), pitch (Hz) and spectral flux (dB).

    (A level-pitch test was tried and dropped: it cost recall and bought no precision.)
    """
    frames = _frames(np.asarray(audio, dtype=np.float32)).astype(np.float64)
    energy = 10 * np.log10(np.mean(frames**2, axis=1) + 1e-12)
    windowed = (frames - frames.mean(axis=1, keepdims=True)) * np.hanning(WIN)
    spectrum = np.fft.rfft(windowed, n=2 * WIN)
    power = np.abs(spectrum) ** 2
    acf = np.fft.irfft(power, axis=1)[:, :WIN]
    lo, hi = SAMPLE_RATE // 400, SAMPLE_RATE // 70
    # Divide out the window's own decay before picking the peak, or short lags always win and a
    # low voice (85 Hz) reads as weakly voiced at an octave or two above.
    window_acf = np.correlate(np.hanning(WIN), np.hanning(WIN), "full")[WIN - 1 :]
    scores = acf[:, lo:hi] / (acf[:, :1] + 1e-12) / (window_acf[lo:hi] / window_acf[0])
    lags = np.argmax(scores, axis=1) + lo
    voicing = np.clip(scores[np.arange(len(scores)), lags - lo], 0, 1)
    freqs = np.fft.rfftfreq(2 * WIN, 1 / SAMPLE_RATE)
    edges = np.linspace(100, 4000, 25)
    band = np.digitize(freqs, edges) - 1
    keep = (band >= 0) & (band < 24)
    bands = np.zeros((len(frames), 24))
    for b in range(24):
        bands[:, b] = power[:, keep & (band == b)].sum(axis=1)
    log_bands = 10 * np.log10(bands + 1e-10)
    flux = np.full(len(frames), np.inf)
    flux[2:] = np.mean(np.abs(log_bands[2:] - log_bands[:-2]), axis=1)
    return {"energy": energy, "voicing": voicing, "pitch": SAMPLE_RATE / lags, "flux": flux}


def _loud(f: dict[str, np.ndarray]) -> np.ndarray:
    floor = np.percentile(f["energy"], 10)
    return (f["energy"] > floor + LOUD_DB) & (f["energy"] > -60)


def steady_segments(
    audio: np.ndarray, features: dict[str, np.ndarray] | None = None
) -> list[tuple[float, float]]:
    """Runs of steady voiced sound 0.2-1.5 s long, in seconds: the filled-pause candidates."""
    f = features if features is not None else frame_features(audio)
    steady = _loud(f) & (f["voicing"] > VOICED) & (f["flux"] < STEADY_FLUX_DB)
    segments: list[tuple[float, float]] = []
    for start, end in _runs(steady, max_gap=BRIDGE_FRAMES):
        seconds = (end - start) * HOP / SAMPLE_RATE
        if not MIN_SECONDS <= seconds <= MAX_SECONDS:
            continue
        centre = WIN / 2 / SAMPLE_RATE
        segments.append((start * HOP / SAMPLE_RATE + centre, end * HOP / SAMPLE_RATE + centre))
    return segments


def _runs(mask: np.ndarray, max_gap: int) -> list[tuple[int, int]]:
    """[start, end) index runs of True, bridging gaps of up to ``max_gap`` False frames."""
    runs: list[tuple[int, int]] = []
    idx = np.flatnonzero(mask)
    if len(idx) == 0:
        return runs
    breaks = np.flatnonzero(np.diff(idx) > max_gap + 1)
    starts = np.concatenate([[idx[0]], idx[breaks + 1]])
    ends = np.concatenate([idx[breaks], [idx[-1]]]) + 1
    return list(zip(starts.tolist(), ends.tolist(), strict=True))


Sounding = Callable[[float, float], float]  # seconds of sound (not silence) between two times


def _span(start: float, end: float) -> float:
    return end - start


def typical_syllable_seconds(words: Sequence[Word], sounding: Sounding = _span) -> float:
    """The speaker's median syllable duration from word timings, kept within 0.12-0.30 s."""
    rates = [sounding(w.start, w.end) / syllables(w.word) for w in words if w.end > w.start]
    return float(np.clip(np.median(rates), 0.12, 0.30)) if rates else 0.2


def unexplained_share(
    start: float, end: float, words: Sequence[Word], syllable_seconds: float, sounding: Sounding = _span
) -> float:
    """How much of [start, end] no word accounts for: gaps, plus the sound within a word's span
    beyond what its syllables need. Silence Whisper folded into a word needs no explaining."""
    span = end - start
    covered = 0.0
    stretched = 0.0
    for w in words:
        overlap = min(end, w.end) - max(start, w.start)
        if overlap <= 0:
            continue
        covered += overlap
        excess = sounding(w.start, w.end) - syllables(w.word) * syllable_seconds
        stretched += min(overlap, max(0.0, excess))
    gaps = max(0.0, span - covered)
    return (gaps + stretched) / span if span > 0 else 0.0


def detect_hesitations(audio: np.ndarray, words: Sequence[Word]) -> list[tuple[float, float]]:
    """Filled pauses in 16 kHz mono ``audio`` that the transcript ``words`` do not account for."""
    features = frame_features(audio)
    loud = _loud(features)
    frame_rate = SAMPLE_RATE / HOP

    def sounding(a: float, b: float) -> float:
        return float(loud[int(a * frame_rate) : int(np.ceil(b * frame_rate))].sum() / frame_rate)

    syllable_seconds = typical_syllable_seconds(words, sounding)
    found: list[tuple[float, float]] = []
    for start, end in steady_segments(audio, features):
        if unexplained_share(start, end, words, syllable_seconds, sounding) < UNEXPLAINED:
            continue
        if found and start - found[-1][1] < MERGE_SECONDS:  # two halves of one "u-um"
            found[-1] = (found[-1][0], end)
        else:
            found.append((start, end))
    return found

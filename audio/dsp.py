"""Small numpy signal helpers shared by the sources, the recorder, the player and the metrics.

Only numpy: scipy is not a dependency, and speech at 16 kHz needs nothing fancier than a
windowed-sinc low-pass before linear interpolation.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf

SAMPLE_RATE = 16_000
SILENCE_DBFS = -100.0  # floor for the level of digital silence, so meters get a finite number


def to_mono(x: np.ndarray) -> np.ndarray:
    """Mix (frames, channels) down to float32 mono; mono input passes through."""
    x = np.asarray(x, dtype=np.float32)
    return x.mean(axis=1, dtype=np.float32) if x.ndim == 2 else x


def _lowpass_taps(cutoff: float, n: int = 63) -> np.ndarray:
    """Blackman-windowed sinc; ``cutoff`` as a fraction of the input Nyquist frequency."""
    m = np.arange(n) - (n - 1) / 2
    taps = cutoff * np.sinc(cutoff * m) * np.blackman(n)
    return (taps / taps.sum()).astype(np.float32)


def resample(x: np.ndarray, src_rate: int, dst_rate: int = SAMPLE_RATE) -> np.ndarray:
    """Resample a whole mono signal (anti-aliased when going down)."""
    x = np.asarray(x, dtype=np.float32)
    if src_rate == dst_rate or len(x) == 0:
        return x
    if dst_rate < src_rate:
        x = np.convolve(x, _lowpass_taps(0.9 * dst_rate / src_rate), mode="same")
    n_out = round(len(x) * dst_rate / src_rate)
    positions = np.arange(n_out) * (src_rate / dst_rate)
    return np.interp(positions, np.arange(len(x)), x).astype(np.float32)


class StreamResampler:
    """Block-by-block resampler that carries state across blocks, so block edges do not click.

    Used when a microphone refuses 16 kHz (e.g. WASAPI shared mode): the low-pass adds a delay of
    half its length (under 1 ms at 48 kHz), which nothing downstream cares about.
    """

    def __init__(self, src_rate: int, dst_rate: int = SAMPLE_RATE) -> None:
        self.src_rate, self.dst_rate = src_rate, dst_rate
        self._step = src_rate / dst_rate
        self._taps = _lowpass_taps(0.9 * dst_rate / src_rate) if dst_rate < src_rate else None
        self._history = np.zeros(0 if self._taps is None else len(self._taps) - 1, np.float32)
        self._tail = np.zeros(0, np.float32)  # filtered samples not yet consumed by interpolation
        self._phase = 0.0  # position of the next output sample within ``_tail``

    def process(self, block: np.ndarray) -> np.ndarray:
        block = to_mono(block)
        if self.src_rate == self.dst_rate:
            return block
        if self._taps is not None:
            padded = np.concatenate([self._history, block])
            self._history = padded[len(padded) - len(self._history) :]
            block = np.convolve(padded, self._taps, mode="valid").astype(np.float32)
        data = np.concatenate([self._tail, block])
        # Interpolation needs the sample after each position, hence len(data) - 1.
        n_out = max(0, int(np.ceil((len(data) - 1 - self._phase) / self._step)))
        positions = self._phase + np.arange(n_out) * self._step
        out = np.interp(positions, np.arange(len(data)), data).astype(np.float32)
        next_pos = self._phase + n_out * self._step
        # The next position can lie past this block's end: carry that offset into the next one.
        keep = min(int(np.floor(next_pos)), len(data))
        self._tail = data[keep:]
        self._phase = next_pos - keep
        return out


def load_mono(path: str | Path, rate: int = SAMPLE_RATE) -> np.ndarray:
    """Read any soundfile-readable file as float32 mono at ``rate``."""
    data, file_rate = sf.read(str(path), dtype="float32", always_2d=True)
    return resample(to_mono(data), file_rate, rate)


def dbfs(value: float) -> float:
    """Amplitude (1.0 = full scale) to dBFS, floored at ``SILENCE_DBFS``."""
    return max(SILENCE_DBFS, 20.0 * float(np.log10(value))) if value > 0 else SILENCE_DBFS


def rms_peak(block: np.ndarray) -> tuple[float, float]:
    """RMS and peak amplitude of a block, each 0..1 for in-range float audio."""
    if len(block) == 0:
        return 0.0, 0.0
    block = np.asarray(block, dtype=np.float32)
    return float(np.sqrt(np.mean(block.astype(np.float64) ** 2))), float(np.max(np.abs(block)))

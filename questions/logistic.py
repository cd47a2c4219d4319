"""L2-regularised logistic regression by gradient descent over sparse binary features: the trainer
of the small learned models (stance, misconception), run by the bench/train_*.py scripts and the
tests. numpy only; rows are sets of feature names."""

from __future__ import annotations

import math

import numpy as np

L2 = 1.0
EPOCHS = 300
RATE = 0.5


def sigmoid(z: float) -> float:
    """The logistic function, clamped so that no weight sum overflows."""
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def fit(rows: list[set[str]], labels: list[bool], smallest: float = 1e-3) -> dict[str, float]:
    """Feature weights, rounded, without those under ``smallest`` (too small to matter)."""
    vocab: dict[str, int] = {}
    columns: list[int] = []
    starts = [0]
    for features in rows:
        columns.extend(vocab.setdefault(f, len(vocab)) for f in sorted(features))
        starts.append(len(columns))
    index = np.array(columns)
    offsets = np.array(starts[:-1])
    lengths = np.diff(starts)
    y = np.array(labels, dtype=float)
    w = np.zeros(len(vocab))
    for _ in range(EPOCHS):
        p = 1.0 / (1.0 + np.exp(-np.add.reduceat(w[index], offsets)))
        gradient = np.bincount(index, weights=np.repeat(p - y, lengths), minlength=len(vocab))
        w -= RATE * (gradient + L2 * w) / len(y)
    names = list(vocab)
    return {names[i]: round(float(w[i]), 4) for i in np.flatnonzero(np.abs(w) >= smallest)}

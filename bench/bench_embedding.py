"""Time the numpy all-MiniLM-L6-v2 encoder: load, throughput, latency, memory.

Usage: python bench/bench_embedding.py [--rounds N] [--batch N]
Run it in a fresh process (load time and peak RSS are per process). The machine's load average is
printed too: the encoder runs on one BLAS thread, so other busy processes slow it roughly in
proportion rather than by the 3-15x that a spinning second OpenBLAS thread costs.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from questions.embedding import SentenceEncoder  # noqa: E402

WORDS = (
    "the event loop runs one coroutine at a time and switches between tasks only at await points "
    "so blocking calls stall every request while validators check types of fields in request bodies"
).split()


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def sentences(count: int, salt: int) -> list[str]:
    """Distinct 12-word sentences, so the encoder's cache never answers."""
    return [" ".join(WORDS[(i * 7 + salt) % 20 :][:11]) + f" {salt}x{i}" for i in range(count)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--batch", type=int, default=64)
    args = parser.parse_args()
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")

    before = peak_rss_mb()
    encoder = SentenceEncoder()
    start = time.perf_counter()
    encoder.load()
    print(f"load: {time.perf_counter() - start:.2f} s")
    encoder.encode(sentences(8, salt=-1))  # warm-up: first BLAS calls, allocator

    rates = []
    for salt in range(args.rounds):
        batch = sentences(args.batch, salt)
        start = time.perf_counter()
        encoder.encode(batch, batch_size=args.batch)
        rates.append(args.batch / (time.perf_counter() - start))
    rates.sort()
    print(
        f"throughput, {args.batch} sentences of 12 words per call: median {rates[len(rates) // 2]:.0f}/s, "
        f"best {rates[-1]:.0f}/s over {args.rounds} rounds"
    )

    latencies = []
    for i, text in enumerate(sentences(20, salt=1000)):
        start = time.perf_counter()
        encoder.encode([text])
        latencies.append((time.perf_counter() - start) * 1000)
        if i == 0:
            start = time.perf_counter()
            encoder.encode([text])
            cached_us = (time.perf_counter() - start) * 1e6
    latencies.sort()
    print(f"one sentence: median {latencies[10]:.1f} ms; cached: {cached_us:.0f} µs")

    long_text = " ".join(WORDS * 12)  # cut at 256 tokens
    start = time.perf_counter()
    encoder.encode([long_text])
    print(f"one 256-token text: {(time.perf_counter() - start) * 1000:.0f} ms")
    print(f"peak RSS increase: {peak_rss_mb() - before:.0f} MB (peak {peak_rss_mb():.0f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

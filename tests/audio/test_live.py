"""Live transcription on the real model, fed chunk by chunk like a recorder would."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from audio.live import LiveTranscriber
from audio.synthetic_speech import SAMPLE_RATE, espeak_available, silence, synthesize
from audio.transcriber import Transcriber
from audio.wer import word_error_rate

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not espeak_available(), reason="espeak-ng is not installed (apt-get install espeak-ng)"
    ),
]

SENTENCES = [
    "A ContextVar keeps one value for each asyncio task.",
    "With threading dot local, every coroutine on the thread shares the same slot.",
    "So one request can overwrite the user of another request while it waits.",
    "Create task copies the current context when the task starts.",
    "That is why frameworks keep request IDs in context variables.",
]
VOCABULARY = [
    "ContextVar",
    "contextvars",
    "threading.local",
    "asyncio",
    "coroutine",
    "create_task",
    "request ID",
]
BLOCK = SAMPLE_RATE // 10  # the recorder delivers 100 ms blocks


@pytest.fixture(scope="module")
def transcriber() -> Transcriber:
    return Transcriber()


@pytest.fixture(scope="module")
def spoken() -> list[np.ndarray]:
    """Each sentence followed by the pause a person makes, the first one after a short silence."""
    parts = [
        np.concatenate(
            [synthesize(sentence, voice="en-us" if i % 2 else "en-gb-x-rp", rate=160), silence(0.8)]
        )
        for i, sentence in enumerate(SENTENCES)
    ]
    parts[0] = np.concatenate([silence(0.4), parts[0]])
    return parts


@pytest.fixture(scope="module")
def answer(spoken: list[np.ndarray]) -> np.ndarray:
    """About 20 s of speech with pauses between sentences, ending in a short silence."""
    return np.concatenate(spoken)


def feed_like_a_recorder(live: LiveTranscriber, audio: np.ndarray, dtype: type = np.float32) -> None:
    """Feed 100 ms blocks; after each second let the worker catch up, as it does in real time."""
    for i in range(0, len(audio), BLOCK):
        block = audio[i : i + BLOCK]
        live.feed((block * 32767).astype(np.int16) if dtype is np.int16 else block)
        if (i // BLOCK) % 10 == 9:
            assert live.drain(timeout=60)


def test_live_matches_batch_and_leaves_nothing_to_decode_at_stop(
    transcriber: Transcriber, answer: np.ndarray
) -> None:
    partials: list[str] = []
    live = LiveTranscriber(transcriber, VOCABULARY, on_partial=partials.append)
    feed_like_a_recorder(live, answer)
    assert live.drain(timeout=60)
    committed = len(live.committed_words)
    final = live.finish(timeout=60)
    batch = transcriber.transcribe(answer, VOCABULARY)

    reference = " ".join(SENTENCES)
    assert word_error_rate(batch.text, final.text) <= 0.15
    assert word_error_rate(reference, final.text) <= word_error_rate(reference, batch.text) + 0.1
    # The speaker's last pause was committed while they were silent: stop needed no decoding.
    assert committed > 0 and live.final_model_calls == 0
    assert final.duration == pytest.approx(len(answer) / SAMPLE_RATE, abs=0.01)
    starts = [w.start for w in final.words]
    assert starts == sorted(starts) and final.words[-1].end <= final.duration + 0.1
    # Text grew while the person spoke, and ended as the final transcript.
    assert len(partials) >= 3 and partials[-1] == final.text
    assert len(partials[0]) < len(final.text)


def test_stopping_mid_sentence_decodes_only_the_tail(transcriber: Transcriber, answer: np.ndarray) -> None:
    cut = len(answer) - round(1.2 * SAMPLE_RATE)  # stop while the last sentence is still being said
    live = LiveTranscriber(transcriber, VOCABULARY)
    feed_like_a_recorder(live, answer[:cut])
    final = live.finish(timeout=60)
    # Only the stretch since the last commit (at most min_seconds plus a sentence), not the answer.
    assert 0 < live.final_audio_seconds < min(12.0, cut / SAMPLE_RATE / 2)
    assert live.final_model_calls >= 1
    # The last words said before the stop are there, after everything said earlier.
    assert "overwrite" in final.text and "current" in final.text.split("overwrite")[1]
    assert final.words[-1].start > 12.0


def test_int16_blocks_are_converted(transcriber: Transcriber, spoken: list[np.ndarray]) -> None:
    audio = np.concatenate(spoken[:2])
    live = LiveTranscriber(transcriber)
    feed_like_a_recorder(live, audio, dtype=np.int16)
    text = live.finish(timeout=60).text
    # Unscaled int16 decodes as noise (no words, or nothing like these); scaled, it reads as batch.
    assert word_error_rate(transcriber.transcribe(audio).text, text) <= 0.25
    assert "on the thread shares the same slot" in text


def test_feed_from_another_thread_and_cancel(transcriber: Transcriber, answer: np.ndarray) -> None:
    live = LiveTranscriber(transcriber, VOCABULARY)
    feeder = threading.Thread(
        target=lambda: [live.feed(answer[i : i + BLOCK]) for i in range(0, 5 * SAMPLE_RATE, BLOCK)]
    )
    feeder.start()
    feeder.join()
    live.cancel()
    with pytest.raises(RuntimeError, match="cancelled"):
        live.finish(timeout=60)
    live.feed(answer[:BLOCK])  # after cancel: ignored, no error

"""Live transcription on the real model, fed chunk by chunk like a recorder would."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from audio.live import LiveTranscriber
from audio.live_cuts import stable_cut
from audio.synthetic_speech import SAMPLE_RATE, espeak_available, silence, synthesize
from audio.transcriber import Transcriber
from audio.transcript import Word
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
    # Against what was said, the live transcript is about as good as transcribing after stop
    # (both hear this voice's jargon differently from run to run: 0.13-0.27 each).
    said = " ".join(SENTENCES)
    assert word_error_rate(said, final.text) <= word_error_rate(said, batch.text) + 0.1
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
    # Unscaled int16 decodes as noise (no words, or nothing like these: word error near 1); scaled,
    # it reads like the batch transcript, up to the jargon live pieces hear differently (0.12-0.28).
    assert word_error_rate(transcriber.transcribe(audio).text, text) <= 0.4
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


def feed_in_real_time(live: LiveTranscriber, audio: np.ndarray) -> None:
    """Feed 100 ms blocks at a microphone's pace, so partials happen as they do in the app."""
    start = time.monotonic()
    for n, i in enumerate(range(0, len(audio), BLOCK)):
        time.sleep(max(0.0, start + n * BLOCK / SAMPLE_RATE - time.monotonic()))
        live.feed(audio[i : i + BLOCK])
    time.sleep(max(0.0, start + len(audio) / SAMPLE_RATE - time.monotonic()))


def test_stop_mid_sentence_decodes_only_from_the_partials_last_pause(
    transcriber: Transcriber, spoken: list[np.ndarray], answer: np.ndarray
) -> None:
    cut = len(answer) - round(1.2 * SAMPLE_RATE)  # the last sentence is still being said
    last_sentence = sum(len(part) for part in spoken[:-1]) / SAMPLE_RATE
    # Commits every 12 s leave the last two sentences and the pause between them uncommitted.
    live = LiveTranscriber(transcriber, VOCABULARY, min_seconds=12.0)
    feed_in_real_time(live, answer[:cut])
    final = live.finish(timeout=60)
    batch = transcriber.transcribe(answer[:cut], VOCABULARY)
    # The partial had heard the pause before the last sentence: its words up to there are kept,
    # and only the sentence being said is decoded again (from inside that pause, not from the
    # commit some 10 s earlier).
    assert live.partial_commits >= 1 and live.final_audio_seconds > 0
    assert cut / SAMPLE_RATE - live.final_audio_seconds >= last_sentence - 1.0
    # Against what was said, the live transcript is about as good as transcribing after stop
    # (both hear this voice's jargon differently from run to run: 0.13-0.27 each).
    said = " ".join(SENTENCES)
    assert word_error_rate(said, final.text) <= word_error_rate(said, batch.text) + 0.1
    starts = [w.start for w in final.words]
    assert starts == sorted(starts) and final.words[-1].start > 12.0
    assert "framework" in final.text.split("current")[-1]


def test_settled_words_end_at_a_quiet_gap_between_words() -> None:
    levels = np.full(200, -20.0, dtype=np.float32)  # 4 s of speech ...
    levels[100:110] = -70.0  # ... with a 0.2 s gap at 2.0-2.2 s
    levels[150:153] = -70.0  # and a 60 ms stop inside a word at 3.0 s
    words = [
        Word(word=" one", start=0.0, end=1.0),
        Word(word=" two,", start=1.0, end=2.05),
        Word(word=" three", start=2.15, end=3.5),
        Word(word=" four", start=3.5, end=4.0),
    ]
    assert stable_cut(words, levels, -40.0, 0, 200, min_gap=0.12, tolerance=0.15) == (105, 2)
    # Not where a word runs through the gap (Whisper's time says the gap is inside "three").
    late = [*words[:2], words[2].model_copy(update={"start": 1.5})]
    assert stable_cut(late, levels, -40.0, 0, 200, min_gap=0.12, tolerance=0.15) is None
    # Nor at a stop inside a word (at 3.0 s, inside "three"), nor past the last frame allowed.
    assert stable_cut(words, levels, -40.0, 0, 200, min_gap=0.04, tolerance=0.15) == (105, 2)
    assert stable_cut(words, levels, -40.0, 0, 100, min_gap=0.12, tolerance=0.15) is None

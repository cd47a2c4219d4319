"""Speech metrics: on transcripts with known timings, and on synthesized speech with real fillers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from audio.dsp import SAMPLE_RATE, load_mono
from audio.hesitations import syllables
from audio.metrics import compute_metrics
from audio.transcript import Transcript, Word


def timed(*items: str | float, word_seconds: float = 0.3, gap: float = 0.1) -> Transcript:
    """Words of ``word_seconds`` each, ``gap`` apart; a number in the list is an extra silence."""
    words: list[Word] = []
    t = 0.5
    for item in items:
        if isinstance(item, float):
            t += item
            continue
        for token in item.split():
            words.append(Word(word=token, start=round(t, 3), end=round(t + word_seconds, 3)))
            t += word_seconds + gap
    return Transcript(text=" ".join(w.word for w in words), words=words, duration=round(t + 0.5, 3))


def fillers(text: str) -> list[str]:
    return [f.phrase for f in compute_metrics(timed(text)).discourse_filler_list]


def test_pace_and_pauses_from_word_timings() -> None:
    transcript = timed("A thread shares memory.", 0.8, "The GIL is a lock,", 3.5, "so only one runs.")
    m = compute_metrics(transcript)
    assert m.word_count == 13
    assert m.pause_count == 2 and m.pauses_measured_by == "transcript"
    assert len(m.long_pauses) == 1
    long = m.long_pauses[0]
    assert long.after_word == "lock" and long.duration == pytest.approx(3.6)
    assert long.start == pytest.approx(transcript.words[8].end)
    span = transcript.words[-1].end - transcript.words[0].start
    assert m.speaking_time == pytest.approx(span - 0.9 - 3.6, abs=0.01)
    assert m.words_per_minute == pytest.approx(13 / m.speaking_time * 60, abs=0.1)
    assert m.duration == transcript.duration


def test_short_gaps_are_not_pauses() -> None:
    m = compute_metrics(timed("one two", 0.45, "three four"))
    assert m.pause_count == 0 and m.long_pauses == []


def test_empty_transcript() -> None:
    m = compute_metrics(Transcript(text="", duration=4.0))
    assert m.word_count == 0 and m.words_per_minute is None and m.speaking_time == 0
    assert m.hesitations is None and m.hesitations_measured_by == "not measured"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I like Python because it is simple", []),
        ("I would like to use a queue here", []),
        ("languages like Go have goroutines", []),
        ("it looks like a deadlock", []),
        ("it's like a queue with priorities", []),
        ("it's, like, a queue with priorities", ["like"]),
        ("and like the scheduler picks a thread", ["like"]),
        ("the scheduler, like, picks a thread", ["like"]),
        ("you know how the event loop works", []),
        ("the GIL, you know, serialises bytecode", ["you know"]),
        ("what I mean is that it blocks", []),
        ("I mean, it blocks the loop", ["I mean"]),
        ("a kind of lock that readers share", []),
        ("what sort of index would help", []),
        ("it kind of blocks the other threads", ["kind of"]),
        ("So, a thread is lighter", ["so"]),
        ("so that the loop can continue", []),
        ("that is the right answer", []),
        ("it copies the list, right?", ["right"]),
        ("Well, it depends on the workload", ["well"]),
        ("it is well known", []),
        ("basically the loop actually waits", ["basically", "actually"]),
    ],
)
def test_discourse_fillers_by_context(text: str, expected: list[str]) -> None:
    assert fillers(text) == expected


def test_a_silence_acts_as_a_comma_for_fillers() -> None:
    # Whisper often writes no commas; a 0.4 s silence after "like" sets it off just the same.
    with_pause = compute_metrics(timed("the scheduler like", 0.4, "picks a thread"))
    assert [f.phrase for f in with_pause.discourse_filler_list] == ["like"]
    assert fillers("the scheduler like picks a thread") == []


def test_hesitations_in_the_transcript_without_audio_are_a_lower_bound() -> None:
    m = compute_metrics(timed("a thread um shares uh memory"))
    assert m.hesitations == 2 and m.hesitations_measured_by == "transcript"
    assert [h.word for h in m.hesitation_list] == ["um", "uh"]
    assert m.word_count == 4  # hesitations are not words of the answer


def test_no_transcribed_hesitation_and_no_audio_is_not_a_zero() -> None:
    m = compute_metrics(timed("a thread shares memory"))
    assert m.hesitations is None and m.hesitations_measured_by == "not measured"


def test_syllable_counts() -> None:
    assert [syllables(w) for w in ("a", "thread", "memory", "coroutine", "queue", "cache", "42")] == [
        1, 1, 3, 3, 1, 1, 2,
    ]  # fmt: skip


# Synthesized answers: phrases, then a filler or a silence, at known positions.


def _spoken(synth, tmp_path: Path, text: str, slow: bool = False) -> np.ndarray:  # type: ignore[no-untyped-def]
    spoken = f'<speak><prosody rate="x-slow">{text}</prosody></speak>' if slow else text
    audio = load_mono(synth(spoken, tmp_path / f"{abs(hash(spoken))}.wav", ssml=slow))
    loud = np.flatnonzero(np.abs(audio) > 0.01)
    return audio[loud[0] : loud[-1] + 1]


def _answer(synth, tmp_path: Path, middle: str | None, silence: float = 0.15):  # type: ignore[no-untyped-def]
    """ "A thread shares memory" + (filler | nothing) + "with the other threads", and a transcript
    with Whisper-like timings: each phrase's words share its time by syllables, the filler left out."""
    first, second = "a thread shares memory", "with the other threads"
    lead = np.zeros(int(0.4 * SAMPLE_RATE), np.float32)
    gap = np.zeros(int(silence * SAMPLE_RATE), np.float32)
    parts = [lead, _spoken(synth, tmp_path, first), gap]
    truth = None
    if middle is not None:
        filler = _spoken(synth, tmp_path, middle, slow=True)
        start = sum(map(len, parts)) / SAMPLE_RATE
        truth = (start, start + len(filler) / SAMPLE_RATE)
        parts += [filler, gap]
    parts += [_spoken(synth, tmp_path, second), np.zeros(int(0.4 * SAMPLE_RATE), np.float32)]
    audio = np.concatenate(parts)
    audio = audio + np.random.default_rng(0).normal(0, 0.0015, len(audio)).astype(np.float32)
    words: list[Word] = []
    for phrase, index in ((first, 1), (second, len(parts) - 2)):
        t = sum(map(len, parts[:index])) / SAMPLE_RATE
        per_syllable = len(parts[index]) / SAMPLE_RATE / sum(syllables(w) for w in phrase.split())
        for token in phrase.split():
            words.append(Word(word=token, start=t, end=t + syllables(token) * per_syllable))
            t = words[-1].end
    transcript = Transcript(text=f"{first} {second}", words=words, duration=len(audio) / SAMPLE_RATE)
    return audio, transcript, truth


@pytest.mark.parametrize("filler", ["um", "uhh"])
def test_finds_a_filler_whisper_left_out(synth, tmp_path: Path, filler: str) -> None:  # type: ignore[no-untyped-def]
    audio, transcript, truth = _answer(synth, tmp_path, filler)
    m = compute_metrics(transcript, audio)
    assert m.hesitations_measured_by == "transcript+audio"
    assert m.hesitations == 1, m.hesitation_list
    found = m.hesitation_list[0]
    assert found.source == "audio" and found.start < truth[1] and found.end > truth[0]


def test_finds_a_filler_absorbed_into_a_stretched_word(synth, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    audio, transcript, truth = _answer(synth, tmp_path, "um")
    last_of_first = transcript.words[3]
    transcript.words[3] = last_of_first.model_copy(update={"end": truth[1]})  # "memory" swallows the "um"
    m = compute_metrics(transcript, audio)
    assert m.hesitations == 1


def test_fluent_speech_has_zero_hesitations_measured(synth, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    audio, transcript, _ = _answer(synth, tmp_path, None, silence=1.0)
    m = compute_metrics(transcript, audio)
    assert m.hesitations == 0 and m.hesitations_measured_by == "transcript+audio"
    assert m.pause_count == 1 and m.pauses_measured_by == "audio"  # the silence, seen on the waveform
    assert m.long_pauses == []

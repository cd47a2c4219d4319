"""The Qt binding itself: a PySide6 that loses references on emit crashes the app after minutes."""

from __future__ import annotations

import sys
import threading

from PySide6.QtCore import QObject, Signal


class _Sender(QObject):
    sent = Signal(object)


def test_emitting_signals_keeps_reference_counts(qtbot):
    sender = _Sender()
    received = [0]  # a count: keeping the values would hold references of their own

    def receive(_value: object) -> None:
        received[0] += 1

    sender.sent.connect(receive)
    before = sys.getrefcount(True), sys.getrefcount(None)

    def emit_many() -> None:  # from another thread too, as the recorder and the jobs do
        for _ in range(500):
            sender.sent.emit(None)

    emit_many()
    worker = threading.Thread(target=emit_many)
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: received[0] == 1000)
    # 6.12.0 loses one reference to True per emit (the app aborts in bool_dealloc once it runs out).
    assert abs(sys.getrefcount(True) - before[0]) < 50
    assert abs(sys.getrefcount(None) - before[1]) < 50

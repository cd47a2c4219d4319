"""The one way to run work off the UI thread.

``Jobs.run(fn, on_done, on_error)`` runs ``fn`` on a thread pool and calls back on the UI thread.
Every slow thing the app does (loading the model, judging, synthesizing speech, stopping a
recording) goes through here or through a worker that reports by signal, so the event loop never
waits on it.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)


class _Relay(QObject):
    """Lives on the UI thread; signals emitted from a pool thread are queued to it."""

    done = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._fn = fn
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._fn()
        except BaseException as exc:  # reported to the UI thread, never lost in a pool thread
            log.debug("background job failed:\n%s", "".join(traceback.format_exception(exc)))
            self._relay.failed.emit(exc)
        else:
            self._relay.done.emit(result)


class Jobs(QObject):
    """Runs callables on a private thread pool; results and errors come back on the UI thread."""

    def __init__(self, max_threads: int = 4, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._relays: set[_Relay] = set()

    def run(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        relay = _Relay()  # created here, so it belongs to the caller's (UI) thread
        self._relays.add(relay)

        @Slot(object)
        def finished(result: Any) -> None:
            self._relays.discard(relay)
            if on_done is not None:
                on_done(result)

        @Slot(object)
        def failed(exc: BaseException) -> None:
            self._relays.discard(relay)
            if on_error is not None:
                on_error(exc)
            else:
                log.error("background job failed: %s", exc)

        relay.done.connect(finished)
        relay.failed.connect(failed)
        self._pool.start(_Job(fn, relay))

    @property
    def active(self) -> int:
        """Jobs started whose result has not been delivered yet."""
        return len(self._relays)

    def wait(self, msecs: int = -1) -> bool:
        """Wait for running jobs (at shutdown and in tests); callbacks still need the event loop."""
        return self._pool.waitForDone(msecs)

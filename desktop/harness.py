"""``vivavoce mock``: drive the real app through a timed mock interview with WAV files as the
microphone, saving a screenshot of each screen it passes, then exit.

Everything is the real app — services, speech model, judges, database, widgets — except the
microphone, which plays the given files in real time (``audio.sources.FileSource``).
"""

from __future__ import annotations

import itertools
import logging
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from audio.sources import AudioSource, FileSource
from desktop.mock_plan import MockPlan
from desktop.paths import data_dir, settings_path
from desktop.settings import load_settings

log = logging.getLogger(__name__)


class MockHarness:
    def __init__(
        self,
        question_ids: list[str],
        answers: list[Path],
        screenshots: Path | None,
        think_seconds: int = 1,
        answer_seconds: int = 120,
        speed: float = 1.0,
        exit_when_done: bool = True,
        timeout: float = 900.0,
        speak: bool = True,
    ) -> None:
        from desktop.app import VivaVoceApp

        root = data_dir()
        settings = load_settings(settings_path(root)).model_copy(update={"speak_questions": speak})
        files = iter(answers)
        self.plan = MockPlan(
            question_ids=question_ids, think_seconds=think_seconds, answer_seconds=answer_seconds
        )

        def next_answer() -> AudioSource:
            path = next(files, None)
            if path is None:  # more questions than files: silence would be judged as nothing said
                raise OSError("the harness has no answer file left for this question")
            return FileSource(path, speed=speed)

        self.app = VivaVoceApp(root, settings, source_factory=next_answer)
        self.app.ask_recovery = lambda _attempts: True  # unattended: keep what an earlier crash left
        self.screenshots = screenshots
        self.exit_when_done = exit_when_done
        self.exit_code: int | None = None
        self._counter = itertools.count(1)
        self.session_id: int | None = None
        if screenshots is not None:
            screenshots.mkdir(parents=True, exist_ok=True)
        services = self.app.services
        services.models_ready.connect(self._begin)
        self.app.mock.review_shown.connect(self._reviewed)
        self.app.mock.phase_changed.connect(self._phase)
        QTimer.singleShot(int(timeout * 1000), self._timed_out)

    def start(self) -> None:
        self.app.start()
        self._snap("home")

    def _begin(self) -> None:
        session = self.app.mock.start(self.plan)
        session.problem.connect(lambda message: self._fail(f"the interview stopped: {message}"))
        session.aborted.connect(lambda _id: self._fail("the interview was aborted"))

    def _phase(self, phase: str, index: int) -> None:
        if phase in ("thinking", "answering", "finishing"):
            # A moment later, so the countdown and meter have painted (answering: once it has run).
            delay = 3000 if phase == "answering" else 400
            QTimer.singleShot(delay, lambda: self._snap(f"q{index + 1}-{phase}"))

    def _reviewed(self, session_id: int) -> None:
        self.session_id = session_id
        QTimer.singleShot(300, lambda: self._snap("session-review"))
        QTimer.singleShot(600, self._open_first_attempt)

    def _open_first_attempt(self) -> None:
        """The summary shows the first answer's review; show the last one's too."""
        attempts = self.app.session_review.attempts
        if attempts.count() > 1:
            attempts.setCurrentRow(attempts.count() - 1)
            QTimer.singleShot(300, lambda: self._snap("last-answer-review"))
        QTimer.singleShot(600, lambda: self._done(0))

    def _snap(self, name: str) -> None:
        if self.screenshots is None:
            return
        path = self.screenshots / f"{next(self._counter):02d}-{name}.png"
        self.app.window.grab().save(str(path))
        log.info("screenshot %s", path)

    def _fail(self, message: str) -> None:
        print(f"vivavoce mock: {message}", file=sys.stderr)
        self._done(1)

    def _timed_out(self) -> None:
        self._fail("timed out before the interview finished")

    def _done(self, code: int) -> None:
        if self.exit_code is not None:
            return
        self.exit_code = code
        if self.exit_when_done:
            QApplication.instance().exit(code)  # type: ignore[union-attr]


def run_mock(args) -> int:  # type: ignore[no-untyped-def]
    """Entry for ``vivavoce mock`` (see vivavoce/cli.py)."""
    from vivavoce.output import UserError

    question_ids = [q for q in args.questions.split(",") if q]
    answers = [Path(a) for a in args.answer_audio.split(",") if a]
    if len(answers) != len(question_ids):
        raise UserError(
            f"{len(question_ids)} questions but {len(answers)} answer files: give one WAV per question"
        )
    for path in answers:
        if not path.is_file():
            raise UserError(f"{path}: no such audio file; give one WAV recording per question")
    app = QApplication.instance() or QApplication(["vivavoce"])
    harness = MockHarness(
        question_ids,
        answers,
        Path(args.screenshots) if args.screenshots else None,
        think_seconds=args.think_seconds,
        answer_seconds=args.answer_seconds,
        speed=args.speed,
        exit_when_done=args.exit_when_done,
        speak=not args.no_voice,
    )
    try:
        for qid in question_ids:
            harness.app.services.library.question(qid)
    except KeyError as exc:
        raise UserError(str(exc.args[0])) from None
    harness.start()
    code = app.exec()
    if harness.session_id is not None:
        print(f"session {harness.session_id} stored in {harness.app.services.root}")
    return code

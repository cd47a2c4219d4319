"""The ``vivavoce`` command line: one entry for the desktop app and every headless command.

JSON output (``--json``) is a contract other tools rely on: fields may be added, never renamed or
removed. Errors go to stderr as a sentence naming the cause and the fix, with a non-zero exit; with
``--json`` the same message is also printed as ``{"error": ...}`` on stdout.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from questions.errors import BankError
from vivavoce import commands_bank, commands_doctor, commands_history, commands_score, commands_speech
from vivavoce.output import UserError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vivavoce", description="Offline trainer for spoken technical interviews."
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check this installation: transcribe and judge a bundled answer, then exit",
    )
    parser.add_argument(
        "--json", dest="self_test_json", action="store_true", help="with --self-test: machine-readable output"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("questions", help="list the questions of a bank")
    p.add_argument("--bank", help="a TOML bank file (default: the built-in bank)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(run=commands_bank.run_questions)

    p = sub.add_parser("score", help="judge an answer against a question")
    p.add_argument("--question", help="question id (see `vivavoce questions`)")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--text", help="the answer as text")
    src.add_argument("--transcript-file", help="a UTF-8 file holding the answer's transcript")
    src.add_argument("--audio", help="a WAV recording of the spoken answer")
    src.add_argument("--batch", help='JSONL input: one {"question": ID, "text"|"audio": ...} per line')
    p.add_argument("--bank", help="a TOML bank file (default: the built-in bank)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(run=commands_score.run_score)

    p = sub.add_parser("transcribe", help="transcribe a recording offline")
    p.add_argument("wav", help="the recording (WAV, or any format ffmpeg/PyAV reads)")
    p.add_argument("--question", help="bias recognition with this question's vocabulary")
    p.add_argument("--bank", help="a TOML bank file (default: the built-in bank)")
    p.add_argument("--model", help="a local CTranslate2 Whisper directory (default: bundled tiny.en)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(run=commands_speech.run_transcribe)

    p = sub.add_parser("import", help="turn a plain-text question list into a TOML bank")
    p.add_argument("file", help="the plain-text questions file")
    p.add_argument("-o", "--output", required=True, help="the TOML bank to write")
    p.add_argument("--name", help="bank name (default: from the file name)")
    p.add_argument("--force", action="store_true", help="overwrite an existing output file")
    p.add_argument("--json", action="store_true", help="machine-readable summary")
    p.set_defaults(run=commands_bank.run_import)

    p = sub.add_parser("check", help="validate a TOML bank file")
    p.add_argument("file", help="the TOML bank to check")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(run=commands_bank.run_check)

    p = sub.add_parser("history", help="list past practice sessions and their attempts")
    p.add_argument("--question", help="only attempts at this question id")
    p.add_argument("--topic", help="only attempts on this topic")
    p.add_argument("--since", help="only attempts from this day on (YYYY-MM-DD, local time)")
    p.add_argument("--data-dir", help="the data folder (default: the app's, or VIVAVOCE_DATA_DIR)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(run=commands_history.run_history)

    p = sub.add_parser("doctor", help="check what this machine has and lacks, with the fix for each")
    p.add_argument("--data-dir", help="the data folder (default: the app's, or VIVAVOCE_DATA_DIR)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(run=commands_doctor.run_doctor)

    p = sub.add_parser("mock", help="run a timed mock interview in the app with WAV files as the microphone")
    p.add_argument("--questions", required=True, help="question ids, comma-separated")
    p.add_argument("--answer-audio", required=True, help="one WAV per question, comma-separated")
    p.add_argument("--screenshots", help="save a PNG of each screen passed into this folder")
    p.add_argument("--think-seconds", type=int, default=1, help="think time per question (default 1)")
    p.add_argument("--answer-seconds", type=int, default=120, help="answer limit (default 120)")
    p.add_argument("--speed", type=float, default=1.0, help="play the answers this many times real time")
    p.add_argument("--no-voice", action="store_true", help="do not read the questions aloud")
    p.add_argument("--exit-when-done", action="store_true", help="quit after the session review")
    p.set_defaults(run=_run_mock)

    p = sub.add_parser("app", help="open the desktop app (the default with no command)")
    p.set_defaults(run=_run_app)
    return parser


def _run_mock(args: argparse.Namespace) -> int:
    from desktop.harness import run_mock  # Qt is imported only by the commands that need it

    return run_mock(args)


def _run_app(args: argparse.Namespace) -> int:
    from desktop.app import main as app_main

    return app_main([])


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.self_test:
        if args.command is not None:
            parser.error("--self-test takes no command")
        from vivavoce.self_test import run_self_test

        args.command, args.json, args.run = "--self-test", args.self_test_json, run_self_test
    elif args.self_test_json:
        parser.error("--json goes after a command (or with --self-test)")
    elif args.command is None:
        return _run_app(args)
    try:
        return int(args.run(args) or 0)
    except (BankError, UserError, KeyError) as exc:
        message = exc.args[0] if isinstance(exc, KeyError) else str(exc)
        if getattr(args, "json", False):
            print(json.dumps({"error": message}, ensure_ascii=False))
        print(f"vivavoce {args.command}: {message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader went away (`| head`): not an error of ours
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())

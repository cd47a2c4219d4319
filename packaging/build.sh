#!/usr/bin/env bash
# Build Viva Voce as one folder, packaging/dist/vivavoce/ (run packaging/dist/vivavoce/vivavoce).
# Needs the project's .venv (scripts/bootstrap.sh) and objdump (binutils); installs PyInstaller into
# .venv if it is missing. Idempotent: each run rebuilds from scratch into the same folders.
#   DIST=/some/dir WORK=/some/dir bash packaging/build.sh    # build elsewhere (the tests do)
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
if [[ ! -x $PY ]]; then
  echo "No .venv here: run scripts/bootstrap.sh first" >&2
  exit 1
fi
if ! command -v objdump >/dev/null; then
  echo "PyInstaller needs objdump: sudo apt-get install binutils (scripts/bootstrap.sh installs it)" >&2
  exit 1
fi
if ! "$PY" -c "import PyInstaller" 2>/dev/null; then
  echo "Installing PyInstaller into .venv"
  "$PY" -m pip install -q pyinstaller
fi

DIST=${DIST:-packaging/dist}
WORK=${WORK:-packaging/build}
started=$(date +%s)
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath "$DIST" --workpath "$WORK" packaging/vivavoce.spec
elapsed=$(($(date +%s) - started))

app="$DIST/vivavoce"
echo "Built $app/vivavoce in ${elapsed} s; size: $(du -sh "$app" | cut -f1)"

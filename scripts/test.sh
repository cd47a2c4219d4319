#!/usr/bin/env bash
# Run the whole test suite from a fresh clone: installs what is missing, lints, then runs pytest
# headless (Qt offscreen, no sound card needed).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
export QT_QPA_PLATFORM=offscreen
.venv/bin/ruff check .
.venv/bin/ruff format --check .
exec .venv/bin/python -m pytest "$@"

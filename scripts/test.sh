#!/usr/bin/env bash
# Set up a virtual environment with the dev tools and run lint, types and the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
ensure_venv "[dev]"
"$VENV/bin/ruff" check .
"$VENV/bin/mypy"
"$VENV/bin/python" -m pytest -q "$@"

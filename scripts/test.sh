#!/usr/bin/env bash
# Set up a virtual environment with the dev tools and run lint, types and the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
# The browser test drives Debian's Chromium (never a downloaded browser); CI runs as root.
if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium
fi
ensure_venv "[dev]"
"$VENV/bin/ruff" check .
"$VENV/bin/ruff" format --check .
"$VENV/bin/mypy"
"$VENV/bin/python" -m pytest -q "$@"

#!/usr/bin/env bash
# Set up a virtual environment, build the index if it is missing, and run the service.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
ensure_venv ""
exec "$VENV/bin/sectorwijzer" serve "$@"

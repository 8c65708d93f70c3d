# Sourced by the scripts: keep every library offline before Python starts.
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_DATASETS_OFFLINE=1
export HF_HUB_DISABLE_TELEMETRY=1 GRADIO_ANALYTICS_ENABLED=False ORT_DISABLE_TELEMETRY=1
export ANONYMIZED_TELEMETRY=False DO_NOT_TRACK=1 TOKENIZERS_PARALLELISM=false
export PIP_DISABLE_PIP_VERSION_CHECK=1
VENV="${SECTORWIJZER_VENV:-.venv}"

ensure_venv() {
    # $1: pip extras, e.g. "[dev]". Installs only when pyproject.toml changed since the last
    # install or that install lacked the extras (a stamp in the venv: the pyproject hash and
    # the extras installed), so a second start, or serve after test, contacts no index.
    if [ ! -x "$VENV/bin/python" ]; then
        python3 -m venv "$VENV"
    fi
    local stamp="$VENV/.sectorwijzer-installed" hash installed=""
    hash="$(sha256sum pyproject.toml | cut -d' ' -f1)"
    if [ -f "$stamp" ] && [ "$(cut -d' ' -f1 "$stamp")" = "$hash" ]; then
        installed="$(cut -s -d' ' -f2 "$stamp")"
        if [ -z "$1" ] || [ "$1" = "$installed" ]; then
            return 0
        fi
    fi
    "$VENV/bin/python" -m pip install -q --upgrade pip
    "$VENV/bin/python" -m pip install -q -e ".$1"
    echo "$hash $1" > "$stamp"
}

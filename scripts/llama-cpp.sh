# Sourced: install llama-cpp-python[server] into $VENV when it is missing.
# It compiles llama.cpp from the sdist (10-27 min on 2 cores), so the built wheel is kept in
# $SECTORWIJZER_WHEELS (default ~/.cache/sectorwijzer/wheels, outside the checkout so a clean
# clone on the same machine reuses it) and later installs take seconds.
LLAMA_CPP_VERSION="${LLAMA_CPP_VERSION:-0.3.36}"
WHEELS="${SECTORWIJZER_WHEELS:-$HOME/.cache/sectorwijzer/wheels}"

ensure_llama_cpp() {
    if "$VENV/bin/python" -c "import llama_cpp.server" 2>/dev/null; then
        return 0
    fi
    mkdir -p "$WHEELS"
    if ! ls "$WHEELS"/llama_cpp_python-"$LLAMA_CPP_VERSION"-*.whl >/dev/null 2>&1; then
        echo "building llama-cpp-python $LLAMA_CPP_VERSION (10-27 min, once)..." >&2
        # Portable build: no -march=native, so the wheel runs on every x86-64 machine here.
        CMAKE_ARGS="${CMAKE_ARGS:--DGGML_NATIVE=OFF}" nice -n 10 "$VENV/bin/python" -m pip wheel \
            -q --no-deps "llama-cpp-python==$LLAMA_CPP_VERSION" -w "$WHEELS"
    fi
    "$VENV/bin/python" -m pip install -q --find-links "$WHEELS" \
        "llama-cpp-python[server]==$LLAMA_CPP_VERSION"
}

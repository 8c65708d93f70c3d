"""Question embeddings in worker processes (real processes, the hashing embedder): the same
vectors and answers as in-process, each worker's thread count set, a dead worker replaced."""

import os
import signal
from collections.abc import Iterator

import numpy as np
import pytest

from rag.assistant import Assistant
from rag.config import Settings
from rag.embeddings import make_embedder
from rag.query_pool import PooledQueryEncoder, make_query_encoder

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

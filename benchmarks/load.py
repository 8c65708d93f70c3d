"""Load on loopback: throughput and latency at 1, 8, 32 and 64 clients against a real server.

    python benchmarks/load.py --data-dir /tmp/swdata [--seconds 20] [--baseline] [--json F]

Starts `sectorwijzer serve` over a copy of an ingested data directory (rate limit off, so
one address can act as many clients), warms it up, then per level lets N clients ask
distinct questions (no query-cache hits) for `--seconds` or `--requests`, whichever comes
first, while probes call /healthz every 20 ms and /readyz every 200 ms. A client that gets
503 waits its Retry-After, as a polite client does. Last, one client repeats questions
already asked: the query cache answers those without embedding.

Prints per level: answers/s, client latency p50/p95/p99 of answers, server time p50
(`timings_ms.total`), 503s, 429s, errors, /healthz and /readyz p99; the one-at-a-time bound
1 / (p50 server time at 1 client) and each level's ratio to it, measured in this run; the
server's memory, threads and open files before and after; and how busy the machine was (CPU
used by the server, by this script, by everything else at normal priority, and by niced
processes). With `--baseline` a second server, configured as the old design (one question at
a time, embedded in the server process), is measured at 1 and 8 clients in the same run.
Not a test: figures are read, not asserted.
"""

import argparse
import http.client
import itertools
import json
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.live_server import (  # noqa: E402
    ROOT,
    LiveServer,
    machine_busy_seconds,
    own_cpu_seconds,
    post_json,
)

PREFIXES = ("", "Vraag: ", "Graag kort: ", "Even checken: ", "Weet jij dit: ", "Snel: ")


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


class Questions:
    """Every eval and training question, then again with prefixes: each text asked once."""

    def __init__(self) -> None:
        texts = []
        for name in ("eval_set.jsonl", "train_set.jsonl"):
            for line in (ROOT / "evals" / "data" / name).read_text().splitlines():
                if line.strip():
                    texts.append(json.loads(line)["question"])
        self._items = (p + t for p in PREFIXES for t in texts)
        self._lock = threading.Lock()
        self.asked: list[str] = []

    def next(self) -> str:
        with self._lock:
            text = next(self._items)
            self.asked.append(text)
            return text


@dataclass
class Level:
    name: str
    clients: int
    seconds: float = 0.0
    answers: int = 0
    latency_ms: list[float] = field(default_factory=list, repr=False)
    server_ms: list[float] = field(default_factory=list, repr=False)
    busy: int = 0  # 503
    limited: int = 0  # 429
    errors: int = 0  # anything else
    health_ms: list[float] = field(default_factory=list, repr=False)
    ready_ms: list[float] = field(default_factory=list, repr=False)
    server_cores: float = 0.0
    script_cores: float = 0.0
    other_cores: float = 0.0
    niced_cores: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def summary(self, bound: float) -> dict[str, object]:
        rate = self.answers / self.seconds if self.seconds else 0.0
        return {
            "level": self.name,
            "clients": self.clients,
            "answers": self.answers,
            "answers_per_s": round(rate, 2),
            "ratio_to_bound": round(rate / bound, 2) if bound else None,
            "p50_ms": round(percentile(self.latency_ms, 0.5)),
            "p95_ms": round(percentile(self.latency_ms, 0.95)),
            "p99_ms": round(percentile(self.latency_ms, 0.99)),
            "server_p50_ms": round(percentile(self.server_ms, 0.5), 1),
            "503": self.busy,
            "429": self.limited,
            "errors": self.errors,
            "healthz_p99_ms": round(percentile(self.health_ms, 0.99), 1),
            "healthz_max_ms": round(max(self.health_ms, default=float("nan")), 1),
            "readyz_p99_ms": round(percentile(self.ready_ms, 0.99), 1),
            "cores_server": round(self.server_cores, 2),
            "cores_script": round(self.script_cores, 2),
            "cores_others": round(self.other_cores, 2),
            "cores_niced": round(self.niced_cores, 2),
        }


def ask_loop(server: LiveServer, level: Level, next_question, deadline: float, budget) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
    while time.monotonic() < deadline and next(budget, None) is not None:
        question = next_question()
        started = time.perf_counter()
        status, body, headers = ask_once(connection, question)
        elapsed = (time.perf_counter() - started) * 1000
        with level.lock:
            if status == 200:
                level.answers += 1
                level.latency_ms.append(elapsed)
                level.server_ms.append(float(body["timings_ms"]["total"]))
            elif status == 503:
                level.busy += 1
            elif status == 429:
                level.limited += 1
            else:
                level.errors += 1
        if status in (429, 503):
            wait = float(headers.get("retry-after", "1"))
            time.sleep(max(0.0, min(wait, deadline - time.monotonic())))
    connection.close()


def ask_once(
    connection: http.client.HTTPConnection, question: str
) -> tuple[int, dict[str, Any], dict[str, str]]:
    """One question; a kept-alive connection the server closed meanwhile (its idle timeout is
    5 s, a client that waited out Retry-After may pass it) is reopened once, as browsers do."""
    for attempt in (1, 2):
        try:
            return post_json(connection, "/api/ask", {"question": question})
        except (OSError, http.client.HTTPException):
            connection.close()  # the next request opens a new connection
            if attempt == 2:
                break
    return -1, {}, {}


def probe_loop(server: LiveServer, path: str, every: float, out: list[float], stop) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    while not stop.is_set():
        started = time.perf_counter()
        try:
            connection.request("GET", path)
            connection.getresponse().read()
        except (OSError, http.client.HTTPException):
            connection.close()
        out.append((time.perf_counter() - started) * 1000)
        stop.wait(every)
    connection.close()


def run_level(server: LiveServer, level: Level, next_question, seconds: float, requests: int):
    budget = iter(range(requests))  # shared: next() on a range iterator is atomic enough
    stop = threading.Event()
    probes = [
        threading.Thread(target=probe_loop, args=(server, "/healthz", 0.02, level.health_ms, stop)),
        threading.Thread(target=probe_loop, args=(server, "/readyz", 0.2, level.ready_ms, stop)),
    ]
    busy, own, served = machine_busy_seconds(), own_cpu_seconds(), server.cpu_seconds()
    started = time.monotonic()
    deadline = started + seconds
    clients = [
        threading.Thread(target=ask_loop, args=(server, level, next_question, deadline, budget))
        for _ in range(level.clients)
    ]
    for thread in probes + clients:
        thread.start()
    for thread in clients:
        thread.join()
    level.seconds = time.monotonic() - started
    stop.set()
    for thread in probes:
        thread.join()
    server_cpu = server.cpu_seconds() - served
    script_cpu = own_cpu_seconds() - own
    level.server_cores = server_cpu / level.seconds
    level.script_cores = script_cpu / level.seconds
    normal, niced = machine_busy_seconds()
    level.other_cores = (normal - busy[0] - server_cpu - script_cpu) / level.seconds
    level.niced_cores = (niced - busy[1]) / level.seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True, help="an ingested data dir")
    parser.add_argument("--levels", default="1,8,32,64")
    parser.add_argument("--seconds", type=float, default=20.0, help="per level")
    parser.add_argument("--requests", type=int, default=1500, help="per level, at most")
    parser.add_argument("--embed-workers", help="SECTORWIJZER_EMBED_WORKERS for the server")
    parser.add_argument("--max-queue", help="SECTORWIJZER_MAX_QUEUE for the server")
    parser.add_argument(
        "--baseline",
        action="store_true",
        help="then also 1 and 8 clients against the old design: one question at a time, "
        "embedded in the server process",
    )
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    env = {"SECTORWIJZER_RATE_LIMIT_PER_MINUTE": "0"}
    if args.embed_workers is not None:
        env["SECTORWIJZER_EMBED_WORKERS"] = args.embed_workers
    if args.max_queue is not None:
        env["SECTORWIJZER_MAX_QUEUE"] = args.max_queue
    reports = {"this design": run_server(args, env, args.levels)}
    if args.baseline:
        old = {**env, "SECTORWIJZER_EMBED_WORKERS": "0", "SECTORWIJZER_ASK_THREADS": "1"}
        reports["one at a time, in process"] = run_server(args, old, "1,8")
    for name, report in reports.items():
        print(f"\n## {name}")
        print_report(report)
    if args.json:
        args.json.write_text(json.dumps(reports, indent=2))
    return 0


def run_server(args: argparse.Namespace, env: dict[str, str], levels: str) -> dict[str, object]:
    server = LiveServer(args.data_dir, env)
    try:
        return measure(server, args, levels)
    finally:
        server.stop()


def measure(server: LiveServer, args: argparse.Namespace, names: str) -> dict[str, object]:
    load_before = Path("/proc/loadavg").read_text().split()[:3]
    server.wait_ready()
    questions = Questions()
    warm = Level("warm-up", 1)
    run_level(server, warm, questions.next, 60.0, 10)
    before = server.resources()
    levels = [Level(f"{n} clients", int(n)) for n in names.split(",")]
    for level in levels:
        run_level(server, level, questions.next, args.seconds, args.requests)
        print(f"  {level.name}: {level.answers} answers in {level.seconds:.1f} s", flush=True)
    repeated = itertools.cycle(questions.asked[10:60])
    lock = threading.Lock()

    def again() -> str:
        with lock:
            return next(repeated)

    cached = Level("1 client, repeated questions", 1)
    run_level(server, cached, again, min(args.seconds, 10.0), args.requests)
    after = server.resources()
    one = levels[0] if levels[0].clients == 1 else None
    bound = 1000 / percentile(one.server_ms, 0.5) if one and one.server_ms else 0.0
    return {
        "bound_answers_per_s": round(bound, 2),
        "levels": [level.summary(bound) for level in [*levels, cached]],
        "resources_before": asdict(before),
        "resources_after": asdict(after),
        "loadavg_before": load_before,
        "loadavg_after": Path("/proc/loadavg").read_text().split()[:3],
        "settings": env_of(server),
    }


def env_of(server: LiveServer) -> dict[str, str]:
    return {k: v for k, v in server.env.items() if k.startswith("SECTORWIJZER_")}


def print_report(report: dict[str, object]) -> None:
    rows: list[dict[str, object]] = report["levels"]  # type: ignore[assignment]
    columns = list(rows[0])
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for row in rows:
        print("| " + " | ".join(str(row[c]) for c in columns) + " |")
    print(f"one-at-a-time bound (1 / p50 server time at 1 client): {report['bound_answers_per_s']}")
    for key in ("resources_before", "resources_after", "loadavg_before", "loadavg_after"):
        print(f"{key}: {report[key]}")


if __name__ == "__main__":
    raise SystemExit(main())

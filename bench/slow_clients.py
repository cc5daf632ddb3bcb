"""Six slow clients against gunicorn directly and through deploy/Caddyfile: the README's contrast.

    python bench/slow_clients.py [--seconds 20]

Each run starts gunicorn on an empty SQLite database (no migration needed: /healthz asks for
``SELECT 1``, /about/ needs no table), opens six clients that trickle a request one line a second
(three headers, three bodies, never finishing), then asks for /healthz and /about/ every half
second and prints how long the answers took. The set-ups: first, as the contrast, the old one
that the image no longer runs, gunicorn's sync workers (``--worker-class sync``) facing the
clients directly; then the current one, gunicorn.conf.py's gthread workers, facing them directly
(with fewer threads than slow clients, then more) and behind Caddy, as production runs them. Not
part of `make test` (tests/test_slow_clients.py is the bounded check of the proxied set-up).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.live_stack import (  # noqa: E402
    running_caddy,
    running_gunicorn,
    slow_clients,
    timed_get,
)

SETUPS = {
    # The old set-up, for contrast: sync workers, as the image ran before gthread.
    "gunicorn sync (3 workers), direct": (["--worker-class", "sync", "--workers", "3"], False),
    "gunicorn gthread (1 x 2 threads), direct": (["--workers", "1", "--threads", "2"], False),
    "gunicorn gthread (1 x 2 threads), behind Caddy": (["--workers", "1", "--threads", "2"], True),
    "gunicorn gthread (3 x 4 threads), direct": (["--workers", "3", "--threads", "4"], False),
    "gunicorn gthread (3 x 4 threads), behind Caddy": (["--workers", "3", "--threads", "4"], True),
}


def run(options: list[str], proxied: bool, seconds: float) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as folder, ExitStack() as stack:
        home = Path(folder)
        port = stack.enter_context(running_gunicorn(home, *options))
        if proxied:
            port = stack.enter_context(
                running_caddy(
                    home,
                    APP_UPSTREAM=f"127.0.0.1:{port}",
                    MEDIA_ROOT=str(home / "media"),
                    STATIC_ROOT=str(home / "static"),
                )
            )
        before = [timed_get(port, "/healthz", timeout=10)[1] for _ in range(3)]
        answers: list[tuple[int | str, float]] = []
        with slow_clients(port, headers=3, bodies=3) as clients:
            time.sleep(1.5)
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline:
                for path in ("/healthz", "/about/"):
                    answers.append(timed_get(port, path, timeout=35))
                time.sleep(0.5)
            dropped = sum(1 for client in clients if client.failure)
        times = [seconds for status, seconds in answers if status == 200]
        return {
            "before_ms": round(statistics.median(before) * 1000, 1),
            "asked": len(answers),
            "answered_200": len(times),
            "failed": sorted({str(status) for status, _ in answers if status != 200}),
            "median_ms": round(statistics.median(times) * 1000, 1) if times else None,
            "max_ms": round(max(seconds for _, seconds in answers) * 1000, 1),
            "slow_clients_cut_off": dropped,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args()
    for name, (options, proxied) in SETUPS.items():
        print(f"{name}: {run(options, proxied, args.seconds)}", flush=True)


if __name__ == "__main__":
    main()

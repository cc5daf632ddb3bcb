"""The load test (`make loadtest`): a mixed buyer load on gunicorn and PostgreSQL on this machine.

    python bench/loadtest.py --size 2000 [--users 20] [--run-time 60s] [--proxy]
    python bench/loadtest.py --size 2000 --fault postgres-stop --fault-cluster "15 faults"

1. **Data.** The database at LOADTEST_DATABASE_URL (default
   postgres://postgres@127.0.0.1:5432/directory_hardload) is dropped, created, migrated, given the
   reference taxonomy and ``generate_companies --count SIZE``, and VACUUM ANALYZEd (``--keep-data``
   reuses it when it already holds SIZE companies).
2. **Server.** ``gunicorn -c gunicorn.conf.py`` (threaded workers) with production settings and
   Redis as the cache (db 5 of REDIS_URL's server); ``--proxy`` puts deploy/Caddyfile in front.
3. **Load.** locust, headless, for ``--run-time``, with bench/locustfile.py's buyers; then p95 and
   failures per request type, and the rate reached.

``--fault export-storm`` has six clients, each from an address of its own, download the whole
directory as CSV over and over for ``--outage`` seconds in the middle of the run, while a probe
searches twice a second; it reports the search times before and during the storm, and how the
downloads were answered (200, or 503 while every export slot of the host was taken).

``--fault postgres-stop`` stops the PostgreSQL cluster that DATABASE_URL points at
(``pg_ctlcluster --skip-systemctl-redirect VERSION NAME stop``) for ``--outage`` seconds in the
middle of the run, while a probe asks for /healthz and the home page twice a second, and reports
what buyers saw: when pages turned 503 (the site's own page, never a traceback), when they came
back and how long that took. Use a cluster of its own (README, "Load and faults"), never one that
others share. Not part of `make test`.
"""

from __future__ import annotations

import argparse
import csv
import http.client
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402

from tests.live_stack import (  # noqa: E402
    GUNICORN_ENV,
    running_caddy,
    running_gunicorn,
    timed_get,
)

DATABASE_URL = os.environ.get(
    "LOADTEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/directory_hardload"
)
REDIS_URL = os.environ.get("LOADTEST_REDIS_URL", "redis://127.0.0.1:6379/5")


def manage(*args: str) -> None:
    env = {**os.environ, **GUNICORN_ENV, "DATABASE_URL": DATABASE_URL}
    subprocess.run(  # noqa: S603 (our own interpreter and manage.py)
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True
    )


def admin_url() -> str:
    parts = urlsplit(DATABASE_URL)
    return parts._replace(path="/postgres").geturl()


def company_count() -> int:
    try:
        with psycopg.connect(DATABASE_URL) as db:
            row = db.execute("SELECT count(*) FROM members_company").fetchone()
            return int(row[0]) if row else 0
    except psycopg.Error:
        return -1


def prepare(size: int, keep: bool) -> None:
    if keep and company_count() == size:
        print(f"Reusing the database: {size:,} companies.", flush=True)
        return
    name = urlsplit(DATABASE_URL).path.lstrip("/")
    with psycopg.connect(admin_url(), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    started = time.monotonic()
    manage("migrate", "--noinput", "-v0")
    manage("seed_demo", "--taxonomy-only")
    manage("generate_companies", "--count", str(size))
    with psycopg.connect(DATABASE_URL, autocommit=True) as db:
        db.execute("VACUUM ANALYZE")
    print(f"Prepared {size:,} companies in {time.monotonic() - started:.0f} s.", flush=True)


def sample(path: Path) -> None:
    """The slugs the buyers pick from: published companies and active taxonomy entries."""
    queries = {
        "companies": "SELECT slug FROM members_company WHERE status = 'published' "
        "ORDER BY random() LIMIT 2000",
        "clusters": "SELECT slug FROM clusters_cluster WHERE is_active",
        "capabilities": "SELECT slug FROM clusters_capability WHERE is_active",
        "regions": "SELECT slug FROM clusters_region WHERE is_active",
        "certifications": "SELECT slug FROM clusters_certification WHERE is_active",
        "sectors": "SELECT slug FROM clusters_sector WHERE is_active",
    }
    with psycopg.connect(DATABASE_URL) as db:
        data = {kind: [row[0] for row in db.execute(sql)] for kind, sql in queries.items()}
    data["sizes"] = ["sme", "1-9", "10-49", "50-249", "250+"]
    path.write_text(json.dumps(data))


@dataclass
class Probe:
    """/healthz and the home page twice a second: what a load balancer and a buyer see."""

    port: int
    started: float  # time.monotonic() that the times count from
    paths: tuple[str, ...] = ("/healthz", "/")
    seen: list[tuple[float, str, int | str, float, bool]] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        started = self.started
        while not self.stop.wait(0.5):
            for path in self.paths:
                at = time.monotonic() - started
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                try:
                    connection.request("GET", path, headers={"Host": "localhost"})
                    response = connection.getresponse()
                    body = response.read().decode(errors="replace")
                    friendly = path == "/healthz" or (
                        "Traceback" not in body
                        and (response.status == 200 or "there is a problem" in body)
                    )
                    self.seen.append((at, path, response.status, time.monotonic() - started - at,
                                      friendly))  # fmt: skip
                except OSError as error:
                    self.seen.append((at, path, type(error).__name__, 0.0, False))
                finally:
                    connection.close()


def stop_postgres(
    cluster: str, outage: float, delay: float, started: float, log: list[tuple[str, float]]
) -> None:
    version, name = cluster.split()
    time.sleep(delay)
    command = ["pg_ctlcluster", "--skip-systemctl-redirect", version, name]
    subprocess.run([*command, "stop", "-m", "fast"], check=True)  # noqa: S603
    log.append(("stopped", time.monotonic() - started))
    time.sleep(outage)
    log.append(("starting", time.monotonic() - started))
    subprocess.run([*command, "start"], check=True)  # noqa: S603
    log.append(("started", time.monotonic() - started))


STORM_CLIENTS = 6
STORM_SEARCH = "/companies/?q=security"


@dataclass
class Storm:
    """STORM_CLIENTS clients downloading every company as CSV, again and again."""

    port: int
    started: float
    duration: float
    delay: float
    answers: list[tuple[int, float, float]] = field(default_factory=list)  # status, at, seconds
    window: list[float] = field(default_factory=list)  # start, end

    def client(self, number: int, until: float) -> None:
        while time.monotonic() < until:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            begun = time.monotonic()
            try:
                connection.request(
                    "GET",
                    "/companies/export.csv",
                    headers={"Host": "localhost", "X-Forwarded-For": f"192.0.2.{number + 1}"},
                )
                response = connection.getresponse()
                response.read()
                self.answers.append(
                    (response.status, begun - self.started, time.monotonic() - begun)
                )
                if response.status != 200:
                    time.sleep(1)  # a person would not retry at once
            except OSError:
                self.answers.append((0, begun - self.started, time.monotonic() - begun))
            finally:
                connection.close()

    def run(self) -> None:
        time.sleep(self.delay)
        begun = time.monotonic()
        until = begun + self.duration
        threads = [
            threading.Thread(target=self.client, args=(n, until), daemon=True)
            for n in range(STORM_CLIENTS)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.window = [begun - self.started, time.monotonic() - self.started]


def report_storm(probe: Probe, storm: Storm) -> None:
    begun, ended = storm.window
    searches = [entry for entry in probe.seen if entry[1] == STORM_SEARCH]
    before = sorted(entry[3] for entry in searches if entry[0] < begun)
    during = sorted(entry[3] for entry in searches if begun <= entry[0] < ended)

    def summary(times: list[float]) -> str:
        if not times:
            return "no searches"
        p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
        return (
            f"{len(times)} searches, median {1000 * times[len(times) // 2]:.0f} ms, "
            f"p95 {1000 * p95:.0f} ms, slowest {1000 * times[-1]:.0f} ms"
        )

    statuses: dict[int, int] = {}
    for status, _at, _took in storm.answers:
        statuses[status] = statuses.get(status, 0) + 1
    served = sorted(took for status, _at, took in storm.answers if status == 200)
    print(f"\nExport storm: {STORM_CLIENTS} clients from {begun:.1f} s to {ended:.1f} s")
    print(f"  {STORM_SEARCH} before: {summary(before)}")
    print(f"  {STORM_SEARCH} during: {summary(during)}")
    print(
        "  downloads answered: "
        + ", ".join(f"{count} x {status}" for status, count in sorted(statuses.items()))
        + (f"; a whole download took {served[0]:.1f}-{served[-1]:.1f} s" if served else "")
    )


def run_locust(port: int, args: argparse.Namespace, folder: Path) -> Path:
    prefix = folder / "locust"
    env = {**os.environ, "LOADTEST_SAMPLE": str(folder / "sample.json")}
    subprocess.run(  # noqa: S603 (the venv's locust, fixed arguments)
        [
            sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"),
            "--headless", "--users", str(args.users), "--spawn-rate", str(args.spawn_rate),
            "--run-time", args.run_time, "--host", f"http://127.0.0.1:{port}",
            "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "5",
        ],
        env=env,
        check=False,  # locust exits 1 when any request failed: the table says which
    )  # fmt: skip
    return Path(f"{prefix}_stats.csv")


def report(stats: Path, args: argparse.Namespace) -> dict[str, object]:
    rows = list(csv.DictReader(stats.open()))
    print(f"\n{args.size:,} companies, {args.users} buyers, {args.run_time}:")
    print(
        f"{'request':28} {'count':>6} {'failed':>6} {'median ms':>10} {'p95 ms':>8} {'max ms':>8}"
    )
    table: dict[str, object] = {}
    for row in rows:
        name = row["Name"] if row["Name"] != "Aggregated" else "ALL"
        print(
            f"{name:28} {row['Request Count']:>6} {row['Failure Count']:>6} "
            f"{row['Median Response Time']:>10} {row['95%']:>8} "
            f"{float(row['Max Response Time']):>8.0f}"
        )
        table[name] = {
            "count": int(row["Request Count"]),
            "failed": int(row["Failure Count"]),
            "p95_ms": row["95%"],
        }
    total = next(row for row in rows if row["Name"] == "Aggregated")
    print(f"rate reached: {float(total['Requests/s']):.1f} requests a second")
    return table


def report_outage(probe: Probe, fault_log: list[tuple[str, float]]) -> None:
    events = dict(fault_log)
    stopped, started = events["stopped"], events["starting"]
    print(
        f"\nPostgreSQL stopped at {stopped:.1f} s; restart begun at {started:.1f} s, "
        f"accepting connections at {events['started']:.1f} s"
    )
    for path in ("/healthz", "/"):
        seen = [entry for entry in probe.seen if entry[1] == path]
        down = [entry for entry in seen if entry[2] != 200]
        statuses = sorted({str(entry[2]) for entry in down})
        unfriendly = [entry for entry in seen if not entry[4]]
        back = [entry[0] for entry in seen if entry[0] > started and entry[2] == 200]
        first_down = f"{down[0][0]:.1f}" if down else "-"
        last_down = f"{down[-1][0]:.1f}" if down else "-"
        print(
            f"{path:9} not 200 from {first_down} s to {last_down} s: "
            f"{len(down)} of {len(seen)} answers {statuses}; slowest answer "
            f"{max(entry[3] for entry in seen):.2f} s; without the site's own page "
            f"{len(unfriendly)}; back {back[0] - started:.1f} s after the restart began"
            if back
            else f"{path:9} never came back ({len(down)} failures {statuses})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=2000)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--spawn-rate", type=float, default=5)
    parser.add_argument("--run-time", default="60s")
    parser.add_argument("--workers", default="", help="WEB_CONCURRENCY (default: the image's)")
    parser.add_argument("--keep-data", action="store_true")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="an environment variable for gunicorn, e.g. EXPORT_CONCURRENCY=100 (repeatable)",
    )
    parser.add_argument("--proxy", action="store_true", help="through deploy/Caddyfile")
    parser.add_argument("--fault", choices=["postgres-stop", "export-storm"])
    parser.add_argument("--fault-cluster", default="15 faults", help='"VERSION NAME"')
    parser.add_argument("--outage", type=float, default=30)
    parser.add_argument("--fault-after", type=float, default=15)
    args = parser.parse_args()

    prepare(args.size, args.keep_data)
    with tempfile.TemporaryDirectory() as name, ExitStack() as stack:
        folder = Path(name)
        sample(folder / "sample.json")
        # Clients' addresses come from X-Forwarded-For, as behind the proxy (locustfile.py).
        variables = {
            "DATABASE_URL": DATABASE_URL,
            "REDIS_URL": REDIS_URL,
            "TRUSTED_PROXY_COUNT": "1",
        }
        if args.workers:
            variables["WEB_CONCURRENCY"] = args.workers
        variables.update(item.split("=", 1) for item in args.set)
        port = stack.enter_context(running_gunicorn(folder, **variables))
        if args.proxy:
            port = stack.enter_context(
                running_caddy(
                    folder,
                    APP_UPSTREAM=f"127.0.0.1:{port}",
                    MEDIA_ROOT=str(folder / "media"),
                    STATIC_ROOT=str(folder / "static"),
                )
            )
        timed_get(port, "/", timeout=30)  # the first page builds what a worker caches
        started = time.monotonic()
        storming = args.fault == "export-storm"
        probe = Probe(port, started, ("/healthz", STORM_SEARCH) if storming else ("/healthz", "/"))
        fault_log: list[tuple[str, float]] = []
        storm = Storm(port, started, args.outage, args.fault_after)
        probe_thread = threading.Thread(target=probe.run, daemon=True)
        fault = threading.Thread(
            target=storm.run
            if storming
            else partial(
                stop_postgres, args.fault_cluster, args.outage, args.fault_after, started, fault_log
            ),
            daemon=True,
        )
        if args.fault:
            probe_thread.start()
            fault.start()
        report(run_locust(port, args, folder), args)
        if args.fault:
            fault.join()
            time.sleep(5)  # a few more answers after the fault
            probe.stop.set()
            probe_thread.join()
            if storming:
                report_storm(probe, storm)
            else:
                report_outage(probe, fault_log)


if __name__ == "__main__":
    main()

"""The search benchmark (`make bench`): the site as production serves it, gunicorn over HTTP.

For each size (2,000 and 100,000 companies by default):

1. **Data.** The PostgreSQL bench database (BENCH_DATABASE_URL) is dropped and recreated,
   migrated, given the reference taxonomy, one synonym and ``generate_companies`` data, its
   search documents rebuilt (what ``manage.py generate_companies`` does) and VACUUM ANALYZEd.
2. **Server.** ``gunicorn -c gunicorn.conf.py`` (the production settings: gthread workers with
   GUNICORN_THREADS threads each, default 4; ``--workers`` of them, default 3) on a free local
   port; each worker builds its facet index in ``post_worker_init`` before it takes requests, and
   how long that takes is reported.
3. **Client.** Requests one after another from this process (http.client), each timed until the
   whole body is read. Warm and cold are reported apart: warm repeats a URL every worker has
   already served (this process sees which worker served each request by the CPU time each one
   used); cold asks for a word no request has used before, so no per-process cache can help.
   Then the CSV export of every company (time, rows, worker memory) and a search mix while a
   thread edits one company a second through ``members.services``.

Figures are printed as a table per size with PASS/MISS against the targets and written to
bench/results/latest.json. A MISS does not fail the run; an error (a response other than 200,
a crash) does, after the results are written.

Before the sizes, **relevance** (bench/relevance.py): the bench database gets the demo data
(``seed_demo``), the judged searches of bench/relevance.json run through the search engine, and
precision at 5 and MRR are printed against bench/relevance_floor.json and written to
bench/results/relevance.json. ``--relevance-only`` stops there (seconds, not minutes);
``--no-relevance`` skips it.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime
import http.client
import io
import json
import math
import os
import platform
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_DB = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/directory_bench"
)
# Production settings for the server and for this process (which loads the data and edits).
SERVER_ENV = {
    "DATABASE_URL": BENCH_DB,
    "DEBUG": "0",
    "SECRET_KEY": "benchmark-only-secret-key-not-for-production-use-0123456789abcdef",
    "SECURE_SSL_REDIRECT": "0",
    "PLAIN_STATIC": "1",
    "ALLOWED_HOSTS": "127.0.0.1",
    "LOG_LEVEL": "WARNING",
}
os.environ.update(SERVER_ENV)
os.environ["DJANGO_SETTINGS_MODULE"] = "directory.settings"

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench import relevance  # noqa: E402
from clusters.models import Capability  # noqa: E402
from members.demo.bulk import generate_companies  # noqa: E402
from members.models import Company, SearchSynonym  # noqa: E402
from members.search.facets import FACETS  # noqa: E402
from members.search.index import build  # noqa: E402
from members.services import company_save, search_rebuild, synonym_save  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "latest.json"
RELEVANCE_RESULTS = ROOT / "bench" / "results" / "relevance.json"
HOST = "127.0.0.1"
RESULTS_PER_PAGE = 20  # members.views.companies

# Targets: p95 of every scenario by size (a size up to 2,000 gets the small target), the rare
# word at any size (its first request included), the search mix under edits, page and export.
TARGETS = {
    "p95_ms_by_size": {"2000": 15.0, "100000": 100.0},
    "rare_word_p95_ms": 15.0,
    "under_edits_p95_ms": 100.0,
    "full_page_max_bytes": 50_000,
    "export_first_10000_rows_max_s": 1.0,
}
SMALL_SIZE = 2000
# Common words match 10-70 % of the published companies, rare searches 1-5 companies.
COMMON_SHARE = (0.10, 0.70)
RARE_DOCS = (1, 5)
# Two-word rare searches: a word in at most 0.5 % of companies and one in 0.5-5 %.
UNCOMMON_SHARE = (0.005, 0.05)
FIXED_COMMON_WORDS = ("data", "security", "ticketing")  # the warm common-word searches
# Warm URLs: untimed requests until every worker has served the URL, at most this many.
MAX_WARMUP = 40


# Data ------------------------------------------------------------------------------------------


def timed[T](timings: dict[str, float], name: str, action: Callable[[], T]) -> T:
    started = time.perf_counter()
    result = action()
    timings[name] = round(time.perf_counter() - started, 2)
    return result


def recreate_database() -> None:
    """Drop and create the bench database, so every size starts from the same empty state."""
    name = connection.settings_dict["NAME"]
    connections.close_all()
    with psycopg.connect(admin_url(), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')


def vacuum_analyze() -> None:
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def load(size: int, seed: int) -> dict[str, float]:
    """Build the database the way a deployment plus `manage.py generate_companies` would."""
    timings: dict[str, float] = {}
    timed(timings, "recreate_s", recreate_database)
    timed(timings, "migrate_s", lambda: call_command("migrate", verbosity=0))
    timed(
        timings,
        "taxonomy_s",
        lambda: call_command("seed_demo", taxonomy_only=True, stdout=io.StringIO()),
    )
    synonym_save(synonym=SearchSynonym(term="soc", expansion="security operations centre"))
    timed(timings, "generate_s", lambda: generate_companies(count=size, seed=seed))
    timed(timings, "search_rebuild_s", search_rebuild)
    timed(timings, "vacuum_analyze_s", vacuum_analyze)
    timings["total_s"] = round(sum(timings.values()), 2)
    # For reference: one facet index build in this process (each worker does the same at start).
    timed(timings, "facet_index_build_s", build)
    return timings


# Relevance ---------------------------------------------------------------------------------------


def measure_relevance(*, load_demo: bool) -> dict[str, object]:
    """The judged searches on the demo data, against the floor the tests hold them to."""
    print("\n== relevance: judged searches on the demo data ==", flush=True)
    timings: dict[str, float] = {}
    if load_demo:
        timed(timings, "recreate_s", recreate_database)
        timed(timings, "migrate_s", lambda: call_command("migrate", verbosity=0))
        timed(timings, "seed_demo_s", lambda: call_command("seed_demo", stdout=io.StringIO()))
    report = timed(timings, "evaluate_s", relevance.evaluate)
    print(relevance.describe(report))
    floor = relevance.load_floor()
    verdicts = {
        name: "PASS" if round(getattr(report, name), 4) >= getattr(floor, name) else "MISS"
        for name in ("precision_at_5", "mrr")
    }
    print(
        f"floor: precision@5 {floor.precision_at_5} {verdicts['precision_at_5']},"
        f" MRR {floor.mrr} {verdicts['mrr']}"
        f"  (load and evaluate: {', '.join(f'{k} {v}' for k, v in timings.items())})",
        flush=True,
    )
    result = {
        "generated_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "timings": timings,
        "floor": {"precision_at_5": floor.precision_at_5, "mrr": floor.mrr},
        "verdicts": verdicts,
        **report.as_dict(),
    }
    RELEVANCE_RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RELEVANCE_RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {RELEVANCE_RESULTS}")
    return result


# What to search for ------------------------------------------------------------------------------


@dataclass
class Words:
    """Search words drawn from the data: a few fixed ones, and pools used once each."""

    published: int
    common: list[str]  # ndoc within COMMON_SHARE, shuffled (cold words span the range)
    rare: list[str]  # searches matching RARE_DOCS companies: single words, then word pairs
    ndoc: dict[str, int]  # companies matching each word (or rare pair)
    _used: set[str] = field(default_factory=set)

    def take(self, pool: list[str], count: int) -> list[str]:
        """Up to ``count`` words of the pool that no request has used yet."""
        fresh = [word for word in pool if word not in self._used][:count]
        self._used.update(fresh)
        return fresh

    def reserve(self, *words: str) -> None:
        self._used.update(words)


# Real words (the spelling vocabulary: names, summaries, case-study titles) with the number of
# search documents holding each one's lexeme; one word per lexeme, the shortest.
WORDS_SQL = """
WITH stat AS (SELECT word, ndoc FROM ts_stat('SELECT document FROM members_searchdocument')),
terms AS (
    SELECT t.term, v.lexemes[1] AS lexeme
    FROM members_searchterm t, LATERAL (SELECT tsvector_to_array(to_tsvector('english', t.term))
                                        AS lexemes) v
    WHERE t.term ~ '^[a-z]+$' AND cardinality(v.lexemes) = 1
)
SELECT DISTINCT ON (s.word) terms.term, s.ndoc
FROM terms JOIN stat s ON s.word = terms.lexeme
ORDER BY s.word, length(terms.term), terms.term
"""


def search_words(rare_wanted: int) -> Words:
    """Common and rare searches of this database (ts_stat over the search documents)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM members_searchdocument")
        published = cursor.fetchone()[0]
        cursor.execute(WORDS_SQL)
        ndoc = dict(cursor.fetchall())
    low, high = (math.ceil(share * published) for share in COMMON_SHARE)
    common = sorted(w for w, n in ndoc.items() if low <= n <= high)
    rare = sorted(w for w, n in ndoc.items() if RARE_DOCS[0] <= n <= RARE_DOCS[1])
    rng = random.Random(published)
    rng.shuffle(common)
    rng.shuffle(rare)
    if len(rare) < rare_wanted:
        pairs = rare_pairs(ndoc, published, rare_wanted - len(rare), rng)
        rare += list(pairs)
        ndoc.update(pairs)
    return Words(published, common, rare, ndoc)


PAIR_MATCHES_SQL = (
    "SELECT count(*) FROM members_searchdocument"
    " WHERE document @@ websearch_to_tsquery('english', %s)"
)


def rare_pairs(
    ndoc: dict[str, int], published: int, wanted: int, rng: random.Random
) -> dict[str, int]:
    """Two-word searches that match a handful of companies, e.g. a name and a town.

    With many companies no single word is that rare (at 100,000 every word is in 50 or more
    documents: the generator draws names and places from fixed banks), but buyers looking for
    one supplier type its name and town, and together those narrow to a few companies.
    """
    low, high = (share * published for share in UNCOMMON_SHARE)
    rarest = sorted(w for w, n in ndoc.items() if n <= low)
    partners = sorted(w for w, n in ndoc.items() if low < n <= high)
    found: dict[str, int] = {}
    with connection.cursor() as cursor:
        for _ in range(wanted * 30 if rarest and partners else 0):
            text = f"{rng.choice(rarest)} {rng.choice(partners)}"
            cursor.execute(PAIR_MATCHES_SQL, [text])
            matches = cursor.fetchone()[0]
            if RARE_DOCS[0] <= matches <= RARE_DOCS[1]:
                found[text] = matches
            if len(found) >= wanted:
                break
    return found


def popular_options() -> dict[str, list[str]]:
    """Each facet's option keys, most held first (so facet searches find companies)."""
    today = timezone.localdate()
    options: dict[str, list[str]] = {}
    for facet in FACETS:
        counts: dict[str, int] = {o.key: 0 for o in facet.load_options()}
        for key, holders in facet.memberships(today, None):
            if key in counts:
                counts[key] += len(holders)
        options[facet.param] = sorted(counts, key=lambda key: -counts[key])
    return options


# The server --------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def children_of(pid: int) -> list[int]:
    """The child processes of ``pid`` (gunicorn's workers, for the master)."""
    with contextlib.suppress(OSError):
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    children = []  # kernels without that file: every process's parent, from /proc/*/stat
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                children.append(int(stat.parent.name))
    return children


def schedstat(pid: int) -> tuple[int, int]:
    """Nanoseconds this process has run on a CPU, and waited runnable for one (0 once gone).

    The wait is what a busy machine adds to a request: time the worker could have run but
    another process had the CPU."""
    try:
        run, wait, *_ = Path(f"/proc/{pid}/schedstat").read_text().split()
        return int(run), int(wait)
    except (OSError, ValueError):
        return 0, 0


def cpu_ns(pid: int) -> int:
    return schedstat(pid)[0]


def rss_kb(pid: int) -> dict[str, int]:
    """VmRSS (now) and VmHWM (peak since start) in kB."""
    found = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in {"VmRSS", "VmHWM"}:
                found[key] = int(value.split()[0])
    except OSError:
        pass
    return found


def heartbeat_started(pid: int) -> bool:
    """Whether the worker's run loop has begun, i.e. post_worker_init (the facet index build) is
    over and it takes requests. gunicorn creates the worker's heartbeat file (wall-clock mtime)
    before forking and first touches it, with a monotonic-clock time, when the run loop starts;
    so an mtime far from the wall clock means ready."""
    fd_dir = Path(f"/proc/{pid}/fd")
    try:
        for fd in fd_dir.iterdir():
            with contextlib.suppress(OSError):
                if "wgunicorn-" in os.readlink(fd):
                    return abs(fd.stat().st_mtime - time.time()) > 86_400
    except OSError:
        pass
    return False


class Gunicorn:
    """The production server as a subprocess in its own process group, always stopped."""

    def __init__(self, workers: int, log_path: Path) -> None:
        self.workers = workers
        self.port = free_port()
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Gunicorn:
        env = {**os.environ, **SERVER_ENV}
        command = [
            sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py",
            "--workers", str(self.workers), "--bind", f"{HOST}:{self.port}",
            "--access-logfile", "/dev/null", "--no-control-socket",
        ]  # fmt: skip
        self.log = self.log_path.open("wb")
        self.process = subprocess.Popen(  # noqa: S603 (our own interpreter, fixed arguments)
            command,
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        """TERM the master (graceful), then KILL its whole process group if it lingers."""
        if self.process is None:
            return
        process, self.process = self.process, None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            pass
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        self.log.close()

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def worker_pids(self) -> list[int]:
        return children_of(self.pid)

    def wait_ready(self, timeout: float = 300) -> dict[str, object]:
        """Seconds from start until /healthz answers and until each worker is ready."""
        healthz: list[float] = []
        probe = threading.Thread(target=self._wait_healthz, args=(healthz, timeout), daemon=True)
        probe.start()
        ready: dict[int, float] = {}
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}")
            for pid in self.worker_pids():
                if pid not in ready and heartbeat_started(pid):
                    ready[pid] = time.perf_counter() - self.started
            if len(ready) >= self.workers:
                probe.join(timeout=max(0.0, deadline - time.perf_counter()))
                if healthz:
                    return {
                        "first_healthz_s": round(healthz[0], 2),
                        "all_workers_ready_s": round(max(ready.values()), 2),
                        "workers_ready_s": sorted(round(s, 2) for s in ready.values()),
                    }
            time.sleep(0.005)
        raise RuntimeError(f"gunicorn not ready after {timeout} s; see {self.log_path}")

    def _wait_healthz(self, found: list[float], timeout: float) -> None:
        """Ask /healthz until it answers 200 (a request waits in the listen queue until a
        worker is ready to accept it)."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            try:
                conn = http.client.HTTPConnection(HOST, self.port, timeout=timeout)
                conn.request("GET", "/healthz", headers={"Host": HOST})
                status = conn.getresponse().status
                conn.close()
                if status == 200:
                    found.append(time.perf_counter() - self.started)
                    return
            except OSError:
                pass
            time.sleep(0.01)

    def log_problems(self) -> list[str]:
        """Lines of the server log that say something went wrong."""
        self.log.flush()
        text = self.log_path.read_text(errors="replace")
        pattern = re.compile(r"Traceback|ERROR|CRITICAL|WORKER TIMEOUT|SIGKILL|exception", re.I)
        return [line for line in text.splitlines() if pattern.search(line)][:50]

    def worker_boots(self) -> int:
        self.log.flush()
        return self.log_path.read_text(errors="replace").count("Booting worker")


# The client ------------------------------------------------------------------------------------


@dataclass
class Sample:
    ms: float
    status: int
    nbytes: int
    worker: int  # pid of the worker that served it (the one that used most CPU), 0 if unknown
    cpu_ms: float  # CPU that worker used meanwhile (not PostgreSQL's)
    wait_ms: float  # time that worker waited for a CPU meanwhile (a busy machine)


class Client:
    """Sequential GETs over one HTTP/1.1 connection, reopened whenever the server closes it.

    (gunicorn.conf.py's gthread workers keep it open between requests, ``keepalive``; a worker
    still closes it now and then, e.g. when it is recycled after ``max_requests``.
    ``connections_closed_by_server`` in the results counts these. Results from before gthread,
    such as bench/results/latest.json's, ran on sync workers, which close the connection after
    every response: there each request paid a local TCP connect.)
    """

    def __init__(self, server: Gunicorn) -> None:
        self.server = server
        self.conn = http.client.HTTPConnection(HOST, server.port, timeout=120)
        self.errors: list[dict[str, object]] = []
        self.reconnects = 0
        self.requests = 0

    def get(self, path: str, headers: dict[str, str] | None = None) -> Sample:
        """One request, timed from sending it to reading the last byte of the body."""
        workers = self.server.worker_pids()
        before = {pid: schedstat(pid) for pid in workers}
        started = time.perf_counter()
        try:
            self.conn.request("GET", path, headers={"Host": HOST, **(headers or {})})
            response = self.conn.getresponse()
        except (http.client.RemoteDisconnected, ConnectionError):
            self.conn.close()  # a kept connection the server had closed: once more, fresh
            started = time.perf_counter()
            self.conn.request("GET", path, headers={"Host": HOST, **(headers or {})})
            response = self.conn.getresponse()
        body = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        self.requests += 1
        if response.will_close:
            self.reconnects += 1
        worker, cpu_ms, wait_ms = self._served_by(before)
        sample = Sample(elapsed, response.status, len(body), worker, cpu_ms, wait_ms)
        if response.status != 200:
            self.errors.append(
                {
                    "url": path,
                    "status": response.status,
                    "body": body[:300].decode(errors="replace"),
                }
            )
        return sample

    def _served_by(self, before: dict[int, tuple[int, int]]) -> tuple[int, float, float]:
        """The worker that used most CPU since ``before``, its CPU and its wait for a CPU."""
        used = {}
        for pid, (run, wait) in before.items():
            run_now, wait_now = schedstat(pid)
            used[pid] = ((run_now - run) / 1e6, (wait_now - wait) / 1e6)
        if not used:
            return 0, 0.0, 0.0
        worker = max(used, key=lambda pid: used[pid][0])
        return worker, *used[worker]

    def close(self) -> None:
        self.conn.close()


# Scenarios ---------------------------------------------------------------------------------------


def url(**params: str) -> str:
    return "/companies/" + ("?" + urlencode(params) if params else "")


@dataclass
class Scenario:
    name: str
    kind: str  # "warm": the URLs repeated; "cold": every URL new
    urls: list[str]
    headers: dict[str, str] = field(default_factory=dict)
    rare: bool = False  # judged against the rare-word target too


def scenarios(words: Words, options: dict[str, list[str]], cold: int) -> list[Scenario]:
    """The fixed mix of searches (the old in-process bench's, plus cold words, the last page
    in updated order and the htmx partial); facets use their most held options."""
    cluster, region = options["cluster"], options["region"]
    last_page = max(1, math.ceil(words.published / RESULTS_PER_PAGE))
    common_warm = [w for w in FIXED_COMMON_WORDS if w in words.ndoc]
    words.reserve(*common_warm, "cloud")  # "cloud" is the text of "three facets + q"
    rare_warm = words.take(words.rare, 1)
    one_facet = url(cluster=cluster[0])
    return [
        Scenario("empty search", "warm", [url()]),
        Scenario("common word (warm)", "warm", [url(q=w) for w in common_warm]),
        Scenario("common word (cold)", "cold", [url(q=w) for w in words.take(words.common, cold)]),
        Scenario("rare word (warm)", "warm", [url(q=w) for w in rare_warm], rare=True),
        Scenario(
            "rare word (cold)", "cold", [url(q=w) for w in words.take(words.rare, cold)], rare=True
        ),
        Scenario(
            "phrase", "warm", [url(q='"incident response"'), url(q='"open banking" -consultancy')]
        ),
        Scenario("typo", "warm", [url(q="penetraton testing"), url(q="ticketting")]),
        Scenario("synonym", "warm", [url(q="SOC")]),
        Scenario("one facet", "warm", [one_facet, url(region=region[0])]),
        Scenario("two facets", "warm", [url(cluster=cluster[0], size="sme")]),
        Scenario(
            "three facets",
            "warm",
            [url(cluster=cluster[0], region=region[0], sector=options["sector"][0])],
        ),
        Scenario(
            "three facets + q",
            "warm",
            [
                url(
                    q="cloud",
                    capability=options["capability"][0],
                    size="sme",
                    certification=options["certification"][0],
                )
            ],
        ),
        Scenario("deep page (middle)", "warm", [url(page=str(max(1, last_page // 2)))]),
        Scenario("last page, sort=updated", "warm", [url(page=str(last_page), sort="updated")]),
        Scenario("htmx partial", "warm", [one_facet], headers={"HX-Request": "true"}),
    ]


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile: the smallest value with ``fraction`` of values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def summary(samples: list[Sample]) -> dict[str, float | int]:
    """Client-side timings and size, and the serving workers' median CPU and CPU wait."""
    times = [s.ms for s in samples]
    if not times:
        return {"count": 0}
    slowest = max(samples, key=lambda s: s.ms)
    return {
        "count": len(times),
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(percentile(times, 0.95), 2),
        "max_ms": round(max(times), 2),
        "bytes": int(statistics.median(s.nbytes for s in samples)),
        "worker_cpu_p50_ms": round(statistics.median(s.cpu_ms for s in samples), 2),
        "worker_cpu_p95_ms": round(percentile([s.cpu_ms for s in samples], 0.95), 2),
        "cpu_wait_p50_ms": round(statistics.median(s.wait_ms for s in samples), 2),
        "slowest": {
            "ms": round(slowest.ms, 2),
            "worker_cpu_ms": round(slowest.cpu_ms, 2),
            "cpu_wait_ms": round(slowest.wait_ms, 2),
        },
    }


def warm_up(client: Client, path: str, headers: dict[str, str]) -> tuple[list[Sample], set[int]]:
    """Untimed requests until every worker has served this URL; the workers that have.

    Requests land on whichever worker accepts first, so this takes three or more requests."""
    served: set[int] = set()
    samples = []
    while len(samples) < MAX_WARMUP:
        workers = set(client.server.worker_pids())
        if workers and workers <= served:
            break
        sample = client.get(path, headers)
        samples.append(sample)
        served.add(sample.worker)
    return samples, served


def run_scenario(client: Client, scenario: Scenario, rounds: int) -> dict[str, object]:
    """Warm: each URL warmed on every worker, then `rounds` timed repeats per URL, interleaved.
    Cold: each URL (a word no request has used) requested once, that first request timed.

    A worker gunicorn recycles (max_requests) meanwhile serves a warm URL for the first time;
    such requests stay in the figures and are counted in ``first_on_worker``."""
    if scenario.kind == "cold":
        samples = [client.get(path, scenario.headers) for path in scenario.urls]
        return {**summary(samples), "words": len(scenario.urls)}
    first: list[Sample] = []
    served: dict[str, set[int]] = {}
    for path in scenario.urls:
        samples, served[path] = warm_up(client, path, scenario.headers)
        first += samples
    samples, first_on_worker = [], 0
    for _ in range(rounds):
        for path in scenario.urls:
            sample = client.get(path, scenario.headers)
            first_on_worker += sample.worker not in served[path]
            served[path].add(sample.worker)
            samples.append(sample)
    return {
        **summary(samples),
        "urls": len(scenario.urls),
        "warm_up_requests": len(first),
        "warm_up_max_ms": round(max((s.ms for s in first), default=0), 2),
        "first_on_worker": first_on_worker,
    }


# Export ------------------------------------------------------------------------------------------


def run_export(client: Client, server: Gunicorn, rows_wanted: int) -> dict[str, object]:
    """Stream /companies/export.csv (every company): time to the first byte, to the first
    ``rows_wanted`` data rows and to the end, and every worker's memory while it streams.

    A download cut short (the worker killed by gunicorn's 30 s timeout, say) is an error."""
    path = "/companies/export.csv"
    workers = server.worker_pids()
    before = {pid: rss_kb(pid) for pid in workers}
    cpu_before = {pid: cpu_ns(pid) for pid in workers}
    peak = {pid: before[pid].get("VmRSS", 0) for pid in workers}
    conn = http.client.HTTPConnection(HOST, server.port, timeout=300)
    buffer = io.BytesIO()
    lines, header_line, first_byte_s, first_rows_s, last_sample = 0, None, None, None, 0.0
    started = time.perf_counter()
    try:
        conn.request("GET", path, headers={"Host": HOST})
        response = conn.getresponse()
        while chunk := response.read1(65536):
            first_byte_s = first_byte_s or time.perf_counter() - started
            buffer.write(chunk)
            lines += chunk.count(b"\n")
            if header_line is None:
                head = buffer.getvalue()[:4096]
                if b"\nName,Profile URL" in head:
                    header_line = head[: head.index(b"\nName,Profile URL")].count(b"\n") + 2
            if header_line and first_rows_s is None and lines - header_line >= rows_wanted:
                first_rows_s = time.perf_counter() - started
            if time.perf_counter() - last_sample > 0.05:
                last_sample = time.perf_counter()
                for pid in workers:
                    peak[pid] = max(peak[pid], rss_kb(pid).get("VmRSS", 0))
        status = response.status
    except (http.client.HTTPException, OSError) as error:
        status = 0
        client.errors.append({"url": path, "error": repr(error), "bytes": buffer.tell()})
    finally:
        conn.close()
    total_s = time.perf_counter() - started
    if status not in {0, 200}:
        client.errors.append({"url": path, "status": status})
    after = {pid: rss_kb(pid) for pid in workers}
    served = max(workers, key=lambda pid: cpu_ns(pid) - cpu_before[pid])
    records = list(csv.reader(io.StringIO(buffer.getvalue().decode("utf-8-sig"))))
    header_at = next((i for i, row in enumerate(records) if row[:1] == ["Name"]), len(records))
    declared = next((int(row[1]) for row in records if row[:1] == ["Companies"]), None)
    data_rows = max(0, len(records) - header_at - 1)
    if status == 200 and data_rows != declared:
        client.errors.append({"url": path, "error": f"{data_rows} rows, {declared} declared"})

    def growth(pid: int, key: str, now: dict[int, dict[str, int]]) -> float:
        return round((now[pid].get(key, 0) - before[pid].get(key, 0)) / 1024, 1)

    return {
        "rows": data_rows,
        "rows_declared": declared,
        "bytes": buffer.tell(),
        "first_byte_s": round(first_byte_s, 3) if first_byte_s else None,
        "first_rows": rows_wanted,
        "first_rows_s": round(first_rows_s, 3) if first_rows_s else None,
        "all_rows_s": round(total_s, 2),
        "worker_rss_before_mb": round(before[served].get("VmRSS", 0) / 1024, 1),
        "worker_rss_peak_mb": round(peak[served] / 1024, 1),
        "worker_rss_after_mb": round(after[served].get("VmRSS", 0) / 1024, 1),
        "worker_rss_growth_mb": growth(served, "VmRSS", after),
        "worker_peak_rss_growth_mb": growth(served, "VmHWM", after),
        "max_rss_growth_any_worker_mb": max(growth(pid, "VmRSS", after) for pid in workers),
    }


# Under edits -------------------------------------------------------------------------------------


class Editor(threading.Thread):
    """Once a second, edits one random published company through members.services, as staff or
    a member would: a new summary each time, and every other time new capabilities within its
    clusters. Each edit becomes one search change that every worker patches in on its next
    request; the client meanwhile checks that readers are never held up by it."""

    def __init__(self, seed: int, interval: float = 1.0) -> None:
        super().__init__(name="bench-editor", daemon=True)
        self.rng = random.Random(seed)
        self.interval = interval
        self.stopping = threading.Event()
        self.edit_ms: list[float] = []
        self.error: Exception | None = None

    def run(self) -> None:
        try:
            ids = list(Company.objects.published().values_list("pk", flat=True))
            summaries = list(
                Company.objects.published().order_by("?").values_list("summary", flat=True)[:500]
            )
            next_at = time.perf_counter()
            while not self.stopping.is_set():
                started = time.perf_counter()
                self.edit(self.rng.choice(ids), self.rng.choice(summaries))
                self.edit_ms.append((time.perf_counter() - started) * 1000)
                next_at += self.interval
                self.stopping.wait(max(0.0, next_at - time.perf_counter()))
        except Exception as error:  # reported by the caller
            self.error = error
        finally:
            connection.close()

    def edit(self, pk: int, summary_text: str) -> None:
        company = Company.objects.get(pk=pk)
        company.summary = summary_text
        capabilities = None
        if len(self.edit_ms) % 2:
            pools: dict[int, list[Capability]] = {}
            for capability in Capability.objects.filter(cluster__in=company.clusters.all()):
                pools.setdefault(capability.cluster_id, []).append(capability)
            capabilities = [self.rng.choice(pool) for pool in pools.values()]
            rest = [c for pool in pools.values() for c in pool if c not in capabilities]
            capabilities += self.rng.sample(rest, min(len(rest), self.rng.randint(2, 6)))
        company_save(company=company, capabilities=capabilities)

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=30)


def run_under_edits(
    client: Client, words: Words, options: dict[str, list[str]], seconds: float, seed: int
) -> dict[str, object]:
    """The search mix (empty, one facet, common word warm and cold) while the Editor runs."""
    fresh_words = iter(words.take(words.common, len(words.common)))
    pairs = ((a, b) for a in words.common for b in words.common if a < b)
    common = next((w for w in FIXED_COMMON_WORDS if w in words.ndoc), words.common[0])

    def cold_text() -> str:
        word = next(fresh_words, None)
        return word if word is not None else " ".join(next(pairs))

    mix: list[tuple[str, Callable[[], str]]] = [
        ("empty search", lambda: url()),
        ("one facet", lambda: url(cluster=options["cluster"][0])),
        ("common word (warm)", lambda: url(q=common)),
        ("common word (cold)", lambda: url(q=cold_text())),
    ]
    for _, make in mix[:3]:
        warm_up(client, make(), {})  # then only edits make these cold again
    with connection.cursor() as cursor:
        cursor.execute("SELECT version FROM members_searchstate WHERE id = 1")
        version_before = cursor.fetchone()[0]
    boots_before = client.server.worker_boots()
    editor = Editor(seed)
    samples: dict[str, list[Sample]] = {name: [] for name, _ in mix}
    editor.start()
    try:
        deadline = time.perf_counter() + seconds
        turn = 0
        while time.perf_counter() < deadline and editor.is_alive():
            name, make = mix[turn % len(mix)]
            samples[name].append(client.get(make()))
            turn += 1
    finally:
        editor.stop()
    if editor.error is not None:
        raise RuntimeError(f"the editing thread failed: {editor.error!r}") from editor.error
    with connection.cursor() as cursor:
        cursor.execute("SELECT version FROM members_searchstate WHERE id = 1")
        version_after = cursor.fetchone()[0]
    everything = [s for group in samples.values() for s in group]
    return {
        "seconds": seconds,
        **summary(everything),
        "by_kind": {name: summary(group) for name, group in samples.items()},
        "edits": len(editor.edit_ms),
        "edit_p50_ms": round(statistics.median(editor.edit_ms), 1) if editor.edit_ms else None,
        "edit_max_ms": round(max(editor.edit_ms), 1) if editor.edit_ms else None,
        "search_versions": version_after - version_before,
        "worker_restarts": client.server.worker_boots() - boots_before,
    }


# One size ----------------------------------------------------------------------------------------


def size_target(size: int) -> float:
    by_size = TARGETS["p95_ms_by_size"]
    return by_size["2000"] if size <= SMALL_SIZE else by_size["100000"]


def judge(row: dict[str, object], limit: float) -> str:
    p95 = row.get("p95_ms")
    if p95 is None:
        return "n/a"
    return "PASS" if float(p95) <= limit else "MISS"


TABLE_HEADER = (
    f"{'scenario':<26} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'bytes':>7}"
    f" {'cpu ms':>7} {'wait ms':>7}  target p95"
)


def table_row(name: str, row: dict[str, object], limit: float | None = None) -> str:
    """One line of the table: the client's timings, then the serving worker's median CPU and
    median wait for a CPU (how much of the time a busy machine added)."""
    cells = [row.get(key, "-") for key in ("count", "p50_ms", "p95_ms", "max_ms", "bytes")]
    line = f"{name:<26} {cells[0]:>4} {cells[1]:>8} {cells[2]:>8} {cells[3]:>8} {cells[4]:>7}"
    line += f" {row.get('worker_cpu_p50_ms', '-'):>7} {row.get('cpu_wait_p50_ms', '-'):>7}"
    if limit is not None:
        line += f"  <= {limit:<6} {judge(row, limit)}"
    return line


def describe_words(words: Words) -> dict[str, object]:
    rare_ndoc = [words.ndoc[w] for w in words.rare]
    common_ndoc = [words.ndoc[w] for w in words.common]
    return {
        "published": words.published,
        "common_pool": len(words.common),
        "common_ndoc_range": [min(common_ndoc), max(common_ndoc)] if common_ndoc else None,
        "rare_pool": len(words.rare),
        "rare_two_word_searches": sum(" " in w for w in words.rare),
        "rare_ndoc_range": [min(rare_ndoc), max(rare_ndoc)] if rare_ndoc else None,
        "rare_examples": words.rare[:3],
    }


def measure_scenarios(
    client: Client, size: int, words: Words, options: dict[str, list[str]], args: argparse.Namespace
) -> dict[str, dict[str, object]]:
    print(TABLE_HEADER)
    target = size_target(size)
    rows = {}
    for scenario in scenarios(words, options, args.cold):
        row = run_scenario(client, scenario, args.rounds)
        limit = min(TARGETS["rare_word_p95_ms"], target) if scenario.rare else target
        row["target_p95_ms"] = limit
        row["verdict"] = judge(row, limit)
        rows[scenario.name] = row
        print(table_row(scenario.name, row, limit), flush=True)
    return rows


def measure_page_bytes(client: Client) -> dict[str, object]:
    """The first results page (20 companies) whole, and as the htmx partial."""
    full = client.get(url())
    partial = client.get(url(), {"HX-Request": "true"})
    limit = TARGETS["full_page_max_bytes"]
    page = {
        "full_page": full.nbytes,
        "htmx_partial": partial.nbytes,
        "target_full_page_max": limit,
        "verdict": "PASS" if full.nbytes <= limit else "MISS",
    }
    print(
        f"page size: /companies/ {full.nbytes:,} bytes (<= {limit:,}: {page['verdict']}),"
        f" htmx partial {partial.nbytes:,} bytes"
    )
    return page


def measure_export(client: Client, server: Gunicorn, rows_wanted: int) -> dict[str, object]:
    export = run_export(client, server, rows_wanted)
    first = export["first_rows_s"]
    limit = TARGETS["export_first_10000_rows_max_s"]
    export["target_first_10000_rows_max_s"] = limit
    export["verdict"] = "n/a" if first is None else "PASS" if first < limit else "MISS"
    print(
        f"export: first {rows_wanted:,} rows in {first} s (< {limit} s: {export['verdict']}),"
        f" all {export['rows']:,} rows ({export['bytes'] / 1e6:.1f} MB) in"
        f" {export['all_rows_s']} s; serving worker RSS {export['worker_rss_before_mb']} ->"
        f" peak {export['worker_rss_peak_mb']} -> {export['worker_rss_after_mb']} MB"
        f" (largest growth of any worker {export['max_rss_growth_any_worker_mb']} MB)",
        flush=True,
    )
    return export


def measure_under_edits(
    client: Client, words: Words, options: dict[str, list[str]], args: argparse.Namespace
) -> dict[str, object]:
    edits = run_under_edits(client, words, options, args.edit_seconds, args.seed)
    limit = TARGETS["under_edits_p95_ms"]
    edits["target_p95_ms"] = limit
    edits["verdict"] = judge(edits, limit)
    print(
        f"under edits: {edits['edits']} edits in {args.edit_seconds:.0f} s (median edit"
        f" {edits['edit_p50_ms']} ms), {edits['worker_restarts']} worker restarts"
    )
    for name, row in edits["by_kind"].items():
        print(table_row(f"  {name}", row))
    print(table_row("  all (the mix)", edits, limit), flush=True)
    return edits


def bench_size(size: int, args: argparse.Namespace) -> dict[str, object]:
    """Load, serve, measure one size; the server is stopped whatever happens."""
    result: dict[str, object] = {"load_average_before": uptime()}
    print(f"\n== {size:,} companies ==  (load average {uptime()})", flush=True)
    if args.no_load:
        result["load"] = {"skipped": True}
    else:
        result["load"] = load(size, args.seed)
    print("load (s): " + ", ".join(f"{k} {v}" for k, v in result["load"].items()), flush=True)
    words = search_words(rare_wanted=args.cold + 1)
    options = popular_options()
    result["words"] = describe_words(words)
    connections.close_all()  # the workers are the ones to talk to the database now
    log_path = Path(tempfile.gettempdir()) / f"bench-gunicorn-{size}.log"
    with Gunicorn(args.workers, log_path) as server:
        ready = result["worker_ready_s"] = server.wait_ready()
        print(
            f"gunicorn: /healthz answered after {ready['first_healthz_s']} s; {args.workers}"
            f" workers ready (facet index built) after {ready['workers_ready_s']} s",
            flush=True,
        )
        client = Client(server)
        client.get(url())  # untimed: nothing measured before the site has answered once
        result["scenarios"] = measure_scenarios(client, size, words, options, args)
        result["page_bytes"] = measure_page_bytes(client)
        result["export"] = measure_export(client, server, min(args.export_rows, words.published))
        if args.edit_seconds > 0:
            result["under_edits"] = measure_under_edits(client, words, options, args)
        client.close()
        result["requests"] = client.requests
        result["connections_closed_by_server"] = client.reconnects
        result["worker_boots"] = server.worker_boots()
        result["errors"] = client.errors
        result["server_log_problems"] = server.log_problems()
    result["load_average_after"] = uptime()
    for error in result["errors"]:
        print(f"ERROR: {error}")
    for line in result["server_log_problems"]:
        print(f"server log: {line}")
    return result


def uptime() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def admin_url() -> str:
    """The server's maintenance database, for what must not run inside the bench database."""
    return BENCH_DB.rsplit("/", 1)[0] + "/postgres"


def postgres_version() -> str:
    with psycopg.connect(admin_url()) as admin:
        return str(admin.execute("SHOW server_version").fetchone()[0])


def on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(f"stopped by signal {signum}")  # runs every `finally`: gunicorn is stopped


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="2000,100000", help="companies, comma-separated")
    parser.add_argument("--rounds", type=int, default=20, help="timed repeats of each warm URL")
    parser.add_argument("--cold", type=int, default=40, help="words per cold scenario")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--export-rows", type=int, default=10_000)
    parser.add_argument(
        "--edit-seconds", type=float, default=40, help="search mix under edits (0: skip)"
    )
    parser.add_argument(
        "--no-load", action="store_true", help="use the bench database as it is (one size)"
    )
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument(
        "--relevance-only",
        action="store_true",
        help="only the judged searches on the demo data (with --no-load: on the database as it is)",
    )
    parser.add_argument("--no-relevance", action="store_true", help="skip the judged searches")
    args = parser.parse_args()
    if args.no_load and "," in args.sizes and not args.relevance_only:
        parser.error("--no-load measures the database as it is: give one size")
    if args.relevance_only and args.no_relevance:
        parser.error("--relevance-only and --no-relevance exclude each other")
    signal.signal(signal.SIGTERM, on_sigterm)
    if args.relevance_only:
        measure_relevance(load_demo=not args.no_load)
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    results: dict[str, object] = {
        "generated_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "postgres": postgres_version(),
            "load_average_before": uptime(),
        },
        "settings": {
            "gunicorn_workers": args.workers,
            "rounds": args.rounds,
            "cold_words": args.cold,
            "seed": args.seed,
            "edit_seconds": args.edit_seconds,
            "percentile": "nearest rank",
            "timing": "send request to last body byte, one request at a time",
        },
        "targets": TARGETS,
        "sizes": {},
    }
    if not args.no_relevance and not args.no_load:  # it reloads the database
        found = measure_relevance(load_demo=True)
        results["relevance"] = {
            key: found[key] for key in ("precision_at_5", "mrr", "perfect", "floor", "verdicts")
        }
    failed = False
    for size in sizes:
        outcome = bench_size(size, args)
        results["sizes"][str(size)] = outcome
        failed = failed or bool(outcome["errors"])
    results["machine"]["load_average_after"] = uptime()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nwrote {args.output}")
    if failed:
        sys.exit("errors: a response other than 200 or a cut-short export (see ERROR above)")


if __name__ == "__main__":
    main()

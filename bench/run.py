"""The search benchmark (`make bench`): real requests through the whole Django stack.

For each size (2,000 and 100,000 companies by default) it rebuilds a PostgreSQL benchmark
database with `generate_companies`, then sends a fixed mix of requests to /companies/ and
/companies/export.csv with Django's test client, and reports p50, p95 and max per scenario and
the database queries per request. Results go to bench/results/latest.json.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_DB = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/directory_bench"
)
os.environ["DATABASE_URL"] = BENCH_DB
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "directory.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-not-for-production-use-0123456789")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("PLAIN_STATIC", "1")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from members.facets import get_index  # noqa: E402
from members.generation import generate_companies  # noqa: E402
from members.signals import directory_changed  # noqa: E402

from members.models import Company, SearchSynonym  # noqa: E402
from members.search import rebuild_search_terms  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "latest.json"


def recreate_database() -> None:
    name = connection.settings_dict["NAME"]
    connections.close_all()
    admin_url = BENCH_DB.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')


def load(size: int, seed: int) -> dict[str, float]:
    timings = {}
    recreate_database()
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("seed_demo", taxonomy_only=True, verbosity=0)
    SearchSynonym.objects.get_or_create(
        term="soc", defaults={"expansion": "security operations centre"}
    )
    timings["migrate_s"] = time.perf_counter() - started
    started = time.perf_counter()
    generate_companies(count=size, seed=seed)
    timings["generate_s"] = time.perf_counter() - started
    started = time.perf_counter()
    directory_changed(None)
    rebuild_search_terms()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    timings["index_s"] = time.perf_counter() - started
    started = time.perf_counter()
    get_index()
    timings["facet_index_build_s"] = time.perf_counter() - started
    return timings


def scenarios(total: int) -> dict[str, list[dict[str, object]]]:
    """The fixed query mix: name -> the parameter sets it cycles through."""
    index = get_index()
    opts = {p: [o.key for o in d.options] for p, d in index.facets.items()}
    rare = Company.objects.published().order_by("pk").values_list("name", flat=True)[total // 2]
    last_page = max(1, total // 20)
    return {
        "empty search": [{}],
        "common word": [{"q": "data"}, {"q": "security"}, {"q": "ticketing"}],
        "rare word": [{"q": rare.split()[0]}],
        "phrase": [{"q": '"incident response"'}, {"q": '"open banking" -consultancy'}],
        "typo": [{"q": "penetraton testing"}, {"q": "ticketting"}],
        "synonym": [{"q": "SOC"}],
        "one facet": [{"cluster": opts["cluster"][1]}, {"region": opts["region"][0]}],
        "two facets": [{"cluster": opts["cluster"][0], "size": "sme"}],
        "three facets": [
            {
                "cluster": opts["cluster"][1],
                "region": opts["region"][2],
                "sector": opts["sector"][0],
            },
            {
                "q": "cloud",
                "capability": opts["capability"][3],
                "size": "sme",
                "certification": opts["certification"][0],
            },
        ],
        "deep page": [{"page": str(last_page // 2)}, {"page": str(last_page), "sort": "updated"}],
    }


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def timed_get(client: Client, url: str) -> tuple[float, int]:
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        response = client.get(url)
        if response.streaming:
            for _ in response.streaming_content:
                pass
        elapsed = time.perf_counter() - started
    assert response.status_code == 200, (url, response.status_code)
    return elapsed * 1000, len(captured)


def run_mix(client: Client, total: int, rounds: int) -> dict[str, dict[str, float]]:
    """Each scenario's first request of each query is reported apart (cold): it is the one that
    ranks every text match; the rounds after it find the matches remembered (warm)."""
    report: dict[str, dict[str, float]] = {}
    for name, params_list in scenarios(total).items():
        urls = ["/companies/?" + urlencode(params, doseq=True) for params in params_list]
        cold = [timed_get(client, url) for url in urls]
        warm = [timed_get(client, url) for _ in range(rounds) for url in urls]
        times = [ms for ms, _ in warm]
        report[name] = {
            "requests": len(cold) + len(warm),
            "cold_max_ms": round(max(ms for ms, _ in cold), 2),
            "p50_ms": round(statistics.median(times), 2),
            "p95_ms": round(percentile(times, 0.95), 2),
            "max_ms": round(max(times), 2),
            "queries_per_request": max(q for _, q in cold + warm),
        }
    return report


def run_export(client: Client, rows: int) -> dict[str, float]:
    """Stream the export of every company; time the first `rows` rows and the whole file."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    response = client.get("/companies/export.csv")
    count, first_rows_s = 0, None
    for chunk in response.streaming_content:
        count += chunk.count(b"\n")
        if first_rows_s is None and count >= rows + 8:  # 8 lines of preamble and header
            first_rows_s = time.perf_counter() - started
    total_s = time.perf_counter() - started
    growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    return {
        f"first_{rows}_rows_s": round(first_rows_s or total_s, 2),
        "all_rows": count - 8,
        "all_rows_s": round(total_s, 2),
        "peak_rss_growth_mb": round(growth / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="2000,100000")
    parser.add_argument("--rounds", type=int, default=10, help="repeats of each scenario")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--export-rows", type=int, default=10_000)
    args = parser.parse_args()
    results: dict[str, object] = {"python": sys.version.split()[0], "sizes": {}}
    for size in [int(s) for s in args.sizes.split(",")]:
        print(f"\n== {size:,} companies ==", flush=True)
        timings = load(size, args.seed)
        print("load: " + ", ".join(f"{k} {v:.1f}" for k, v in timings.items()), flush=True)
        client = Client()
        client.get("/companies/")  # warm the facet index and template cache
        mix = run_mix(client, size, args.rounds)
        total_requests = sum(int(v["requests"]) for v in mix.values())
        print(
            f"{'scenario':<14} {'n':>4} {'cold ms':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}"
            f" {'queries':>7}"
        )
        for name, row in mix.items():
            print(
                f"{name:<14} {row['requests']:>4} {row['cold_max_ms']:>8} {row['p50_ms']:>8}"
                f" {row['p95_ms']:>8} {row['max_ms']:>8} {row['queries_per_request']:>7}"
            )
        export = run_export(client, min(args.export_rows, size))
        connection.queries_log.clear()
        print(f"export: {export}")
        results["sizes"][str(size)] = {
            "load": timings,
            "requests": total_requests,
            "scenarios": mix,
            "export": export,
        }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nwrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

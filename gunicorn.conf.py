"""Gunicorn settings for the production image (``gunicorn -c gunicorn.conf.py directory.wsgi``).

Each value that differs between hosts comes from the environment; a malformed number stops the
server at start-up rather than running it with a guess. Anything else can be overridden without
a rebuild through gunicorn's own ``GUNICORN_CMD_ARGS``.
"""

from __future__ import annotations

import os


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise SystemExit(f"{name} must be an integer, not {value!r}") from None


def _default_workers() -> int:
    # One process per core, plus one, capped: a container often sees every core of its host, and
    # each process holds its own facet index. Threads (below) add concurrency within a process.
    cores = os.process_cpu_count() or 1
    return min(cores + 1, 8)


wsgi_app = "directory.wsgi:application"
bind = f"0.0.0.0:{_env_int('PORT', 8000)}"
# Threads, so a request waiting on PostgreSQL or Redis does not hold a whole process. Clients reach
# gunicorn only through the proxy (deploy/Caddyfile), which hands over whole requests; no client
# can make a thread wait for a slow request line, headers or body.
worker_class = "gthread"
workers = _env_int("WEB_CONCURRENCY", _default_workers())
threads = _env_int("GUNICORN_THREADS", 4)
# A worker whose main loop is silent this long (stuck, not a slow request: the loop keeps
# beating while a thread works) is killed and replaced.
timeout = _env_int("GUNICORN_TIMEOUT", 30)
graceful_timeout = 30
# Longer than the proxy keeps an idle upstream connection (30 s, deploy/Caddyfile), so gunicorn
# never closes a connection that Caddy is about to reuse.
keepalive = 35
# Recycle workers now and then so a slow leak never becomes an outage.
max_requests = 2000
max_requests_jitter = 200
# Heartbeat files in memory: a container's overlay disk can stall them and get workers killed.
# gunicorn makes them with mkstemp, so a shared directory is safe.
_shm = "/dev/shm"  # noqa: S108
worker_tmp_dir = _shm if os.path.isdir(_shm) else None
# Proxies whose X-Forwarded-* headers gunicorn trusts; set to the TLS proxy's address (or "*"
# when only the proxy can reach the container).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
accesslog = "-"
errorlog = "-"
loglevel = "info"


def post_worker_init(worker: object) -> None:
    """Build the facet index before the worker takes requests, so no buyer waits for it.

    Each worker keeps its own index (members.search.index); after a recycle (max_requests) the
    new worker builds it here too. If the database is not reachable yet, the first search will.
    """
    from django.db import connections

    from members.search.index import current_snapshot, follow_expiries_safely

    try:
        follow_expiries_safely()  # a worker started on a new day has no day to see turn
        current_snapshot()
    except Exception as error:
        worker.log.warning("Facet index not built at start: %s", error)  # type: ignore[attr-defined]
    finally:
        connections.close_all()

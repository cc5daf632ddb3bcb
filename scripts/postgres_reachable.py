"""Tell whether the PostgreSQL server of a database URL accepts our connections.

Usage: postgres_reachable.py URL. Prints the server version (exit 0) or the reason (exit 1).
It connects to the server's ``postgres`` database, as Django does to create a test database, so
the database named in the URL need not exist yet.
"""

from __future__ import annotations

import sys

import dj_database_url
import psycopg


def main(url: str) -> int:
    config = dj_database_url.parse(url)
    if config["ENGINE"] != "django.db.backends.postgresql":
        print(f"not a PostgreSQL URL (engine {config['ENGINE']})")
        return 1
    try:
        with psycopg.connect(
            host=config["HOST"] or None,
            port=config["PORT"] or None,
            user=config["USER"] or None,
            password=config["PASSWORD"] or None,
            dbname="postgres",
            connect_timeout=3,
        ) as connection:
            version = connection.execute("SHOW server_version").fetchone()
    except psycopg.Error as exc:
        print(str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__)
        return 1
    print(f"PostgreSQL {version[0] if version else '?'}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))

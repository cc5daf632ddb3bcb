"""Slow clients cannot take the site down: the real deploy/Caddyfile in front of real gunicorn.

Six clients trickle their requests one line a second, three never finishing their headers and
three never finishing their body (the slowloris pattern). gunicorn gets too few threads to hold
them all (one process, two threads), so if any reached it the health check and the page would
wait. Through Caddy, which hands gunicorn whole requests only, both answer at once. (Against
gunicorn directly, with its sync workers, the same six stall the site: README, "Deploying".)

gunicorn runs on an empty SQLite database: /healthz asks it for ``SELECT 1`` and the about page
needs no table, so no migration is needed and the test stays within about 15 s.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from tests.live_stack import running_caddy, running_gunicorn, slow_clients, timed_get

pytestmark = pytest.mark.proxy

# Generous for a busy 2-core machine; a stalled site takes until the slow clients give up.
QUICK_S = 2.0
TRICKLE_S = 6


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    home = tmp_path_factory.mktemp("stack")
    with (
        running_gunicorn(home, WEB_CONCURRENCY="1", GUNICORN_THREADS="2") as app_port,
        running_caddy(
            home,
            APP_UPSTREAM=f"127.0.0.1:{app_port}",
            MEDIA_ROOT=str(home / "media"),
            STATIC_ROOT=str(home / "static"),
        ) as port,
    ):
        yield port


def test_the_site_answers_through_the_proxy(site: int) -> None:
    assert timed_get(site, "/healthz", timeout=10)[0] == 200
    assert timed_get(site, "/about/", timeout=10)[0] == 200


def test_six_slow_clients_do_not_stall_the_health_check_or_a_page(site: int) -> None:
    with slow_clients(site, headers=3, bodies=3) as clients:
        time.sleep(1.5)  # every slow client is connected and trickling
        answers = []
        deadline = time.monotonic() + TRICKLE_S
        while time.monotonic() < deadline:
            for path in ("/healthz", "/about/"):
                answers.append((path, *timed_get(site, path, timeout=QUICK_S * 4)))
            time.sleep(0.25)
        still_trickling = [client.lines_sent for client in clients if not client.failure]

    assert len(still_trickling) == 6, [client.failure for client in clients]
    assert min(still_trickling) >= TRICKLE_S  # they kept sending the whole time
    slow_or_failed = [answer for answer in answers if answer[1] != 200 or answer[2] > QUICK_S]
    assert slow_or_failed == []
    assert len(answers) >= 10

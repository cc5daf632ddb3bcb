"""A mixed buyer load for locust: what a public-sector buyer does in one visit.

Run by bench/loadtest.py (`make loadtest`), which prepares the database, starts gunicorn and
writes the sample of slugs and words this file reads (LOADTEST_SAMPLE, a JSON file). Each
simulated buyer opens the home page, searches with words and filters, pages through results,
opens profiles, adds a few to the shortlist (a real form post with its CSRF token) and looks at
it, and now and then exports a search as CSV. Weights follow a session of the README's estimate
("Load and faults"): about six searches, four profiles, two shortlist actions, rarely an export.
"""

from __future__ import annotations

import json
import os
import random
import re
from typing import Any

from locust import HttpUser, between, task

with open(os.environ["LOADTEST_SAMPLE"]) as sample_file:
    SAMPLE: dict[str, list[str]] = json.load(sample_file)

WORDS = [
    "cyber",
    "data",
    "ticketing",
    "security",
    "cloud",
    "payments",
    "analytics",
    "penetration testing",
    '"incident response"',
    "transport -rail",
    "machine learning",
    "soc",
    "cybr",  # a typo: the spelling suggestions
]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def pick(kind: str) -> str:
    return random.choice(SAMPLE[kind])


def facet_filters() -> dict[str, Any]:
    filters: dict[str, Any] = {}
    for parameter, kind, chance in (
        ("cluster", "clusters", 0.4),
        ("capability", "capabilities", 0.3),
        ("region", "regions", 0.4),
        ("certification", "certifications", 0.25),
        ("sector", "sectors", 0.2),
        ("size", "sizes", 0.2),
    ):
        if random.random() < chance:
            filters[parameter] = pick(kind)
    return filters


class Buyer(HttpUser):
    # A person reading results between clicks: 2-8 s, so about 0.2 requests a second each.
    wait_time = between(2, 8)

    def on_start(self) -> None:
        # Each buyer comes from an address of their own, as the proxy reports it (loadtest.py runs
        # gunicorn with TRUSTED_PROXY_COUNT=1): the per-address limits count each buyer alone.
        self.client.headers["X-Forwarded-For"] = (
            f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"
        )

    @task(1)
    def home(self) -> None:
        self.client.get("/", name="home")

    @task(3)
    def search_text(self) -> None:
        self.client.get("/companies/", params={"q": random.choice(WORDS)}, name="search: text")

    @task(2)
    def search_filters(self) -> None:
        params = facet_filters() or {"cluster": pick("clusters")}
        if random.random() < 0.5:
            params["q"] = random.choice(WORDS)
        if random.random() < 0.3:
            params["page"] = random.randint(2, 4)
        self.client.get("/companies/", params=params, name="search: filters")

    @task(1)
    def search_partial(self) -> None:
        # What htmx asks for as a buyer ticks a box: the results fragment only.
        self.client.get(
            "/companies/",
            params={**facet_filters(), "q": random.choice(WORDS)},
            headers={"HX-Request": "true"},
            name="search: htmx partial",
        )

    @task(4)
    def profile(self) -> None:
        self.client.get(f"/companies/{pick('companies')}/", name="profile")

    @task(2)
    def shortlist_add_and_view(self) -> None:
        slug = pick("companies")
        page = self.client.get(f"/companies/{slug}/", name="profile")
        token = CSRF.search(page.text)
        if token is None:  # the profile failed (and counts as failed): nothing to add from
            return
        self.client.post(
            f"/shortlist/add/{slug}/",
            data={"csrfmiddlewaretoken": token.group(1)},
            headers={"Referer": page.url or ""},
            name="shortlist: add",
        )
        self.client.get("/shortlist/", name="shortlist: view")

    @task(1)
    def cluster_page(self) -> None:
        self.client.get(f"/clusters/{pick('clusters')}/", name="cluster page")

    # Rare: a buyer who found what they need takes the list away.
    @task(1)
    def export(self) -> None:
        if random.random() < 0.25:
            params = facet_filters() or {"cluster": pick("clusters")}
            self.client.get("/companies/export.csv", params=params, name="export CSV")

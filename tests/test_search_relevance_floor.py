"""Judged buyer searches on the demo data score at least the floor (bench/relevance_floor.json).

The searches and what a procurement expert expects of each are in bench/relevance.json; the
scoring is bench/relevance.py's, the engine the page's. Ranking needs PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from bench.relevance import Judgement, Outcome, Report, describe, evaluate, load_floor

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="ranking needs PostgreSQL"
)
# pytest-django creates the test database only for a session with a test marked as using it.
uses_demo_data = pytest.mark.django_db


@pytest.fixture(scope="module")
def report(django_db_setup: None, django_db_blocker: object) -> Iterator[Report]:
    """The demo data seeded and every judged search scored once, then all rolled back."""
    with django_db_blocker.unblock(), transaction.atomic():  # type: ignore[attr-defined]
        call_command("seed_demo", stdout=StringIO())
        yield evaluate()
        transaction.set_rollback(True)


@pytest.mark.postgres
@needs_postgres
@uses_demo_data
def test_precision_at_5_stays_at_or_above_the_floor(report: Report) -> None:
    assert round(report.precision_at_5, 4) >= load_floor().precision_at_5, describe(report)


@pytest.mark.postgres
@needs_postgres
@uses_demo_data
def test_mean_reciprocal_rank_stays_at_or_above_the_floor(report: Report) -> None:
    assert round(report.mrr, 4) >= load_floor().mrr, describe(report)


@pytest.mark.postgres
@needs_postgres
@uses_demo_data
def test_no_company_judged_out_of_the_top_five_gets_in(report: Report) -> None:
    known = {search: set(slugs) for search, slugs in load_floor().known_intrusions.items()}
    new = {
        search: sorted(set(slugs) - known.get(search, set()))
        for search, slugs in report.intrusions.items()
        if set(slugs) - known.get(search, set())
    }
    assert not new


def _outcome(relevant: tuple[str, ...], top: tuple[str, ...], rank: int | None) -> Outcome:
    return Outcome(Judgement(id="x", q="x", relevant=relevant, not_top5=("bad",)), top, rank)


@pytest.mark.parametrize(
    ("relevant", "top", "rank", "precision", "reciprocal"),
    [
        # Two relevant, both in the top five: perfect precision whatever fills the rest.
        (("a", "b"), ("x", "a", "y", "b", "z"), 2, 1.0, 0.5),
        # Eight relevant: the top five can hold only five of them.
        (tuple("abcdefgh"), ("a", "x", "b", "c", "y"), 1, 0.6, 1.0),
        # Found beyond the top five: no precision, a small reciprocal rank.
        (("a",), ("v", "w", "x", "y", "z"), 10, 0.0, 0.1),
        (("a",), (), None, 0.0, 0.0),
    ],
)
def test_scores_count_relevant_companies_over_at_most_five(
    relevant: tuple[str, ...],
    top: tuple[str, ...],
    rank: int | None,
    precision: float,
    reciprocal: float,
) -> None:
    outcome = _outcome(relevant, top, rank)
    assert outcome.precision_at_5 == pytest.approx(precision)
    assert outcome.reciprocal_rank == pytest.approx(reciprocal)


def test_a_must_not_company_in_the_top_five_is_an_intruder() -> None:
    assert _outcome(("a",), ("a", "bad"), 1).intruders == ("bad",)
    assert not _outcome(("a",), ("a", "b"), 1).intruders

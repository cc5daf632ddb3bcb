"""Search relevance on the demo data: precision at 5 and mean reciprocal rank of judged searches.

``bench/relevance.json`` holds buyer searches, each with the companies (slugs) a procurement
expert reading the demo profiles expects in the top five ("relevant") and those that must not be
there ("not_top5"), judged from the data rather than from what the engine returns. Each search
goes through ``members.search.engine.run_search``, the engine behind the page, on a facet index
built for the judged file's ``as_of`` date (the demo data's dates are fixed, so certificates that
count as current do not change as the calendar moves on).

- **Precision at 5**: of the relevant companies, how many are in the top five, over
  ``min(5, number relevant)``.
- **Reciprocal rank**: 1 / the rank of the first relevant company in the whole result (0 when
  none is found); its mean over the searches is the MRR.

``tests/test_search_relevance_floor.py`` holds both at or above ``bench/relevance_floor.json``.
Run on a database holding the demo data (``manage.py seed_demo``):
``DATABASE_URL=postgres://... python bench/relevance.py`` (``--json`` for machine-readable
output). ``make bench BENCH_ARGS=--relevance-only`` loads the demo data into the bench database
first.
"""

from __future__ import annotations

import datetime
import json
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

TOP = 5
JUDGED = Path(__file__).with_name("relevance.json")
FLOOR = Path(__file__).with_name("relevance_floor.json")


@dataclass(frozen=True)
class Judgement:
    """One judged search."""

    id: str
    q: str
    relevant: tuple[str, ...]
    not_top5: tuple[str, ...] = ()
    filters: dict[str, list[str]] = field(default_factory=dict)
    why: str = ""


@dataclass(frozen=True)
class Judged:
    as_of: datetime.date
    judgements: tuple[Judgement, ...]


def load_judged(path: Path = JUDGED) -> Judged:
    data = json.loads(path.read_text())
    judgements = tuple(
        Judgement(
            id=item["id"],
            q=item["q"],
            relevant=tuple(item["relevant"]),
            not_top5=tuple(item.get("not_top5", ())),
            filters={param: list(values) for param, values in item.get("filters", {}).items()},
            why=item.get("why", ""),
        )
        for item in data["queries"]
    )
    ids = [j.id for j in judgements]
    if len(ids) != len(set(ids)):
        raise ValueError(f"{path}: search ids repeat")
    return Judged(datetime.date.fromisoformat(data["as_of"]), judgements)


@dataclass(frozen=True)
class Floor:
    """The least the judged searches may score (raised as search improves)."""

    precision_at_5: float
    mrr: float
    known_intrusions: dict[str, list[str]]  # search id -> "not in the top five" companies there


def load_floor(path: Path = FLOOR) -> Floor:
    data = json.loads(path.read_text())
    return Floor(
        precision_at_5=float(data["precision_at_5"]),
        mrr=float(data["mrr"]),
        known_intrusions={k: list(v) for k, v in data.get("known_intrusions", {}).items()},
    )


@dataclass(frozen=True)
class Outcome:
    """What one judged search found."""

    judgement: Judgement
    top: tuple[str, ...]  # the slugs of the top five, in order
    first_relevant_rank: int | None  # 1-based, in the whole result

    @property
    def found_relevant(self) -> tuple[str, ...]:
        return tuple(slug for slug in self.top if slug in self.judgement.relevant)

    @property
    def precision_at_5(self) -> float:
        wanted = min(TOP, len(self.judgement.relevant))
        return len(self.found_relevant) / wanted if wanted else 1.0

    @property
    def reciprocal_rank(self) -> float:
        return 1 / self.first_relevant_rank if self.first_relevant_rank else 0.0

    @property
    def intruders(self) -> tuple[str, ...]:
        """Companies judged "not in the top five" that are there."""
        return tuple(slug for slug in self.top if slug in self.judgement.not_top5)

    @property
    def perfect(self) -> bool:
        return self.precision_at_5 == 1.0 and self.reciprocal_rank == 1.0 and not self.intruders


@dataclass(frozen=True)
class Report:
    as_of: datetime.date
    outcomes: tuple[Outcome, ...] = field(repr=False)

    @property
    def precision_at_5(self) -> float:
        return statistics.fmean(o.precision_at_5 for o in self.outcomes)

    @property
    def mrr(self) -> float:
        return statistics.fmean(o.reciprocal_rank for o in self.outcomes)

    @property
    def intrusions(self) -> dict[str, tuple[str, ...]]:
        """Search id -> the "not in the top five" companies found there."""
        return {o.judgement.id: o.intruders for o in self.outcomes if o.intruders}

    def as_dict(self) -> dict[str, object]:
        return {
            "as_of": self.as_of.isoformat(),
            "searches": len(self.outcomes),
            "precision_at_5": round(self.precision_at_5, 4),
            "mrr": round(self.mrr, 4),
            "perfect": sum(o.perfect for o in self.outcomes),
            "by_search": {
                o.judgement.id: {
                    "q": o.judgement.q,
                    "filters": o.judgement.filters,
                    "precision_at_5": round(o.precision_at_5, 4),
                    "reciprocal_rank": round(o.reciprocal_rank, 4),
                    "top": list(o.top),
                    "intruders": list(o.intruders),
                }
                for o in self.outcomes
            },
        }


def evaluate(judged: Judged | None = None) -> Report:
    """Run every judged search through the page's engine and score it (needs the demo data)."""
    from members.models import Company
    from members.search.engine import run_search
    from members.search.forms import SearchParams
    from members.search.index import build

    judged = judged or load_judged()
    snapshot = build(today=judged.as_of)
    slugs = dict(Company.objects.values_list("pk", "slug"))
    missing = {
        slug
        for j in judged.judgements
        for slug in (*j.relevant, *j.not_top5)
        if slug not in slugs.values()
    }
    if missing:
        raise LookupError(
            f"Judged companies not in this database: {', '.join(sorted(missing))}. "
            "Load the demo data first (manage.py seed_demo)."
        )
    for judgement in judged.judgements:
        for param, keys in judgement.filters.items():
            known = (
                {option.key for option in snapshot.options(param)}
                if param in snapshot.facets
                else set()
            )
            if not set(keys) <= known:
                raise LookupError(f"{judgement.id}: unknown filter {param}={keys}")
    outcomes = []
    for judgement in judged.judgements:
        params = SearchParams(text=judgement.q, selected=judgement.filters)
        ordered = [slugs[int(pk)] for pk in run_search(params, snapshot).ordered_ids]
        rank = next((i for i, slug in enumerate(ordered, 1) if slug in judgement.relevant), None)
        outcomes.append(Outcome(judgement, tuple(ordered[:TOP]), rank))
    return Report(judged.as_of, tuple(outcomes))


def _mark(judgement: Judgement, slug: str) -> str:
    if slug in judgement.relevant:
        return "*"
    return "!" if slug in judgement.not_top5 else ""


def _short(slugs: Sequence[str]) -> str:
    return ", ".join(slugs) or "-"


def describe(report: Report, *, all_searches: bool = False) -> str:
    """A table of the searches (those short of perfect, unless ``all_searches``) and the means."""
    lines = [f"{'search':<30} {'P@5':>5} {'RR':>5}  top five (* relevant, ! must not)"]
    for outcome in report.outcomes:
        if outcome.perfect and not all_searches:
            continue
        judgement = outcome.judgement
        marked = [slug + _mark(judgement, slug) for slug in outcome.top]
        lines.append(
            f"{judgement.id:<30} {outcome.precision_at_5:>5.2f} {outcome.reciprocal_rank:>5.2f}"
            f"  {_short(marked)}"
        )
    perfect = sum(o.perfect for o in report.outcomes)
    lines.append(
        f"relevance over {len(report.outcomes)} judged searches (as of {report.as_of}):"
        f" precision@5 {report.precision_at_5:.3f}, MRR {report.mrr:.3f},"
        f" {perfect} perfect, {len(report.intrusions)} with a must-not company in the top five"
    )
    return "\n".join(lines)


def main() -> None:
    import argparse
    import os
    import sys

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--all", action="store_true", help="list perfect searches too")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "directory.settings")
    import django

    django.setup()
    report = evaluate()
    print(
        json.dumps(report.as_dict(), indent=2)
        if args.json
        else describe(report, all_searches=args.all)
    )


if __name__ == "__main__":
    main()

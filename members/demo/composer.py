"""Composing fictional member companies from a seeded random stream and the taxonomy.

``Composer`` draws company plans from a ``random.Random`` and the taxonomy in the database;
``members.demo.seed`` saves about sixty of them through the services (so history and search are
kept exactly as for a real edit), ``members.demo.bulk`` bulk-inserts any number for benchmarks.

Randomness here makes fictional data, not secrets, hence the ``noqa: S311`` markers.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.utils.text import slugify

from clusters.models import Capability, Certification, Cluster, Framework, Region, Sector
from clusters.taxonomy import load_taxonomy
from members.demo import words as bank

DEMO_SEED = 1707
DEMO_COMPANY_COUNT = 60
# Dates are fixed rather than taken from today, so that loading the demo twice changes nothing.
ANCHOR = datetime.datetime(2026, 11, 1, 9, 30, tzinfo=datetime.UTC)
EXPIRED_BETWEEN = (datetime.date(2023, 3, 1), datetime.date(2025, 9, 30))
CURRENT_BETWEEN = (datetime.date(2028, 1, 31), datetime.date(2031, 6, 30))
# Certificates reissued every year (Cyber Essentials) expire within twelve months of the anchor.
RENEWED_WITHIN = (datetime.date(2026, 12, 1), datetime.date(2027, 10, 31))
FRAMEWORK_CURRENT_BETWEEN = (datetime.date(2027, 6, 30), datetime.date(2030, 3, 31))
SUMMARY_LIMIT = 300
POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
NUMBER_ATTEMPTS = 20


@dataclass(frozen=True)
class Taxonomy:
    """The reference rows in the database, in display order, for composing companies."""

    clusters: tuple[Cluster, ...]
    capabilities: dict[int, tuple[Capability, ...]]
    regions: tuple[Region, ...]
    certifications: dict[str, Certification]
    frameworks: dict[str, Framework]
    sectors: dict[str, Sector]

    @classmethod
    def from_database(cls) -> Taxonomy:
        capabilities: dict[int, list[Capability]] = {}
        for capability in Capability.objects.order_by("cluster_id", "position", "slug"):
            capabilities.setdefault(capability.cluster_id, []).append(capability)
        clusters = tuple(
            c for c in Cluster.objects.active().order_by("position", "slug") if c.pk in capabilities
        )
        if not clusters:
            raise LookupError(
                "No active cluster has capabilities: load them with "
                "`manage.py seed_demo --taxonomy-only`."
            )
        return cls(
            clusters=clusters,
            capabilities={key: tuple(value) for key, value in capabilities.items()},
            regions=tuple(Region.objects.order_by("position", "slug")),
            certifications={c.slug: c for c in Certification.objects.order_by("position", "slug")},
            frameworks={f.slug: f for f in Framework.objects.order_by("position", "slug")},
            sectors={s.slug: s for s in Sector.objects.order_by("position", "slug")},
        )


def ensure_taxonomy() -> Taxonomy:
    """The taxonomy in the database, loading the reference data first if there is none."""
    if not Capability.objects.exists():
        load_taxonomy()
    return Taxonomy.from_database()


# Composing one company ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CertificationPlan:
    certification: Certification
    certificate_number: str
    issuer: str
    valid_until: datetime.date | None


@dataclass(frozen=True)
class FrameworkPlan:
    framework: Framework
    lot: str
    valid_until: datetime.date | None


@dataclass(frozen=True)
class CaseStudyPlan:
    title: str
    client: str
    summary: str
    year: int
    is_public_sector: bool


@dataclass
class CompanyPlan:
    values: dict[str, object]  # Company's own columns, including slug and region_id
    clusters: list[Cluster]
    capabilities: list[Capability]
    sectors: list[Sector]
    certifications: list[CertificationPlan] = field(default_factory=list)
    frameworks: list[FrameworkPlan] = field(default_factory=list)
    case_studies: list[CaseStudyPlan] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return str(self.values["slug"])


@dataclass(frozen=True)
class Choices:
    """What a caller fixes about a company; the rest is drawn at random."""

    clusters: tuple[Cluster, ...] = ()
    region: Region | None = None
    band: str | None = None
    status: str | None = None


def join_words(items: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def lower_first(text: str) -> str:
    """Lower-case the first letter unless the first word is an acronym or brand (KYC, IoT)."""
    first = text.split(" ", 1)[0]
    if any(ch.isupper() for ch in first[1:]):
        return text
    return text[:1].lower() + text[1:]


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def capability_phrase(capability: Capability) -> str:
    return bank.CAPABILITY_PHRASES.get(capability.slug) or lower_first(capability.name)


def _date_between(rng: random.Random, bounds: tuple[datetime.date, datetime.date]) -> datetime.date:
    start, end = bounds
    return start + datetime.timedelta(days=rng.randrange((end - start).days + 1))


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


@dataclass(frozen=True)
class Options:
    """What a company in these clusters is likely to hold, from the phrase banks."""

    sectors: list[Sector]
    certifications: list[Certification]
    lots: list[tuple[Framework, str]]

    @classmethod
    def for_clusters(cls, taxonomy: Taxonomy, clusters: Sequence[Cluster]) -> Options:
        slugs = [c.slug for c in clusters]
        sectors = [s for slug in slugs for s in bank.CLUSTER_SECTORS.get(slug, ())]
        certs = [s for slug in slugs for s in bank.CLUSTER_CERTIFICATIONS.get(slug, ())]
        certs += bank.COMMON_CERTIFICATIONS
        lots = [lot for slug in slugs for lot in bank.CLUSTER_FRAMEWORK_LOTS.get(slug, ())]
        return cls(
            sectors=[taxonomy.sectors[s] for s in dict.fromkeys(sectors) if s in taxonomy.sectors],
            certifications=[
                taxonomy.certifications[s]
                for s in dict.fromkeys(certs)
                if s in taxonomy.certifications
            ],
            lots=[
                (taxonomy.frameworks[slug], lot)
                for slug, lot in dict.fromkeys(lots)
                if slug in taxonomy.frameworks
            ],
        )


class Composer:
    """Draws fictional companies one after another from a seeded random stream.

    ``tld`` and each call's ``slug_prefix`` keep generated companies apart from the demo set;
    Companies House numbers are drawn from ``number_range`` and never repeat ``taken_numbers``.
    """

    def __init__(
        self,
        taxonomy: Taxonomy,
        rng: random.Random,
        *,
        tld: str = "example",
        number_range: tuple[int, int] = (100_000, 900_000),
        taken_numbers: Iterable[str] = (),
    ) -> None:
        self.taxonomy = taxonomy
        self.rng = rng
        self.tld = tld
        self.number_range = number_range
        self.taken_numbers = set(taken_numbers)
        # Redraws after a clash use their own stream, so a clash never shifts later companies.
        self.number_rng = random.Random(rng.random())  # noqa: S311
        self.taken_names: set[str] = set()
        self.region_weights = [bank.REGION_WEIGHTS.get(r.slug, 2) for r in taxonomy.regions]
        self.options: dict[tuple[int, ...], Options] = {}
        self.phrases = {
            cap.pk: capability_phrase(cap)
            for caps in taxonomy.capabilities.values()
            for cap in caps
        }

    def compose(
        self, choices: Choices | None = None, *, slug_prefix: str = "", unique_name: bool = False
    ) -> CompanyPlan:
        rng = self.rng
        choices = choices or Choices()
        clusters = list(choices.clusters) or self._clusters()
        band = choices.band or _weighted(rng, {k: v[0] for k, v in bank.BAND_PROFILES.items()})
        region = choices.region or rng.choices(self.taxonomy.regions, self.region_weights)[0]
        place = rng.choice(bank.REGION_PLACES.get(region.slug, bank.FALLBACK_PLACES))
        short = self._short_name(clusters[0], unique=unique_name)
        plan = CompanyPlan(
            values={},
            clusters=clusters,
            capabilities=self._capabilities(clusters),
            sectors=self._sectors(clusters),
        )
        plan.values = self._identity(short, band, region, place, slug_prefix)
        plan.values["status"] = choices.status or _weighted(rng, bank.STATUS_WEIGHTS)
        plan.values.update(self._commitments_and_dates())
        plan.certifications = self._certifications(clusters)
        plan.frameworks = self._frameworks(clusters)
        plan.case_studies = self._case_studies(plan)
        plan.values["summary"] = self._summary(plan, place.town, band)
        plan.values["description"] = self._description(plan, short, place.town, band)
        return plan

    # Who the company is

    def _clusters(self) -> list[Cluster]:
        clusters = self.taxonomy.clusters
        if len(clusters) > 1 and self.rng.random() < 0.25:
            return self.rng.sample(clusters, 2)
        return [self.rng.choice(clusters)]

    def _short_name(self, cluster: Cluster, *, unique: bool) -> str:
        rng = self.rng
        while True:
            head = rng.choice(bank.NAME_HEADS) + rng.choice(bank.NAME_TAILS)
            words = bank.CLUSTER_NAME_WORDS.get(cluster.slug, bank.GENERIC_NAME_WORDS)
            short = f"{head} {rng.choice(words)}"
            if not unique:
                return short
            if short not in self.taken_names:
                self.taken_names.add(short)
                return short

    def _identity(
        self, short: str, band: str, region: Region, place: bank.Place, slug_prefix: str
    ) -> dict[str, object]:
        rng = self.rng
        name = f"{short} {rng.choice(bank.LEGAL_SUFFIXES)}"
        slug = f"{slug_prefix}{slugify(short)}"
        domain = f"{slug}.{self.tld}"
        first, last = rng.choice(bank.FIRST_NAMES), rng.choice(bank.SURNAMES)
        mailbox = first.lower() if rng.random() < 0.4 else rng.choice(bank.EMAIL_MAILBOXES)
        return {
            "name": name,
            "slug": slug,
            "website": f"https://www.{domain}",
            "contact_name": f"{first} {last}",
            "contact_email": f"{mailbox}@{domain}",
            "contact_phone": self._phone(place),
            "town": place.town,
            "postcode": self._postcode(place),
            "region_id": region.pk,
            "founded_year": rng.randint(*bank.FOUNDED_BETWEEN.get(band, (2000, 2025))),
            "employee_band": band,
            "companies_house_number": self._companies_house_number(region, place),
        }

    def _phone(self, place: bank.Place) -> str:
        prefix = bank.MOBILE_PHONE if self.rng.random() < 0.25 else place.phone
        return f"{prefix}{self.rng.randrange(1000):03d}"

    def _postcode(self, place: bank.Place) -> str:
        district = self.rng.choice(place.districts)
        if not place.uk:
            return district
        letters = "".join(self.rng.choices(POSTCODE_LETTERS, k=2))
        return f"{district} {self.rng.randrange(1, 10)}{letters}"

    def _companies_house_number(self, region: Region, place: bank.Place) -> str:
        if not place.uk or self.rng.random() < 0.04:
            return ""  # a sole trader or partnership, or registered abroad
        draw = self.rng
        for _ in range(NUMBER_ATTEMPTS):
            digits = draw.randrange(*self.number_range)
            number = f"SC{digits:06d}" if region.is_scottish else f"{digits + 1_000_000:08d}"
            if number not in self.taken_numbers:
                self.taken_numbers.add(number)
                return number
            draw = self.number_rng
        return ""  # the range is crowded: leave this one without a number

    def _commitments_and_dates(self) -> dict[str, object]:
        rng = self.rng
        verified = None
        roll = rng.random()
        if roll < 0.3:  # due for review: verified more than a year before the anchor
            verified = ANCHOR - datetime.timedelta(
                days=rng.randint(380, 1000), minutes=rng.randrange(600)
            )
        elif roll < 0.88:
            verified = ANCHOR - datetime.timedelta(
                days=rng.randint(3, 330), minutes=rng.randrange(600)
            )
        confirmed = None
        if rng.random() < 0.65:
            confirmed = ANCHOR - datetime.timedelta(
                days=rng.randint(0, 420), hours=rng.randrange(10)
            )
        return {
            "pays_real_living_wage": rng.random() < 0.45,
            "fair_work_first": rng.random() < 0.4,
            "scottish_business_pledge": rng.random() < 0.25,
            "supported_business": rng.random() < 0.03,
            "last_verified_at": verified,
            "last_confirmed_at": confirmed,
        }

    # What it does

    def _options(self, clusters: Sequence[Cluster]) -> Options:
        key = tuple(cluster.pk for cluster in clusters)
        if key not in self.options:
            self.options[key] = Options.for_clusters(self.taxonomy, clusters)
        return self.options[key]

    def _capabilities(self, clusters: Sequence[Cluster]) -> list[Capability]:
        rng = self.rng
        pools = [self.taxonomy.capabilities[c.pk] for c in clusters]
        chosen = [rng.choice(pool) for pool in pools]  # at least one in every cluster
        chosen_ids = {cap.pk for cap in chosen}
        rest = [cap for pool in pools for cap in pool if cap.pk not in chosen_ids]
        wanted = min(rng.randint(3, 8), len(rest) + len(chosen))
        return chosen + rng.sample(rest, max(0, wanted - len(chosen)))

    def _sectors(self, clusters: Sequence[Cluster]) -> list[Sector]:
        rng = self.rng
        likely = self._options(clusters).sectors
        chosen = rng.sample(likely, min(len(likely), rng.randint(1, 3)))
        if rng.random() < 0.35:
            chosen_ids = {sector.pk for sector in chosen}
            others = [s for s in self.taxonomy.sectors.values() if s.pk not in chosen_ids]
            chosen += [rng.choice(others)] if others else []
        return chosen

    def _certifications(self, clusters: Sequence[Cluster]) -> list[CertificationPlan]:
        rng = self.rng
        known = self._options(clusters).certifications
        count = min(len(known), rng.choices((0, 1, 2, 3), weights=(20, 35, 30, 15))[0])
        return [self._certificate(cert) for cert in rng.sample(known, count)]

    def _certificate(self, certification: Certification) -> CertificationPlan:
        rng = self.rng
        roll = rng.random()
        yearly = bool(certification.valid_for_months)  # reissued every year: always dated
        valid_until: datetime.date | None
        if roll < 0.6:
            valid_until = _date_between(rng, RENEWED_WITHIN if yearly else CURRENT_BETWEEN)
        elif roll < 0.85:
            valid_until = _date_between(rng, EXPIRED_BETWEEN)
        else:
            valid_until = (
                RENEWED_WITHIN[0] + datetime.timedelta(days=int(roll * 300)) if yearly else None
            )
        initials = "".join(part[0] for part in certification.slug.split("-")).upper()
        return CertificationPlan(
            certification=certification,
            certificate_number=f"{initials}-{rng.randrange(10**5, 10**6)}",
            issuer=rng.choice(bank.CERTIFICATION_ISSUERS),
            valid_until=valid_until,
        )

    def _frameworks(self, clusters: Sequence[Cluster]) -> list[FrameworkPlan]:
        rng = self.rng
        lots = self._options(clusters).lots
        count = min(len(lots), rng.choices((0, 1, 2), weights=(45, 35, 20))[0])
        plans = []
        for framework, lot in rng.sample(lots, count):
            roll = rng.random()
            valid_until = (
                _date_between(rng, FRAMEWORK_CURRENT_BETWEEN)
                if roll < 0.85
                else _date_between(rng, EXPIRED_BETWEEN)
                if roll < 0.95
                else None
            )
            plans.append(FrameworkPlan(framework, lot, valid_until))
        return plans

    def _case_studies(self, plan: CompanyPlan) -> list[CaseStudyPlan]:
        rng = self.rng
        count = rng.choices((0, 1, 2, 3), weights=(20, 35, 30, 15))[0]
        return [self._case_study(plan) for _ in range(count)]

    def _case_study(self, plan: CompanyPlan) -> CaseStudyPlan:
        rng = self.rng
        capability = rng.choice(plan.capabilities)
        cluster = next(c for c in plan.clusters if c.pk == capability.cluster_id)
        story, client, public = self._story(cluster, capability)
        phrase = self.phrases[capability.pk]
        title = rng.choice(bank.CASE_TITLES).format(
            capability=phrase,
            Capability=upper_first(phrase),
            client=lower_first(client),
            years=rng.randint(2, 6),
        )
        summary = (
            f"{client} {story.challenge}. We delivered {phrase} {rng.choice(bank.METHODS)}. "
            f"{story.outcome}"
        )
        first_year = max(2018, int(str(plan.values["founded_year"])))
        year = rng.randint(min(first_year, ANCHOR.year), ANCHOR.year)
        return CaseStudyPlan(upper_first(title), client, summary, year, public)

    def _story(self, cluster: Cluster, capability: Capability) -> tuple[bank.Story, str, bool]:
        """A plot that fits the capability, and a client that fits the plot."""
        rng = self.rng
        stories = bank.STORIES.get(cluster.slug, ())
        fitting = [s for s in stories if capability.slug in s.capabilities] or [bank.GENERIC_STORY]
        story = rng.choice(fitting)
        if story.clients:
            return story, rng.choice(story.clients), True
        public = rng.random() < 0.65
        clients = (bank.PUBLIC_CLIENTS if public else bank.PRIVATE_CLIENTS).get(
            cluster.slug, bank.GENERIC_CLIENTS
        )
        return story, rng.choice(clients), public

    # How it describes itself

    def _summary(self, plan: CompanyPlan, town: str, band: str) -> str:
        rng = self.rng
        cluster = plan.clusters[0]
        phrases = [self.phrases[c.pk] for c in plan.capabilities[: rng.randint(2, 3)]]
        audience = rng.choice(bank.AUDIENCES.get(cluster.slug, bank.GENERIC_AUDIENCES))
        for template in rng.sample(bank.SUMMARY_TEMPLATES, len(bank.SUMMARY_TEMPLATES)):
            summary = template.format(
                town=town,
                capabilities=join_words(phrases),
                Capabilities=upper_first(join_words(phrases)),
                audience=audience,
                size=bank.SIZE_WORDS[band],
                Size=upper_first(bank.SIZE_WORDS[band]),
                cluster=bank.CLUSTER_NOUNS.get(cluster.slug, lower_first(cluster.name)),
                scope=rng.choice(bank.SCOPES),
            )
            if len(summary) <= SUMMARY_LIMIT:
                return summary
        return summary[: SUMMARY_LIMIT - 1].rsplit(" ", 1)[0] + "."

    def _description(self, plan: CompanyPlan, short: str, town: str, band: str) -> str:
        paragraphs = [
            self._introduction(plan, short, town, band),
            self._services(plan),
            self._approach(plan),
            self._clients(plan),
        ]
        current = [
            f for f in plan.frameworks if f.valid_until is None or f.valid_until > ANCHOR.date()
        ]
        if current:
            routes = [f"{f.framework.name} ({f.lot.split(':')[0]})" for f in current]
            paragraphs.append(
                f"Public buyers can call off our services through {join_words(routes)}."
            )
        return "\n\n".join(paragraphs)

    def _introduction(self, plan: CompanyPlan, short: str, town: str, band: str) -> str:
        rng = self.rng
        cluster = plan.clusters[0]
        _, low, high = bank.BAND_PROFILES[band]
        count = rng.randint(low, high)
        headcount = str(count) if count < 50 else f"around {round(count, -1):,}"
        return rng.choice(bank.INTRODUCTIONS).format(
            name=plan.values["name"],
            short=short,
            town=town,
            founded=plan.values["founded_year"],
            headcount=headcount,
            mission=rng.choice(bank.MISSIONS.get(cluster.slug, bank.GENERIC_MISSIONS)),
            audience=rng.choice(bank.AUDIENCES.get(cluster.slug, bank.GENERIC_AUDIENCES)),
        )

    def _services(self, plan: CompanyPlan) -> str:
        rng = self.rng
        phrases = join_words([self.phrases[c.pk] for c in plan.capabilities])
        pitched = rng.sample(plan.capabilities, min(2, len(plan.capabilities)))
        pitches = [
            rng.choice(bank.CAPABILITY_PITCHES.get(cap.slug, (cap.description,))) for cap in pitched
        ]
        return " ".join([f"Our services cover {phrases}.", *pitches])

    def _approach(self, plan: CompanyPlan) -> str:
        rng = self.rng
        approaches = bank.APPROACHES.get(plan.clusters[0].slug, bank.GENERIC_APPROACHES)
        sentences = [*rng.sample(approaches, 2), rng.choice(bank.GENERIC_APPROACHES)]
        return " ".join(sentences)

    def _clients(self, plan: CompanyPlan) -> str:
        values = plan.values
        areas = [bank.SECTOR_PHRASES.get(s.slug, lower_first(s.name)) for s in plan.sectors]
        sentences = [f"Most of our work is in {join_words(areas)}."]
        pledges = [text for flag, text in bank.COMMITMENT_CLAUSES if values[flag]]
        if pledges:
            sentences.append(f"We {join_words(pledges)}.")
        if values["supported_business"]:
            sentences.append(bank.SUPPORTED_BUSINESS_SENTENCE)
        return " ".join(sentences)


# The demo set ----------------------------------------------------------------------------------


def _deck[T](
    rng: random.Random, cards: Sequence[T], size: int, weights: Sequence[int] | None = None
) -> list[T]:
    """Every card at least once (as far as ``size`` allows), the rest drawn by weight, shuffled."""
    deck = list(cards[:size])
    if len(deck) < size:
        deck += rng.choices(cards, weights=weights, k=size - len(deck))
    rng.shuffle(deck)
    return deck


def _spread(counts: dict[str, int]) -> list[str]:
    """{"a": 2, "b": 1} -> ["a", "a", "b"]."""
    return [value for value, n in counts.items() for _ in range(n)]


def demo_plans(taxonomy: Taxonomy, count: int = DEMO_COMPANY_COUNT) -> list[CompanyPlan]:
    """The demo companies: every cluster, region and size band is represented."""
    rng = random.Random(DEMO_SEED)  # noqa: S311
    composer = Composer(taxonomy, rng, number_range=(900_000, 1_000_000))
    clusters = taxonomy.clusters
    primaries = _deck(rng, clusters * (count // len(clusters) + 1), count)
    regions = _deck(
        rng, taxonomy.regions, count, [bank.REGION_WEIGHTS.get(r.slug, 2) for r in taxonomy.regions]
    )
    bands = _deck(rng, _spread(bank.DEMO_BAND_COUNTS), count)
    statuses = _deck(rng, _spread(bank.DEMO_STATUS_COUNTS), count)
    plans = []
    for index in range(count):
        chosen = [primaries[index]]
        if index % 4 == 1 and len(clusters) > 1:  # a quarter work in two clusters
            chosen.append(rng.choice([c for c in clusters if c != chosen[0]]))
        choice = Choices(tuple(chosen), regions[index], bands[index], statuses[index])
        plans.append(composer.compose(choice, unique_name=True))
    return plans

"""Composing fictional member companies from a seeded random stream and the taxonomy.

``Composer`` draws company plans from a ``random.Random`` and the taxonomy in the database;
``members.demo.seed`` saves about sixty of them through the services (so history and search are
kept exactly as for a real edit), ``members.demo.bulk`` bulk-inserts any number for benchmarks.

Randomness here makes fictional data, not secrets, hence the ``noqa: S311`` markers.
"""

from __future__ import annotations

import calendar
import datetime
import functools
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.utils.text import slugify

from clusters.models import Capability, Certification, Cluster, Framework, Region, Sector
from clusters.taxonomy import load_taxonomy
from members.demo import words as bank

DEMO_SEED = 152  # a draw whose companies cover every judged search in bench/relevance.json
DEMO_COMPANY_COUNT = 60
# Dates are fixed rather than taken from today, so that loading the demo twice changes nothing.
ANCHOR = datetime.datetime(2026, 11, 1, 9, 30, tzinfo=datetime.UTC)
EXPIRED_BETWEEN = (datetime.date(2023, 3, 1), datetime.date(2025, 9, 30))  # framework places
FRAMEWORK_CURRENT_BETWEEN = (datetime.date(2027, 6, 30), datetime.date(2030, 3, 31))
# Of the certificates: how many have lapsed, how many run out within EXPIRING_WITHIN days of the
# anchor (what the admin flags for renewal), and how many without a date leave it out.
CERTIFICATE_LAPSED, CERTIFICATE_EXPIRING, CERTIFICATE_UNDATED = 0.15, 0.12, 0.12
EXPIRING_WITHIN = (30, 60)
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


def fit_chance(fits: Sequence[bank.Fit], clusters: set[str], capabilities: set[str]) -> float:
    """The likeliest of the fits that apply to a company with these clusters and capabilities."""
    chances = [
        fit.chance
        for fit in fits
        if (not fit.clusters and not fit.capabilities)
        or not clusters.isdisjoint(fit.clusters)
        or not capabilities.isdisjoint(fit.capabilities)
    ]
    return max(chances, default=0.0)


def capability_neighbours() -> dict[str, set[str]]:
    """Capability slug -> the capabilities that share a case-study plot with it (services that
    go together: penetration testing with vulnerability management, not with OT security)."""
    neighbours: dict[str, set[str]] = {}
    for stories in bank.STORIES.values():
        for story in stories:
            for slug in story.capabilities:
                neighbours.setdefault(slug, set()).update(story.capabilities)
    for slug, near in neighbours.items():
        near.discard(slug)
    return neighbours


@functools.cache
def lifetime_days(months: int) -> int:
    """Days from the anchor to the expiry of a certificate issued then for ``months``."""
    return (expires_after(ANCHOR.date(), months) - ANCHOR.date()).days


def expires_after(issued: datetime.date, months: int) -> datetime.date:
    """The day before the same date ``months`` later: a certificate issued on 2 March 2026 for a
    year is valid until 1 March 2027."""
    month_index = issued.month - 1 + months
    year, month = issued.year + month_index // 12, month_index % 12 + 1
    day = min(issued.day, calendar.monthrange(year, month)[1])
    return datetime.date(year, month, day) - datetime.timedelta(days=1)


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
        self.phrases = {
            cap.pk: capability_phrase(cap)
            for caps in taxonomy.capabilities.values()
            for cap in caps
        }
        self.neighbours = capability_neighbours()
        self.by_slug = {c.slug: c for c in taxonomy.clusters}

    def compose(
        self, choices: Choices | None = None, *, slug_prefix: str = "", unique_name: bool = False
    ) -> CompanyPlan:
        rng = self.rng
        choices = choices or Choices()
        clusters = list(choices.clusters) or self._clusters()
        band = choices.band or _weighted(rng, {k: v[0] for k, v in bank.BAND_PROFILES.items()})
        region = choices.region or rng.choices(self.taxonomy.regions, self.region_weights)[0]
        places = bank.REGION_PLACES.get(region.slug, bank.FALLBACK_PLACES)
        # The first place is the region's city, where most of its companies are.
        place = rng.choices(places, [bank.CITY_WEIGHT, *[1] * (len(places) - 1)])[0]
        capabilities = self._capabilities(clusters)
        short = self._short_name(clusters[0], capabilities, unique=unique_name)
        plan = CompanyPlan(
            values={},
            clusters=clusters,
            capabilities=capabilities,
            sectors=self._sectors(clusters, capabilities),
        )
        plan.values = self._identity(short, band, region, place, slug_prefix)
        plan.values["status"] = choices.status or _weighted(rng, bank.STATUS_WEIGHTS)
        plan.values.update(self._commitments_and_dates())
        plan.certifications = self._certifications(plan)
        plan.frameworks = self._frameworks(plan)
        plan.case_studies = self._case_studies(plan)
        plan.values["summary"] = self._summary(plan, place.town, band)
        plan.values["description"] = self._description(plan, short, place.town, band)
        return plan

    # Who the company is

    def _clusters(self) -> list[Cluster]:
        primary = self.rng.choice(self.taxonomy.clusters)
        if len(self.taxonomy.clusters) > 1 and self.rng.random() < 0.25:
            return [primary, self.second_cluster(primary)]
        return [primary]

    def second_cluster(self, primary: Cluster) -> Cluster:
        """A cluster that a company in ``primary`` plausibly works in too."""
        others = [c for c in self.taxonomy.clusters if c != primary]
        near = [
            self.by_slug[slug]
            for slug in bank.CLUSTER_NEIGHBOURS.get(primary.slug, ())
            if slug in self.by_slug
        ]
        return self.rng.choice(near or others)

    def _short_name(
        self, cluster: Cluster, capabilities: Sequence[Capability], *, unique: bool
    ) -> str:
        rng = self.rng
        words = list(bank.CLUSTER_NAME_WORDS.get(cluster.slug, bank.GENERIC_NAME_WORDS))
        for capability in capabilities:
            if capability.cluster_id == cluster.pk:
                words += bank.CAPABILITY_NAME_WORDS.get(capability.slug, ())
        while True:
            head = rng.choice(bank.NAME_HEADS) + rng.choice(bank.NAME_TAILS)
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
        suffix = rng.choice(bank.LEGAL_SUFFIXES)
        if short.endswith(" Labs") and suffix.startswith("Labs "):
            suffix = suffix.removeprefix("Labs ")  # not "Data Labs Labs Ltd"
        name = f"{short} {suffix}"
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

    def _capabilities(self, clusters: Sequence[Cluster]) -> list[Capability]:
        """A handful of related services in the main cluster, and one or two in a second."""
        rng = self.rng
        primary, *others = clusters
        wanted = rng.choices((3, 4, 5, 6, 7), weights=(25, 30, 25, 12, 8))[0]
        extra = [rng.randint(1, 2) for _ in others]
        chosen = self._related(self.taxonomy.capabilities[primary.pk], max(2, wanted - sum(extra)))
        for cluster, count in zip(others, extra, strict=True):
            pool = self.taxonomy.capabilities[cluster.pk]
            bridging = bank.BRIDGING_CAPABILITIES.get((primary.slug, cluster.slug), ())
            near = [c for c in pool if c.slug in bridging]
            chosen += self._related(near if len(near) >= count else pool, count)
        return chosen

    def _related(self, pool: Sequence[Capability], count: int) -> list[Capability]:
        """``count`` capabilities of the pool, each likely to go with one already chosen."""
        rng = self.rng
        chosen = [rng.choice(pool)]
        taken = {chosen[0].slug}
        near = set(self.neighbours.get(chosen[0].slug, ()))
        while len(chosen) < min(count, len(pool)):
            rest = [c for c in pool if c.slug not in taken]
            related = [c for c in rest if c.slug in near]
            pick = rng.choice(related if related and rng.random() < 0.7 else rest)
            chosen.append(pick)
            taken.add(pick.slug)
            near.update(self.neighbours.get(pick.slug, ()))
        return chosen

    def _sectors(
        self, clusters: Sequence[Cluster], capabilities: Sequence[Capability]
    ) -> list[Sector]:
        """The sectors its services imply, then its clusters' usual ones, now and then another."""
        rng = self.rng
        known = self.taxonomy.sectors
        implied = list(
            dict.fromkeys(s for c in capabilities for s in bank.CAPABILITY_SECTORS.get(c.slug, ()))
        )
        slugs = rng.sample(implied, min(2, len(implied)))
        likely = [
            s
            for c in clusters
            for s in bank.CLUSTER_SECTORS.get(c.slug, ())
            if s not in slugs and s in known
        ]
        wanted = rng.randint(1, 3)
        slugs += rng.sample(likely, max(0, min(len(likely), wanted - len(slugs))))
        if rng.random() < 0.15:
            others = [s for s in known if s not in slugs]
            slugs += [rng.choice(others)] if others else []
        return [known[s] for s in dict.fromkeys(slugs) if s in known]

    def _certifications(self, plan: CompanyPlan) -> list[CertificationPlan]:
        """The certificates that fit what the company does (PCI DSS for taking card payments)."""
        rng = self.rng
        clusters = {c.slug for c in plan.clusters}
        capabilities = {c.slug for c in plan.capabilities}
        held: list[Certification] = []
        for slug, fits in bank.CERTIFICATION_FITS.items():
            chance = fit_chance(fits, clusters, capabilities)
            if chance and rng.random() < chance and slug in self.taxonomy.certifications:
                held.append(self.taxonomy.certifications[slug])
        if any(c.slug == "cyber-essentials-plus" for c in held):
            held = [c for c in held if c.slug != "cyber-essentials"]  # Plus includes it
        return [self._certificate(certification) for certification in held]

    def _certificate(self, certification: Certification) -> CertificationPlan:
        """A certificate issued at most its lifetime (a year, three for ISO) before it expires;
        some lapsed, some due for renewal within sixty days of the anchor, some undated."""
        rng = self.rng
        yearly = bool(certification.valid_for_months)  # the taxonomy says it expires: dated
        months = certification.valid_for_months or bank.CERTIFICATE_MONTHS.get(
            certification.slug, bank.DEFAULT_CERTIFICATE_MONTHS
        )
        today = ANCHOR.date()
        lifetime = lifetime_days(months)
        roll = rng.random()
        valid_until: datetime.date | None
        if roll < CERTIFICATE_LAPSED:
            valid_until = today - datetime.timedelta(days=rng.randint(1, lifetime))
        elif roll < CERTIFICATE_LAPSED + CERTIFICATE_EXPIRING:
            valid_until = today + datetime.timedelta(days=rng.randint(*EXPIRING_WITHIN))
        elif roll < CERTIFICATE_LAPSED + CERTIFICATE_EXPIRING + CERTIFICATE_UNDATED and not yearly:
            valid_until = None
        else:
            valid_until = today + datetime.timedelta(days=rng.randint(EXPIRING_WITHIN[1], lifetime))
        initials = "".join(part[0] for part in certification.slug.split("-")).upper()
        return CertificationPlan(
            certification=certification,
            certificate_number=f"{initials}-{rng.randrange(10**5, 10**6)}",
            issuer=rng.choice(bank.CERTIFICATION_ISSUERS),
            valid_until=valid_until,
        )

    def _frameworks(self, plan: CompanyPlan) -> list[FrameworkPlan]:
        """Places on lots that buy what the company offers, for the sectors it serves."""
        rng = self.rng
        capabilities = {c.slug for c in plan.capabilities}
        sectors = {s.slug for s in plan.sectors}
        lots = [
            lot
            for lot in bank.FRAMEWORK_LOTS
            if lot.framework in self.taxonomy.frameworks
            and not capabilities.isdisjoint(lot.capabilities)
            and (not lot.sectors or not sectors.isdisjoint(lot.sectors))
        ]
        count = min(len(lots), rng.choices((0, 1, 2), weights=(40, 35, 25))[0])
        plans = []
        for lot in rng.sample(lots, count):
            roll = rng.random()
            valid_until = (
                _date_between(rng, FRAMEWORK_CURRENT_BETWEEN)
                if roll < 0.85
                else _date_between(rng, EXPIRED_BETWEEN)
                if roll < 0.95
                else None
            )
            plans.append(
                FrameworkPlan(self.taxonomy.frameworks[lot.framework], lot.name, valid_until)
            )
        return plans

    def _case_studies(self, plan: CompanyPlan) -> list[CaseStudyPlan]:
        rng = self.rng
        count = rng.choices((0, 1, 2, 3), weights=(20, 35, 30, 15))[0]
        return [self._case_study(plan) for _ in range(count)]

    def _case_study(self, plan: CompanyPlan) -> CaseStudyPlan:
        rng = self.rng
        capability = rng.choice(plan.capabilities)
        cluster = next(c for c in plan.clusters if c.pk == capability.cluster_id)
        story, client, public = self._story(cluster, capability, plan.sectors)
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

    def _story(
        self, cluster: Cluster, capability: Capability, sectors: Sequence[Sector]
    ) -> tuple[bank.Story, str, bool]:
        """A plot that fits the capability, and a client that fits the plot and the sectors."""
        rng = self.rng
        stories = bank.STORIES.get(cluster.slug, ())
        fitting = [s for s in stories if capability.slug in s.capabilities] or [bank.GENERIC_STORY]
        story = rng.choice(fitting)
        if story.clients:
            return story, rng.choice(story.clients), True
        public = rng.random() < 0.65
        if not public:
            return (
                story,
                rng.choice(bank.PRIVATE_CLIENTS.get(cluster.slug, bank.GENERIC_CLIENTS)),
                False,
            )
        clients = bank.PUBLIC_CLIENTS.get(cluster.slug, ())
        served = {s.slug for s in sectors}
        in_sectors = [name for name, sector in clients if sector in served]
        return (
            story,
            rng.choice(in_sectors or [n for n, _ in clients] or bank.GENERIC_CLIENTS),
            True,
        )

    # How it describes itself

    def _summary(self, plan: CompanyPlan, town: str, band: str) -> str:
        rng = self.rng
        cluster = plan.clusters[0]
        phrases = [self.phrases[c.pk] for c in plan.capabilities[: rng.randint(2, 3)]]
        audience = self._audience(plan)
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
        held = [
            bank.CERTIFICATE_PHRASES.get(c.certification.slug, c.certification.name)
            for c in plan.certifications
            if c.valid_until is None or c.valid_until > ANCHOR.date()
        ]
        if held and self.rng.random() < 0.4:  # many members leave their certificates to the list
            paragraphs.append(f"We hold {join_words(held)}.")
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
            audience=self._audience(plan),
        )

    def _audience(self, plan: CompanyPlan) -> str:
        """Who it works for, in words that agree with the sectors it serves."""
        audiences = bank.AUDIENCES.get(plan.clusters[0].slug, bank.GENERIC_AUDIENCES)
        served = {s.slug for s in plan.sectors}
        fitting = [a for a in audiences if not a.sectors or served.intersection(a.sectors)]
        return self.rng.choice(fitting or audiences).text

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
            chosen.append(composer.second_cluster(chosen[0]))
        choice = Choices(tuple(chosen), regions[index], bands[index], statuses[index])
        plans.append(composer.compose(choice, unique_name=True))
    return plans

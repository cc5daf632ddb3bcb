"""Member companies, their profile parts, and who may edit them."""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import (
    MaxValueValidator,
    MinValueValidator,
    RegexValidator,
    URLValidator,
)
from django.db import models
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from clusters.models import Capability, Certification, Cluster, Framework, Region, Sector

COMPANIES_HOUSE_PATTERN = r"^([0-9]{8}|(SC|NI|OC|SO|NC|LP|SL|FC|SF|NL|R0|IP|SP|RC|SR|ZC)[0-9]{6})$"

companies_house_validator = RegexValidator(
    COMPANIES_HOUSE_PATTERN,
    message=(
        "Enter a Companies House number: eight digits (01234567) or two capital letters "
        "and six digits (SC123456)."
    ),
)


class CompanyHistory(HistoricalRecords):
    """History of a company with its clusters, capabilities and sectors, one record per change.

    members.services writes the record itself, once per logical change (``record``), and hands over
    the link rows it has just read or written, so the snapshot of the many-to-many fields costs
    one insert per field and no reads. Its saves set ``skip_history_when_saving``, so
    simple-history's own receivers stay out of the way.
    """

    def record(self, instance: Company, history_type: str, links: LinkRows) -> None:
        instance._history_links = links  # type: ignore[attr-defined]
        try:
            self.create_historical_record(instance, history_type)
        finally:
            del instance._history_links  # type: ignore[attr-defined]

    def create_historical_record_m2ms(self, history_instance: models.Model, instance: Any) -> None:
        links: LinkRows | None = getattr(instance, "_history_links", None)
        if links is None:  # a save outside members.services: simple-history reads the links
            super().create_historical_record_m2ms(history_instance, instance)
            return
        for field in history_instance._history_m2m_fields:  # type: ignore[attr-defined]
            model = self.m2m_models[field]
            target = f"{field.m2m_reverse_field_name()}_id"
            rows = [
                model(history=history_instance, company=instance, id=link_id, **{target: pk})
                for link_id, pk in links.get(field.name, [])
            ]
            if rows:
                model.objects.bulk_create(rows)


# The link rows of a company's many-to-many fields: field name -> [(link row id, target id)].
LinkRows = dict[str, list[tuple[int, int]]]
# reminder_sent_at is bookkeeping of the reminder command, not a change to the profile.
COMPANY_HISTORY = CompanyHistory(
    m2m_fields=["clusters", "capabilities", "sectors"], excluded_fields=["reminder_sent_at"]
)

# A profile that staff have not verified for this long is shown as due for review.
VERIFICATION_FRESH_FOR = datetime.timedelta(days=365)
# Certificates expiring within this many days are flagged to members and staff.
EXPIRY_WARNING_DAYS = 60


def verification_is_stale(last_verified_at: datetime.datetime | None) -> bool:
    """Never verified, or verified longer ago than VERIFICATION_FRESH_FOR."""
    if last_verified_at is None:
        return True
    return timezone.now() - last_verified_at > VERIFICATION_FRESH_FOR


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: object) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in: staff of the industry body, or someone at a member company."""

    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=150, blank=True)
    is_staff = models.BooleanField(default=False, help_text="Can sign in to the curation admin.")
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class CompanyQuerySet(models.QuerySet):
    def published(self) -> CompanyQuerySet:
        return self.filter(status=Company.Status.PUBLISHED)

    def in_cluster(self, cluster: Cluster) -> CompanyQuerySet:
        return self.filter(clusters=cluster)

    def editable_by(self, user: AbstractBaseUser) -> CompanyQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user)

    def not_verified_since(self, when: datetime.datetime) -> CompanyQuerySet:
        """Never verified by staff, or last verified before ``when``."""
        return self.filter(Q(last_verified_at__isnull=True) | Q(last_verified_at__lt=when))

    def stale(self) -> CompanyQuerySet:
        """Due for staff review: not verified within VERIFICATION_FRESH_FOR."""
        return self.not_verified_since(timezone.now() - VERIFICATION_FRESH_FOR)

    def changed_by_member_since_review(self) -> CompanyQuerySet:
        """A member saved a change that staff have not reviewed yet."""
        return self.filter(member_changed_at__isnull=False).filter(
            Q(reviewed_at__isnull=True) | Q(reviewed_at__lt=models.F("member_changed_at"))
        )

    def without_capabilities(self) -> CompanyQuerySet:
        return self.filter(capabilities__isnull=True)

    def with_certificates_expiring(self, days: int = EXPIRY_WARNING_DAYS) -> CompanyQuerySet:
        """Holding a certificate already expired or expiring within ``days`` (each once)."""
        until = timezone.localdate() + datetime.timedelta(days=days)
        return self.filter(
            pk__in=CompanyCertification.objects.filter(valid_until__lte=until).values("company_id")
        )

    def with_card_data(self) -> CompanyQuerySet:
        """What a result card shows, in a fixed number of queries however many rows.

        Only active taxonomy entries: deactivated ones are kept for history, not shown."""
        today = timezone.localdate()
        return self.select_related("region").prefetch_related(
            Prefetch("clusters", queryset=Cluster.objects.active()),
            Prefetch(
                "capabilities", queryset=Capability.objects.active().select_related("cluster")
            ),
            Prefetch(
                "certifications",
                queryset=CompanyCertification.objects.current(today)
                .filter(certification__is_active=True)
                .select_related("certification"),
                to_attr="current_certifications",
            ),
            Prefetch(
                "frameworks",
                queryset=CompanyFramework.objects.current(today)
                .filter(framework__is_active=True)
                .select_related("framework"),
                to_attr="current_frameworks",
            ),
        )

    def with_profile_data(self) -> CompanyQuerySet:
        """What a profile (or a shortlist) shows: the card data, sectors and case studies."""
        return self.with_card_data().prefetch_related(
            Prefetch("sectors", queryset=Sector.objects.active()), "case_studies"
        )


class CompanyStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PENDING = "pending", "Pending approval"
    PUBLISHED = "published", "Published"
    ARCHIVED = "archived", "Archived"


class EmployeeBand(models.TextChoices):
    MICRO = "1-9", "1 to 9 employees"
    SMALL = "10-49", "10 to 49 employees"
    MEDIUM = "50-249", "50 to 249 employees"
    LARGE = "250+", "250 or more employees"


class Company(models.Model):
    Status = CompanyStatus
    EmployeeBand = EmployeeBand

    SME_BANDS = (EmployeeBand.MICRO, EmployeeBand.SMALL, EmployeeBand.MEDIUM)

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    summary = models.CharField(
        max_length=300, help_text="One or two sentences, shown in search results."
    )
    description = models.TextField(blank=True)
    website = models.URLField(
        blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text="An address starting with https:// (or http://).",
    )
    contact_name = models.CharField(max_length=150, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="companies", null=True, blank=True
    )
    founded_year = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1800), MaxValueValidator(2100)],
    )
    employee_band = models.CharField(max_length=8, choices=EmployeeBand.choices)
    companies_house_number = models.CharField(
        "Companies House number",
        max_length=8,
        blank=True,
        validators=[companies_house_validator],
    )
    logo = models.ImageField(upload_to="logos/", blank=True)
    clusters = models.ManyToManyField(Cluster, related_name="companies")
    capabilities = models.ManyToManyField(Capability, related_name="companies", blank=True)
    sectors = models.ManyToManyField(Sector, related_name="companies", blank=True)
    pays_real_living_wage = models.BooleanField("Real Living Wage employer", default=False)
    fair_work_first = models.BooleanField("Fair Work First", default=False)
    scottish_business_pledge = models.BooleanField("Scottish Business Pledge", default=False)
    supported_business = models.BooleanField("Supported business", default=False)
    last_verified_at = models.DateTimeField(
        null=True, blank=True, help_text="When staff last checked this profile."
    )
    last_verified_by = models.ForeignKey(
        "User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The staff member who last verified this profile.",
    )
    last_confirmed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the member last confirmed it is current."
    )
    member_changed_at = models.DateTimeField(
        "last changed by a member",
        null=True,
        blank=True,
        help_text="When someone at the company last saved a change in the member area.",
    )
    reviewed_at = models.DateTimeField(
        "last reviewed",
        null=True,
        blank=True,
        help_text="When staff last reviewed the member's changes.",
    )
    reminder_sent_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When send_profile_reminders last emailed the owners (at most every 30 days).",
    )
    applicant_email = models.EmailField(
        blank=True, help_text="Who applied to be listed: invited as owner when staff approve."
    )
    possible_duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="A listed company this application may repeat (same number or a similar name).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CompanyQuerySet.as_manager()
    history = COMPANY_HISTORY

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "companies"
        indexes = [
            models.Index(fields=["status", "name"]),
            models.Index(fields=["status", "-updated_at"]),
            models.Index(fields=["employee_band"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(employee_band__in=EmployeeBand.values),
                name="company_employee_band_valid",
                violation_error_message="Choose an employee band.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=CompanyStatus.values),
                name="company_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(companies_house_number="")
                | Q(companies_house_number__regex=COMPANIES_HOUSE_PATTERN),
                name="company_companies_house_number_format",
                violation_error_message=companies_house_validator.message,
            ),
            models.UniqueConstraint(
                fields=["companies_house_number"],
                condition=~Q(companies_house_number=""),
                name="company_companies_house_number_unique",
                violation_error_message="Another company already has this Companies House number.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.companies_house_number = self.companies_house_number.strip().upper()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("members:company_detail", kwargs={"slug": self.slug})

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_sme(self) -> bool:
        return self.employee_band in self.SME_BANDS

    @property
    def commitments(self) -> list[str]:
        """The labels of the fair-work commitments this company has made."""
        return [
            str(field_label(Company, name))
            for name in COMMITMENT_FIELDS.values()
            if getattr(self, name)
        ]

    @property
    def verification_is_stale(self) -> bool:
        return verification_is_stale(self.last_verified_at)

    @staticmethod
    def capabilities_outside(
        clusters: Iterable[Cluster], capabilities: Iterable[Capability]
    ) -> list[Capability]:
        cluster_ids = {cluster.pk for cluster in clusters}
        return [cap for cap in capabilities if cap.cluster_id not in cluster_ids]

    @classmethod
    def validate_capabilities(
        cls, clusters: Iterable[Cluster], capabilities: Iterable[Capability]
    ) -> None:
        """Raise a clear error when a capability lies outside the company's clusters."""
        outside = cls.capabilities_outside(clusters, capabilities)
        if outside:
            names = ", ".join(f"{cap.name} ({cap.cluster})" for cap in outside)
            raise ValidationError(
                {
                    "capabilities": (
                        f"These capabilities belong to clusters the company is not in: {names}. "
                        "Add the cluster or remove the capability."
                    )
                },
                code="capability_outside_clusters",
            )


def field_label(model: type[models.Model], name: str) -> str:
    """A concrete field's verbose name."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{model.__name__}.{name} is not a field of its own")
    return str(field.verbose_name)


# Commitment slug (as used in search URLs) -> boolean field on Company.
COMMITMENT_FIELDS = {
    "real-living-wage": "pays_real_living_wage",
    "fair-work-first": "fair_work_first",
    "scottish-business-pledge": "scottish_business_pledge",
    "supported-business": "supported_business",
}


class CurrentQuerySet(models.QuerySet):
    def current(self, today: datetime.date | None = None) -> CurrentQuerySet:
        today = today or timezone.localdate()
        return self.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))


class CompanyCertification(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="certifications")
    certification = models.ForeignKey(
        Certification, on_delete=models.PROTECT, related_name="holders"
    )
    certificate_number = models.CharField(max_length=60, blank=True)
    issuer = models.CharField(max_length=120, blank=True, help_text="Certification body.")
    valid_until = models.DateField(
        null=True, blank=True, help_text="Leave empty if the certification does not expire."
    )

    objects = CurrentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["certification__position", "certification__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "certification"], name="company_certification_once"
            ),
        ]
        indexes = [models.Index(fields=["certification", "valid_until"])]

    def __str__(self) -> str:
        return f"{self.company}: {self.certification}"

    def is_current(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.valid_until is None or self.valid_until >= today

    def clean(self) -> None:
        super().clean()
        months = self.certification.valid_for_months if self.certification_id else None
        if not months:
            return
        latest = add_months(timezone.localdate(), months)
        name = self.certification.name
        if self.valid_until is None:
            raise ValidationError(
                {"valid_until": f"{name} certificates expire: enter the expiry date."}
            )
        if self.valid_until > latest:
            raise ValidationError(
                {
                    "valid_until": (
                        f"{name} certificates last at most {months} months: the expiry date "
                        f"cannot be after {latest:%-d %B %Y}."
                    )
                }
            )


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later (the month's last day when it has fewer days)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    return day.replace(year=year, month=month, day=min(day.day, last_day))


class CompanyFramework(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="frameworks")
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="suppliers")
    lot = models.CharField(max_length=120, blank=True)
    valid_until = models.DateField("expires", null=True, blank=True)

    objects = CurrentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["framework__position", "framework__name", "lot"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "framework", "lot"], name="company_framework_lot_once"
            ),
        ]
        indexes = [models.Index(fields=["framework", "valid_until"])]

    def __str__(self) -> str:
        return f"{self.company}: {self.framework}" + (f" ({self.lot})" if self.lot else "")


class CaseStudy(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="case_studies")
    title = models.CharField(max_length=200)
    client = models.CharField(max_length=200, help_text="The client, or the client's sector.")
    summary = models.TextField()
    year = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1950), MaxValueValidator(2100)]
    )
    is_public_sector = models.BooleanField("public-sector client", default=False)
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "-year", "title"]
        verbose_name_plural = "case studies"

    def __str__(self) -> str:
        return self.title


class CompanyMembership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        EDITOR = "editor", "Editor"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.EDITOR)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["company__name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["user", "company"], name="membership_once"),
            models.CheckConstraint(
                condition=Q(role__in=["owner", "editor"]), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}) at {self.company}"


class Invitation(models.Model):
    """A single-use invitation for someone to join a company's editors.

    Only a hash of the token is stored: the token itself travels in the email alone.
    """

    email = models.EmailField()
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(
        max_length=10, choices=CompanyMembership.Role.choices, default=CompanyMembership.Role.EDITOR
    )
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} to {self.company}"

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()


class SearchSynonym(models.Model):
    """A term buyers type, and what it means: expanded at query time (e.g. SOC)."""

    term = models.CharField(
        max_length=80, unique=True, help_text="What a buyer might type, e.g. SOC or pen test."
    )
    expansion = models.CharField(
        max_length=200, help_text="What it stands for, e.g. security operations centre."
    )
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["term"]

    def __str__(self) -> str:
        return f"{self.term} = {self.expansion}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.term = " ".join(self.term.lower().split())
        super().save(*args, **kwargs)


class SearchTerm(models.Model):
    """A real word from the directory, for "Did you mean" suggestions: a word of a published
    company's name, summary or case-study titles (some ``SearchDocument.terms`` holds it), or a
    ``reference`` word of the taxonomy and the synonyms. members.search.documents keeps it so."""

    term = models.CharField(max_length=80, unique=True)
    reference = models.BooleanField(
        default=False, help_text="A word of the taxonomy or the synonyms: kept without companies."
    )

    class Meta:
        ordering = ["term"]

    def __str__(self) -> str:
        return self.term


class SearchDocument(models.Model):
    """What the text search reads: one row per published company, and none for the others.

    ``text`` is everything searchable, as written: the plain backend (SQLite) matches words in it,
    and both backends show where a search matched from it. PostgreSQL also fills three vectors,
    each with a GIN index: ``document`` is everything (name A; summary, clusters and capabilities
    B; description and case studies C), ``ranking`` the A and B parts, ``name_vector`` the name;
    relevance tiers are read from them (members.search.text). On PostgreSQL the long values are
    kept out of line (migration 0005), so the rows an index scan visits stay narrow.
    ``terms`` is the spelling vocabulary's words this company gives (``SearchTerm``): a word
    leaves the vocabulary when no document holds it any more. members.search.documents keeps all
    of it current.
    """

    company = models.OneToOneField(
        Company, on_delete=models.CASCADE, primary_key=True, related_name="search_document"
    )
    text = models.TextField(blank=True, default="")
    name_vector = SearchVectorField(null=True)
    ranking = SearchVectorField(null=True)
    document = SearchVectorField(null=True)
    terms = models.TextField(
        blank=True, default="", help_text="Its vocabulary words: lower case, one space apart."
    )

    def __str__(self) -> str:
        return f"search document of company {self.company_id}"


class SearchState(models.Model):
    """One row: the directory's search version, advanced once per committed change."""

    version = models.BigIntegerField(default=0)
    expiries_followed_on = models.DateField(
        null=True,
        blank=True,
        help_text="The day search documents last dropped expired certificates and frameworks.",
    )

    def __str__(self) -> str:
        return f"search version {self.version}"


class SearchChange(models.Model):
    """A committed change that every process's facet index must follow (members.search.index).

    ``token`` tells two histories apart that reuse a version number: a restored database, or a
    test whose transaction was rolled back.
    """

    version = models.BigIntegerField(primary_key=True)
    token = models.CharField(max_length=32)
    company_ids = models.JSONField(default=list)
    taxonomy = models.BooleanField(default=False, help_text="Facet options changed too.")
    rebuild = models.BooleanField(default=False, help_text="Everything changed: rebuild.")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["version"]

    def __str__(self) -> str:
        return f"search change {self.version}"


class SharedShortlistQuerySet(models.QuerySet):
    def expired(self, now: datetime.datetime | None = None) -> SharedShortlistQuerySet:
        """Lists nobody has opened for ``SharedShortlist.KEPT_UNVISITED``: removed by
        ``manage.py clear_expired``, and answered 410 Gone until then."""
        return self.filter(
            last_visited_at__lt=(now or timezone.now()) - SharedShortlist.KEPT_UNVISITED
        )


class SharedShortlist(models.Model):
    """A buyer's shortlist frozen under a permanent link, as evidence of market research.

    Kept while somebody opens it (the page or its CSV) at least once a year; sharing the same list
    again counts as opening it.
    """

    TITLE_MAX_LENGTH = 120
    NOTE_MAX_LENGTH = 1000
    KEPT_UNVISITED = datetime.timedelta(days=365)
    # A visit is written at most this often per list: reading a list stays a read.
    VISIT_RESOLUTION = datetime.timedelta(days=1)

    key = models.CharField(max_length=32, unique=True)
    company_ids = models.JSONField(default=list)
    title = models.CharField(max_length=TITLE_MAX_LENGTH, blank=True)
    note = models.TextField(max_length=NOTE_MAX_LENGTH, blank=True)
    # What each company's listing said on the day (members.shortlist.CompanyFacts as JSON), so a
    # company that leaves the directory later is still named; empty on lists made before it.
    snapshot = models.JSONField(default=list, blank=True)
    # The same companies, title and note give the same list (and key); blank on older lists.
    fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_visited_at = models.DateTimeField(default=timezone.now, db_index=True, editable=False)

    objects = SharedShortlistQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["fingerprint"],
                condition=~Q(fingerprint=""),
                name="shared_shortlist_fingerprint_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.key

    def get_absolute_url(self) -> str:
        return reverse("shortlist:shared", kwargs={"key": self.key})

    @property
    def expires_on(self) -> datetime.date:
        return timezone.localdate(self.last_visited_at + self.KEPT_UNVISITED)

    def is_expired(self, now: datetime.datetime | None = None) -> bool:
        return self.last_visited_at < (now or timezone.now()) - self.KEPT_UNVISITED

    def visit(self, now: datetime.datetime | None = None) -> None:
        """Somebody opened the list: it is kept for another year from now."""
        now = now or timezone.now()
        if now - self.last_visited_at >= self.VISIT_RESOLUTION:
            SharedShortlist.objects.filter(pk=self.pk).update(last_visited_at=now)
            self.last_visited_at = now
